/**
 * A Vitest (Vite) plugin that hands test files the AWS adapters and SDK clients as deployed: when a
 * test file imports `shared/aws/<service>.ts` or `@aws-sdk/client-<service>`, it gets one module built
 * with esbuild and the functions' own options and plugins (serverless.yml `custom.esbuild`, schemas
 * pruned to the operations the adapter calls) holding that adapter and the client names the test
 * files import. The adapter's own imports of the repository (errors, mappers, ...) stay the shared
 * modules, so `instanceof` and the mappers are the tests' own. Used by the `wire, pruned` project of
 * vitest.config.ts: the wire contract tests run once against the stock SDK and once against this.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { build, type Plugin as EsbuildPlugin } from 'esbuild';
import type { Plugin } from 'vite';
import { loadServerlessConfig } from '../bench/serverless-config.ts';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** The adapter file of each SDK client package (one client per adapter: bundles.test.ts). */
const ADAPTERS: Readonly<Record<string, string>> = {
  'client-ec2': 'ec2',
  'client-mq': 'mq',
  'client-kms': 'kms',
  'client-config-service': 'config',
  'client-lambda': 'lambda',
  'client-sns': 'sns',
  'client-dynamodb': 'dynamodb',
  'client-securityhub': 'securityhub',
  'client-ssm': 'ssm',
};

const IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/(client-[a-z0-9-]+)'/g;

/** Value names the files import from each client package (`type` imports left out). */
const importedNames = (files: readonly string[]): Map<string, Set<string>> => {
  const names = new Map<string, Set<string>>();
  for (const file of files) {
    for (const [, typeOnly, list = '', pkg = ''] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (typeOnly) continue;
      const set = names.get(pkg) ?? new Set<string>();
      for (const item of list.split(',')) {
        const name = item.trim();
        if (name && !name.startsWith('type ')) set.add(name.split(/\s+as\s+/)[0] as string);
      }
      names.set(pkg, set);
    }
  }
  return names;
};

/** Every other module of the repository stays external: the bundle shares them with the tests. */
const repositoryExternal = (adapter: string): EsbuildPlugin => ({
  name: 'repository-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      if (!path.startsWith(join(ROOT, 'shared') + sep) || path === adapter) return undefined;
      return { path, external: true };
    });
  },
});

export const prunedAdapters = (testDir: string): Plugin => {
  const dir = join(ROOT, testDir);
  const testFiles = readdirSync(dir)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
  const names = importedNames(testFiles);
  const out = mkdtempSync(join(tmpdir(), 'mq-guardian-pruned-adapters-'));
  const builds = new Map<string, Promise<string>>();

  const bundleFor = (pkg: string): Promise<string> => {
    const cached = builds.get(pkg);
    if (cached) return cached;
    const adapter = join(ROOT, 'shared', 'aws', `${ADAPTERS[pkg]}.ts`);
    const outfile = join(out, `${pkg}.mjs`);
    const exported = [...(names.get(pkg) ?? [])];
    const entry = join(out, `${pkg}.entry.ts`);
    mkdirSync(out, { recursive: true });
    writeFileSync(
      entry,
      `export * from ${JSON.stringify(adapter)};\n${exported.length > 0 ? `export { ${exported.join(', ')} } from '@aws-sdk/${pkg}';\n` : ''}`,
    );
    const config = loadServerlessConfig(ROOT);
    const { outExtension: _outExtension, plugins = [], ...options } = config.esbuildOptions;
    const done = build({
      ...options,
      absWorkingDir: ROOT,
      nodePaths: [join(ROOT, 'node_modules')],
      entryPoints: [entry],
      // One module per adapter, its client included; the functions' chunking is the packaged test's.
      splitting: false,
      outfile,
      write: true,
      logLevel: 'silent',
      plugins: [...plugins, repositoryExternal(adapter)],
    }).then(() => outfile);
    builds.set(pkg, done);
    return done;
  };

  return {
    name: 'pruned-adapters',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!importer || !testFiles.includes(importer.split('?')[0] as string)) return null;
      const pkg = /^@aws-sdk\/(client-[a-z0-9-]+)$/.exec(source)?.[1];
      if (pkg && ADAPTERS[pkg]) return bundleFor(pkg);
      const path = resolve(dirname(importer), source);
      const adapter = /^shared\/aws\/([a-z0-9-]+)\.ts$/.exec(relative(ROOT, path).split(sep).join('/'))?.[1];
      const owner = Object.entries(ADAPTERS).find(([, name]) => name === adapter)?.[0];
      return owner ? bundleFor(owner) : null;
    },
  };
};
