import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { inlineComputedKeys, SCHEMA_MODULE, chunkNamesFor } = createRequire(import.meta.url)(
  '../../../shared/packaging/esbuild-plugins.cjs',
) as {
  inlineComputedKeys: (source: string) => string | undefined;
  SCHEMA_MODULE: RegExp;
  chunkNamesFor: (entryPoints: unknown) => string | undefined;
};

const SCHEMA = [
  'const _it = "item";',
  'const _xN = "xmlName";',
  'const n0 = "com.amazonaws.ec2";',
  'var TagList = [1, n0, "TagList", 0, [() => Tag$, { [_xN]: _it }]];',
  'export var Tag$ = [3, n0, "Tag", 0, ["Key"], [[0, { [_xN]: `key` }]]];',
].join('\n');

describe('inlineComputedKeys', () => {
  it('writes each computed key that names a string constant as that string', () => {
    // Act
    const output = inlineComputedKeys(SCHEMA);

    // Assess
    expect(output).toContain('{ ["xmlName"]: _it }');
    expect(output).toContain('{ ["xmlName"]: `key` }');
    expect(output).not.toContain('[_xN]');
  });

  it('leaves the rest of the module as it was', () => {
    // Act
    const output = inlineComputedKeys(SCHEMA) as string;

    // Assess
    expect(output.replaceAll('["xmlName"]', '[_xN]')).toBe(SCHEMA);
  });

  it.each([
    ['a function that could bind the name', `${SCHEMA}\nfunction f(_xN) { return { [_xN]: 1 }; }`],
    ['an arrow function with a parameter', `${SCHEMA}\nconst g = (_xN) => ({ [_xN]: 1 });`],
    ['a second assignment of the constant', `${SCHEMA}\n_xN = "other";`],
    ['a constant declared twice', `${SCHEMA}\nconst _xN = "other";`],
    ['no string constant at all', 'export var A$ = [3, "n", "A", 0, [], []];'],
  ])('changes nothing in a module with %s', (_what, source) => {
    // Act
    const output = inlineComputedKeys(source);

    // Assess
    expect(output).toBeUndefined();
  });

  it('applies to the schema modules of clients and nested clients, and to nothing else', () => {
    // Assess
    expect(SCHEMA_MODULE.test('/x/node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js')).toBe(true);
    expect(
      SCHEMA_MODULE.test(
        '/x/node_modules/@aws-sdk/nested-clients/dist-es/submodules/sts/schemas/schemas_0.js',
      ),
    ).toBe(true);
    expect(SCHEMA_MODULE.test('/x/node_modules/@aws-sdk/client-ec2/dist-es/EC2Client.js')).toBe(false);
    expect(SCHEMA_MODULE.test('/x/node_modules/@aws-sdk/client-ec2/dist-cjs/schemas/schemas_0.js')).toBe(
      false,
    );
  });
});

describe('chunkNamesFor', () => {
  it('puts the chunks of a function in a folder named after its handler file', () => {
    // Assess
    expect(chunkNamesFor(['functions/on-ingress-event.ts'])).toBe('on-ingress-event.chunks/[name]-[hash]');
    expect(chunkNamesFor([{ in: 'functions/sweep.ts', out: 'sweep' }])).toBe('sweep.chunks/[name]-[hash]');
  });

  it('names no folder for a build of several entry points', () => {
    // Assess
    expect(chunkNamesFor(['functions/sweep.ts', 'functions/config-rule.ts'])).toBeUndefined();
  });
});
