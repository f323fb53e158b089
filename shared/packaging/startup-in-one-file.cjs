/**
 * After a build with code splitting, the chunks each entry module imports statically (what its cold
 * start loads anyway) written as one chunk file; the entry and the chunks loaded by `import()` import
 * from that file what they imported from those chunks (used by the `startupInOneFile` esbuild plugin of
 * esbuild-plugins.cjs).
 *
 * Why: Node loads every ES module file on its own (resolve, read, compile, link), about 2.3 million
 * instructions each on Node 22, and code splitting gives a function up to 23 such files at start-up
 * (docs/performance.md, "Two files at start-up"). The merged file holds the chunks' code, once, so there
 * is one instance of every module, as before. The entry stays a file of its own: no lazily loaded chunk
 * imports it, so an entry that awaits an `import()` at its top level cannot end up waiting on itself.
 *
 * Conservative: an entry is left as esbuild wrote it when a chunk it loads at start-up is also the
 * target of an `import()`, or when a file imports such a chunk in a form this step does not rewrite.
 */
'use strict';

const { createHash } = require('node:crypto');
const { dirname, join, relative, resolve: resolvePath, sep } = require('node:path');

const NAMED_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g;
const BARE_IMPORT = /import\s*"([^"]+)"/g;
const ANY_FROM =
  /(?:import|export)[^"'`;]*?from\s*"([^"]+)"|import\s*"([^"]+)"|import\s*\(\s*"([^"]+)"\s*\)/g;
/** The one `export { … }` statement esbuild writes in a chunk (not an `export … from`). */
const EXPORTS = /export\s*\{([^}]*)\}(?!\s*from)/g;

/** A short content hash for the merged chunk's name, as esbuild names its chunks. */
const digest = (text) => createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const outputFile = (path, text) => {
  const contents = encoder.encode(text);
  return {
    path,
    contents,
    hash: '',
    get text() {
      return decoder.decode(contents);
    },
  };
};

const relativeSpecifier = (fromFile, toFile) => {
  const path = relative(dirname(fromFile), toFile).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
};

/** `a as b, c` → [[a, b], [c, c]]. */
const pairs = (list) =>
  list
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const [name, alias] = item.split(/\s+as\s+/);
      return [name, alias ?? name];
    });

/** Relative specifiers a module imports: [{ path, dynamic }]. */
const importsOf = (file, text) =>
  [...text.matchAll(ANY_FROM)]
    .map(([, fromSpecifier, bareSpecifier, dynamicSpecifier]) => ({
      specifier: fromSpecifier ?? bareSpecifier ?? dynamicSpecifier,
      dynamic: dynamicSpecifier !== undefined,
    }))
    .filter(({ specifier }) => specifier.startsWith('.'))
    .map(({ specifier, dynamic }) => ({ path: resolvePath(dirname(file), specifier), dynamic }));

/**
 * The output files of the build's own entry points (not those of the modules loaded by `import()`,
 * which esbuild also reports as entry points), from its metafile.
 */
const entryOutputs = (metafile, workingDir) => {
  const lazy = new Set(
    Object.values(metafile.inputs).flatMap((input) =>
      input.imports.filter((item) => item.kind === 'dynamic-import').map((item) => item.path),
    ),
  );
  return Object.entries(metafile.outputs)
    .filter(([, output]) => output.entryPoint !== undefined && !lazy.has(output.entryPoint))
    .map(([path]) => resolvePath(workingDir, path));
};

/**
 * Rewrites `outputFiles` (esbuild's OutputFile objects, JavaScript modules of one split build) in
 * place for each of `entries` (paths of entry outputs). `bundle(options)` is esbuild's build. Returns
 * what was merged: [{ entry, chunk, startup, rewritten }].
 */
