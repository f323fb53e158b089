/**
 * Section 3b: the exposure window end to end, cold, over the wire. The `on-ingress-event` bundle of
 * section 1 (serverless.yml's esbuild options and plugins, split into its handler module and chunks
 * as serverless-esbuild zips it) is invoked in a fresh Node 22 process per run through the Lambda
 * runtime shim of the packaged end-to-end test (test/support/packaged/lambda-runtime.mjs), with the
 * function's environment from serverless.yml and REMEDIATION_MODE=enforce, and the world-open
 * all-ports AuthorizeSecurityGroupIngress sample on a broker's group of the demo account. Every AWS
 * call goes through the real SDK clients (serialization, signing, HTTP, parsing) to the loopback AWS
 * (test/support/loopback-aws/), answered from the demo recorded account after SIMULATED_LATENCY_MS.
 *
 * Measured per run, from the moment the process is spawned (the event handed to a cold container):
 * when the loopback receives the first request (cold start, module init, first serialization) and
 * when it receives the RevokeSecurityGroupIngress that closes the wide rule; the reads before the
 * revoke and the read rounds among them (the critical path: a read's round is 1 + the deepest round
 * answered before it arrived). Informational apart from the rounds, which are held to the budget of section 3.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LoopbackAws } from '../support/loopback-aws/server.ts';
import { invokeFunction } from '../support/packaged/stack.ts';
import { SdkAccount } from '../support/sdk-account.ts';
import { BUDGETS, SIMULATED_LATENCY_MS } from './budgets.ts';
import type { BundleResult } from './bundle.ts';
import type { BudgetVerdict } from './exposure.ts';
import { DEMO_ACCOUNT } from './exposure.ts';
import { median, ROOT, round } from './harness.ts';
import { BENCH_ACCOUNT, BENCH_REGION, BENCH_STAGE, type ServerlessConfig } from './serverless-config.ts';

export const WIRE_EVENT = 'ec2-authorize-security-group-ingress-world-tcp-all-ports.json';
const FUNCTION = 'on-ingress-event';

export interface WireRun {
  /** Spawn → the first request received by the loopback AWS. */
  readonly firstRequestMs: number;
  /** Spawn → the RevokeSecurityGroupIngress received. */
  readonly revokeMs: number;
  readonly readsBeforeRevoke: readonly string[];
  readonly roundsBeforeRevoke: number;
}

export interface WireExposureSection {
  readonly function: string;
  readonly event: string;
  readonly account: string;
  readonly latencyMs: number;
  readonly runs: readonly WireRun[];
  readonly medianRevokeMs: number;
  readonly minRevokeMs: number;
  readonly maxRevokeMs: number;
  readonly medianFirstRequestMs: number;
  readonly readsBeforeRevoke: number;
  readonly roundsBeforeRevoke: number;
  readonly budgets: readonly BudgetVerdict[];
}

const isWrite = (operation: string) =>
  /^(Authorize|Revoke|Modify|Create|Put|Publish|Update|Delete|Send|Start|Invoke|Batch)/.test(operation);

export const measureWireExposure = async (
  config: ServerlessConfig,
  bundles: readonly BundleResult[],
  runs = 7,
): Promise<WireExposureSection> => {
  const fn = config.functions.find((f) => f.name === FUNCTION);
  const bundle = bundles.find((b) => b.function === FUNCTION);
  if (!fn || !bundle) throw new Error(`no ${FUNCTION} bundle to invoke`);
  const account = new SdkAccount(readFileSync(`${ROOT}/${DEMO_ACCOUNT}`, 'utf8'));
  const event = JSON.parse(readFileSync(`${ROOT}/events/${WIRE_EVENT}`, 'utf8')) as unknown;

  let spawnedAt = 0;
  let firstRequestAt: number | undefined;
  let revokedAt: number | undefined;
  // Depth of a call: 1 + the deepest call answered before it arrived (its place on the critical path).
  let deepestAnswered = 0;
  let rounds = 0;
  const reads: string[] = [];
  const backend = {
    async send(
      service: Parameters<SdkAccount['send']>[0],
      operation: string,
      input: Record<string, unknown>,
    ) {
      firstRequestAt ??= performance.now();
      const depth = deepestAnswered + 1;
      if (!isWrite(operation) && revokedAt === undefined) {
        rounds = Math.max(rounds, depth);
        reads.push(operation);
      }
      try {
        await new Promise((resolve) => setTimeout(resolve, SIMULATED_LATENCY_MS));
        if (operation === 'RevokeSecurityGroupIngress') revokedAt ??= performance.now();
        return await account.send(service, operation, input as never);
      } finally {
        deepestAnswered = Math.max(deepestAnswered, depth);
      }
    },
  };

  const aws = await LoopbackAws.start({ backend });
  const target = { account: BENCH_ACCOUNT, region: BENCH_REGION, stage: BENCH_STAGE };
  const functionName = fn.environment.AWS_LAMBDA_FUNCTION_NAME ?? fn.name;
  const handlerModule = basename(bundle.path).replace(/\.m?js$/, '');
  const results: WireRun[] = [];
  try {
    for (let run = 1; run <= runs; run += 1) {
      account.reset();
      aws.clear();
      firstRequestAt = undefined;
      revokedAt = undefined;
      deepestAnswered = 0;
      rounds = 0;
      reads.length = 0;
      spawnedAt = performance.now();
      const result = await invokeFunction(
        { target },
        {
          key: fn.name,
          functionName,
          handler: `${handlerModule}.${fn.exportName}`,
          runtime: config.runtime,
          memorySize: Number(fn.environment.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 1024),
          timeout: 30,
          environment: { ...fn.environment, REMEDIATION_MODE: 'enforce' },
          taskRoot: dirname(bundle.path),
        },
        event,
        { endpoint: aws.url, accessKeyId: `ASIALOOPBACK-${fn.name}` },
      );
      if (!result.ok || revokedAt === undefined || firstRequestAt === undefined) {
        throw new Error(
          `run ${run}: no revoke (${JSON.stringify(result.error ?? result.result)}): ${result.output.slice(-1500)}`,
        );
      }
      results.push({
        firstRequestMs: round(firstRequestAt - spawnedAt),
        revokeMs: round(revokedAt - spawnedAt),
        readsBeforeRevoke: [...reads],
        roundsBeforeRevoke: rounds,
      });
    }
  } finally {
    await aws.stop();
  }
  const windows = results.map((r) => r.revokeMs);
  const roundsBeforeRevoke = Math.max(...results.map((r) => r.roundsBeforeRevoke));
  return {
    function: FUNCTION,
    event: WIRE_EVENT,
    account: DEMO_ACCOUNT,
    latencyMs: SIMULATED_LATENCY_MS,
    runs: results,
    medianRevokeMs: round(median(windows)),
    minRevokeMs: Math.min(...windows),
    maxRevokeMs: Math.max(...windows),
    medianFirstRequestMs: round(median(results.map((r) => r.firstRequestMs))),
    readsBeforeRevoke: Math.max(...results.map((r) => r.readsBeforeRevoke.length)),
    roundsBeforeRevoke,
    budgets: [
      {
        name: 'read rounds before the revoke (cold, over the wire)',
        status: roundsBeforeRevoke <= BUDGETS.sequentialReadsBeforeRevoke ? 'pass' : 'fail',
        explanation: `${roundsBeforeRevoke} ${roundsBeforeRevoke <= BUDGETS.sequentialReadsBeforeRevoke ? '≤' : '>'} ${BUDGETS.sequentialReadsBeforeRevoke}`,
      },
    ],
  };
};
