/**
 * Section 1: each function's deployment bundle, built with esbuild's JS API and exactly the options
 * serverless-esbuild passes (serverless-config.ts), then attributed byte by byte to packages with the
 * metafile, so a bundle over budget shows what its bytes buy.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { BUDGETS, BUNDLE_EXCEPTIONS } from './budgets.ts';
import { kib, ROOT } from './harness.ts';
import type { ServerlessConfig, ServerlessFunction } from './serverless-config.ts';

export interface PackageShare {
  /** npm package name, `(mq-guardian)` for the repository's own code, `(esbuild)` for banner and glue. */
  readonly name: string;
  readonly bytes: number;
}

export interface BundleResult {
  readonly function: string;
  readonly entry: string;
  /** Where the handler module was written (in the bench's scratch folder), its chunks beside it. */
  readonly path: string;
  /** Every JavaScript file of the artifact: the handler module and all its chunks. */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The handler module and the chunks it imports statically: what a cold start reads and compiles. */
  readonly startupBytes: number;
  readonly files: number;
  readonly startupFiles: number;
  /** Largest contributors first. */
  readonly packages: readonly PackageShare[];
  /** The same for the start-up files only (`startupBytes`): what a cold start reads, by package. */
  readonly startupPackages: readonly PackageShare[];
  /** The @aws-sdk/client-* packages in the bundle (which SDK clients the function loads). */
  readonly sdkClients: readonly string[];
  /** Those of `sdkClients` loaded at start-up (not only through a dynamic `import()`). */
  readonly eagerSdkClients: readonly string[];
  /**
   * Packages reached only through a dynamic `import()`: chunks of their own (code splitting), read
   * and evaluated on first use, not at cold start.
   */
  readonly lazyPackages: readonly string[];
  readonly budget: BundleBudgetVerdict;
}

export interface BundleBudgetVerdict {
  readonly limitBytes: number;
  readonly status: 'pass' | 'explained' | 'fail';
  readonly explanation: string;
}

/** The package a bundled file belongs to: the last node_modules segment of its path. */
export const packageOf = (inputPath: string): string => {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(inputPath);
  if (match) return match[1] as string;
  return inputPath.startsWith('<') || inputPath.includes(':') ? '(esbuild)' : '(mq-guardian)';
};

/** The input modules a cold start evaluates: the entry and, transitively, what it imports statically. */
export const staticInputsOf = (metafile: Metafile, entry: string): Set<string> => {
  const eager = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const input = queue.pop() as string;
    if (eager.has(input)) continue;
    eager.add(input);
    for (const imported of metafile.inputs[input]?.imports ?? []) {
      if (imported.kind !== 'dynamic-import' && !imported.external) queue.push(imported.path);
    }
  }
  return eager;
};

/** Packages whose every path from the entry goes through a dynamic import(). */
const lazyPackagesOf = (metafile: Metafile, entry: string): string[] => {
  const eager = staticInputsOf(metafile, entry);
  const eagerPackages = new Set([...eager].map(packageOf));
  const all = new Set(Object.keys(metafile.inputs).map(packageOf));
  return [...all].filter((name) => !eagerPackages.has(name) && name !== '(esbuild)').sort();
};

/** The output files a cold start loads: the entry's and, transitively, those it imports statically. */
const startupOutputsOf = (metafile: Metafile, entry: string): string[] => {
  const first = Object.keys(metafile.outputs).find((path) => metafile.outputs[path]?.entryPoint === entry);
  if (first === undefined) throw new Error(`${entry}: no output file in the metafile`);
  const seen = new Set<string>();
  const queue = [first];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) {
      if (imported.kind === 'import-statement' && metafile.outputs[imported.path]) queue.push(imported.path);
    }
  }
  return [...seen];
};

