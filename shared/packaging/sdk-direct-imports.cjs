/**
 * Imports from the AWS SDK's index modules, rewritten to import each name from the module that
 * declares it (used by the `sdkModules` esbuild plugin of esbuild-plugins.cjs).
 *
 * Why: the SDK's code imports from index modules that only re-export (`@smithy/core/protocols`,
 * `@aws-sdk/core/protocols`, ...). With code splitting, esbuild puts a module in a chunk shared by
 * every entry point that can reach it through such imports, whether or not that entry point uses it:
 * so the JSON protocols that only the lazily loaded credential clients use sit in a chunk every
 * function loads at start-up (docs/performance.md, "The cost of code splitting"). Importing each name
 * from its declaring module makes what a function's start-up reaches what it uses. The modules are the
 * same files, so the code that runs is the same.
 *
 * Conservative: an index module is rewritten through only when it holds nothing but `export … from`
 * statements; an import statement is rewritten only when every name it imports is found, once, in a
 * module that declares it. Anything else is left as it is (bigger, still correct); a name mapped to a
 * module that does not export it fails the build (esbuild: "No matching export").
 */
'use strict';

const { readFile } = require('node:fs/promises');
const { dirname } = require('node:path');

const IDENTIFIER = '[A-Za-z_$][A-Za-z0-9_$]*';

/** `import { a, b as c } from "x";` at the start of a line (the SDK's dist-es style). */
const NAMED_IMPORT = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";[ \t]*$/gm;

/** One statement of an index module: `export * from "x"` or `export { a, b as c } from "x"`. */
const RE_EXPORT = /^export\s*(\*|\{([^}]*)\})\s*from\s*"([^"]+)"$/;

const DECLARED = [
  new RegExp(`^export\\s+(?:async\\s+)?function\\s*\\*?\\s*(${IDENTIFIER})`, 'gm'),
  new RegExp(`^export\\s+(?:const|let|var|class)\\s+(${IDENTIFIER})`, 'gm'),
];
const EXPORT_LIST = /^export\s*\{([^}]*)\}\s*(?:from\s*"[^"]+"\s*)?;/gm;

const withoutComments = (source) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** `a`, `b as c` → [[imported, local]], or undefined for anything else. */
const specifiers = (list) => {
  const pairs = [];
  for (const part of list.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const match = new RegExp(`^(${IDENTIFIER})(?:\\s+as\\s+(${IDENTIFIER}))?$`).exec(item);
    if (!match) return undefined;
    pairs.push([match[1], match[2] ?? match[1]]);
  }
  return pairs;
};

/** The names a module that is not an index module exports (without `default`). */
const exportedNames = (source) => {
  const names = new Set();
  for (const pattern of DECLARED) for (const [, name] of source.matchAll(pattern)) names.add(name);
  for (const [, list] of source.matchAll(EXPORT_LIST)) {
    for (const [, exported] of specifiers(list) ?? []) names.add(exported);
  }
  names.delete('default');
  return names;
};

/**
 * `resolve(specifier, resolveDir)` → absolute path or undefined. Returns `directImports(source, dir)`:
 * the source with each import from an index module rewritten, or undefined when nothing changed.
 */
const createDirectImports = (resolve) => {
  /** path → Promise<Map<name, {path, name}> | undefined> (undefined: not an index module). */
  const indexes = new Map();
  const sources = new Map();
  const read = (path) => {
    if (!sources.has(path)) sources.set(path, readFile(path, 'utf8'));
    return sources.get(path);
  };

  const indexOf = (path) => {
    if (!indexes.has(path)) indexes.set(path, analyse(path));
    return indexes.get(path);
  };

  const analyse = async (path) => {
    const statements = withoutComments(await read(path))
      .split(';')
      .map((statement) => statement.trim())
      .filter((statement) => statement !== '');
    if (statements.length === 0) return undefined;
    const parsed = statements.map((statement) => RE_EXPORT.exec(statement));
    if (parsed.some((match) => match === null)) return undefined;
    const explicit = new Map();
    const starred = new Map();
    const ambiguous = new Set();
    for (const [, star, list, specifier] of parsed) {
      const target = await resolve(specifier, dirname(path));
      if (target === undefined) return undefined;
      const inner = await indexOf(target);
      if (star === '*') {
        const names = inner
          ? [...inner.entries()]
          : [...exportedNames(await read(target))].map((n) => [n, { path: target, name: n }]);
        for (const [name, origin] of names) {
          const known = starred.get(name);
          if (known && (known.path !== origin.path || known.name !== origin.name)) ambiguous.add(name);
          else starred.set(name, origin);
        }
      } else {
        const pairs = specifiers(list);
        if (pairs === undefined) return undefined;
        for (const [imported, exported] of pairs) {
          const origin = inner ? inner.get(imported) : { path: target, name: imported };
          if (origin === undefined) return undefined;
          explicit.set(exported, origin);
        }
      }
    }
    const index = new Map(explicit);
    for (const [name, origin] of starred) {
      if (!index.has(name) && !ambiguous.has(name)) index.set(name, origin);
    }
    return index;
  };

  return async (source, dir) => {
    const replacements = [];
    for (const match of source.matchAll(NAMED_IMPORT)) {
      const [statement, list, specifier] = match;
      const pairs = specifiers(list);
      if (pairs === undefined || pairs.length === 0) continue;
      const target = await resolve(specifier, dir);
      const index = target === undefined ? undefined : await indexOf(target);
      if (index === undefined) continue;
      const byModule = new Map();
      let complete = true;
      for (const [imported, local] of pairs) {
        const origin = index.get(imported);
        if (origin === undefined) {
          complete = false;
          break;
        }
        const names = byModule.get(origin.path) ?? [];
        names.push(origin.name === local ? local : `${origin.name} as ${local}`);
        byModule.set(origin.path, names);
      }
      if (!complete) continue;
      const imports = [...byModule].map(
        ([path, names]) => `import { ${names.join(', ')} } from ${JSON.stringify(path)};`,
      );
      replacements.push([match.index, statement.length, imports.join(' ')]);
    }
    if (replacements.length === 0) return undefined;
    let output = source;
    for (const [at, length, text] of replacements.reverse()) {
      output = output.slice(0, at) + text + output.slice(at + length);
    }
    return output;
  };
};

module.exports = { createDirectImports, exportedNames };
