/**
 * Remediation safety as properties of whole accounts, not examples. fast-check generates recorded
 * accounts (both engines, several brokers per group, groups pending for a broker's next reboot, groups
 * shared with the interfaces of instances, Lambda functions, RDS databases, VPC endpoints, brokers and
 * brokers the account does not list, interfaces whose description names a broker without AWS
 * evidence, rules from IPv4 and IPv6 ranges, groups and prefix lists, tags on brokers, groups and
 * rules, reads that fail or leave a group out, every setting) and sequences of events (a group
 * changed, rules tagged, a broker changed). Each
 * sequence runs through the real-time use case the remediating function runs, in enforce mode, against
 * the recorded account (EC2 writes applied as EC2 applies them). After it:
 *
 * 1. every (group, source, TCP port) a broker's clients could reach before, on a port its protocols
 *    use, is still reachable (world-open sources excepted when revokeWorldIngress asks to revoke them);
 * 2. no write touches a group with a user the settings do not cover: a group or broker tagged
 *    mq-guardian:remediation=off, a broker whose ports are unknown or that was not read, or, unless
 *    remediateSharedGroups, an interface that AWS evidence does not tie to a broker;
 * 3. a fact not read means no write: a group DescribeSecurityGroups left out is never written, and
 *    when the rules, the groups or the interfaces could not be read, or a listed broker (not being
 *    deleted) was not found by DescribeBroker, nothing is written at all.
 *
 * Bound by run count (RUNS per property, MQG_PROPERTY_RUNS), never by time; the seed
 * (MQG_PROPERTY_SEED) makes a failure reproducible.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventDeps, INGRESS_CHECK_IDS, handleApiCall } from '../../../shared/use-cases/handle-api-call.ts';
import type { ApiCallEvent, EventTarget } from '../../../shared/events/cloudtrail.ts';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { logger } from '../../../shared/logger.ts';
import { ENGINE_PROTOCOLS } from '../../../shared/network/protocol-ports.ts';
import { resolveUsedProtocols } from '../../../shared/policy/protocols.ts';
import { DEFAULT_SETTINGS, type Settings, TAGS } from '../../../shared/policy/settings.ts';
import type { RecordedAccountFile } from '../../../shared/recorded/account-file.ts';
import { type RecordedAccount, recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { admittedAccessOfFile, lostAccess } from '../../support/admitted.ts';

const RUNS = Number(process.env.MQG_PROPERTY_RUNS ?? 10_000);
const SEED = Number(process.env.MQG_PROPERTY_SEED ?? 20261205);
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const VPC = 'vpc-0a1b2c3d4e5f60001';
const GROUPS = ['sg-0000000000000a001', 'sg-0000000000000a002', 'sg-0000000000000a003'] as const;
const BROKER_IDS = [
  'b-00000000-0000-4000-8000-000000000001',
  'b-00000000-0000-4000-8000-000000000002',
  'b-00000000-0000-4000-8000-000000000003',
] as const;
const SOURCES = [
  '10.0.0.0/16',
  '10.3.0.0/16',
  '192.0.2.0/24',
  '2001:db8::/56',
  '0.0.0.0/0',
  '::/0',
  'sg-0000000000000c001',
  'pl-0000000000000d001',
];
const WORLD = new Set(['0.0.0.0/0', '::/0']);
const MQ_PORTS = [443, 5671, 8162, 8883, 15671, 61614, 61617, 61619];
/** The checks the settings enable that read security groups (the others cannot lead to a write). */
const ingressChecks = (settings: Settings) =>
  enabledChecks(settings).filter((c) => INGRESS_CHECK_IDS.includes(c.meta.id));
const FAILABLE = [
  'DescribeNetworkInterfaces',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
  'ListBrokers',
] as const;

// ---------------------------------------------------------------------------------------------
// Generators

const engine = fc.constantFrom('ACTIVEMQ' as const, 'RABBITMQ' as const);

/** A protocols tag: absent, a subset of the engine's protocols, or something unreadable. */
const protocolsTag = (e: 'ACTIVEMQ' | 'RABBITMQ') =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: fc.subarray([...ENGINE_PROTOCOLS[e]], { minLength: 1 }).map((p) => p.join(',')) },
    { weight: 1, arbitrary: fc.constantFrom('openwire,carrier-pigeon', '') },
  );

