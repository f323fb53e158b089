/**
 * The recorded safety scenarios (events/scenarios/<name>/ with events/accounts/<name>.json and, when
 * present, the settings events/settings/<name>.json), replayed in enforce mode in every order of their
 * events, one recorded account per order, writes applied as EC2 applies them. Whatever the order:
 * - no broker loses a (group, source, port) its clients could reach before and its protocols use;
 * - a group is narrowed to what every broker on it uses, or left alone with the reason said;
 * - a fact not read means no write and a failed invocation that names it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, replayEvent } from '../../../shared/cli/replay.ts';
import { settingsFromFile } from '../../../shared/cli/settings-file.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { loadRecordedAccount, type RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { admittedAccessOfFile, lostAccess } from '../../support/admitted.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', 'events');
const NOW = new Date('2026-12-05T12:00:00Z');
const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };

const SCENARIOS = readdirSync(join(ROOT, 'scenarios')).sort();

/** The scenario's settings file (README setting names), else the defaults; always in enforce mode. */
const settingsOf = (scenario: string): Settings => {
  const file = join(ROOT, 'settings', `${scenario}.json`);
  if (!existsSync(file)) return ENFORCE;
  return { ...settingsFromFile(readFileSync(file, 'utf8'), file), remediationMode: 'enforce' };
};

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
  settings: Settings = settingsOf(scenario),
): Promise<Run> => {
  const account = await loadRecordedAccount(join(ROOT, 'accounts', `${scenario}.json`));
  // Read from the file, not through the reads: a scenario may make those fail.
  const before = admittedAccessOfFile(account.toJSON(), settings);
  const results: ReplayResult[] = [];
  for (const file of files) {
    const event = JSON.parse(readFileSync(join(ROOT, 'scenarios', scenario, file), 'utf8')) as unknown;
    results.push(await replayEvent(event, account, { settings, now: NOW }));
  }
  return { account, results, lost: lostAccess(before, admittedAccessOfFile(account.toJSON(), settings)) };
};

/** `source ports` of the group's TCP and all-traffic ingress rules after the run, as `10.3.0.0/16 61617-61617`. */
const admittedOn = (account: RecordedAccount, groupId: string): string[] =>
  account
    .toJSON()
    .securityGroupRules.map((r) => r as Record<string, unknown>)
    .filter(
      (r) =>
        r.GroupId === groupId && r.IsEgress === false && (r.IpProtocol === 'tcp' || r.IpProtocol === '-1'),
    )
    .map((r) => {
      const source =
        r.CidrIpv4 ??
        r.CidrIpv6 ??
        r.PrefixListId ??
        (r.ReferencedGroupInfo as { GroupId?: string } | undefined)?.GroupId;
      return `${String(source)} ${String(r.FromPort)}-${String(r.ToPort)}`;
    })
    .sort();

/** Group ids of every write of the run. */
const writtenGroups = (run: Run): string[] => [
  ...new Set(run.account.writes().map((w) => String(w.input.GroupId))),
];

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

describe.each(SCENARIOS)('%s, replayed with its settings in every order of its events', (scenario) => {
  it.each(orders(eventsOf(scenario)))('as %s, %s… cuts no port a broker uses', async (...files) => {
    // Act
    const run = await replayInOrder(scenario, files);

    // Assess
    expect(run.lost).toEqual([]);
  });
});

