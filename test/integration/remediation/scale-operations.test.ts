/**
 * The event path at scale, in operations: a change to a group fifty brokers share, in an account of
 * two hundred (Amazon MQ's default broker quota). Every Amazon MQ call is paced by the function's token
 * bucket, so the number of calls is the time the event takes; counted here, never timed. And a write
 * starts only with time left to finish it and its record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { OutOfTimeError } from '../../../shared/errors.ts';
import { parseApiCallEvent } from '../../../shared/events/cloudtrail.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { eventDeps, handleApiCall, WRITE_RESERVE_MS } from '../../../shared/use-cases/handle-api-call.ts';
import { REAL_TIME_RATE_LIMIT } from '../../../shared/use-cases/rate-limit.ts';
import { loadDemoAccount, sweepAccount } from '../../bench/fixtures.ts';
import { withReadRounds } from '../../support/read-rounds.ts';

const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };
const DEMO = 'events/accounts/demo-account.json';
const SAMPLE = 'events/ec2-authorize-security-group-ingress-web-console-cidr.json';
const SAMPLE_GROUP = 'sg-0a1b2c3d4e5f60001';

/**
 * Reads per affected broker beyond the account's listing: its groups, their interfaces, their rules,
 * its configuration revision and its key, each read at most once (4.2 measured: shared groups,
 * configurations and keys are read once for all their brokers; a few rules are re-read before writing).
 */
const PER_BROKER_READS = 5;

const scaleAccount = () => sweepAccount(loadDemoAccount(DEMO));

/** The sample authorize, retargeted at the group every broker of one VPC shares. */
const eventOnSharedGroup = (account: ReturnType<typeof scaleAccount>) => {
  const group = String(
    account.securityGroups.find((g) => String(g.GroupName).startsWith('bench-vpc-'))?.GroupId,
  );
  const brokers = account.brokers.filter((b) => (b.SecurityGroups as string[]).includes(group));
  const raw = JSON.stringify(sampleEvent()).split(SAMPLE_GROUP).join(group);
  return { event: parseApiCallEvent(JSON.parse(raw)), group, brokers };
};

const sampleEvent = (): unknown =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', SAMPLE), 'utf8'));

const run = async (remainingTimeMs?: () => number) => {
  const json = scaleAccount();
  const { event, brokers } = eventOnSharedGroup(json);
  const recorded = recordedAccountFrom(json);
  const rounds = withReadRounds(recorded);
  const outcome = handleApiCall(
    event,
    eventDeps({
      readers: rounds.readers,
      writer: rounds.writer,
      settings: ENFORCE,
      checks: enabledChecks(ENFORCE),
      account: recorded.accountId,
      region: recorded.region,
      now: () => new Date('2026-11-24T12:00:00Z'),
      ...(remainingTimeMs ? { remainingTimeMs } : {}),
    }),
  );
  return { outcome, rounds, recorded, json, brokers };
};

const count = (calls: readonly { operation: string }[], operation: string) =>
  calls.filter((c) => c.operation === operation).length;

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('an event on a group fifty brokers share, in a 200-broker account', () => {
  it('describes every broker of the account once and reads each affected broker in a few calls', async () => {
    // Act
    const { outcome, rounds, json, brokers } = await run();
    const result = await outcome;

    // Assess
    expect(brokers.length).toBe(50);
    expect(result.brokers.length).toBe(brokers.length);
    const calls = rounds.calls();
    expect(count(calls, 'ListBrokers')).toBe(1);
    expect(count(calls, 'DescribeBroker')).toBe(json.brokers.length);
    const revisions = new Set(
      brokers.flatMap((b) => {
        const c = b.Configurations as { Current?: { Id: string; Revision: number } } | undefined;
        return c?.Current ? [`${c.Current.Id}:${c.Current.Revision}`] : [];
      }),
    );
    expect(count(calls, 'DescribeConfigurationRevision')).toBeLessThanOrEqual(revisions.size);
    const reads = calls.filter((c) => c.kind === 'read');
    const mqCalls = reads.filter((c) =>
      ['ListBrokers', 'DescribeBroker', 'DescribeConfigurationRevision'].includes(c.operation),
    ).length;
    // What the token bucket paces: the calls beyond its burst, at its rate, fit well within the
    // function's 60 s timeout with the write reserve kept.
    const pacedSeconds = (mqCalls - REAL_TIME_RATE_LIMIT.capacity) / REAL_TIME_RATE_LIMIT.refillPerSecond;
    expect(pacedSeconds).toBeLessThanOrEqual(60 - WRITE_RESERVE_MS / 1000 - 15);
    // Beyond the account's listing, a few reads per affected broker (its groups, their interfaces and
    // rules, its configuration and key), never a re-read of the listing.
    const perBroker = (reads.length - 1 - json.brokers.length) / brokers.length;
    expect(perBroker).toBeLessThanOrEqual(PER_BROKER_READS);
  });

  it('writes nothing and fails, to be retried, when too little time is left to write and announce', async () => {
    // Act
    const { outcome, recorded } = await run(() => WRITE_RESERVE_MS - 1);

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(OutOfTimeError);
    await expect(outcome).rejects.toThrow(/nothing was written for it and the event will be retried/);
    expect(recorded.writes()).toEqual([]);
  });
});