const brokerSpec = engine.chain((e) =>
  fc.record({
    engine: fc.constant(e),
    groups: fc.subarray([...GROUPS], { minLength: 1, maxLength: 2 }),
    /** Groups an UpdateBroker asked for, applied at the next reboot (DescribeBroker PendingSecurityGroups). */
    pending: fc.oneof(
      { weight: 4, arbitrary: fc.constant([] as string[]) },
      { weight: 1, arbitrary: fc.subarray<string>([...GROUPS], { minLength: 1, maxLength: 1 }) },
    ),
    protocols: protocolsTag(e),
    optedOut: fc.constantFrom(false, false, false, true),
    /** How AWS shows the broker's interfaces: with evidence, as VPC endpoint interfaces, or not at all. */
    interfaces: fc.constantFrom('evidence', 'evidence', 'evidence', 'vpc-endpoint', 'none'),
    /** A broker being created may have no interface in its groups yet; DescribeBroker still names them. */
    state: fc.constantFrom(
      'RUNNING',
      'RUNNING',
      'RUNNING',
      'CREATION_IN_PROGRESS',
      'REBOOT_IN_PROGRESS',
      'DELETION_IN_PROGRESS',
    ),
    /** ListBrokers lists it but DescribeBroker does not find it (an answer that lags, or a broker deleted). */
    listedOnly: fc.constantFrom(false, false, false, false, false, true),
  }),
);

const port = fc.oneof(fc.constantFrom(0, 65535, ...MQ_PORTS), fc.integer({ min: 0, max: 65535 }));

const ruleSpec = fc.record({
  group: fc.constantFrom(...GROUPS),
  protocol: fc.constantFrom('tcp', 'tcp', 'tcp', '-1', 'udp'),
  a: port,
  b: port,
  source: fc.constantFrom(...SOURCES),
  allow: fc.constantFrom(false, false, false, false, true),
});

/** Other users of a group: what their interfaces look like in DescribeNetworkInterfaces. */
const OTHER_USERS = [
  'instance',
  'lambda',
  'rds',
  'vpc-endpoint',
  'instance-described-as-broker',
  'service-described-as-broker',
  'unlisted-broker',
] as const;
const otherUserSpec = fc.record({ group: fc.constantFrom(...GROUPS), kind: fc.constantFrom(...OTHER_USERS) });

const allowlist = (e: 'ACTIVEMQ' | 'RABBITMQ') =>
  fc.oneof(fc.constant([] as string[]), fc.subarray([...ENGINE_PROTOCOLS[e]], { minLength: 1 }));

const settingsSpec: fc.Arbitrary<Settings> = fc
  .record({
    remediateSharedGroups: fc.boolean(),
    revokeWorldIngress: fc.boolean(),
    disabledChecks: fc.subarray([...INGRESS_CHECK_IDS], { maxLength: 1 }),
    activemq: allowlist('ACTIVEMQ'),
    rabbitmq: allowlist('RABBITMQ'),
  })
  .map((s) => ({
    ...DEFAULT_SETTINGS,
    remediationMode: 'enforce',
    remediateSharedGroups: s.remediateSharedGroups,
    revokeWorldIngress: s.revokeWorldIngress,
    disabledChecks: s.disabledChecks,
    protocolAllowlist: {
      ...(s.activemq.length > 0 ? { ACTIVEMQ: s.activemq } : {}),
      ...(s.rabbitmq.length > 0 ? { RABBITMQ: s.rabbitmq } : {}),
    },
  })) as fc.Arbitrary<Settings>;

const eventSpec = fc.oneof(
  fc.record({ kind: fc.constant('group' as const), group: fc.constantFrom(...GROUPS) }),
  fc.record({ kind: fc.constant('broker' as const), index: fc.nat({ max: 2 }) }),
  fc.record({ kind: fc.constant('rules' as const), index: fc.nat({ max: 7 }) }),
);

const accountSpec = fc.record({
  brokers: fc.array(brokerSpec, { minLength: 1, maxLength: 3 }),
  rules: fc.array(ruleSpec, { minLength: 1, maxLength: 8 }),
  otherUsers: fc.array(otherUserSpec, { maxLength: 3 }),
  groupsOptedOut: fc.subarray<string>([...GROUPS], { maxLength: 1 }),
  /** How people write the opt-out: any value but on or enforce (policy/opt-out.ts). */
  optOutValue: fc.constantFrom('off', 'OFF', ' off ', 'Off\n', 'disabled', ''),
  /** Groups DescribeSecurityGroups leaves out; read operations that fail. */
  leftOut: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as string[]) },
    { weight: 1, arbitrary: fc.subarray<string>([...GROUPS], { maxLength: 1 }) },
  ),
  failing: fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as (typeof FAILABLE)[number][]) },
    { weight: 1, arbitrary: fc.subarray([...FAILABLE], { maxLength: 1 }) },
  ),
  settings: settingsSpec,
  events: fc.array(eventSpec, { minLength: 1, maxLength: 3 }),
});