describe.each([
  {
    scenario: 'shared-group-three-brokers',
    // Two ActiveMQ brokers (openwire, stomp; mqtt) and a RabbitMQ broker (amqp, console) whose interface
    // is a VPC endpoint interface, so only remediateSharedGroups (the scenario's settings) lets it write.
    // Each source keeps what any broker uses and its rule opened; the prefix list's rule never opened 443.
    narrowed: {
      'sg-05afe0000000000e1': [
        ...['10.3.0.0/16', '2001:db8:1234::/56', 'sg-05afe0000000000e9'].flatMap((source) =>
          ['15671', '443', '5671', '61614', '61617', '8883'].map((p) => `${source} ${p}-${p}`),
        ),
        ...['15671', '5671', '61614', '61617', '8883'].map((p) => `pl-05afe00000000e1 ${p}-${p}`),
      ].sort(),
    },
  },
  {
    scenario: 'shared-group-brokers-not-running',
    // billing-mq is being created (no interface yet), reports-mq reboots: both still use the group.
    narrowed: {
      'sg-05afe0000000000f1': ['5671', '61614', '61617', '61619'].map((p) => `10.3.0.0/16 ${p}-${p}`).sort(),
    },
  },
  {
    scenario: 'overlapping-groups-two-engines',
    narrowed: {
      'sg-05afe000000000101': ['10.3.0.0/16 61617-61617'],
      'sg-05afe000000000102': ['10.3.0.0/16 15671-15671', '10.3.0.0/16 443-443', '10.3.0.0/16 61617-61617'],
      'sg-05afe000000000103': ['10.3.0.0/16 15671-15671', '10.3.0.0/16 443-443'],
    },
  },
  {
    scenario: 'pending-security-group-shared',
    // telemetry-mq moves to the group at its next reboot (PendingSecurityGroups): its STOMP port stays.
    narrowed: { 'sg-05afe000000000701': ['10.3.0.0/16 61614-61614', '10.3.0.0/16 61617-61617'] },
  },
])('$scenario: every broker on a group keeps its ports', ({ scenario, narrowed }) => {
  it.each(orders(eventsOf(scenario)))(
    'replayed as %s, %s… narrows each group to what its brokers use',
    async (...files) => {
      // Act
      const run = await replayInOrder(scenario, files);

      // Assess
      for (const [group, expected] of Object.entries(narrowed))
        expect(admittedOn(run.account, group)).toEqual(expected);
      expect(run.results.map((r) => r.failure)).toEqual(run.results.map(() => undefined));
    },
  );
});

describe.each([
  {
    scenario: 'interfaces-described-as-broker',
    // Each group holds one interface whose description names a broker but whose AWS-controlled
    // attributes (instance attached, trunk or lambda type, not requester-managed, a broker not listed,
    // an instance described as the other broker) do not make it a broker's.
    reasons: {
      'sg-05afe000000000201': 'eni-05afe00000000000d (i-05afe000000000201)',
      'sg-05afe000000000202': 'eni-05afe00000000000e (i-05afe000000000202)',
      'sg-05afe000000000203': 'eni-05afe00000000000f (lambda)',
      'sg-05afe000000000204': 'eni-05afe000000000010',
      'sg-05afe000000000205':
        'broker b-5afe0008-0000-4000-8000-0000000002ff, which is not among the brokers DescribeBroker shows on this group',
      'sg-05afe000000000206': 'eni-05afe000000000012 (i-05afe000000000206)',
    },
  },
  {
    scenario: 'other-service-interface-described-as-broker',
    // Requester-managed, unattached, of type interface and described as the broker's, but created by
    // another AWS service (requester id amazon-elb): in doubt, another user of the group.
    reasons: { 'sg-05afe000000000a01': 'eni-05afe000000000026' },
  },
  {
    scenario: 'interface-of-unlisted-broker',
    // remediateSharedGroups is on (the instance is covered), but the other broker's ports are unknown.
    reasons: {
      'sg-05afe000000000801':
        'eni-05afe000000000020 belongs, on evidence AWS controls, to broker b-5afe000e-0000-4000-8000-0000000008ff',
    },
  },
  {
    scenario: 'opt-out-tag-values',
    reasons: {
      'sg-05afe000000000301': 'mq-guardian:remediation="OFF"',
      'sg-05afe000000000302': 'mq-guardian:remediation=" off "',
      'sg-05afe000000000303': 'mq-guardian:remediation="Off\\n"',
      'sg-05afe000000000304': 'mq-guardian:remediation="disabled"',
      'sg-05afe000000000305': 'mq-guardian:remediation=""',
      'sg-05afe000000000309': 'the broker carries mq-guardian:remediation="Off\\n"',
    },
  },
])('$scenario: groups left alone with the reason said', ({ scenario, reasons }) => {
  it.each(orders(eventsOf(scenario)))('replayed as %s, %s… writes to none of them', async (...files) => {
    // Act
    const run = await replayInOrder(scenario, files);

    // Assess
    expect(writtenGroups(run).filter((g) => Object.hasOwn(reasons, g))).toEqual([]);
    const skipped = run.results.flatMap((r) => r.remediation.filter((a) => a.status === 'skipped'));
    for (const [group, reason] of Object.entries(reasons)) {
      const said = skipped.filter((a) => a.groupId === group).map((a) => a.reason ?? '');
      expect(said.length, group).toBeGreaterThan(0);
      for (const text of said) expect(text, group).toContain(reason);
    }
  });
});

