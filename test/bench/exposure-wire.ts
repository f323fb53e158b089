/**
 * The exposure window end to end, cold: `npx tsx test/bench/exposure-wire.ts [runs]` (default 7).
 *
 * The stack is packaged with `osls package` (enforce mode) and the `on-ingress-event` bundle is
 * invoked in a fresh Node.js process per run, as a cold Lambda container, with the world-open
 * all-ports AuthorizeSecurityGroupIngress sample. Every AWS call goes through the real SDK clients and
 * their serialization to the loopback AWS HTTP server (test/support/loopback-aws/), answered from the
 * demo recorded account after SIMULATED_LATENCY_MS. Measured per run: from the moment the process is
 * spawned (the event handed to a cold container) to the moment the loopback receives the
 * RevokeSecurityGroupIngress that removes the wide rule, and the read requests received before it.
 * Printed: every run and the median. Informational: no budget, no exit status from the figures.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { LoopbackAws } from '../support/loopback-aws/server.ts';
import { invokeFunction, packageStack } from '../support/packaged/stack.ts';
import { SdkAccount } from '../support/sdk-account.ts';
import { SIMULATED_LATENCY_MS } from './budgets.ts';

const ROOT = new URL('../../', import.meta.url);
const TARGET = { account: '123456789012', region: 'us-east-1', stage: 'bench' } as const;
const PARAMS = { remediationMode: 'enforce' } as const;
const EVENT = 'ec2-authorize-security-group-ingress-world-tcp-all-ports.json';

const runs = Number(process.argv[2] ?? 7);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`runs must be a positive integer (got ${process.argv[2]})`);

const account = new SdkAccount(readFileSync(new URL('events/accounts/demo-account.json', ROOT), 'utf8'));
const event = JSON.parse(readFileSync(new URL(`events/${EVENT}`, ROOT), 'utf8')) as unknown;

let revokedAt: number | undefined;
const reads: string[] = [];
const backend = {
  async send(service: Parameters<SdkAccount['send']>[0], operation: string, input: Record<string, unknown>) {
    const isWrite = /^(Authorize|Revoke|Modify|Create|Put|Publish|Update|Delete|Send|Start)/.test(operation);
    if (!isWrite && revokedAt === undefined) reads.push(operation);
    await new Promise((resolve) => setTimeout(resolve, SIMULATED_LATENCY_MS));
    if (operation === 'RevokeSecurityGroupIngress' && revokedAt === undefined) revokedAt = performance.now();
    return account.send(service, operation, input as never);
  },
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const [stack, aws] = await Promise.all([packageStack(TARGET, PARAMS), LoopbackAws.start({ backend })]);
try {
  const fn = stack.functions.find((f) => f.key === 'on-ingress-event');
  if (!fn) throw new Error('on-ingress-event is not in the packaged stack');
  const windows: number[] = [];
  for (let run = 1; run <= runs; run += 1) {
    account.reset();
    aws.clear();
    revokedAt = undefined;
    reads.length = 0;
    const start = performance.now();
    const result = await invokeFunction(stack, fn, event, {
      endpoint: aws.url,
      accessKeyId: 'ASIALOOPBACK-on-ingress-event',
    });
    if (!result.ok || revokedAt === undefined) {
      throw new Error(`run ${run}: no revoke (${JSON.stringify(result.error ?? result.result)})`);
    }
    const window = revokedAt - start;
    windows.push(window);
    console.log(
      `run ${run}: revoke received ${window.toFixed(0)} ms after the cold process was spawned; ${reads.length} reads before it (${[...new Set(reads)].join(', ')})`,
    );
  }
  console.log(
    `exposure window, cold, ${SIMULATED_LATENCY_MS} ms a call, real SDK clients over HTTP: median of ${runs} = ${median(windows).toFixed(0)} ms (min ${Math.min(...windows).toFixed(0)}, max ${Math.max(...windows).toFixed(0)})`,
  );
} finally {
  await aws.stop();
  stack.dispose();
}