type AccountSpec = typeof accountSpec extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// The recorded account a spec describes

const groupsField = (groups: readonly string[]) => groups.map((g) => ({ GroupId: g, GroupName: g }));

const anInterface = (id: string, group: string, fields: Record<string, unknown>) => ({
  NetworkInterfaceId: id,
  Groups: groupsField([group]),
  Status: 'in-use',
  VpcId: VPC,
  SubnetId: 'subnet-0a1b2c3d4e5f60001',
  PrivateIpAddress: '10.0.1.10',
  ...fields,
});

const otherUser = (kind: (typeof OTHER_USERS)[number], group: string, i: number) => {
  const id = `eni-00000000000000${(0x100 + i).toString(16)}`;
  switch (kind) {
    case 'instance':
      return anInterface(id, group, {
        InterfaceType: 'interface',
        Description: '',
        RequesterManaged: false,
        Attachment: { InstanceId: `i-00000000000000${(0x100 + i).toString(16)}` },
      });
    case 'instance-described-as-broker':
      return anInterface(id, group, {
        InterfaceType: 'interface',
        Description: `Amazon MQ network interface for broker ${BROKER_IDS[0]}`,
        RequesterManaged: false,
        Attachment: { InstanceId: `i-00000000000000${(0x100 + i).toString(16)}` },
      });
    case 'lambda':
      return anInterface(id, group, {
        InterfaceType: 'lambda',
        Description: 'AWS Lambda VPC ENI-orders-worker',
        RequesterManaged: true,
        RequesterId: 'AROAEXAMPLELAMBDA',
      });
    case 'rds':
      return anInterface(id, group, {
        InterfaceType: 'interface',
        Description: 'RDSNetworkInterface',
        RequesterManaged: true,
        RequesterId: 'amazon-rds',
      });
    case 'vpc-endpoint':
      return anInterface(id, group, {
        InterfaceType: 'vpc_endpoint',
        Description: 'VPC Endpoint Interface vpce-0000000000000f001',
        RequesterManaged: true,
      });
    case 'service-described-as-broker':
      // Requester-managed by another AWS service, yet described as a broker's.
      return anInterface(id, group, {
        InterfaceType: 'interface',
        Description: `Amazon MQ network interface for broker ${BROKER_IDS[0]}`,
        RequesterManaged: true,
        RequesterId: 'amazon-elb',
      });
    case 'unlisted-broker':
      // An Amazon MQ interface of a broker this account does not list (another account's, a deleted one).
      return anInterface(id, group, {
        InterfaceType: 'interface',
        Description: 'Amazon MQ network interface for broker b-00000000-0000-4000-8000-0000000000ff',
        RequesterManaged: true,
        RequesterId: 'AROAEXAMPLEMQSERVICE',
      });
  }
};