describe.each([
  {
    scenario: 'second-group-not-returned',
    unread: 'sg-05afe000000000402 itself (DescribeSecurityGroups did not return it)',
  },
  { scenario: 'broker-listing-fails', unread: 'ListBrokers failed' },
  { scenario: 'interfaces-read-fails', unread: 'DescribeNetworkInterfaces failed' },
  {
    scenario: 'other-broker-lists-no-groups',
    unread: 'DescribeBroker lists no security groups for b-5afe000f-0000-4000-8000-000000000902',
  },
  {
    scenario: 'listed-broker-not-found',
    unread:
      'ListBrokers lists b-5afe0012-0000-4000-8000-000000000c02 (RUNNING) but DescribeBroker does not find it, so which groups it uses is unknown',
  },
])('$scenario: a fact not read', ({ scenario, unread }) => {
  it.each(orders(eventsOf(scenario)))(
    'replayed as %s, %s… writes nothing and fails every invocation, naming what was not read',
    async (...files) => {
      // Act
      const run = await replayInOrder(scenario, files);

      // Assess
      expect(run.account.writes()).toEqual([]);
      for (const result of run.results) expect(result.failure?.message).toContain(unread);
    },
  );
});

describe('opt-out-tag-values: tagging a group out of remediation', () => {
  it('is announced, naming who opted which group out and with which value', async () => {
    // Act
    const run = await replayInOrder('opt-out-tag-values', ['2-tag-group.json']);

    // Assess
    const exempted = run.results.flatMap((r) =>
      r.alerts.filter((a) => a.alert.action === 'exempted').map((a) => a.alert),
    );
    // Once: the evaluation is announced once, with what remediation did.
    expect(exempted).toHaveLength(1);
    const [alert] = exempted;
    expect(alert?.summary).toBe(
      'arn:aws:iam::123456789012:user/ci-deployer opted security group sg-05afe000000000302 out of remediation by tagging it mq-guardian:remediation=" off ". Still failing on it, and no longer fixed by mq-guardian: mq-broker-ingress-limited-to-used-protocols (MEDIUM).',
    );
    expect(alert?.securityGroups).toEqual([{ groupId: 'sg-05afe000000000302', ruleIds: [] }]);
    expect(run.account.writes()).toEqual([]);
  });
});

describe('broker-opted-out-on-shared-group: a broker tagged out of remediation on a shared group', () => {
  const GROUP = 'sg-05afe000000000b01';

  it.each(orders(eventsOf('broker-opted-out-on-shared-group')))(
    'replayed as %s, %s… writes nothing to the group, for either broker, and says why',
    async (...files) => {
      // Act
      const run = await replayInOrder('broker-opted-out-on-shared-group', files);

      // Assess
      expect(run.lost).toEqual([]);
      expect(run.account.writes()).toEqual([]);
      expect(skipReasons(run).length).toBeGreaterThan(0);
      expect(skipReasons(run).every((r) => r.includes('carries mq-guardian:remediation=off'))).toBe(true);
    },
  );

  it('is announced, naming who opted which broker out and the group no longer remediated', async () => {
    // Act
    const run = await replayInOrder('broker-opted-out-on-shared-group', ['2-tag-openwire-broker.json']);

    // Assess
    const exempted = run.results.flatMap((r) =>
      r.alerts.filter((a) => a.alert.action === 'exempted').map((a) => a.alert),
    );
    // Once: the evaluation is announced once, with what remediation did.
    expect(exempted).toHaveLength(1);
    const [alert] = exempted;
    expect(alert?.summary).toBe(
      `arn:aws:iam::123456789012:user/ci-deployer opted broker orders-mq (b-5afe0011-0000-4000-8000-000000000b01) out of remediation by tagging it mq-guardian:remediation=off. mq-guardian no longer remediates its security group ${GROUP}, for it or any other broker that uses it. Still failing on it, and no longer fixed by mq-guardian: mq-broker-ingress-limited-to-used-protocols (MEDIUM).`,
    );
    expect(alert?.securityGroups).toEqual([{ groupId: GROUP, ruleIds: [] }]);
    expect(alert?.actor?.arn).toBe('arn:aws:iam::123456789012:user/ci-deployer');
  });
});
