import { describe, expect, it } from 'vitest';
import { check as worldCheck } from '../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import type { Actor } from '../../../shared/model/actor.ts';
import type { Finding, PortRange } from '../../../shared/model/finding.ts';
import type {
  BrokerSnapshot,
  IngressRule,
  RuleSource,
  SecurityGroupState,
} from '../../../shared/model/types.ts';
import type { Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { PlannedAction, RemediationPlan, RevokeAction } from '../../../shared/remediation/plan.ts';
import {
  describeAction,
  NARROWED_FROM_TAG,
  narrowedDescription,
  planRemediation,
  sanitizeDescription,
} from '../../../shared/remediation/plan.ts';
import {
  aBroker,
  aNetworkInterface,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  cidrIpv6,
  GROUP_ID,
  groupRef,
  prefixList,
} from '../../support/snapshot-builder.ts';
import {
  ingressFindings,
  OPENWIRE_AND_CONSOLE,
  protocolsFinding,
  withProtocolsFor,
  worldFinding,
} from './ingress-findings.ts';

const WORLD = cidrIpv4('0.0.0.0/0');
const VPC = cidrIpv4('10.0.0.0/16');
const OPENWIRE_ONLY: readonly PortRange[] = [{ from: 61617, to: 61617 }];

const enforce = (overrides: Partial<Settings> = {}): Settings => ({
  ...DEFAULT_SETTINGS,
  remediationMode: 'enforce',
  ...overrides,
});

const rule = (
  ruleId: string,
  protocol: string,
  fromPort: number,
  toPort: number,
  source: RuleSource,
  extra: Partial<IngressRule> = {},
) => anIngressRule({ ruleId, protocol, fromPort, toPort, source, ...extra });

const snapshotWith = (
  rules: readonly IngressRule[],
  group: Partial<SecurityGroupState> = {},
  broker: Parameters<typeof aBroker>[0] = {},
): BrokerSnapshot =>
  aSnapshot({
    broker: aBroker(broker),
    securityGroups: [aSecurityGroup({ ingressRules: rules, ...group })],
  });

const sourceText = (source: RuleSource): string =>
  source.kind === 'prefixList'
    ? source.prefixListId
    : source.kind === 'securityGroup'
      ? source.groupId
      : source.cidr;

const line = (action: PlannedAction): string =>
  action.kind === 'authorize'
    ? `authorize ${action.request.protocol} ${action.request.fromPort}-${action.request.toPort} ${sourceText(action.request.source)} for ${action.narrowedFrom}`
    : action.kind === 'revoke'
      ? `revoke ${action.ruleId}`
      : `skip ${action.ruleId}`;

const lines = (plan: RemediationPlan): string[] => plan.groups.flatMap((g) => g.actions.map(line));

const planFor = (
  snapshot: BrokerSnapshot,
  used: readonly PortRange[] = OPENWIRE_AND_CONSOLE,
  settings: Settings = enforce(),
  actor?: Actor,
): RemediationPlan =>
  planRemediation({
    snapshot: withProtocolsFor(snapshot, used),
    findings: ingressFindings(snapshot, used),
    settings,
    ...(actor ? { actor } : {}),
  });

const actor = (overrides: Partial<Actor>): Actor => ({
  type: 'AssumedRole',
  eventTime: '2025-01-15T10:00:00Z',
  eventId: '6f1c2d3e-0000-4000-8000-000000000001',
  eventName: 'AuthorizeSecurityGroupIngress',
  ...overrides,
});

describe('planRemediation', () => {
  describe('narrowing and revoking', () => {
    it.each<{ name: string; rules: IngressRule[]; used: readonly PortRange[]; expected: string[] }>([
      {
        name: 'narrows a world-open tcp 0-65535 rule to OpenWire and the console, authorizes first',
        rules: [rule('sgr-wide', 'tcp', 0, 65535, WORLD)],
        used: OPENWIRE_AND_CONSOLE,
        expected: [
          'authorize tcp 8162-8162 0.0.0.0/0 for sgr-wide',
          'authorize tcp 61617-61617 0.0.0.0/0 for sgr-wide',
          'revoke sgr-wide',
        ],
      },
      {
        name: 'narrows 61614-61619 to 61617 when only OpenWire is used',
        rules: [rule('sgr-mq', 'tcp', 61614, 61619, VPC)],
        used: OPENWIRE_ONLY,
        expected: ['authorize tcp 61617-61617 10.0.0.0/16 for sgr-mq', 'revoke sgr-mq'],
      },
      {
        name: 'revokes a rule whose whole range is disallowed',
        rules: [rule('sgr-amqp', 'tcp', 5671, 5671, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['revoke sgr-amqp'],
      },
      {
        name: 'narrows an all-traffic rule to the used TCP ports',
        rules: [rule('sgr-all', '-1', -1, -1, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: [
          'authorize tcp 8162-8162 10.0.0.0/16 for sgr-all',
          'authorize tcp 61617-61617 10.0.0.0/16 for sgr-all',
          'revoke sgr-all',
        ],
      },
      {
        name: 'revokes a udp rule without authorizing TCP it never opened',
        rules: [rule('sgr-udp', 'udp', 0, 65535, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['revoke sgr-udp'],
      },
      {
        name: 'revokes an icmp rule',
        rules: [rule('sgr-icmp', 'icmp', -1, -1, WORLD)],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['revoke sgr-icmp'],
      },
      {
        name: 'keeps a prefix-list source when narrowing',
        rules: [rule('sgr-pl', 'tcp', 8000, 9000, prefixList('pl-0721453c7ac4ec009'))],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['authorize tcp 8162-8162 pl-0721453c7ac4ec009 for sgr-pl', 'revoke sgr-pl'],
      },
      {
        name: 'keeps a referenced-group source when narrowing',
        rules: [rule('sgr-ref', '-1', -1, -1, groupRef('sg-1a2b3c4d', '123456789012'))],
        used: OPENWIRE_ONLY,
        expected: ['authorize tcp 61617-61617 sg-1a2b3c4d for sgr-ref', 'revoke sgr-ref'],
      },
      {
        name: 'narrows an IPv6 world-open rule for ::/0',
        rules: [rule('sgr-v6', 'tcp', 0, 65535, cidrIpv6('::/0'))],
        used: OPENWIRE_AND_CONSOLE,
        expected: [
          'authorize tcp 8162-8162 ::/0 for sgr-v6',
          'authorize tcp 61617-61617 ::/0 for sgr-v6',
          'revoke sgr-v6',
        ],
      },
      {
        name: 'skips a port another rule already allows for the same source',
        rules: [rule('sgr-wide', 'tcp', 0, 65535, VPC), rule('sgr-console', 'tcp', 8162, 8162, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['authorize tcp 61617-61617 10.0.0.0/16 for sgr-wide', 'revoke sgr-wide'],
      },
      {
        name: 'does not count a rule for another source as coverage',
        rules: [
          rule('sgr-wide', 'tcp', 0, 65535, VPC),
          rule('sgr-console', 'tcp', 8162, 8162, cidrIpv4('10.1.0.0/16')),
        ],
        used: OPENWIRE_AND_CONSOLE,
        expected: [
          'authorize tcp 8162-8162 10.0.0.0/16 for sgr-wide',
          'authorize tcp 61617-61617 10.0.0.0/16 for sgr-wide',
          'revoke sgr-wide',
        ],
      },
      {
        name: 'counts an exempted all-traffic rule of the same source as coverage',
        rules: [
          rule('sgr-wide', 'tcp', 0, 65535, VPC),
          rule('sgr-exempt', '-1', -1, -1, VPC, { tags: { 'mq-guardian:allow': 'vpn' } }),
        ],
        used: OPENWIRE_AND_CONSOLE,
        expected: ['revoke sgr-wide'],
      },
      {
        name: 'does not count another offending rule as coverage (it is being revoked too)',
        rules: [rule('sgr-a', 'tcp', 8000, 9000, VPC), rule('sgr-b', 'tcp', 8100, 8200, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: [
          'authorize tcp 8162-8162 10.0.0.0/16 for sgr-a',
          'authorize tcp 8162-8162 10.0.0.0/16 for sgr-b',
          'revoke sgr-a',
          'revoke sgr-b',
        ],
      },
      {
        name: 'plans nothing for rules that open only used ports',
        rules: [rule('sgr-ok', 'tcp', 61617, 61617, VPC), rule('sgr-console', 'tcp', 8162, 8162, VPC)],
        used: OPENWIRE_AND_CONSOLE,
        expected: [],
      },
    ])('$name', ({ rules, used, expected }) => {
      // Prepare
      const snapshot = snapshotWith(rules);

      // Act
      const plan = planFor(snapshot, used);

      // Assess
      expect(lines(plan)).toEqual(expected);
    });

    it('authorizes only the part of the kept range that another rule does not cover', () => {
      // Prepare: openwire and stomp are used; another rule already allows 61617 from the same source
      const wide = rule('sgr-wide', 'tcp', 61000, 62000, VPC);
      const snapshot = snapshotWith(
        [wide, rule('sgr-part', 'tcp', 61617, 61617, VPC)],
        {},
        {
          tags: { 'mq-guardian:protocols': 'openwire,stomp' },
        },
      );
      const used = [
        { from: 61614, to: 61614 },
        { from: 61617, to: 61617 },
      ];

      // Act
      const plan = planRemediation({
        snapshot,
        findings: ingressFindings(snapshot, used),
        settings: enforce(),
      });

      // Assess
      expect(lines(plan)).toEqual(['authorize tcp 61614-61614 10.0.0.0/16 for sgr-wide', 'revoke sgr-wide']);
      const revoke = plan.groups[0]?.actions.find((a): a is RevokeAction => a.kind === 'revoke');
      expect(revoke?.keep).toEqual(used);
      expect(revoke?.reason).toContain('61617 already allowed for this source by another rule');
    });

    it('builds the authorize request with the same source, a narrowed-from description and tag', () => {
      // Prepare
      const snapshot = snapshotWith([
        rule('sgr-0123456789abcdef0', 'tcp', 0, 65535, WORLD, { description: 'temporary' }),
      ]);

      // Act
      const plan = planFor(snapshot, OPENWIRE_ONLY);

      // Assess
      const authorize = plan.groups[0]?.actions[0];
      expect(authorize).toEqual({
        kind: 'authorize',
        groupId: GROUP_ID,
        narrowedFrom: 'sgr-0123456789abcdef0',
        request: {
          groupId: GROUP_ID,
          protocol: 'tcp',
          fromPort: 61617,
          toPort: 61617,
          source: WORLD,
          description: 'mq-guardian: narrowed from sgr-0123456789abcdef0 (was: temporary)',
          tags: { [NARROWED_FROM_TAG]: 'sgr-0123456789abcdef0' },
        },
        undo: `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${GROUP_ID} --ip-permissions '[{"IpProtocol":"tcp","FromPort":61617,"ToPort":61617,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
      });
    });

    it('gives each revoke the command that restores the rule with its description and tags', () => {
      // Prepare
      const snapshot = snapshotWith([
        rule('sgr-wide', 'tcp', 0, 65535, WORLD, { description: "Bob's test", tags: { team: 'orders' } }),
      ]);

      // Act
      const plan = planFor(snapshot);

      // Assess
      const revoke = plan.groups[0]?.actions.find((a): a is RevokeAction => a.kind === 'revoke');
      expect(revoke?.undo).toBe(
        `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${GROUP_ID} --ip-permissions '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Bob'\\''s test"}]}]' --tag-specifications '[{"ResourceType":"security-group-rule","Tags":[{"Key":"team","Value":"orders"}]}]'`,
      );
      expect(revoke?.keep).toEqual(OPENWIRE_AND_CONSOLE);
      expect(revoke?.impact).toBeUndefined();
    });

    it('keeps the rules of several groups apart, in the broker order', () => {
      // Prepare
      const snapshot = aSnapshot({
        broker: aBroker({ securityGroupIds: ['sg-b', 'sg-a'] }),
        securityGroups: [
          aSecurityGroup({
            groupId: 'sg-b',
            ingressRules: [rule('sgr-b', 'tcp', 5671, 5671, VPC, { groupId: 'sg-b' })],
          }),
          aSecurityGroup({
            groupId: 'sg-a',
            ingressRules: [rule('sgr-a', 'udp', 53, 53, VPC, { groupId: 'sg-a' })],
          }),
        ],
      });

      // Act
      const plan = planFor(snapshot);

      // Assess
      expect(plan.groups.map((g) => [g.groupId, g.actions.map(line)])).toEqual([
        ['sg-b', ['revoke sgr-b']],
        ['sg-a', ['revoke sgr-a']],
      ]);
    });
  });

  describe('skips', () => {
    const wide = () => [rule('sgr-wide', 'tcp', 0, 65535, WORLD)];

    it('leaves a group alone that an EC2 instance also uses, naming the interface', () => {
      // Prepare
      const snapshot = snapshotWith(wide(), { otherUsers: [aNetworkInterface()] });

      // Act
      const plan = planFor(snapshot);

      // Assess
      expect(lines(plan)).toEqual(['skip sgr-wide']);
      expect(plan.groups[0]?.skipped?.reason).toMatch(
        /a broker's: eni-0a1b2c3d4e5f60718 \(i-1234567890abcdef0\).*remediateSharedGroups is off/,
      );
    });

    it('remediates a shared group when remediateSharedGroups is on', () => {
      // Prepare
      const snapshot = snapshotWith(wide(), { otherUsers: [aNetworkInterface()] });

      // Act
      const plan = planFor(snapshot, OPENWIRE_ONLY, enforce({ remediateSharedGroups: true }));

      // Assess
      expect(lines(plan)).toEqual(['authorize tcp 61617-61617 0.0.0.0/0 for sgr-wide', 'revoke sgr-wide']);
      expect(plan.groups[0]?.skipped).toBeUndefined();
    });

    it('leaves a group alone whose other users are unknown, even with remediateSharedGroups on', () => {
      // Prepare
      const snapshot = snapshotWith(wide(), { otherUsers: null });

      // Act
      const plan = planFor(snapshot, OPENWIRE_ONLY, enforce({ remediateSharedGroups: true }));

      // Assess
      expect(lines(plan)).toEqual(['skip sgr-wide']);
      expect(plan.groups[0]?.skipped?.reason).toMatch(
        /could not determine whether other workloads use the group/,
      );
    });

    it.each([
      ['off', true],
      ['OFF', true],
      [' Off ', true],
      ['disabled', true],
      ['', true],
      ['on', false],
      ['Enforce', false],
    ])('treats the broker tag mq-guardian:remediation=%j as opt-out: %s', (value, skipped) => {
      // Prepare
      const snapshot = snapshotWith(wide(), {}, { tags: { 'mq-guardian:remediation': value } });

      // Act
      const plan = planFor(snapshot);

      // Assess
      expect(lines(plan).every((l) => l.startsWith('skip'))).toBe(skipped);
      expect(plan.skipped?.reason).toBe(
        skipped
          ? `the broker carries mq-guardian:remediation=${value === 'off' ? 'off' : JSON.stringify(value)}`
          : undefined,
      );
    });

    it('leaves a group alone that carries mq-guardian:remediation=off', () => {
      // Prepare
      const snapshot = snapshotWith(wide(), { tags: { 'mq-guardian:remediation': 'Off' } });

      // Act
      const plan = planFor(snapshot);

      // Assess
      expect(lines(plan)).toEqual(['skip sgr-wide']);
      expect(plan.groups[0]?.skipped?.reason).toBe(
        'the security group carries mq-guardian:remediation="Off"',
      );
      expect(plan.skipped).toBeUndefined();
    });

    it('leaves a rule alone that carries mq-guardian:allow even if a finding lists it', () => {
      // Prepare
      const exempt = rule('sgr-wide', 'tcp', 0, 65535, WORLD, { tags: { 'mq-guardian:allow': 'load test' } });
      const listed = snapshotWith([{ ...exempt, tags: {} }]);
      const snapshot = snapshotWith([exempt]);

      // Act
      const plan = planRemediation({
        snapshot,
        findings: ingressFindings(listed, OPENWIRE_ONLY),
        settings: enforce(),
      });

      // Assess
      expect(plan.groups[0]?.actions).toEqual([
        { kind: 'skip', ruleId: 'sgr-wide', groupId: GROUP_ID, reason: 'the rule carries mq-guardian:allow' },
      ]);
    });

    it('leaves the whole group alone, as not read, when a rule the findings name was not read', () => {
      // Prepare
      const evaluated = snapshotWith([
        rule('sgr-gone', 'tcp', 0, 65535, WORLD),
        rule('sgr-moved', 'tcp', 0, 65535, VPC),
      ]);
      const snapshot = snapshotWith([rule('sgr-moved', 'tcp', 0, 65535, VPC)]);

      // Act
      const plan = planRemediation({
        snapshot,
        findings: ingressFindings(evaluated, OPENWIRE_ONLY),
        settings: enforce(),
      });

      // Assess
      expect(plan.groups[0]?.actions.map(line)).toEqual(['skip sgr-gone', 'skip sgr-moved']);
      expect(plan.groups[0]?.skipped).toEqual({
        reason: 'could not read rule sgr-gone of the group',
        unread: true,
      });
    });

    it('leaves a rule alone that the snapshot holds differently', () => {
      // Prepare
      const evaluated = snapshotWith([rule('sgr-moved', 'tcp', 0, 65535, VPC)]);
      const snapshot = snapshotWith([rule('sgr-moved', 'tcp', 0, 1024, VPC)]);

      // Act
      const plan = planRemediation({
        snapshot,
        findings: ingressFindings(evaluated, OPENWIRE_ONLY),
        settings: enforce(),
      });

      // Assess
      expect(plan.groups[0]?.actions.map((a) => [line(a), a.kind === 'skip' ? a.reason : ''])).toEqual([
        ['skip sgr-moved', 'the finding does not match the rule as read; re-evaluation needed'],
      ]);
    });

    it('leaves a group alone that the snapshot does not hold', () => {
      // Prepare
      const evaluated = snapshotWith([rule('sgr-x', 'tcp', 0, 65535, WORLD, { groupId: 'sg-elsewhere' })]);
      const snapshot = snapshotWith([]);

      // Act
      const plan = planRemediation({
        snapshot,
        findings: ingressFindings(evaluated, OPENWIRE_ONLY),
        settings: enforce(),
      });

      // Assess
      expect(plan.groups.map((g) => [g.groupId, g.actions.map(line)])).toEqual([
        ['sg-elsewhere', ['skip sgr-x']],
      ]);
      expect(plan.groups[0]?.skipped).toEqual({
        reason: 'the security group was not read; mq-guardian only acts on what it read',
        unread: true,
      });
    });

    it.each<{ name: string; actor: Partial<Actor>; roleArn: string; self: boolean }>([
      {
        name: 'an assumed-role session of the remediation role (role with a path)',
        actor: { arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-remediator/i-abc' },
        roleArn: 'arn:aws:iam::123456789012:role/service/mq-guardian-remediator',
        self: true,
      },
      {
        name: 'the session issuer role ARN',
        actor: {
          arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-remediator/i-abc',
          roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-remediator',
        },
        roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-remediator',
        self: true,
      },
      {
        name: 'another role of the same account',
        actor: { arn: 'arn:aws:sts::123456789012:assumed-role/admin/jdoe' },
        roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-remediator',
        self: false,
      },
      {
        name: 'a role of the same name in another account',
        actor: { arn: 'arn:aws:sts::210987654321:assumed-role/mq-guardian-remediator/i-abc' },
        roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-remediator',
        self: false,
      },
      {
        name: 'a role whose name only starts like the remediation role',
        actor: { arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-remediator-old/x' },
        roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-remediator',
        self: false,
      },
    ])('recognises mq-guardian itself as the actor: $name → $self', ({ actor: who, roleArn, self }) => {
      // Prepare
      const snapshot = snapshotWith(wide());

      // Act
      const plan = planFor(snapshot, OPENWIRE_ONLY, enforce({ remediationRoleArn: roleArn }), actor(who));

      // Assess
      expect(lines(plan).every((l) => l.startsWith('skip'))).toBe(self);
      expect(plan.skipped?.reason.includes("mq-guardian's own remediation role") ?? false).toBe(self);
    });

    it('plans nothing when remediationMode is off', () => {
      // Prepare
      const snapshot = snapshotWith(wide());

      // Act
      const plan = planFor(snapshot, OPENWIRE_ONLY, enforce({ remediationMode: 'off' }));

      // Assess
      expect(plan.groups).toEqual([]);
      expect(plan.mode).toBe('off');
    });

    it('plans the same actions in dry-run as in enforce', () => {
      // Prepare
      const snapshot = snapshotWith(wide());

      // Act
      const dryRun = planFor(snapshot, OPENWIRE_ONLY, enforce({ remediationMode: 'dry-run' }));
      const enforced = planFor(snapshot, OPENWIRE_ONLY, enforce());

      // Assess
      expect(dryRun.mode).toBe('dry-run');
      expect(dryRun.groups).toEqual(enforced.groups);
      expect(lines(dryRun)).toHaveLength(2);
    });

    it.each(['ERROR', 'PASS', 'NOT_APPLICABLE'] as const)('never acts on a %s finding', (status) => {
      // Prepare
      const snapshot = snapshotWith(wide());
      const findings = ingressFindings(snapshot, OPENWIRE_ONLY).map((f) => ({ ...f, status }));

      // Act
      const plan = planRemediation({ snapshot, findings, settings: enforce({ revokeWorldIngress: true }) });

      // Assess
      expect(plan.groups).toEqual([]);
    });

    it('ignores findings about another broker', () => {
      // Prepare
      const snapshot = snapshotWith(wide());
      const findings = ingressFindings(snapshot, OPENWIRE_ONLY).map((f) => ({
        ...f,
        resource: { ...f.resource, id: 'b-00000000-0000-0000-0000-000000000000' },
      }));

      // Act
      const plan = planRemediation({ snapshot, findings, settings: enforce() });

      // Assess
      expect(plan.groups).toEqual([]);
    });

    it('says why nothing can be done for a public RabbitMQ broker without groups', () => {
      // Prepare
      const snapshot = aSnapshot({
        broker: aBroker({ engineType: 'RABBITMQ', publiclyAccessible: true, securityGroupIds: [] }),
        securityGroups: [],
      });
      const failing: Finding = { ...protocolsFinding(snapshot, OPENWIRE_ONLY), status: 'FAIL' };

      // Act
      const plan = planRemediation({ snapshot, findings: [failing], settings: enforce() });

      // Assess
      expect(plan.groups).toEqual([]);
      expect(plan.skipped?.reason).toMatch(/publicly accessible RabbitMQ broker without security groups/);
    });
  });

  describe('rules from a prefix list that admits the whole internet', () => {
    const LIST = 'pl-0ca5e0000000000c1';
    const worldList = {
      status: 'read',
      list: { prefixListId: LIST, version: 3, entries: [{ cidr: '10.0.0.0/8' }, { cidr: '0.0.0.0/0' }] },
    } as const;
    /** The protocols finding, and the world finding as the check itself gives it. */
    const planWithLists = (snapshot: BrokerSnapshot, settings: Settings): RemediationPlan => {
      const tagged = withProtocolsFor(snapshot, OPENWIRE_AND_CONSOLE);
      const world = worldCheck.evaluate(tagged, { settings, now: new Date('2026-12-06T03:00:00Z') });
      expect(world.status).toBe('FAIL');
      return planRemediation({
        snapshot: tagged,
        findings: [protocolsFinding(snapshot, OPENWIRE_AND_CONSOLE), world],
        settings,
      });
    };

    it('never revokes the rule for what its list holds, even with revokeWorldIngress, and says it is still exposed', () => {
      // Prepare
      const snapshot = snapshotWith([rule('sgr-pl', 'tcp', 61617, 61617, prefixList(LIST))], {
        prefixLists: [worldList],
      });

      // Act
      const plan = planWithLists(snapshot, enforce({ revokeWorldIngress: true }));

      // Assess
      expect(lines(plan)).toEqual(['skip sgr-pl']);
      const skip = plan.groups[0]?.actions[0];
      expect(skip && describeAction(skip)).toBe(
        `Leave sgr-pl on ${GROUP_ID} unchanged: it admits prefix list ${LIST}, whose entry 0.0.0.0/0 opens the broker to the whole internet; mq-guardian does not revoke a rule for what its prefix list holds, so the broker is still exposed until the list's world-open entries are removed or the rule is replaced.`,
      );
    });

    it('still narrows the rule to the used ports, keeping the list, and says those ports stay exposed', () => {
      // Prepare
      const snapshot = snapshotWith([rule('sgr-pl', 'tcp', 0, 65535, prefixList(LIST))], {
        prefixLists: [worldList],
      });

      // Act
      const plan = planWithLists(snapshot, enforce({ revokeWorldIngress: true }));

      // Assess
      expect(lines(plan)).toEqual([
        `authorize tcp 8162-8162 ${LIST} for sgr-pl`,
        `authorize tcp 61617-61617 ${LIST} for sgr-pl`,
        'revoke sgr-pl',
      ]);
      const revoke = plan.groups[0]?.actions[2] as RevokeAction;
      expect(revoke.reason).toContain(
        `The narrowed rules keep prefix list ${LIST}, which still admits the whole internet on those ports.`,
      );
    });

    it('revokes the CIDR half that completes the world with the list, and leaves the list rule', () => {
      // Prepare
      const snapshot = snapshotWith(
        [
          rule('sgr-pl', 'tcp', 61617, 61617, prefixList(LIST)),
          rule('sgr-half', 'tcp', 61617, 61617, cidrIpv4('128.0.0.0/1')),
        ],
        { prefixLists: [{ status: 'read', list: { prefixListId: LIST, entries: [{ cidr: '0.0.0.0/1' }] } }] },
      );

      // Act
      const plan = planWithLists(snapshot, enforce({ revokeWorldIngress: true }));

      // Assess
      expect(lines(plan)).toEqual(['revoke sgr-half', 'skip sgr-pl']);
    });
  });

  describe('world-open rules', () => {
    it('narrows (does not revoke) a world-open wide rule while revokeWorldIngress is off', () => {
      // Prepare
      const snapshot = snapshotWith([rule('sgr-wide', 'tcp', 0, 65535, WORLD)]);

      // Act
      const plan = planFor(snapshot, OPENWIRE_AND_CONSOLE, enforce({ revokeWorldIngress: false }));

      // Assess
      expect(lines(plan)).toEqual([
        'authorize tcp 8162-8162 0.0.0.0/0 for sgr-wide',
        'authorize tcp 61617-61617 0.0.0.0/0 for sgr-wide',
        'revoke sgr-wide',
      ]);
    });

    it('revokes a world-open wide rule outright when revokeWorldIngress is on, saying clients lose access', () => {
      // Prepare
      const snapshot = snapshotWith([rule('sgr-wide', 'tcp', 0, 65535, WORLD)]);

      // Act
      const plan = planFor(snapshot, OPENWIRE_AND_CONSOLE, enforce({ revokeWorldIngress: true }));

      // Assess
      expect(lines(plan)).toEqual(['revoke sgr-wide']);
      const revoke = plan.groups[0]?.actions[0] as RevokeAction;
      expect(revoke.keep).toEqual([]);
      expect(revoke.impact).toBe(
        "Clients connecting from 0.0.0.0/0 lose access to 8162, 61617, which the broker's protocols use (revokeWorldIngress is on: world-open rules are revoked).",
      );
      expect(describeAction(revoke)).toContain('lose access to 8162, 61617');
      expect(revoke.reason).toMatch(/Revoke it\.$/);
    });

    it.each([
      [false, []],
      [true, ['revoke sgr-ow']],
    ])(
      'with revokeWorldIngress %s, a world-open rule on a used port only plans %j',
      (revokeWorldIngress, expected) => {
        // Prepare
        const snapshot = snapshotWith([
          rule('sgr-ow', 'tcp', 61617, 61617, cidrIpv6('::/0')),
          rule('sgr-vpc', 'tcp', 8162, 8162, VPC),
        ]);

        // Act
        const plan = planFor(snapshot, OPENWIRE_AND_CONSOLE, enforce({ revokeWorldIngress }));

        // Assess
        expect(lines(plan)).toEqual(expected);
        expect(protocolsFinding(snapshot, OPENWIRE_AND_CONSOLE).status).toBe('PASS');
        expect(worldFinding(snapshot, OPENWIRE_AND_CONSOLE).status).toBe('FAIL');
      },
    );
  });

  describe('descriptions', () => {
    it.each([
      ['Office VPN', 'Office VPN'],
      ["Bob's <laptop> & home", 'Bob s laptop home'],
      ['Zürich – Büro', 'Z rich B ro'],
      ['a'.repeat(300), 'a'.repeat(255)],
      ['allowed ._-:/()#,@[]+=;{}!$*', 'allowed ._-:/()#,@[]+=;{}!$*'],
    ])('sanitizes %j to %j', (input, expected) => {
      // Act
      const result = sanitizeDescription(input);

      // Assess
      expect(result).toBe(expected);
    });

    it('keeps a narrowed description within 255 allowed characters', () => {
      // Act
      const description = narrowedDescription(
        'sgr-0123456789abcdef0',
        `VPN ${'é'.repeat(10)} ${'x'.repeat(400)}`,
      );

      // Assess
      expect(description.length).toBe(255);
      expect(description).toMatch(/^mq-guardian: narrowed from sgr-0123456789abcdef0 \(was: VPN x+$/);
    });
  });
});
