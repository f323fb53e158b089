/**
 * Section 3, inside a process of its own: one function's deployed handler (bundled with the bench,
 * same esbuild options) invoked with sample events while every AWS call is answered by the simulator.
 * argv: <result file> <config file>. The function's settings come from the environment, as in Lambda.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { clients } from 'bench:clients';
import { handler } from 'bench:function';
import { installPrototypeStubs } from './prototype-stub.ts';
import {
  type CallRecord,
  countByOperation,
  isRead,
  notInFlightMs,
  REMEDIATION_WRITES,
  SimulatedAws,
  sequentialReads,
  sequentialRoundTrips,
  type TokenBucketLimits,
} from './simulated-aws.ts';

export interface ExposureChildConfig {
  readonly accountPath: string;
  readonly latencyMs: number;
  /** The Amazon MQ account bucket, enforced by the simulated service (none: unlimited). */
  readonly mqBucket?: TokenBucketLimits;
  readonly warmRuns: number;
  /** Fewer warm runs (but at least minWarmRuns) for events whose first run takes long: keeps the bench short. */
  readonly minWarmRuns: number;
  readonly warmBudgetMs: number;
  readonly functionName: string;
  readonly functionArn: string;
  readonly events: readonly { readonly name: string; readonly event: unknown }[];
}

export interface InvocationMeasure {
  readonly totalMs: number;
  /** Time with at least one simulated call in flight. */
  readonly waitedMs: number;
  /** Time the simulator spent building answers (while the calls were in flight, so inside waitedMs). */
  readonly simulatorMs: number;
  /** totalMs − waitedMs: the handler's own time on the critical path. */
  readonly overheadMs: number;
  /** The same from the start to the first remediation write (what adds to the exposure window). */
  readonly overheadBeforeWriteMs?: number;
  readonly cpuMs: number;
}

export interface EventMeasure {
  readonly name: string;
  readonly error?: string;
  /** What the handler returned, trimmed to what the report shows. */
  readonly outcome: { readonly status?: string; readonly brokers?: number; readonly resolution?: string };
  readonly calls: number;
  readonly reads: number;
  readonly byOperation: Record<string, number>;
  /** The sequence of calls, `operation@depth` (parallel calls share a depth). */
  readonly trace: readonly string[];
  readonly firstWrite?: string;
  /** Sequential round trips (reads) before the first remediation write, and before the first revoke. */
  readonly sequentialReadsBeforeWrite?: number;
  readonly sequentialReadsBeforeRevoke?: number;
  /** Sequential round trips of the whole invocation. */
  readonly sequentialRoundTrips: number;
  /** Calls the simulated Amazon MQ bucket refused (every one reaches the code: no SDK retry here). */
  readonly throttled: number;
  readonly first: InvocationMeasure;
  readonly warm: readonly InvocationMeasure[];
}

export interface ExposureChildResult {
  readonly events: readonly EventMeasure[];
}

const [resultFile, configFile] = process.argv.slice(2);
if (!resultFile || !configFile) throw new Error('usage: exposure-child <result file> <config file>');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as ExposureChildConfig;
const simulator = new SimulatedAws(readFileSync(config.accountPath, 'utf8'), {
  latencyMs: config.latencyMs,
  ...(config.mqBucket ? { mqBucket: config.mqBucket } : {}),
});
installPrototypeStubs(simulator, clients);

const context = (requestId: string) => ({
  functionName: config.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: config.functionArn,
  memoryLimitInMB: '256',
  awsRequestId: requestId,
  logGroupName: `/aws/lambda/${config.functionName}`,
  logStreamName: '2026/01/01/[$LATEST]bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const invoke = async (
  event: unknown,
  requestId: string,
): Promise<{ measure: InvocationMeasure; output?: unknown; error?: unknown }> => {
  simulator.reset();
  // A fresh copy for every invocation, as Lambda parses each event anew; made before the clock starts,
  // since that work is the runtime's, not the handler's.
  const delivered = structuredClone(event);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let output: unknown;
  let error: unknown;
  try {
    output = await handler(delivered, context(requestId));
  } catch (caught) {
    error = caught;
  }
  const totalMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const firstWrite = simulator.calls.find((c) => REMEDIATION_WRITES.has(c.operation));
  return {
    measure: {
      totalMs,
      waitedMs: simulator.waitedMs,
      simulatorMs: simulator.simulatorMs,
      overheadMs: totalMs - simulator.waitedMs,
      ...(firstWrite === undefined
        ? {}
        : { overheadBeforeWriteMs: notInFlightMs(simulator.calls, started, firstWrite.startMs) }),
      cpuMs: (used.user + used.system) / 1000,
    },
    output,
    error,
  };
};

const summarize = (output: unknown): EventMeasure['outcome'] => {
  if (typeof output !== 'object' || output === null) return {};
  const value = output as { status?: unknown; brokers?: unknown; resolution?: unknown; results?: unknown };
  return {
    ...(typeof value.status === 'string' ? { status: value.status } : {}),
    ...(Array.isArray(value.brokers) ? { brokers: value.brokers.length } : {}),
    ...(typeof value.resolution === 'string' ? { resolution: value.resolution } : {}),
  };
};

const indexWhere = (calls: readonly CallRecord[], test: (c: CallRecord) => boolean): number | undefined => {
  const index = calls.findIndex(test);
  return index < 0 ? undefined : index;
};

const results: EventMeasure[] = [];
for (const [n, { name, event }] of config.events.entries()) {
  const first = await invoke(event, `bench-${n}-first`);
  const calls = [...simulator.calls];
  const warm: InvocationMeasure[] = [];
  const runs = Math.max(
    config.minWarmRuns,
    Math.min(config.warmRuns, Math.floor(config.warmBudgetMs / Math.max(1, first.measure.totalMs))),
  );
  for (let i = 0; i < runs; i += 1) {
    const run = await invoke(event, `bench-${n}-${i}`);
    warm.push(run.measure);
  }
  const firstWrite = indexWhere(calls, (c) => REMEDIATION_WRITES.has(c.operation));
  const firstRevoke = indexWhere(calls, (c) => c.operation === 'RevokeSecurityGroupIngress');
  const error =
    first.error === undefined
      ? undefined
      : first.error instanceof Error
        ? `${first.error.name}: ${first.error.message}`
        : String(first.error);
  results.push({
    name,
    ...(error === undefined ? {} : { error }),
    outcome: summarize(first.output),
    calls: calls.length,
    reads: calls.filter((c) => isRead(c.operation)).length,
    byOperation: countByOperation(calls),
    trace: calls.map((c) => `${c.operation}@${c.depth}${c.error ? `!${c.error}` : ''}`),
    ...(firstWrite === undefined
      ? {}
      : {
          firstWrite: calls[firstWrite]?.operation as string,
          sequentialReadsBeforeWrite: sequentialReads(calls, firstWrite),
        }),
    ...(firstRevoke === undefined
      ? {}
      : { sequentialReadsBeforeRevoke: sequentialReads(calls, firstRevoke) }),
    sequentialRoundTrips: sequentialRoundTrips(calls),
    throttled: calls.filter((c) => c.throttled).length,
    first: first.measure,
    warm,
  });
}

const output: ExposureChildResult = { events: results };
writeFileSync(resultFile, JSON.stringify(output));
