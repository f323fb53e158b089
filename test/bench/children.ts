/**
 * Builds the bench's child scripts: a harness from test/bench/children/ bundled together with one
 * function's handler module and the SDK client classes that function's bundle contains (so exactly
 * those are mocked), with the function's own esbuild options.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type BundleResult, buildChild, buildSplitChild } from './bundle.ts';
import { ROOT } from './harness.ts';
import type { ServerlessConfig, ServerlessFunction } from './serverless-config.ts';

/** The client class a @aws-sdk/client-* package exports (`dist-es/EC2Client.js` → `EC2Client`). */
export const clientClassOf = (pkg: string): string => {
  const dir = join(ROOT, 'node_modules', pkg, 'dist-es');
  const file = readdirSync(dir).find((name) => /^[A-Z][A-Za-z0-9]*Client\.js$/.test(name));
  if (file === undefined) throw new Error(`${pkg}: no client class in ${dir}`);
  return file.slice(0, -'.js'.length);
};

const clientsModule = (packages: readonly string[]): string => {
  const lines = packages.map((pkg, i) => `import { ${clientClassOf(pkg)} as C${i} } from '${pkg}';`);
  const entries = packages.map(
    (pkg, i) => `{ service: '${pkg.slice('@aws-sdk/client-'.length)}', Client: C${i} }`,
  );
  return `${lines.join('\n')}\nexport const clients = [${entries.join(', ')}];\n`;
};

const functionModule = (fn: ServerlessFunction): string =>
  `export { ${fn.exportName} as handler } from '${join(ROOT, fn.entry)}';\n`;

export const buildFunctionChild = async (
  config: ServerlessConfig,
  harness: string,
  fn: ServerlessFunction,
  bundle: BundleResult,
  outfile: string,
): Promise<string> => {
  await buildChild(config, harness, outfile, {
    function: functionModule(fn),
    clients: clientsModule(bundle.sdkClients),
  });
  return outfile;
};

/**
 * A bundle holding only the SDK clients a function loads at start-up (those it reaches only through a
 * dynamic `import()` are left out), each constructed once as the adapters do: what the function's cold
 * start costs before any of its own code runs.
 */
export const buildSdkOnlyBundle = async (
  config: ServerlessConfig,
  bundle: BundleResult,
  outfile: string,
): Promise<string> => {
  const imports = bundle.eagerSdkClients.map(
    (pkg, i) => `import { ${clientClassOf(pkg)} as C${i} } from '${pkg}';`,
  );
  const construct = bundle.eagerSdkClients.map(
    (_, i) => `new C${i}({ retryMode: 'adaptive', maxAttempts: 5 })`,
  );
  // Split like the functions (the SDK's credential providers and the like are chunks loaded on first
  // request), so that the floor is what a function's start-up really shares with it.
  return buildSplitChild(config, 'bench:entry', outfile, {
    entry: `${imports.join('\n')}\nconst clients = [${construct.join(', ')}];\nexport const handler = async () => clients.length;\n`,
  });
};
