/**
 * How many AWS reads each kind of event costs (the README's "Reads per event" table states the same
 * numbers). Counted on the recorded account, whose port calls map one to one onto SDK calls.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayEvent } from '../../shared/cli/replay.ts';
import { logger } from '../../shared/logger.ts';
import { DEFAULT_SETTINGS } from '../../shared/policy/settings.ts';
import { loadRecordedAccount } from '../../shared/recorded/recorded-account.ts';

const root = join(import.meta.dirname, '..', '..');
const STATE = join(root, 'events', 'accounts', 'demo-account.json');
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;

const BROKERS_IN_ACCOUNT = (JSON.parse(readFileSync(STATE, 'utf8')) as { brokers: unknown[] }).brokers.length;

const run = async (input: unknown) => {
  const account = await loadRecordedAccount(STATE);
  const result = await replayEvent(input, account, {
    settings: { ...DEFAULT_SETTINGS, remediationMode: 'enforce' },
    now: new Date('2026-11-24T12:00:00Z'),
  });
  return { result, reads: account.readCounts() };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('reads per event kind', () => {
  it('costs one round of three reads, and does nothing else, for a group no broker uses', async () => {
    // Prepare: the all-TCP sample, moved to the application clients' group (an EC2 instance uses it).
    const event = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
    const detail = event.detail as { requestParameters: { groupId: string }; responseElements: unknown };
    detail.requestParameters.groupId = 'sg-0a1b2c3d4e5f60003';
    detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };

    // Act
    const { result, reads } = await run(event);

    // Assess: in enforce mode the account's listing and the group's tags are read together with the
    // interfaces (so that a write needs one round less); no broker is described.
    expect(reads).toEqual({ DescribeNetworkInterfaces: 1, ListBrokers: 1, DescribeSecurityGroups: 1 });
    expect(result.evaluations).toEqual([]);
    expect(result.writes).toEqual([]);
  });

  it('costs the name lookup plus one round for a default-VPC group named in the event that no broker uses', async () => {
    // Act
    const { result, reads } = await run(sample('ec2-authorize-security-group-ingress-group-name.json'));

    // Assess: the lookup, then the interfaces with the listing and the group's tags.
    expect(reads).toEqual({ DescribeSecurityGroups: 2, DescribeNetworkInterfaces: 1, ListBrokers: 1 });
    expect(result.writes).toEqual([]);
  });

  it('reads the interfaces, the broker, the group and its rules once for an ingress change on a broker group, and writes on those', async () => {
    // Act
    const { result, reads } = await run(
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
    );

    // Assess: the interfaces (find brokers, reused for "is the group shared"), the account's broker
    // listing and the group's tags; then every broker (which brokers use the group: each keeps its
    // ports) with the group's rules; the writes use the rules of that last round, so there is no
    // re-read. After the writes: the configuration (its revision and, for its name and
    // descriptions, the configuration itself), and (a fresh container) once which engine versions
    // Amazon MQ offers.
    expect(reads).toEqual({
      DescribeNetworkInterfaces: 1,
      DescribeBroker: BROKERS_IN_ACCOUNT,
      ListBrokers: 1,
      DescribeConfigurationRevision: 1,
      DescribeConfiguration: 1,
      DescribeSecurityGroups: 1,
      DescribeSecurityGroupRules: 1,
      DescribeBrokerEngineTypes: 1,
    });
    expect(result.writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
  });

  it('reads the broker and its dependencies once for a broker event, and every broker once before remediating', async () => {
    // Act
    const { reads } = await run(sample('mq-create-user.json'));

    // Assess: orders-prod has a customer managed key, so DescribeKey is one of them. Its group has a
    // rule to narrow, so before writing every broker of the account is described once: the group
    // keeps what each broker on it uses.
    expect(reads.ListBrokers).toBe(1);
    expect(reads.DescribeBroker).toBe(BROKERS_IN_ACCOUNT);
    expect(reads.DescribeNetworkInterfaces).toBe(1);
    expect(reads.DescribeKey).toBe(1);
    expect(reads.DescribeConfigurationRevision).toBe(1);
    expect(reads.DescribeConfiguration).toBe(1);
  });

  it('reads only the broker for DeleteBroker', async () => {
    // Act
    const { result, reads } = await run(sample('mq-delete-broker.json'));

    // Assess
    expect(reads).toEqual({ DescribeBroker: 1 });
    expect(result.evaluations.every((e) => e.compliance === 'NOT_APPLICABLE')).toBe(true);
  });

  it('reads nothing for an event it ignores', async () => {
    // Act
    const { reads } = await run(sample('ec2-create-tags-instance.json'));

    // Assess
    expect(reads).toEqual({});
  });
});
