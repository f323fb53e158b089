/**
 * Section 4: the scheduled sweep over an account at the regional broker quota (fixtures.ts
 * sweepAccount), with the simulated latency and the Amazon MQ account token bucket enforced by the
 * simulated service. aws-sdk-client-mock bypasses the SDK's retries, so a throttle the client-side
 * bucket lets through reaches the sweep as a failed broker: "throttling errors surfaced" is counted
 * exactly, with no retry to hide it.
 *
 * Time is real (the sweep's own token bucket sleeps on the system clock): nothing is scaled.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AMAZON_MQ_BUCKET, BUDGETS, SIMULATED_LATENCY_MS } from './budgets.ts';
import type { BundleResult } from './bundle.ts';
import { buildFunctionChild } from './children.ts';
import type { SweepChildConfig, SweepChildResult } from './children/sweep-child.ts';
import { DEMO_ACCOUNT, type BudgetVerdict } from './exposure.ts';
import { loadDemoAccount, SWEEP_ACCOUNT, type SweepAccountShape, sweepAccount } from './fixtures.ts';
import { round, runChild } from './harness.ts';
import { BENCH_ACCOUNT, BENCH_REGION, type ServerlessConfig } from './serverless-config.ts';

export interface SweepSection {
  readonly function: string;
  readonly declaredInServerlessYml: boolean;
  readonly account: SweepAccountShape & {
    readonly securityGroups: number;
    readonly rules: number;
    readonly interfaces: number;
  };
  readonly latencyMs: number;
  readonly mqBucket: typeof AMAZON_MQ_BUCKET;
  readonly simulated: string;
  readonly wallS: number;
  /** (Amazon MQ calls − burst 100) ÷ 15/s: no sweep can be faster without exceeding the account's quota. */
  readonly floorS: number;
  /** Amazon MQ calls ÷ 15/s, the burst not counted (for comparison). */
  readonly sustainedFloorS: number;
  readonly floorRatio: number;
  readonly calls: number;
  readonly mqCalls: number;
  readonly byOperation: Record<string, number>;
  readonly throttled: number;
  readonly throttledByOperation: Record<string, number>;
  readonly otherErrors: Record<string, number>;
  readonly peakInFlight: number;
  readonly summary?: SweepChildResult['summary'];
  readonly error?: string;
  /** EC2 calls per second of wall time (EC2 throttles per account too; not simulated here). */
  readonly ec2CallsPerSecond: number;
  /** Peak RSS once the function (and the harness) is loaded, before the account and the sweep. */
  readonly rssLoadedBytes: number;
  readonly peakRssBytes: number;
  /** RSS the simulated account adds (loaded before the function): not part of the function's footprint. */
  readonly simulatorShareBytes: number;
  /** Peak RSS minus the simulator's share: what the budget is held to. */
  readonly functionPeakRssBytes: number;
  readonly budgets: readonly BudgetVerdict[];
}

