/**
 * The exposure window in operations: how many reads, one after the other, the event path waits for
 * before it writes. Counted with test/support/read-rounds.ts over the demo recorded account; no time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { parseApiCallEvent } from '../../../shared/events/cloudtrail.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { handleApiCall } from '../../../shared/use-cases/handle-api-call.ts';
import { withReadRounds } from '../../support/read-rounds.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const json = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const sample = (name: string) => json(join('events', name));
const demoAccount = () => json(join('events', 'accounts', 'demo-account.json'));

const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };

const run = async (event: unknown, account = demoAccount(), settings = ENFORCE) => {
  const recorded = recordedAccountFrom(account);
  const rounds = withReadRounds(recorded);
  const outcome = await handleApiCall(parseApiCallEvent(event), {
    readers: rounds.readers,
    writer: rounds.writer,
    settings,
    checks: enabledChecks(settings),
    account: recorded.accountId,
    region: recorded.region,
    now: () => new Date('2026-11-24T12:00:00Z'),
  });
  return { outcome, rounds, writes: recorded.writes() };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('read rounds before a write on the event path', () => {
  it('narrows a world-open all-ports rule once the interfaces, the broker listing and every broker are read, with the group tags and rules among the last', async () => {
    // Act
    const { rounds, writes } = await run(
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
    );

    // Assess
    expect(writes.map((w) => w.operation)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    // Interfaces; ListBrokers with the broker; the other 8 brokers of the demo account described 5 at
    // a time, the group's tags and rules with them: 5 rounds (7 before the rounds were restructured).
    expect(rounds.roundsBefore('AuthorizeSecurityGroupIngress')).toBe(5);
    const calls = rounds.calls();
    const firstWrite = calls.findIndex((c) => c.kind === 'write');
    const revoke = calls.findIndex((c) => c.operation === 'RevokeSecurityGroupIngress');
    // The revoke follows the authorizes it waits for with no read in between.
    expect(calls.slice(firstWrite, revoke).filter((c) => c.kind === 'read')).toEqual([]);
    const reads = rounds.calls().filter((c) => c.kind === 'read');
    expect(reads.filter((c) => c.round === 1).map((c) => c.operation)).toEqual(['DescribeNetworkInterfaces']);
    expect(
      reads
        .filter((c) => c.round === 2)
        .map((c) => c.operation)
        .sort(),
    ).toEqual(['DescribeBroker', 'ListBrokers']);
    expect(reads.filter((c) => c.round === 3).map((c) => c.operation)).toEqual(
      expect.arrayContaining(['DescribeSecurityGroupRules', 'DescribeSecurityGroups']),
    );
  });

  it('reads the configuration after the writes, so that no read is in flight or failed when it writes', async () => {
    // Act
    const { rounds } = await run(sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'));

    // Assess
    const calls = rounds.calls();
    const configuration = calls.findIndex((c) => c.operation === 'DescribeConfigurationRevision');
    const revoke = calls.findIndex((c) => c.operation === 'RevokeSecurityGroupIngress');
    expect(configuration).toBeGreaterThan(revoke);
  });

  it('re-reads the rules before writing when the broker has a group the event did not name', async () => {
    // Prepare: orders-prod also uses the application clients' group, which the event does not name.
    const account = demoAccount() as { brokers: { BrokerId: string; SecurityGroups?: string[] }[] };
    const orders = account.brokers.find((b) => b.SecurityGroups?.includes('sg-0a1b2c3d4e5f60005'));
    if (!orders?.SecurityGroups)
      throw new Error('the demo account changed: no broker on sg-0a1b2c3d4e5f60005');
    orders.SecurityGroups.push('sg-0a1b2c3d4e5f60003');

    // Act
    const { rounds, writes } = await run(
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      account,
    );

    // Assess: the other group's reads come after the broker's, so the event's rules are no longer
    // as fresh as a re-read; the executor reads them again right before the writes.
    expect(writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
    const ruleReads = rounds.calls().filter((c) => c.operation === 'DescribeSecurityGroupRules');
    expect(ruleReads.length).toBeGreaterThanOrEqual(2);
    expect(rounds.roundsBefore('RevokeSecurityGroupIngress')).toBeGreaterThan(2);
  });

  it('reads once and writes nothing for a group no broker uses', async () => {
    // Prepare: the all-TCP sample, moved to the application clients' group (an EC2 instance uses it).
    const event = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
    const detail = event.detail as { requestParameters: { groupId: string }; responseElements: unknown };
    detail.requestParameters.groupId = 'sg-0a1b2c3d4e5f60003';
    detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };

    // Act
    const { rounds, writes } = await run(event);

    // Assess
    expect(rounds.calls()).toEqual([{ operation: 'DescribeNetworkInterfaces', kind: 'read', round: 1 }]);
    expect(writes).toEqual([]);
  });
});
