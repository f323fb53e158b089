/**
 * The recorded safety scenarios (events/scenarios/<name>/ with events/accounts/<name>.json), replayed
 * in enforce mode in every order of their events, one recorded account per order, writes applied as
 * EC2 applies them. Whatever the order:
 * - no broker loses a (group, source, port) its clients could reach before and its protocols use;
 * - a group is narrowed to what every broker on it uses, or left alone with the reason said.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, replayEvent } from '../../../shared/cli/replay.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { loadRecordedAccount, type RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { lostAccess, readAdmittedAccess } from '../../support/admitted.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'events');
const NOW = new Date('2026-12-05T12:00:00Z');
const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };

const eventsOf = (scenario: string): string[] =>
  readdirSync(join(ROOT, 'scenarios', scenario))
    .filter((f) => f.endsWith('.json'))
    .sort();

const orders = <T>(items: readonly T[]): T[][] =>
  items.length <= 1
    ? [[...items]]
    : items.flatMap((first, i) =>
        orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
      );

interface Run {
  readonly account: RecordedAccount;
  readonly results: readonly ReplayResult[];
  readonly lost: readonly string[];
}

const replayInOrder = async (
  scenario: string,
  files: readonly string[],
  settings: Settings,
): Promise<Run> => {
  const account = await loadRecordedAccount(join(ROOT, 'accounts', `${scenario}.json`));
  const readers = { brokers: account, network: account };
  const before = await readAdmittedAccess(readers, settings);
  const results: ReplayResult[] = [];
  for (const file of files) {
    const event = JSON.parse(readFileSync(join(ROOT, 'scenarios', scenario, file), 'utf8')) as unknown;
    results.push(await replayEvent(event, account, { settings, now: NOW }));
  }
  return { account, results, lost: lostAccess(before, await readAdmittedAccess(readers, settings)) };
};

/** `source port` pairs the group admits over TCP after the run, as `10.3.0.0/16 61617`. */
const admittedOn = async (account: RecordedAccount, groupId: string): Promise<string[]> =>
  (await account.describeIngressRules([groupId]))
    .filter((r) => r.protocol === 'tcp' || r.protocol === '-1')
    .map((r) => `${r.source.kind === 'cidrIpv4' ? r.source.cidr : r.source.kind} ${r.fromPort}-${r.toPort}`)
    .sort();

const skipReasons = (run: Run): string[] =>
  run.results.flatMap((r) => r.remediation.filter((a) => a.status === 'skipped').map((a) => a.reason ?? ''));

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe.each([
  {
    scenario: 'shared-group-activemq-rabbitmq',
    group: 'sg-05afe0000000000a1',
    // The RabbitMQ broker's interface is a VPC endpoint interface: no AWS evidence ties it to the broker.
    settings: { ...ENFORCE, remediateSharedGroups: true },
    narrowedTo: [
      '10.3.0.0/16 15671-15671',
      '10.3.0.0/16 443-443',
      '10.3.0.0/16 5671-5671',
      '10.3.0.0/16 61617-61617',
    ],
  },
  {
    scenario: 'shared-group-two-activemq',
    group: 'sg-05afe0000000000b1',
    settings: ENFORCE,
    narrowedTo: ['10.3.0.0/16 61614-61614', '10.3.0.0/16 61617-61617'],
  },
])('$scenario: two brokers on one group', ({ scenario, group, settings, narrowedTo }) => {
  it.each(orders(eventsOf(scenario)))(
    'replayed as %s, %s… narrows the group to what both brokers use and cuts no port either uses',
    async (...files) => {
      // Act
      const run = await replayInOrder(scenario, files, settings);

      // Assess
      expect(run.lost).toEqual([]);
      expect(await admittedOn(run.account, group)).toEqual(narrowedTo);
      expect(run.results.map((r) => r.failure)).toEqual(run.results.map(() => undefined));
    },
  );

  it('with the default settings leaves a group with an interface no evidence ties to a broker alone', async () => {
    // Act
    const run = await replayInOrder(scenario, eventsOf(scenario), ENFORCE);

    // Assess
    expect(run.lost).toEqual([]);
    if (scenario === 'shared-group-activemq-rabbitmq') {
      expect(run.account.writes()).toEqual([]);
      expect(
        skipReasons(run).every(
          (r) => r.includes('vpc_endpoint') && r.includes('remediateSharedGroups is off'),
        ),
      ).toBe(true);
      expect(skipReasons(run).length).toBeGreaterThan(0);
    } else {
      expect(run.account.writes().length).toBeGreaterThan(0);
    }
  });
});

describe('instance-interface-described-as-broker: an instance interface whose description names the broker', () => {
  const scenario = 'instance-interface-described-as-broker';

  it.each(orders(eventsOf(scenario)))(
    'replayed as %s, %s leaves the group alone and says which instance uses it',
    async (...files) => {
      // Act
      const run = await replayInOrder(scenario, files, ENFORCE);

      // Assess
      expect(run.lost).toEqual([]);
      expect(run.account.writes()).toEqual([]);
      const reasons = skipReasons(run);
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons) expect(reason).toContain('eni-05afe0000000000c2 (i-05afe0000000000c1)');
    },
  );
});

describe('opted-out-group-not-returned: DescribeSecurityGroups leaves out an opted-out group', () => {
  const scenario = 'opted-out-group-not-returned';

  it.each(orders(eventsOf(scenario)))(
    'replayed as %s, %s writes nothing, alerts that the group could not be read and fails for retry',
    async (...files) => {
      // Act
      const run = await replayInOrder(scenario, files, ENFORCE);

      // Assess
      expect(run.lost).toEqual([]);
      expect(run.account.writes()).toEqual([]);
      for (const result of run.results) {
        expect(result.failure?.message).toContain(
          'sg-05afe0000000000d1 itself (DescribeSecurityGroups did not return it)',
        );
      }
      const errors = run.results.flatMap((r) => r.alerts.filter((a) => a.alert.action === 'error'));
      expect(
        errors.some((a) => a.text.includes('sg-05afe0000000000d1 of the broker could not be read')),
      ).toBe(true);
    },
  );
});
