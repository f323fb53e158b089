/**
 * Section 2: a fresh Node 22 process loading a function bundle until its handler is ready (module
 * init, SDK client construction, settings validation: everything the functions do at top level),
 * against a bare `node -e 0` measured in the same loop. Runs are interleaved, so that a machine that
 * slows down during the run slows both sides alike.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { BUDGETS } from './budgets.ts';
import type { BundleResult } from './bundle.ts';
import { median, NODE_BIN, percentile, ROOT, round } from './harness.ts';
import type { ServerlessFunction } from './serverless-config.ts';

export interface ColdStartResult {
  readonly function: string;
  readonly runs: number;
  /** Median wall time of the process, bare node subtracted. */
  readonly aboveBareMs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Median time of the `import()` itself, measured inside the process. */
  readonly importMs: number;
  /** Largest peak RSS over the runs (process.resourceUsage().maxRSS after the import). */
  readonly peakRssBytes: number;
  /** The same for a bundle of only the function's SDK clients, constructed (what the SDK alone costs). */
  readonly sdkOnly?: {
    readonly clients: readonly string[];
    readonly aboveBareMs: number;
    readonly peakRssBytes: number;
  };
  readonly budget: { readonly status: 'pass' | 'fail'; readonly explanation: string };
}

export interface ColdStartSection {
  readonly nodeVersion: string;
  readonly runs: number;
  readonly warmupRuns: number;
  readonly bareMedianMs: number;
  readonly bareRssBytes: number;
  readonly functions: readonly ColdStartResult[];
}

/** Imports the bundle (argv[1]) and reports whether its handler export (argv[2]) is a function. */
const PROBE = [
  'const t0 = performance.now();',
  'import(process.argv[1]).then((m) => {',
  '  const importMs = performance.now() - t0;',
  "  const ready = typeof m[process.argv[2]] === 'function';",
  "  process.stdout.write('\\n' + JSON.stringify({ ready, importMs, maxRssKb: process.resourceUsage().maxRSS }));",
  '}, (error) => { console.error(error); process.exit(3); });',
].join('\n');

interface Sample {
  readonly wallMs: number;
  readonly importMs: number;
  readonly maxRssKb: number;
}

const run = (args: readonly string[], env: Readonly<Record<string, string>>, probe: boolean): Sample => {
  const started = process.hrtime.bigint();
  const result = spawnSync(NODE_BIN, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `node ${args.slice(0, 1).join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`,
    );
  }
  if (!probe) return { wallMs, importMs: 0, maxRssKb: 0 };
  const last = result.stdout.trim().split('\n').pop() ?? '';
  const answer = JSON.parse(last) as { ready: boolean; importMs: number; maxRssKb: number };
  if (!answer.ready) throw new Error(`${args[2]} has no function export ${args[3]}`);
  return { wallMs, importMs: answer.importMs, maxRssKb: answer.maxRssKb };
};

export const measureColdStart = (
  bundles: readonly BundleResult[],
  functions: readonly ServerlessFunction[],
  nodeVersion: string,
  sdkOnlyBundles: ReadonlyMap<string, string> = new Map(),
  runs: number = BUDGETS.coldStartRunsMin,
  warmupRuns = 2,
): ColdStartSection => {
  const bare: number[] = [];
  const samples = new Map<string, Sample[]>(bundles.map((b) => [b.function, []]));
  const sdkSamples = new Map<string, Sample[]>([...sdkOnlyBundles.keys()].map((name) => [name, []]));
  for (let i = 0; i < warmupRuns + runs; i += 1) {
    const bareSample = run(['-e', '0'], {}, false);
    if (i >= warmupRuns) bare.push(bareSample.wallMs);
    for (const bundle of bundles) {
      const fn = functions.find((f) => f.name === bundle.function);
      if (!fn) throw new Error(`no function ${bundle.function}`);
      const sample = run(['-e', PROBE, pathToFileURL(bundle.path).href, fn.exportName], fn.environment, true);
      if (i >= warmupRuns) samples.get(bundle.function)?.push(sample);
      const sdkOnly = sdkOnlyBundles.get(bundle.function);
      if (sdkOnly !== undefined) {
        const sdkSample = run(['-e', PROBE, pathToFileURL(sdkOnly).href, 'handler'], fn.environment, true);
        if (i >= warmupRuns) sdkSamples.get(bundle.function)?.push(sdkSample);
      }
    }
  }
  const bareRss = run(
    [
      '-e',
      "process.stdout.write('\\n' + JSON.stringify({ ready: true, importMs: 0, maxRssKb: process.resourceUsage().maxRSS }))",
    ],
    {},
    true,
  );
  const bareMedianMs = median(bare);
  return {
    nodeVersion,
    runs,
    warmupRuns,
    bareMedianMs: round(bareMedianMs),
    bareRssBytes: bareRss.maxRssKb * 1024,
    functions: bundles.map((bundle) => {
      const list = samples.get(bundle.function) ?? [];
      const walls = list.map((s) => s.wallMs);
      const aboveBareMs = median(walls) - bareMedianMs;
      const peakRssBytes = Math.max(...list.map((s) => s.maxRssKb)) * 1024;
      const failures: string[] = [];
      if (aboveBareMs > BUDGETS.coldStartMs)
        failures.push(`${round(aboveBareMs)} ms > ${BUDGETS.coldStartMs} ms above bare node`);
      if (peakRssBytes > BUDGETS.coldStartRssBytes) {
        failures.push(
          `peak RSS ${round(peakRssBytes / 1024 / 1024)} MiB > ${BUDGETS.coldStartRssBytes / 1024 / 1024} MiB`,
        );
      }
      if (runs < BUDGETS.coldStartRunsMin) failures.push(`only ${runs} runs`);
      const sdk = sdkSamples.get(bundle.function) ?? [];
      return {
        function: bundle.function,
        ...(sdk.length === 0
          ? {}
          : {
              sdkOnly: {
                clients: bundle.eagerSdkClients,
                aboveBareMs: round(median(sdk.map((s) => s.wallMs)) - bareMedianMs),
                peakRssBytes: Math.max(...sdk.map((s) => s.maxRssKb)) * 1024,
              },
            }),
        runs: list.length,
        aboveBareMs: round(aboveBareMs),
        medianMs: round(median(walls)),
        p90Ms: round(percentile(walls, 90)),
        importMs: round(median(list.map((s) => s.importMs))),
        peakRssBytes,
        budget:
          failures.length === 0
            ? {
                status: 'pass' as const,
                explanation: `${round(aboveBareMs)} ms ≤ ${BUDGETS.coldStartMs} ms, ${round(peakRssBytes / 1024 / 1024)} MiB ≤ ${BUDGETS.coldStartRssBytes / 1024 / 1024} MiB`,
              }
            : { status: 'fail' as const, explanation: failures.join('; ') },
      };
    }),
  };
};
