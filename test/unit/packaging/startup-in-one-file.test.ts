import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { startupInOneFile } = createRequire(import.meta.url)(
  '../../../shared/packaging/esbuild-plugins.cjs',
) as {
  startupInOneFile: Plugin;
};

let root: string;
let out: string;
let metafile: Metafile;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'mq-guardian-startup-'));
  out = join(root, 'out');
  // shared.mjs is used at start-up and by the lazily loaded module: esbuild makes it a chunk of its own.
  writeFileSync(join(root, 'shared.mjs'), 'export const state = { evaluated: 0 };\nstate.evaluated += 1;\n');
  // side.mjs only has an effect, imported by the entry and lazy.mjs but not other.mjs: a chunk of its
  // own, which lazy.mjs imports bare (`import "./chunk-….mjs"`).
  writeFileSync(join(root, 'side.mjs'), 'globalThis.sideEffects = (globalThis.sideEffects ?? 0) + 1;\n');
  writeFileSync(
    join(root, 'lazy.mjs'),
    "import './side.mjs';\nimport { state } from './shared.mjs';\nexport const sameState = (other) => other === state;\n",
  );
  writeFileSync(
    join(root, 'other.mjs'),
    "import { state } from './shared.mjs';\nexport const read = () => state;\n",
  );
  writeFileSync(
    join(root, 'entry.mjs'),
    [
      "import './side.mjs';",
      "import { state } from './shared.mjs';",
      'export const handler = async () => {',
      "  const lazy = await import('./lazy.mjs');",
      "  const other = await import('./other.mjs');",
      '  return {',
      '    same: lazy.sameState(state) && other.read() === state,',
      '    evaluated: state.evaluated,',
      '    sideEffects: globalThis.sideEffects,',
      '  };',
      '};',
    ].join('\n'),
  );
  const result = await build({
    entryPoints: [join(root, 'entry.mjs')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    plugins: [startupInOneFile],
  });
  metafile = result.metafile as Metafile;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('startupInOneFile', () => {
  it('writes the chunks the entry imports statically as one file, which the entry imports', () => {
    // Act
    const entry = readFileSync(join(out, 'entry.mjs'), 'utf8');
    const chunks = readdirSync(out).filter(
      (name) => name !== 'entry.mjs' && !name.startsWith('lazy-') && !name.startsWith('other-'),
    );

    // Assess
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^startup-[0-9A-F]{8}\.mjs$/);
    expect([...entry.matchAll(/from\s*"\.\/([^"]+)"/g)].map((match) => match[1])).toEqual(chunks);
  });

  it('keeps one instance of each module: the lazily loaded chunk imports the shared code from the merged file', async () => {
    // Act
    const { handler } = (await import(pathToFileURL(join(out, 'entry.mjs')).href)) as {
      handler: () => Promise<{ same: boolean; evaluated: number; sideEffects: number }>;
    };

    // Assess
    expect(await handler()).toEqual({ same: true, evaluated: 1, sideEffects: 1 });
  });

  it('loads a lazy chunk while the entry is still evaluating (top-level await of an import())', async () => {
    // Arrange: the entry awaits the lazily loaded module at its top level, as the bench's harnesses do.
    const awaited = join(root, 'awaiting');
    writeFileSync(
      join(root, 'awaiting.mjs'),
      [
        "import { state } from './shared.mjs';",
        "const lazy = await import('./lazy.mjs');",
        'export const handler = async () => ({ same: lazy.sameState(state), evaluated: state.evaluated });',
      ].join('\n'),
    );
    await build({
      entryPoints: [join(root, 'awaiting.mjs')],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      outdir: awaited,
      outExtension: { '.js': '.mjs' },
      logLevel: 'silent',
      plugins: [startupInOneFile],
    });

    // Act
    const { handler } = (await import(pathToFileURL(join(awaited, 'awaiting.mjs')).href)) as {
      handler: () => Promise<{ same: boolean; evaluated: number }>;
    };

    // Assess
    expect(await handler()).toEqual({ same: true, evaluated: 1 });
  });

  it('keeps the metafile in line with the files written', () => {
    // Arrange
    const outputs = Object.keys(metafile.outputs).map((path) => path.split('/').pop());

    // Assess
    expect(outputs.sort()).toEqual(readdirSync(out).sort());
    const [merged] = Object.entries(metafile.outputs).filter(([path]) => path.includes('/startup-'));
    expect(Object.keys(merged?.[1].inputs ?? {}).some((input) => input.endsWith('shared.mjs'))).toBe(true);
  });
});