/** Bytes per package of `outputs` (every output file when not given), `totalBytes` in all. */
const attribute = (metafile: Metafile, totalBytes: number, outputs?: readonly string[]): PackageShare[] => {
  const byPackage = new Map<string, number>();
  let attributed = 0;
  const files = outputs ? outputs.map((path) => metafile.outputs[path]) : Object.values(metafile.outputs);
  for (const output of files) {
    if (!output) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
      attributed += bytesInOutput;
    }
  }
  // Banner, module wrappers and the runtime helpers esbuild adds belong to no input.
  byPackage.set('(esbuild)', (byPackage.get('(esbuild)') ?? 0) + Math.max(0, totalBytes - attributed));
  return [...byPackage.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .filter((share) => share.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
};

/** The serverless-esbuild options for one entry, plus what the bench needs to see (metafile, in memory). */
export const functionBuildOptions = (
  config: ServerlessConfig,
  entry: string,
  extra: Partial<BuildOptions> = {},
): BuildOptions => ({
  ...config.esbuildOptions,
  absWorkingDir: ROOT,
  entryPoints: [entry],
  outdir: join('.esbuild', '.build', entry.slice(0, entry.lastIndexOf('/'))),
  write: false,
  metafile: true,
  logLevel: 'silent',
  ...extra,
});

const judge = (fn: string, bytes: number, packages: readonly PackageShare[]): BundleBudgetVerdict => {
  const limitBytes = BUDGETS.bundleBytes;
  if (bytes <= limitBytes) {
    return {
      limitBytes,
      status: 'pass',
      explanation: `${kib(bytes)} read at start-up ≤ ${kib(limitBytes)}`,
    };
  }
  const exception = BUNDLE_EXCEPTIONS[fn];
  const bought = exception
    ? packages.filter((p) => exception.packages.includes(p.name)).reduce((sum, p) => sum + p.bytes, 0)
    : 0;
  const rest = bytes - bought;
  const top = packages
    .slice(0, 4)
    .map((p) => `${p.name} ${kib(p.bytes)}`)
    .join(', ');
  if (exception && bought > 0 && rest <= limitBytes) {
    return {
      limitBytes,
      status: 'explained',
      explanation: `${kib(bytes)} > ${kib(limitBytes)}: ${exception.packages.join(' + ')} is ${kib(bought)} of it and buys ${exception.buys}; everything else is ${kib(rest)} (within budget)`,
    };
  }
  return {
    limitBytes,
    status: 'fail',
    explanation: exception
      ? `${kib(bytes)} > ${kib(limitBytes)} and even without ${exception.packages.join(' + ')} (${kib(bought)}) it is ${kib(rest)}; largest: ${top}`
      : `${kib(bytes)} > ${kib(limitBytes)} and no exception explains it; largest: ${top}`,
  };
};

export const buildFunctionBundle = async (
  config: ServerlessConfig,
  fn: ServerlessFunction,
  outDir: string,
): Promise<BundleResult> => {
  const options = functionBuildOptions(config, fn.entry);
  const result = await build(options);
  const metafile = result.metafile as Metafile;
  const outputs = (result.outputFiles ?? []).filter((file) => /\.(m?js|cjs)$/.test(file.path));
  const buildDir = join(ROOT, options.outdir as string);
  const startupOutputs = startupOutputsOf(metafile, fn.entry);
  const startup = new Set(startupOutputs.map((path) => join(ROOT, path)));
  const main = outputs.find((file) => metafile.outputs[relative(ROOT, file.path)]?.entryPoint === fn.entry);
  if (!main) throw new Error(`${fn.entry}: no handler module among ${outputs.map((f) => f.path).join(', ')}`);
  // The artifact's layout: the handler module with its chunk folder beside it.
  const functionDir = join(outDir, fn.name);
  for (const file of outputs) {
    const target = join(functionDir, relative(buildDir, file.path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  const path = join(functionDir, relative(buildDir, main.path));
  const bytes = outputs.reduce((sum, file) => sum + file.contents.byteLength, 0);
  const startupFiles = outputs.filter((file) => startup.has(file.path));
  const startupBytes = startupFiles.reduce((sum, file) => sum + file.contents.byteLength, 0);
  const packages = attribute(metafile, bytes);
  const sdkClients = packages.map((p) => p.name).filter((name) => name.startsWith('@aws-sdk/client-'));
  const lazyPackages = lazyPackagesOf(metafile, fn.entry);
  return {
    function: fn.name,
    entry: fn.entry,
    path,
    bytes,
    gzipBytes: outputs.reduce((sum, file) => sum + gzipSync(file.contents, { level: 9 }).byteLength, 0),
    startupBytes,
    files: outputs.length,
    startupFiles: startupFiles.length,
    packages,
    startupPackages: attribute(metafile, startupBytes, startupOutputs),
    sdkClients,
    eagerSdkClients: sdkClients.filter((name) => !lazyPackages.includes(name)),
    lazyPackages,
    budget: judge(fn.name, startupBytes, packages),
  };
};

const virtualModules = (virtual: Readonly<Record<string, string>>): Plugin => ({
  name: 'bench-virtual-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^bench:/ }, (args) => ({ path: args.path, namespace: 'bench' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'bench' }, (args) => {
      const contents = virtual[args.path.slice('bench:'.length)];
      if (contents === undefined) return { errors: [{ text: `no virtual module ${args.path}` }] };
      return { contents, loader: 'ts', resolveDir: ROOT };
    });
  },
});

/**
 * Builds `entry` (a file, or a `bench:<name>` module of `virtual`) with the functions' own options, code splitting included:
 * `outfile` is the entry module, its chunks beside it. Returns `outfile`.
 */
export const buildSplitChild = async (
  config: ServerlessConfig,
  entry: string,
  outfile: string,
  virtual: Readonly<Record<string, string>>,
): Promise<string> => {
  const { outExtension: _outExtension, ...options } = functionBuildOptions(config, entry);
  await build({
    ...options,
    outdir: dirname(outfile),
    entryPoints: { [basename(outfile).replace(/\.m?js$/, '')]: entry },
    outExtension: { '.js': '.mjs' },
    chunkNames: `${basename(outfile).replace(/\.m?js$/, '')}.chunks/[name]-[hash]`,
    write: true,
    metafile: false,
    plugins: [...(options.plugins ?? []), virtualModules(virtual)],
  });
  return outfile;
};

/**
 * Builds a bench child script with the functions' own esbuild options, so the code it runs is the
 * code deployed (minified the same way). `virtual` maps `bench:<name>` imports to generated source.
 */
export const buildChild = async (
  config: ServerlessConfig,
  entry: string,
  outfile: string,
  virtual: Readonly<Record<string, string>> = {},
): Promise<void> => {
  // Split like the deployed functions: without splitting, every adapter the functions load on first
  // use (dynamic import) would be inlined whole, its SDK client unpruned.
  await buildSplitChild(config, entry, outfile, virtual);
};