export const measureSweep = async (
  config: ServerlessConfig,
  bundles: readonly BundleResult[],
  workDir: string,
): Promise<SweepSection> => {
  const fn = config.functions.find((f) => f.name === 'sweep' || f.entry === 'functions/sweep.ts');
  const bundle = bundles.find((b) => b.function === fn?.name);
  if (!fn || !bundle) throw new Error('no sweep function (functions/sweep.ts) to benchmark');
  const account = sweepAccount(loadDemoAccount(DEMO_ACCOUNT));
  const accountPath = join(workDir, 'sweep-account.json');
  writeFileSync(accountPath, JSON.stringify(account));
  const script = await buildFunctionChild(
    config,
    'test/bench/children/sweep-child.ts',
    fn,
    bundle,
    join(workDir, 'sweep-child.mjs'),
  );
  const functionName = fn.environment.AWS_LAMBDA_FUNCTION_NAME ?? fn.name;
  const childConfig: SweepChildConfig = {
    accountPath,
    latencyMs: SIMULATED_LATENCY_MS,
    mqBucket: AMAZON_MQ_BUCKET,
    functionName,
    functionArn: `arn:aws:lambda:${BENCH_REGION}:${BENCH_ACCOUNT}:function:${functionName}`,
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
  };
  const configFile = join(workDir, 'sweep-child.json');
  writeFileSync(configFile, JSON.stringify(childConfig));
  const { result } = await runChild<SweepChildResult>(
    script,
    join(workDir, 'sweep.result.json'),
    [configFile],
    fn.environment,
  );

  const wallS = result.wallMs / 1000;
  // The physical limit: the account's bucket starts full, so its burst is spent before the refill rate
  // paces anything. A sweep that does not use the burst is measured against it all the same.
  const sustainedFloorS = result.mqCalls / AMAZON_MQ_BUCKET.refillPerSecond;
  const floorS = Math.max(0, result.mqCalls - AMAZON_MQ_BUCKET.capacity) / AMAZON_MQ_BUCKET.refillPerSecond;
  const floorRatio = floorS > 0 ? wallS / floorS : 0;
  const surfaced = result.throttled;
  const simulatorShareBytes = Math.max(0, result.rssAccountLoadedBytes - result.rssBeforeAccountBytes);
  const functionPeakRssBytes = result.peakRssBytes - simulatorShareBytes;
  const ec2Calls = Object.entries(result.byOperation)
    .filter(([op]) => op.startsWith('ec2:'))
    .reduce((sum, [, n]) => sum + n, 0);
  const budgets: BudgetVerdict[] = [
    ...(result.error === undefined
      ? []
      : [
          {
            name: 'sweep',
            status: 'fail' as const,
            explanation: `the sweep failed: ${result.error.slice(0, 300)}`,
          },
        ]),
    {
      name: 'wall time vs rate-limit floor',
      status: floorRatio <= BUDGETS.sweepFloorRatio ? 'pass' : 'fail',
      explanation: `${round(wallS, 2)} s = ${round(floorRatio, 2)} × floor ${round(floorS, 2)} s ((${result.mqCalls} MQ calls − burst ${AMAZON_MQ_BUCKET.capacity}) ÷ ${AMAZON_MQ_BUCKET.refillPerSecond}/s); budget ${BUDGETS.sweepFloorRatio}×`,
    },
    {
      name: 'throttling errors surfaced',
      status: surfaced <= BUDGETS.sweepThrottlesSurfaced ? 'pass' : 'fail',
      explanation: `${surfaced} (budget ${BUDGETS.sweepThrottlesSurfaced})`,
    },
    {
      name: 'peak RSS',
      status: functionPeakRssBytes <= BUDGETS.sweepRssBytes ? 'pass' : 'fail',
      explanation: `${round(functionPeakRssBytes / 1024 / 1024)} MiB ${functionPeakRssBytes <= BUDGETS.sweepRssBytes ? '≤' : '>'} ${BUDGETS.sweepRssBytes / 1024 / 1024} MiB (process peak ${round(result.peakRssBytes / 1024 / 1024)} MiB minus the ${round(simulatorShareBytes / 1024 / 1024)} MiB the simulated account adds; loading the bundle alone peaked at ${round(result.rssLoadedBytes / 1024 / 1024)} MiB)`,
    },
  ];
  return {
    function: fn.name,
    declaredInServerlessYml: fn.declared,
    account: {
      ...SWEEP_ACCOUNT,
      securityGroups: account.securityGroups.length,
      rules: account.securityGroupRules.length,
      interfaces: account.networkInterfaces.length,
    },
    latencyMs: SIMULATED_LATENCY_MS,
    mqBucket: AMAZON_MQ_BUCKET,
    simulated:
      'AWS answers (SDK client send() stubbed on the prototype as aws-sdk-client-mock does, without sinon; SDK retries bypassed), 20 ms latency per call, the Amazon MQ account bucket (burst 100, 15/s) on the service side; real time, nothing scaled',
    wallS: round(wallS, 2),
    floorS: round(floorS, 2),
    sustainedFloorS: round(sustainedFloorS, 2),
    floorRatio: round(floorRatio, 3),
    calls: result.calls,
    mqCalls: result.mqCalls,
    byOperation: result.byOperation,
    throttled: result.throttled,
    throttledByOperation: result.throttledByOperation,
    otherErrors: result.otherErrors,
    peakInFlight: result.peakInFlight,
    ...(result.summary === undefined ? {} : { summary: result.summary }),
    ...(result.error === undefined ? {} : { error: result.error }),
    ec2CallsPerSecond: round(ec2Calls / wallS, 1),
    rssLoadedBytes: result.rssLoadedBytes,
    peakRssBytes: result.peakRssBytes,
    simulatorShareBytes,
    functionPeakRssBytes,
    budgets,
  };
};