const fileOf = (spec: AccountSpec): RecordedAccountFile => {
  const brokers = spec.brokers.map((b, i) => {
    const id = BROKER_IDS[i] as string;
    const name = `broker-${i + 1}`;
    return {
      BrokerId: id,
      BrokerArn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:${name}:${id}`,
      BrokerName: name,
      // Also a running broker without interfaces: a partial answer, or a recorded account without them.
      BrokerState: b.state,
      EngineType: b.engine === 'ACTIVEMQ' ? 'ActiveMQ' : 'RabbitMQ',
      EngineVersion: b.engine === 'ACTIVEMQ' ? '5.18' : '3.13',
      DeploymentMode: 'SINGLE_INSTANCE',
      HostInstanceType: 'mq.m5.large',
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: true,
      AuthenticationStrategy: 'SIMPLE',
      EncryptionOptions: { UseAwsOwnedKey: true },
      Logs: { General: true },
      SecurityGroups: b.groups,
      ...(b.pending.length === 0 ? {} : { PendingSecurityGroups: b.pending }),
      SubnetIds: ['subnet-0a1b2c3d4e5f60001'],
      Users: [],
      Tags: {
        ...(b.protocols === undefined ? {} : { [TAGS.protocols]: b.protocols }),
        ...(b.optedOut ? { [TAGS.remediation]: spec.optOutValue } : {}),
      },
    };
  });
  const interfaces = spec.brokers.flatMap((b, i) =>
    b.groups.flatMap((group, j) => {
      const id = `eni-0000000000000${i}${j}0a`;
      if (b.interfaces === 'none') return [];
      if (b.interfaces === 'vpc-endpoint') {
        return [
          anInterface(id, group, {
            InterfaceType: 'vpc_endpoint',
            Description: 'VPC Endpoint Interface vpce-0000000000000f002',
            RequesterManaged: true,
          }),
        ];
      }
      return [
        anInterface(id, group, {
          InterfaceType: 'interface',
          Description: `Amazon MQ network interface for broker ${BROKER_IDS[i]}`,
          RequesterManaged: true,
          RequesterId: 'AROAEXAMPLEMQSERVICE',
        }),
      ];
    }),
  );
  const rules = spec.rules.map((r, i) => {
    const ports =
      r.protocol === '-1'
        ? { FromPort: -1, ToPort: -1 }
        : { FromPort: Math.min(r.a, r.b), ToPort: Math.max(r.a, r.b) };
    const source = r.source.startsWith('sg-')
      ? { ReferencedGroupInfo: { GroupId: r.source, UserId: ACCOUNT } }
      : r.source.startsWith('pl-')
        ? { PrefixListId: r.source }
        : r.source.includes(':')
          ? { CidrIpv6: r.source }
          : { CidrIpv4: r.source };
    return {
      SecurityGroupRuleId: `sgr-0000000000000b0${i.toString(16).padStart(2, '0')}`,
      GroupId: r.group,
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: r.protocol,
      ...ports,
      ...source,
      Tags: r.allow ? [{ Key: TAGS.allow, Value: 'kept on purpose' }] : [],
    };
  });
  return {
    account: ACCOUNT,
    region: REGION,
    brokers,
    configurations: [],
    securityGroups: GROUPS.map((g) => ({
      GroupId: g,
      GroupName: g,
      VpcId: VPC,
      Tags: spec.groupsOptedOut.includes(g) ? [{ Key: TAGS.remediation, Value: spec.optOutValue }] : [],
    })),
    securityGroupRules: rules,
    networkInterfaces: [...interfaces, ...spec.otherUsers.map((u, i) => otherUser(u.kind, u.group, i))],
    kmsKeys: [],
    denied: { kms: [] },
    unanswered: {
      securityGroups: [...spec.leftOut],
      brokers: spec.brokers.flatMap((b, i) => (b.listedOnly ? [BROKER_IDS[i] as string] : [])),
      failing: [...spec.failing],
    },
  } as unknown as RecordedAccountFile;
};

const eventOf = (spec: AccountSpec, e: AccountSpec['events'][number], index: number): ApiCallEvent => {
  const file = fileOf(spec);
  let target: EventTarget;
  if (e.kind === 'group') target = { kind: 'security-groups', groupIds: [e.group] };
  else if (e.kind === 'broker')
    target = { kind: 'broker', brokerId: BROKER_IDS[Math.min(e.index, spec.brokers.length - 1)] as string };
  else {
    const rule = file.securityGroupRules[e.index % file.securityGroupRules.length] as {
      SecurityGroupRuleId: string;
    };
    target = { kind: 'security-group-rules', ruleIds: [rule.SecurityGroupRuleId], groupIds: [] };
  }
  const eventId = `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
  return {
    eventId,
    eventName:
      e.kind === 'broker'
        ? 'UpdateBroker'
        : e.kind === 'rules'
          ? 'CreateTags'
          : 'AuthorizeSecurityGroupIngress',
    eventSource: e.kind === 'broker' ? 'amazonmq.amazonaws.com' : 'ec2.amazonaws.com',
    eventTime: '2026-12-05T12:00:00Z',
    account: ACCOUNT,
    region: REGION,
    actor: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/s`,
      eventId,
      eventName: 'x',
      eventTime: '2026-12-05T12:00:00Z',
    },
    target,
  };
};

interface Outcome {
  readonly spec: AccountSpec;
  readonly file: RecordedAccountFile;
  readonly account: RecordedAccount;
  /** Group ids of every EC2 write. */
  readonly writtenGroups: ReadonlySet<string>;
}

const run = async (spec: AccountSpec): Promise<Outcome> => {
  const file = fileOf(spec);
  const account = recordedAccountFrom(file);
  const deps = {
    readers: { brokers: account, network: account, keys: account },
    writer: account,
    settings: spec.settings,
    checks: ingressChecks(spec.settings),
    account: ACCOUNT,
    region: REGION,
    now: () => new Date('2026-12-05T12:00:00Z'),
  };
  for (const [i, e] of spec.events.entries()) {
    try {
      await handleApiCall(eventOf(spec, e, i), eventDeps(deps));
    } catch {
      // A failed invocation is allowed (and expected when a fact was not read); what it wrote is checked.
    }
  }
  const writtenGroups = new Set(account.writes().map((w) => String(w.input.GroupId)));
  return { spec, file, account, writtenGroups };
};

// ---------------------------------------------------------------------------------------------
// Ground truth about users

/**
 * Why `group` must never be written under the spec's settings, or undefined when it may be. Decided
 * from the spec (what the account really is), not from the code under test.
 */
/**
 * A broker DescribeBroker no longer finds while the listing shows it being deleted: gone, with no
 * clients left to protect. Any other broker DescribeBroker does not find is a fact not read.
 */
const gone = (b: AccountSpec['brokers'][number]): boolean =>
  b.listedOnly && b.state === 'DELETION_IN_PROGRESS';

/** The brokers of the account with clients to protect, as they are in the file. */
const livingBrokersOf = (spec: AccountSpec, file: RecordedAccountFile) => ({
  ...file,
  brokers: file.brokers.filter((_, i) => !gone(spec.brokers[i] as AccountSpec['brokers'][number])),
});

const mustNotWrite = (spec: AccountSpec, group: string): string | undefined => {
  if (spec.groupsOptedOut.includes(group)) return 'group opted out';
  // A broker uses the groups DescribeBroker lists now and those pending for its next reboot.
  const brokers = spec.brokers.filter((b) => !gone(b) && [...b.groups, ...b.pending].includes(group));
  for (const b of brokers) {
    if (b.optedOut) return 'a broker on it opted out';
    const tags: Record<string, string> = b.protocols === undefined ? {} : { [TAGS.protocols]: b.protocols };
    if (!resolveUsedProtocols({ engineType: b.engine, tags }, spec.settings).ok)
      return 'a broker on it has unknown ports';
  }
  // A broker not read (its interface carries the Amazon MQ evidence) has unknown ports, whatever the settings.
  if (spec.otherUsers.some((u) => u.group === group && u.kind === 'unlisted-broker')) {
    return 'a broker that was not read uses it';
  }
  // Every other user, and a broker interface AWS does not vouch for (a VPC endpoint interface), is
  // a user only remediateSharedGroups covers.
  const uncovered =
    spec.otherUsers.some((u) => u.group === group) ||
    // A broker's interfaces are in its current groups only, not in those pending for its next reboot.
    brokers.some((b) => b.interfaces === 'vpc-endpoint' && (b.groups as readonly string[]).includes(group));
  if (uncovered && !spec.settings.remediateSharedGroups) return 'another user, remediateSharedGroups off';
  return undefined;
};

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

const property = (check: (outcome: Outcome) => Promise<void> | void) =>
  fc.assert(
    fc.asyncProperty(accountSpec, async (spec) => {
      await check(await run(spec));
    }),
    { numRuns: RUNS, seed: SEED },
  );

describe('remediation in enforce mode, over generated accounts and event sequences', () => {
  it('cuts no port a broker used: every (group, source, port) its protocols use stays reachable', async () => {
    await property(({ spec, file, account }) => {
      const lost = lostAccess(
        admittedAccessOfFile(livingBrokersOf(spec, file), spec.settings),
        admittedAccessOfFile(livingBrokersOf(spec, account.toJSON()), spec.settings),
      );
      const counted = spec.settings.revokeWorldIngress
        ? lost.filter((a) => !WORLD.has(a.split(' ')[2] ?? ''))
        : lost;
      expect(counted).toEqual([]);
    });
  });

  it('writes to no group with a user the settings do not cover', async () => {
    await property(({ spec, writtenGroups }) => {
      const refused = [...writtenGroups].map((g) => [g, mustNotWrite(spec, g)]).filter(([, why]) => why);
      expect(refused).toEqual([]);
    });
  });

  it('writes nothing it decided on facts it did not read', async () => {
    await property(({ spec, writtenGroups }) => {
      expect(spec.leftOut.filter((g) => writtenGroups.has(g))).toEqual([]);
      const blind = spec.failing.some((op) => op !== 'ListBrokers');
      // A broker listed but not found, in any state but being deleted: which groups it uses is unknown.
      const unseen = spec.brokers.some((b) => b.listedOnly && !gone(b));
      if (blind || unseen) expect([...writtenGroups]).toEqual([]);
    });
  });
});
