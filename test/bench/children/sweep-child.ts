/**
 * Section 4, inside a process of its own: the deployed sweep handler (functions/sweep.ts, bundled with
 * the bench, its own token bucket in front of Amazon MQ) over a generated account, every AWS call
 * answered by the simulator after the simulated latency, Amazon MQ's account token bucket enforced on
 * the service side. Real time: nothing is scaled. argv: <result file> <config file>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { clients } from 'bench:clients';
import { handler } from 'bench:function';
import { peakRssBytes } from '../peak-rss.ts';
import { installPrototypeStubs } from './prototype-stub.ts';
import { countByOperation, SimulatedAws, type TokenBucketLimits } from './simulated-aws.ts';

export interface SweepChildConfig {
  readonly accountPath: string;
  readonly latencyMs: number;
  readonly mqBucket: TokenBucketLimits;
  readonly functionName: string;
  readonly functionArn: string;
  readonly account: string;
  readonly region: string;
}

export interface SweepChildResult {
  readonly wallMs: number;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
  readonly mqCalls: number;
  readonly throttled: number;
  readonly throttledByOperation: Record<string, number>;
  /** Service errors other than throttling (NotFound and the like). */
  readonly otherErrors: Record<string, number>;
  /** Most calls in flight at once. */
  readonly peakInFlight: number;
  /** Seconds from the start to the last Amazon MQ call. */
  readonly lastMqCallS: number;
  readonly error?: string;
  readonly summary?: {
    readonly listed?: number;
    readonly evaluated?: number;
    readonly failing?: number;
    readonly remediationRequested?: number;
    readonly failures?: number;
  };
  /**
   * Resident set once every module is loaded (the function's, as at a cold start), after the simulated
   * account is loaded, and the peak of the process (its own peak RSS at the end, peak-rss.ts).
   */
  readonly rssLoadedBytes: number;
  readonly rssBeforeAccountBytes: number;
  readonly rssAccountLoadedBytes: number;
  readonly peakRssBytes: number;
  readonly heapUsedAfterBytes: number;
}

const [resultFile, configFile] = process.argv.slice(2);
if (!resultFile || !configFile) throw new Error('usage: sweep-child <result file> <config file>');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as SweepChildConfig;
// Static imports: a lazily imported bundle costs far more RSS (V8 compiles esbuild's wrappers twice
// over), which would misstate the function. The account is therefore loaded after the function.
const rssLoadedBytes = peakRssBytes();
const rssBeforeAccountBytes = process.memoryUsage.rss();
const simulator = new SimulatedAws(readFileSync(config.accountPath, 'utf8'), {
  latencyMs: config.latencyMs,
  mqBucket: config.mqBucket,
});
const rssAccountLoadedBytes = process.memoryUsage.rss();
installPrototypeStubs(simulator, clients);

const event = {
  version: '0',
  id: '0b000000-0000-4000-8000-00000000beec',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: config.account,
  time: new Date().toISOString(),
  region: config.region,
  resources: [`arn:aws:events:${config.region}:${config.account}:rule/bench-sweep`],
  detail: {},
};
const context = {
  functionName: config.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: config.functionArn,
  memoryLimitInMB: '256',
  awsRequestId: 'bench-sweep',
  logGroupName: `/aws/lambda/${config.functionName}`,
  logStreamName: '2026/01/01/[$LATEST]bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const started = performance.now();
let output: unknown;
let error: string | undefined;
try {
  output = await handler(event, context);
} catch (caught) {
  error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
}
const wallMs = performance.now() - started;
const calls = simulator.calls;

let peakInFlight = 0;
const edges = calls.flatMap((c) => [
  { at: c.startMs, delta: 1 },
  { at: c.endMs, delta: -1 },
]);
edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
let inFlight = 0;
for (const edge of edges) {
  inFlight += edge.delta;
  peakInFlight = Math.max(peakInFlight, inFlight);
}

const count = (list: typeof calls) => countByOperation(list);
const mq = calls.filter((c) => c.service === 'mq');
const value = (output ?? {}) as {
  listed?: number;
  evaluated?: number;
  failing?: unknown[];
  remediationRequested?: unknown[];
  failures?: unknown[];
};
const result: SweepChildResult = {
  wallMs,
  calls: calls.length,
  byOperation: count(calls),
  mqCalls: mq.length,
  throttled: calls.filter((c) => c.throttled).length,
  throttledByOperation: count(calls.filter((c) => c.throttled)),
  otherErrors: count(calls.filter((c) => c.error !== undefined && !c.throttled)),
  peakInFlight,
  lastMqCallS: mq.length === 0 ? 0 : (Math.max(...mq.map((c) => c.startMs)) - started) / 1000,
  ...(error === undefined ? {} : { error }),
  ...(output === undefined
    ? {}
    : {
        summary: {
          ...(value.listed === undefined ? {} : { listed: value.listed }),
          ...(value.evaluated === undefined ? {} : { evaluated: value.evaluated }),
          ...(value.failing === undefined ? {} : { failing: value.failing.length }),
          ...(value.remediationRequested === undefined
            ? {}
            : { remediationRequested: value.remediationRequested.length }),
          ...(value.failures === undefined ? {} : { failures: value.failures.length }),
        },
      }),
  rssLoadedBytes,
  rssBeforeAccountBytes,
  rssAccountLoadedBytes,
  peakRssBytes: peakRssBytes(),
  heapUsedAfterBytes: process.memoryUsage().heapUsed,
};
writeFileSync(resultFile, JSON.stringify(result));
