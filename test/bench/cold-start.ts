/**
 * Section 2: a fresh Node 22 process loading a function bundle until its handler is ready (module
 * init, SDK client construction, settings validation: everything the functions do at top level),
 * against a bare `node -e 0` measured in every round of the same loop, in an order shuffled every
 * round (interleaved.ts). Processes measured alongside (Cloud Custodian's cold path and a bare
 * python3, section 6) run in the same rounds, so that their ratio to the functions is of one loop.
 */
import { pathToFileURL } from 'node:url';
import { BUDGETS } from './budgets.ts';
import type { BundleResult } from './bundle.ts';
import { median, NODE_BIN, round } from './harness.ts';
import {
  type InterleavedRuns,
  runInterleaved,
  runOnce,
  type Sample,
  type Subject,
  type Timing,
  timing,
} from './interleaved.ts';
import { PEAK_RSS_KB_EXPRESSION } from './peak-rss.ts';
import type { ServerlessFunction } from './serverless-config.ts';

export interface ColdStartResult extends Timing {
  readonly function: string;
  /** The same for a bundle of only the function's SDK clients, constructed (what the SDK alone costs). */
  readonly sdkOnly?: {
    readonly clients: readonly string[];
    readonly aboveBareMs: number;
    readonly aboveBareIqrMs: readonly [number, number];
    readonly peakRssBytes: number;
  };
  readonly budget: { readonly status: 'pass' | 'fail'; readonly explanation: string };
}

export interface ColdStartSection {
  readonly nodeVersion: string;
  readonly runs: number;
  readonly warmupRuns: number;
  /** Seed of the per-round shuffle (BENCH_SEED). */
  readonly seed: number;
  readonly loadAverage: InterleavedRuns['loadAverage'];
  readonly bareMedianMs: number;
  readonly bareIqrMs: readonly [number, number];
  /** Peak RSS of a bare `node -e` reading its own (VmHWM). */
  readonly bareRssBytes: number;
  readonly functions: readonly ColdStartResult[];
  /** Samples of the subjects measured alongside, by name, and the errors of those that failed. */
  readonly alongside: Readonly<Record<string, readonly Sample[]>>;
  readonly alongsideErrors: Readonly<Record<string, string>>;
}

const BARE_NODE = 'node -e 0';

/** Imports the bundle (argv[1]) and reports whether its handler export (argv[2]) is a function. */
const PROBE = [
  'const t0 = performance.now();',
  'import(process.argv[1]).then((m) => {',
  '  const importMs = performance.now() - t0;',
  "  const ready = typeof m[process.argv[2]] === 'function';",
  `  process.stdout.write('\\n' + JSON.stringify({ ready, importMs, peakRssKb: ${PEAK_RSS_KB_EXPRESSION} }));`,
  '}, (error) => { console.error(error); process.exit(3); });',
].join('\n');

const bundleSubject = (
  name: string,
  path: string,
  exportName: string,
  env: Readonly<Record<string, string>>,
): Subject => ({
  name,
  command: NODE_BIN,
  args: ['-e', PROBE, pathToFileURL(path).href, exportName],
  env,
  reports: true,
});

export const measureColdStart = (
  bundles: readonly BundleResult[],
  functions: readonly ServerlessFunction[],
  nodeVersion: string,
  sdkOnlyBundles: ReadonlyMap<string, string> = new Map(),
  alongside: readonly Subject[] = [],
  runs: number = BUDGETS.coldStartRunsMin,
  warmupRuns = 3,
  seed = Number(process.env.BENCH_SEED ?? 1),
): ColdStartSection => {
  const subjects: Subject[] = [
    { name: BARE_NODE, command: NODE_BIN, args: ['-e', '0'], env: {}, reports: false },
    ...alongside,
  ];
  for (const bundle of bundles) {
    const fn = functions.find((f) => f.name === bundle.function);
    if (!fn) throw new Error(`no function ${bundle.function}`);
    subjects.push(bundleSubject(bundle.function, bundle.path, fn.exportName, fn.environment));
    const sdkOnly = sdkOnlyBundles.get(bundle.function);
    if (sdkOnly !== undefined)
      subjects.push(
        bundleSubject(`${bundle.function} (SDK clients alone)`, sdkOnly, 'handler', fn.environment),
      );
  }
  const loop = runInterleaved(subjects, { runs, warmupRuns, seed });
  const bareRss = runOnce({
    name: 'bare node, peak RSS',
    command: NODE_BIN,
    args: ['-e', `process.stdout.write('\\n' + JSON.stringify({ peakRssKb: ${PEAK_RSS_KB_EXPRESSION} }))`],
    env: {},
    reports: true,
  });
  const bareWalls = (loop.samples.get(BARE_NODE) ?? []).map((s) => s.wallMs);
  const bareMedianMs = median(bareWalls);
  const bare = timing(loop.samples.get(BARE_NODE) ?? [], bareMedianMs);
  return {
    nodeVersion,
    runs,
    warmupRuns,
    seed,
    loadAverage: loop.loadAverage,
    bareMedianMs: round(bareMedianMs),
    bareIqrMs: [bare.q1Ms, bare.q3Ms],
    bareRssBytes: bareRss.peakRssKb * 1024,
    functions: bundles.map((bundle) => {
      const own = timing(loop.samples.get(bundle.function) ?? [], bareMedianMs);
      const failures: string[] = [];
      if (own.aboveBareMs > BUDGETS.coldStartMs)
        failures.push(`${own.aboveBareMs} ms > ${BUDGETS.coldStartMs} ms above bare node`);
      if (own.peakRssBytes > BUDGETS.coldStartRssBytes) {
        failures.push(
          `peak RSS ${round(own.peakRssBytes / 1024 / 1024)} MiB > ${BUDGETS.coldStartRssBytes / 1024 / 1024} MiB`,
        );
      }
      if (own.runs < BUDGETS.coldStartRunsMin) failures.push(`only ${own.runs} runs`);
      const sdk = loop.samples.get(`${bundle.function} (SDK clients alone)`) ?? [];
      const sdkTiming = timing(sdk, bareMedianMs);
      return {
        function: bundle.function,
        ...own,
        ...(sdk.length === 0
          ? {}
          : {
              sdkOnly: {
                clients: bundle.eagerSdkClients,
                aboveBareMs: sdkTiming.aboveBareMs,
                aboveBareIqrMs: sdkTiming.aboveBareIqrMs,
                peakRssBytes: sdkTiming.peakRssBytes,
              },
            }),
        budget:
          failures.length === 0
            ? {
                status: 'pass' as const,
                explanation: `${own.aboveBareMs} ms ≤ ${BUDGETS.coldStartMs} ms, ${round(own.peakRssBytes / 1024 / 1024)} MiB ≤ ${BUDGETS.coldStartRssBytes / 1024 / 1024} MiB`,
              }
            : { status: 'fail' as const, explanation: failures.join('; ') },
      };
    }),
    alongside: Object.fromEntries(alongside.map((s) => [s.name, loop.samples.get(s.name) ?? []])),
    alongsideErrors: Object.fromEntries(loop.errors),
  };
};
