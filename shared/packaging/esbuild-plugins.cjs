/**
 * esbuild plugins of the function bundles (serverless.yml `custom.esbuild.plugins`; the bench and the
 * bundle tests load the same file). CommonJS so that serverless-esbuild can `require()` it on any Node
 * version osls runs on.
 *
 * Schema pruning (`sdkModules`): every AWS SDK v3 client keeps the schemas of all its operations in one module,
 * `dist-es/schemas/schemas_0.js` (for EC2 about 550 KB minified, most of a bundle and of its cold
 * start; aws-sdk-js-v3 issue #7607). Its declarations are plain data (`var X$ = [3, n0, _X, 0, …]`)
 * that esbuild would drop when nothing uses them, except that member keys are written as computed
 * keys naming module constants (`{ [_xN]: _it }`, `_xN = "xmlName"`), and esbuild must assume a
 * computed key may run code (a `toString`). The plugin writes each such key as the string literal its
 * constant holds — the same object, key for key — so esbuild's own tree shaking keeps exactly the
 * schemas reachable from the commands a bundle imports and from what the module itself registers
 * (error schemas). Which schemas survive is esbuild's decision, not a list kept here; a module whose
 * shape is not the one described is left as it is (bigger, still correct).
 *
 * A pruned client is held to the wire: test/integration/aws/pruned-clients.test.ts bundles the
 * adapters with these plugins and runs their requests against the loopback AWS.
 */
'use strict';

const { mkdir, readFile, stat, writeFile } = require('node:fs/promises');
const { basename, dirname, extname, join } = require('node:path');
const { createDirectImports } = require('./sdk-direct-imports.cjs');
const { entryOutputs, mergeStartupChunks, updateMetafile } = require('./startup-in-one-file.cjs');

/** `@aws-sdk/<package>/dist-es/…/schemas/schemas_<n>.js` (clients and nested clients). */
const SCHEMA_MODULE = /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/]schemas_\d+\.js$/;

/** A top-level `const _name = "literal";` (one line, double-quoted, as the SDK's code generator writes them). */
const STRING_CONSTANT = /^const (_[A-Za-z0-9_$]+) = ("(?:[^"\\\n]|\\.)*");$/gm;

/** A computed member key naming one identifier: `[_xN]:`. */
const COMPUTED_KEY = /\[(_[A-Za-z0-9_$]+)\]:/g;

/**
 * Code that could bind a name of its own (a function, class, `let`, `catch` or an arrow with
 * parameters), looked for outside string literals: a schema module has none, so each constant means
 * the same thing wherever it is named.
 */
const OWN_BINDINGS = /\b(?:function|class|let|catch)\b|[A-Za-z0-9_$]\s*=>|\(\s*[^)\s][^)]*\)\s*=>/;
const STRING_LITERALS = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;

/**
 * The module with every computed key that names a top-level string constant replaced by that string,
 * or `undefined` when the source does not have the expected shape (nothing is then changed).
 */
const inlineComputedKeys = (source) => {
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) {
    if (constants.has(name)) return undefined;
    constants.set(name, literal);
  }
  if (constants.size === 0) return undefined;
  const code = source.replace(STRING_CONSTANT, '').replace(STRING_LITERALS, '""');
  if (OWN_BINDINGS.test(code)) return undefined;
  // Never assigned again (the declarations themselves were removed above).
  for (const [, name] of code.matchAll(
    /\b(_[A-Za-z0-9_$]+)\s*(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?![=>])/g,
  )) {
    if (constants.has(name)) return undefined;
  }
  let replaced = 0;
  const output = source.replace(COMPUTED_KEY, (key, name) => {
    const literal = constants.get(name);
    if (literal === undefined) return key;
    replaced += 1;
    return `[${literal}]:`;
  });
  return replaced === 0 ? undefined : output;
};

/**
 * Where an import of an SDK module leads. A relative one inside a package's `dist-es` (no TypeScript,
 * no package.json there, so esbuild would try the same three paths) is looked up on disk, the others
 * are asked of esbuild: one round trip to its service each, which made a function's build 4 times
 * slower when every import went that way.
 */
const resolveSdkImport = async (build, specifier, resolveDir) => {
  if (specifier.startsWith('.') && /[\\/]dist-es([\\/]|$)/.test(resolveDir)) {
    const base = join(resolveDir, specifier);
    for (const candidate of [base, `${base}.js`, join(base, 'index.js')]) {
      if (await isFile(candidate)) return candidate;
    }
  }
  const result = await build.resolve(specifier, { resolveDir, kind: 'import-statement' });
  const found = result.errors.length === 0 && !result.external && result.namespace === 'file';
  return found && result.path !== '' ? result.path : undefined;
};

const isFile = (path) =>
  stat(path).then(
    (entry) => entry.isFile(),
    () => false,
  );