const mergeStartupChunks = async (outputFiles, options, bundle, entries) => {
  const modules = new Map(
    outputFiles.filter((file) => /\.m?js$/.test(file.path)).map((file) => [file.path, file.text]),
  );
  const imports = new Map([...modules].map(([path, text]) => [path, importsOf(path, text)]));
  const dynamicTargets = new Set();
  for (const list of imports.values()) {
    for (const { path, dynamic } of list) if (dynamic) dynamicTargets.add(path);
  }
  const merged = [];
  for (const entry of entries.filter((path) => modules.has(path))) {
    const startup = [];
    const queue = [entry];
    while (queue.length > 0) {
      const path = queue.shift();
      for (const next of imports.get(path) ?? []) {
        if (next.dynamic || !modules.has(next.path) || startup.includes(next.path)) continue;
        startup.push(next.path);
        queue.push(next.path);
      }
    }
    if (startup.length === 0 || startup.some((path) => dynamicTargets.has(path))) continue;
    const exportNames = new Map();
    const exportLists = startup.map((path) => [...modules.get(path).matchAll(EXPORTS)]);
    if (exportLists.some((lists) => lists.length > 1)) continue;
    for (const [index, path] of startup.entries()) {
      const list = exportLists[index][0]?.[1];
      exportNames.set(
        path,
        new Map(pairs(list ?? '').map(([, exported]) => [exported, `s${index}_${exported}`])),
      );
    }
    // The merged chunk sits beside the chunks it replaces, so their relative imports keep their meaning.
    const chunk = join(
      dirname(startup[0]),
      `startup-${digest(startup.map((path) => modules.get(path)).join('\n'))}.mjs`,
    );
    // Every module that imports a start-up chunk (the entry among them) must be rewritable, or the
    // entry stays split.
    const rewrites = new Map();
    let rewritable = true;
    for (const [path, text] of modules) {
      if (startup.includes(path)) continue;
      if (!(imports.get(path) ?? []).some((item) => !item.dynamic && startup.includes(item.path))) continue;
      const target = relativeSpecifier(path, chunk);
      let output = text.replace(NAMED_IMPORT, (statement, list, specifier) => {
        const names = exportNames.get(resolvePath(dirname(path), specifier));
        if (names === undefined) return statement;
        const renamed = pairs(list).map(([name, local]) => {
          const exported = names.get(name);
          if (exported === undefined) rewritable = false;
          return `${exported} as ${local}`;
        });
        return `import{${renamed.join(',')}}from${JSON.stringify(target)}`;
      });
      output = output.replace(BARE_IMPORT, (statement, specifier) =>
        exportNames.has(resolvePath(dirname(path), specifier))
          ? `import${JSON.stringify(target)}`
          : statement,
      );
      if (importsOf(path, output).some((item) => !item.dynamic && startup.includes(item.path)))
        rewritable = false;
      rewrites.set(path, output);
    }
    if (!rewritable) continue;
    const reExports = startup.map((path) => {
      const names = [...exportNames.get(path)].map(([exported, alias]) => `${exported} as ${alias}`);
      return names.length > 0
        ? `export { ${names.join(', ')} } from ${JSON.stringify(path)};`
        : `import ${JSON.stringify(path)};`;
    });
    const result = await bundle({
      stdin: { contents: reExports.join('\n'), resolveDir: dirname(chunk), loader: 'js' },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: options.target,
      minify: options.minify,
      keepNames: options.keepNames,
      legalComments: options.legalComments,
      charset: options.charset,
      // The modules keep their own banners; the file starts with the build's, as every output does.
      banner: options.banner,
      logLevel: 'silent',
      plugins: [
        {
          name: 'split-output',
          setup(build) {
            build.onResolve({ filter: /.*/ }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              const path =
                args.path.startsWith('.') || args.path.startsWith('/')
                  ? resolvePath(args.resolveDir, args.path)
                  : undefined;
              if (path !== undefined && startup.includes(path) && args.kind !== 'dynamic-import') {
                return { path, namespace: 'split-output' };
              }
              if (path !== undefined) return { path: relativeSpecifier(chunk, path), external: true };
              return { path: args.path, external: true };
            });
            build.onLoad({ filter: /.*/, namespace: 'split-output' }, (args) => ({
              contents: modules.get(args.path),
              loader: 'js',
              resolveDir: dirname(args.path),
            }));
          },
        },
      ],
    });
    modules.set(chunk, result.outputFiles[0].text);
    for (const [path, output] of rewrites) modules.set(path, output);
    for (const path of startup) modules.delete(path);
    merged.push({ entry, chunk, startup, rewritten: [...rewrites.keys()] });
  }
  if (merged.length === 0) return merged;
  const known = new Set(outputFiles.map((file) => file.path));
  const kept = outputFiles.filter((file) => !/\.m?js$/.test(file.path) || modules.has(file.path));
  const updated = kept.map((file) =>
    modules.has(file.path) && modules.get(file.path) !== file.text
      ? outputFile(file.path, modules.get(file.path))
      : file,
  );
  const added = merged
    .filter(({ chunk }) => !known.has(chunk))
    .map(({ chunk }) => outputFile(chunk, modules.get(chunk)));
  outputFiles.splice(0, outputFiles.length, ...updated, ...added);
  return merged;
};

/**
 * The metafile of the build brought in line with the merged files: the merged chunk's output lists
 * the inputs of the chunks it replaces, those are gone, and imports of them name the merged chunk.
 */
const updateMetafile = (metafile, merged, outputFiles, workingDir) => {
  const key = (path) => relative(workingDir, path).split(sep).join('/');
  const sizes = new Map(outputFiles.map((file) => [key(file.path), file.contents.byteLength]));
  for (const { chunk, startup } of merged) {
    const output = { bytes: 0, inputs: {}, imports: [], exports: [] };
    const gone = new Set(startup.map(key));
    for (const path of gone) {
      const replaced = metafile.outputs[path];
      for (const [input, share] of Object.entries(replaced?.inputs ?? {})) {
        const known = output.inputs[input];
        output.inputs[input] = { bytesInOutput: (known?.bytesInOutput ?? 0) + share.bytesInOutput };
      }
      output.imports.push(...(replaced?.imports ?? []));
      delete metafile.outputs[path];
    }
    metafile.outputs[key(chunk)] = output;
    for (const [path, other] of Object.entries(metafile.outputs)) {
      const seen = new Set();
      other.imports = other.imports
        .map((item) => (gone.has(item.path) ? { ...item, path: key(chunk) } : item))
        .filter((item) => {
          const id = `${item.kind} ${item.path}`;
          if (item.path === path || seen.has(id)) return false;
          seen.add(id);
          return true;
        });
    }
  }
  for (const [path, output] of Object.entries(metafile.outputs)) {
    if (sizes.has(path)) output.bytes = sizes.get(path);
  }
};

module.exports = { entryOutputs, mergeStartupChunks, updateMetafile };
