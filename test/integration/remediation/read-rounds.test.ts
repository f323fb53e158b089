/**
 * The exposure window in operations: how many reads, one after the other, the event path waits for
 * before it writes. Counted with test/support/read-rounds.ts over the demo recorded account; no time.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { runEventPath } from '../../support/event-path.ts';
import { demoAccount, repositoryJson, sampleEvent } from '../../support/repository-files.ts';

const json = repositoryJson;
const sample = sampleEvent;

const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };

const run = async (event: unknown, account = demoAccount(), settings = ENFORCE) => {
  const { outcome, rounds, writes, evaluationLoads } = runEventPath(event, account, settings);
  return { outcome: await outcome, rounds, writes: writes(), evaluationLoads: evaluationLoads() };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('read rounds before a write on the event path', () => {
  it('narrows a world-open all-ports rule after two rounds: the listing, the group and its interfaces; then every broker with the rules', async () => {
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
    // 5 rounds before the rounds were merged, 7 before they were first restructured.
    expect(rounds.roundsBefore('AuthorizeSecurityGroupIngress')).toBe(2);
    const calls = rounds.calls();
    const firstWrite = calls.findIndex((c) => c.kind === 'write');
    const revoke = calls.findIndex((c) => c.operation === 'RevokeSecurityGroupIngress');
    // The revoke follows the authorizes it waits for with no read in between.
    expect(calls.slice(firstWrite, revoke).filter((c) => c.kind === 'read')).toEqual([]);
    const readsBeforeWrite = calls.slice(0, firstWrite).filter((c) => c.kind === 'read');
    const ofRound = (round: number) =>
      readsBeforeWrite
        .filter((c) => c.round === round)
        .map((c) => c.operation)
        .sort();
    expect(ofRound(1)).toEqual(['DescribeNetworkInterfaces', 'DescribeSecurityGroups', 'ListBrokers']);
    const brokers = (demoAccount() as { brokers: unknown[] }).brokers.length;
    expect(ofRound(2)).toEqual([
      ...Array.from({ length: brokers }, () => 'DescribeBroker'),
      'DescribeSecurityGroupRules',
    ]);
  });

  it("writes after two rounds for a broker's own event: the broker with the listing; then every other broker with its groups, rules and interfaces", async () => {
    // Act: orders-prod has a rule to narrow and a customer managed key.
    const { rounds, writes } = await run(sample('mq-create-user.json'));

    // Assess
    expect(writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
    expect(rounds.roundsBefore(writes[0]?.operation ?? '')).toBe(2);
    const calls = rounds.calls();
    const firstWrite = calls.findIndex((c) => c.kind === 'write');
    const round1 = calls
      .slice(0, firstWrite)
      .filter((c) => c.kind === 'read' && c.round === 1)
      .map((c) => c.operation)
      .sort();
    expect(round1).toEqual(['DescribeBroker', 'ListBrokers']);
    // The key and the configuration wait until the writes are done.
    const key = calls.findIndex((c) => c.operation === 'DescribeKey');
    expect(key).toBeGreaterThan(firstWrite);
  });

  it.each([
    ['shared-group-two-activemq', {}],
    // Without remediateSharedGroups these two groups are skipped (see their scenarios): nothing written.
    ['shared-group-activemq-rabbitmq', { remediateSharedGroups: true }],
    ['shared-group-three-brokers', { remediateSharedGroups: true }],
  ] as const)('writes after at most two rounds on the shared-group account %s', async (scenario, extra) => {
    // Prepare: the scenario's first event (a wide rule on the shared group) on its recorded account.
    const events = json(join('events', 'scenarios', scenario, '1-authorize-all-tcp.json'));
    const account = json(join('events', 'accounts', `${scenario}.json`));

    // Act
    const { rounds, writes } = await run(events, account, { ...ENFORCE, ...extra });

    // Assess: something is written (narrowed to the union of the brokers on it), after 2 rounds.
    expect(writes.length).toBeGreaterThan(0);
    const firstWrite = rounds.calls().find((c) => c.kind === 'write');
    expect(firstWrite?.round).toBeLessThanOrEqual(2);
  });

  it.each([
    [false, 2, 'after the writes'],
    [true, 3, 'in a round of their own before the writes'],
  ] as const)(
    'with revokeWorldIngress %s, writes after %i rounds on a group whose rule names a prefix list, reading the list %s',
    async (revokeWorldIngress, expected, _when) => {
      // Prepare: shared-group-three-brokers, whose shared group has a rule from a prefix list.
      const scenario = 'shared-group-three-brokers';
      const events = json(join('events', 'scenarios', scenario, '1-authorize-all-tcp.json'));
      const account = json(join('events', 'accounts', `${scenario}.json`));

      // Act
      const { rounds, writes } = await run(events, account, {
        ...ENFORCE,
        remediateSharedGroups: true,
        revokeWorldIngress,
      });

      // Assess
      expect(writes.length).toBeGreaterThan(0);
      const calls = rounds.calls();
      const firstWrite = calls.findIndex((c) => c.kind === 'write');
      expect(calls[firstWrite]?.round).toBe(expected);
      const listRead = calls.findIndex((c) => c.operation === 'GetManagedPrefixListEntries');
      expect(listRead).toBeGreaterThanOrEqual(0);
      expect(listRead > firstWrite).toBe(!revokeWorldIngress);
    },
  );

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

    // Assess: the other group is known only from DescribeBroker (round 2), so its tags, rules and
    // interfaces are a third round; the event's group's rules are no longer as fresh as a re-read, and
    // the executor reads them again right before the writes.
    expect(writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
    const ruleReads = rounds.calls().filter((c) => c.operation === 'DescribeSecurityGroupRules');
    expect(ruleReads.length).toBeGreaterThanOrEqual(2);
    expect(rounds.roundsBefore('RevokeSecurityGroupIngress')).toBeGreaterThan(2);
  });

  it('asks for the checks once, when a broker is possible, and never for a group no broker uses', async () => {
    // Prepare: the all-TCP sample, moved to the application clients' group (an EC2 instance uses it).
    const unused = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
    const detail = unused.detail as { requestParameters: { groupId: string }; responseElements: unknown };
    detail.requestParameters.groupId = 'sg-0a1b2c3d4e5f60003';
    detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };

    // Act
    const onBrokerGroup = await run(sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'));
    const onUnusedGroup = await run(unused);

    // Assess
    expect(onBrokerGroup.writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
    expect(onBrokerGroup.evaluationLoads).toBe(1);
    expect(onUnusedGroup.outcome.brokers).toEqual([]);
    expect(onUnusedGroup.evaluationLoads).toBe(0);
  });

  it('reads one round, describes no broker and writes nothing for a group no broker uses', async () => {
    // Prepare: the all-TCP sample, moved to the application clients' group (an EC2 instance uses it).
    const event = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
    const detail = event.detail as { requestParameters: { groupId: string }; responseElements: unknown };
    detail.requestParameters.groupId = 'sg-0a1b2c3d4e5f60003';
    detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };

    // Act
    const { rounds, writes } = await run(event);

    // Assess: the listing and the group were read with the interfaces; nothing after them.
    expect(
      rounds
        .calls()
        .map((c) => `${c.operation} ${c.round}`)
        .sort(),
    ).toEqual(['DescribeNetworkInterfaces 1', 'DescribeSecurityGroups 1', 'ListBrokers 1']);
    expect(writes).toEqual([]);
  });
});