/** A module of an AWS SDK package (`@aws-sdk/*`, `@smithy/*`), ES module build. */
const SDK_MODULE = /[\\/]node_modules[\\/]@(?:aws-sdk|smithy)[\\/][^\\/]+[\\/]dist-es[\\/].+\.js$/;

/**
 * `sdkModules`: the SDK's modules as esbuild loads them, changed in two ways that keep the code that
 * runs the same: the schema modules' computed keys written as strings (`inlineComputedKeys`, above), and
 * imports from the SDK's index modules written as imports from the modules that declare the names
 * (sdk-direct-imports.cjs), so that code splitting leaves out of a function's start-up the SDK code only
 * its lazily loaded chunks use.
 */
/** @type {import('esbuild').Plugin} */
const sdkModules = {
  name: 'sdk-modules',
  setup(build) {
    const resolved = new Map();
    const directImports = createDirectImports((specifier, resolveDir) => {
      const key = `${specifier}\0${resolveDir}`;
      if (!resolved.has(key)) resolved.set(key, resolveSdkImport(build, specifier, resolveDir));
      return resolved.get(key);
    });
    build.onLoad({ filter: SDK_MODULE }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const pruned = SCHEMA_MODULE.test(args.path) ? inlineComputedKeys(source) : undefined;
      const contents = (await directImports(pruned ?? source, dirname(args.path))) ?? pruned;
      return contents === undefined ? undefined : { contents, loader: 'js' };
    });
  },
};

/**
 * `startupInOneFile`: with code splitting, the chunks each function's handler module imports
 * statically become one chunk file, which the handler module and the chunks loaded by `import()` import
 * instead (startup-in-one-file.cjs). A cold start then reads and links two modules instead of up to 23.
 * The plugin writes the files itself (esbuild is told not to) once they are merged, and keeps the
 * metafile in line with them.
 */
/** @type {import('esbuild').Plugin} */
const startupInOneFile = {
  name: 'startup-in-one-file',
  setup(build) {
    const options = build.initialOptions;
    if (!options.splitting || options.format !== 'esm') return;
    const write = options.write !== false;
    const keepMetafile = options.metafile === true;
    options.write = false;
    options.metafile = true;
    build.onEnd(async (result) => {
      if (result.outputFiles === undefined) return;
      if (result.errors.length === 0 && result.metafile !== undefined) {
        const workingDir = options.absWorkingDir ?? process.cwd();
        const entries = entryOutputs(result.metafile, workingDir);
        const merged = await mergeStartupChunks(result.outputFiles, options, build.esbuild.build, entries);
        if (keepMetafile) updateMetafile(result.metafile, merged, result.outputFiles, workingDir);
      }
      if (!keepMetafile) delete result.metafile;
      if (!write) return;
      for (const file of result.outputFiles) {
        await mkdir(dirname(file.path), { recursive: true });
        await writeFile(file.path, file.contents);
      }
    });
  },
};

/**
 * The folder of one entry's chunks: `on-ingress-event.ts` → `on-ingress-event.chunks/[name]-[hash]`.
 * `undefined` when the build has not exactly one entry point (nothing is then changed).
 */
const chunkNamesFor = (entryPoints) => {
  const entries = Array.isArray(entryPoints) ? entryPoints : Object.values(entryPoints ?? {});
  if (entries.length !== 1) return undefined;
  const entry = typeof entries[0] === 'string' ? entries[0] : entries[0]?.in;
  if (typeof entry !== 'string') return undefined;
  return `${basename(entry, extname(entry))}.chunks/[name]-[hash]`;
};

/**
 * `chunksBesideEntry`: with code splitting (serverless.yml `splitting: true`), each function's chunks
 * go to a folder named after its handler file, `functions/<function>.chunks/`. serverless-esbuild
 * builds every function into the same `functions/` folder and, packaging individually, leaves out of
 * a function's zip every file whose path starts with another handler's name and a dot (what it does
 * for `<handler>.js.map`): so each zip holds its own handler and its own chunks, not every function's.
 * test/template/package.test.ts holds each artifact to exactly that.
 */
/** @type {import('esbuild').Plugin} */
const chunksBesideEntry = {
  name: 'chunks-beside-entry',
  setup(build) {
    const options = build.initialOptions;
    if (!options.splitting || options.chunkNames !== undefined) return;
    const chunkNames = chunkNamesFor(options.entryPoints);
    if (chunkNames !== undefined) options.chunkNames = chunkNames;
  },
};

module.exports = [sdkModules, chunksBesideEntry, startupInOneFile];
module.exports.sdkModules = sdkModules;
module.exports.startupInOneFile = startupInOneFile;
module.exports.chunksBesideEntry = chunksBesideEntry;
module.exports.chunkNamesFor = chunkNamesFor;
module.exports.inlineComputedKeys = inlineComputedKeys;
module.exports.SCHEMA_MODULE = SCHEMA_MODULE;
