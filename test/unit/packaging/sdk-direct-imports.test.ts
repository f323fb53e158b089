import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { createDirectImports } = createRequire(import.meta.url)(
  '../../../shared/packaging/sdk-direct-imports.cjs',
) as {
  createDirectImports: (
    resolve: (specifier: string, resolveDir: string) => Promise<string | undefined>,
  ) => (source: string, dir: string) => Promise<string | undefined>;
};

let root: string;
const file = (path: string) => join(root, path);
const write = (path: string, text: string) => {
  mkdirSync(dirname(file(path)), { recursive: true });
  writeFileSync(file(path), text);
};

/** "pkg" and "other" are packages whose index is index.js; relative paths get ".js". */
const resolve = async (specifier: string, resolveDir: string): Promise<string | undefined> => {
  if (specifier === 'pkg') return file('pkg/index.js');
  if (specifier === 'other') return file('other/index.js');
  if (specifier === 'mixed') return file('mixed/index.js');
  if (specifier.startsWith('.')) return join(resolveDir, `${specifier}.js`);
  return undefined;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mq-guardian-direct-imports-'));
  write(
    'pkg/index.js',
    'export { A } from "./a";\nexport * from "./b";\nexport { D as Renamed } from "./d";\nexport * from "other";\n',
  );
  write('pkg/a.js', 'export class A {\n}\n');
  write('pkg/b.js', 'export const B = 1;\nexport function C() { return 2; }\n');
  write('pkg/d.js', 'const D = 3;\nexport { D };\n');
  write('other/index.js', 'export { E } from "./e";\nexport * from "./twin";\n');
  write('other/e.js', 'export const E = 5;\n');
  write('other/twin.js', 'export const B = 6;\n');
  write('mixed/index.js', 'export { A } from "../pkg/a";\nexport const local = 1;\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('createDirectImports', () => {
  it('imports each name from the module that declares it', async () => {
    // Arrange
    const directImports = createDirectImports(resolve);

    // Act
    const output = await directImports('import { A, C as run } from "pkg";\nrun(A);\n', root);

    // Assess
    expect(output).toBe(
      `import { A } from ${JSON.stringify(file('pkg/a.js'))}; import { C as run } from ${JSON.stringify(file('pkg/b.js'))};\nrun(A);\n`,
    );
  });

  it('follows a renaming re-export to the declared name', async () => {
    // Act
    const output = await createDirectImports(resolve)('import { Renamed } from "pkg";\n', root);

    // Assess
    expect(output).toBe(`import { D as Renamed } from ${JSON.stringify(file('pkg/d.js'))};\n`);
  });

  it('follows an index module into the index module it re-exports', async () => {
    // Act
    const output = await createDirectImports(resolve)('import { E } from "pkg";\n', root);

    // Assess
    expect(output).toBe(`import { E } from ${JSON.stringify(file('other/e.js'))};\n`);
  });

  it('leaves an import alone when one of its names is exported by two modules through export *', async () => {
    // Act: "B" comes from pkg/b.js and, through "other", from other/twin.js
    const output = await createDirectImports(resolve)('import { A, B } from "pkg";\n', root);

    // Assess
    expect(output).toBeUndefined();
  });

  it('leaves an import alone when a name is not found', async () => {
    // Act
    const output = await createDirectImports(resolve)('import { Missing } from "pkg";\n', root);

    // Assess
    expect(output).toBeUndefined();
  });

  it('leaves imports from a module that declares code of its own as they are', async () => {
    // Act
    const output = await createDirectImports(resolve)('import { A } from "mixed";\n', root);

    // Assess
    expect(output).toBeUndefined();
  });
});
