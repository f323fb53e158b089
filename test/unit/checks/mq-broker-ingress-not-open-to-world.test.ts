import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import type { PortRange } from '../../../shared/model/finding.ts';
import type { BrokerSnapshot, IngressRule } from '../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import {
  aBroker,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  BROKER_ID,
  cidrIpv4,
  cidrIpv6,
  GROUP_ID,
  groupRef,
  prefixList,
} from '../../support/snapshot-builder.ts';

const LABEL = `Broker orders-prod (${BROKER_ID})`;
const p = (from: number, to = from): PortRange => ({ from, to });

const withRules = (
  rules: readonly IngressRule[],
  tags: Record<string, string> = { 'mq-guardian:protocols': 'openwire,console' },
) => aSnapshot({ broker: aBroker({ tags }), securityGroups: [aSecurityGroup({ ingressRules: rules })] });

const evaluate = (snapshot: BrokerSnapshot) =>
  check.evaluate(snapshot, { settings: DEFAULT_SETTINGS, now: new Date('2025-01-15T10:00:00Z') });

describe('mq-broker-ingress-not-open-to-world', () => {
  it('declares itself alert-only (revoking is the opt-in revokeWorldIngress) for both engines', () => {
    // Assess
    expect(check.meta).toMatchObject({
      id: 'mq-broker-ingress-not-open-to-world',
      engines: ['ACTIVEMQ', 'RABBITMQ'],
      autoRemediable: false,
      source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html',
    });
  });

  it('cannot say a broker admits no world traffic while a prefix list it admits was not read', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({ ruleId: 'sgr-1', source: cidrIpv4('10.0.0.0/8') }),
      anIngressRule({
        ruleId: 'sgr-4',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: prefixList('pl-0721453c7ac4ec009'),
      }),
      anIngressRule({ ruleId: 'sgr-5', source: prefixList('pl-0721453c7ac4ec009') }),
      anIngressRule({
        ruleId: 'sgr-6',
        source: prefixList('pl-63a5400a'),
        tags: { 'mq-guardian:allow': 'S3 gateway endpoint list' },
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${LABEL} security groups could not be checked: prefix list pl-0721453c7ac4ec009 (2 rules) could not be read: its entries were not read; no other rule admits the whole internet.`,
    );
  });

  it('fails on a world-open CIDR rule whatever the prefix lists beside it hold', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({ ruleId: 'sgr-1', source: cidrIpv4('0.0.0.0/0') }),
      anIngressRule({ ruleId: 'sgr-2', source: prefixList('pl-0721453c7ac4ec009') }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('passes when no source admits the whole internet', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({ ruleId: 'sgr-1', source: cidrIpv4('10.0.0.0/8') }),
      anIngressRule({ ruleId: 'sgr-2', source: cidrIpv4('0.0.0.0/1') }),
      anIngressRule({ ruleId: 'sgr-3', source: cidrIpv6('2001:db8::/32') }),
      // A referenced group admits only the interfaces that carry it.
      anIngressRule({
        ruleId: 'sgr-5',
        fromPort: 0,
        toPort: 65535,
        source: groupRef('sg-1a2b3c4d', '123456789012'),
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding).toMatchObject({
      checkId: 'mq-broker-ingress-not-open-to-world',
      status: 'PASS',
      message: `${LABEL} security groups admit no traffic from the whole internet (0.0.0.0/0, ::/0 or ranges that together cover it).`,
      evidence: {
        kind: 'ingress',
        usedProtocols: ['openwire', 'console'],
        protocolsFrom: 'tag',
        allowedPorts: [p(8162), p(61617)],
        offendingRules: [],
        exemptedRules: [],
      },
    });
  });

  it('fails on a used port open to 0.0.0.0/0 and keeps nothing of it', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({
        ruleId: 'sgr-ow',
        fromPort: 61617,
        toPort: 61617,
        source: cidrIpv4('0.0.0.0/0'),
        description: 'clients',
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(
      `${LABEL} security groups admit traffic from the whole internet: sgr-ow tcp 61617 from 0.0.0.0/0.`,
    );
    expect(finding.evidence).toEqual({
      kind: 'ingress',
      usedProtocols: ['openwire', 'console'],
      protocolsFrom: 'tag',
      allowedPorts: [p(8162), p(61617)],
      offendingRules: [
        {
          ruleId: 'sgr-ow',
          groupId: GROUP_ID,
          protocol: 'tcp',
          fromPort: 61617,
          toPort: 61617,
          source: cidrIpv4('0.0.0.0/0'),
          description: 'clients',
          disallowedPorts: [p(61617)],
          allowedPorts: [],
          reason: 'It admits 0.0.0.0/0, every IPv4 address.',
        },
      ],
      exemptedRules: [],
    });
  });

  it.each<[string, Partial<IngressRule>, PortRange[], string]>([
    [
      'icmpv6 from ::/0 (sample ex6)',
      {
        ruleId: 'sgr-04b612d9363ab6327',
        protocol: 'icmpv6',
        fromPort: -1,
        toPort: -1,
        source: cidrIpv6('::/0'),
      },
      [p(0, 65535)],
      'It admits ::/0, every IPv6 address.',
    ],
    [
      'all traffic from 0.0.0.0/0',
      { ruleId: 'sgr-all', protocol: '-1', fromPort: -1, toPort: -1, source: cidrIpv4('0.0.0.0/0') },
      [p(0, 65535)],
      'It admits 0.0.0.0/0, every IPv4 address.',
    ],
    [
      'a port range from ::/0',
      { ruleId: 'sgr-v6', fromPort: 61614, toPort: 61619, source: cidrIpv6('::/0') },
      [p(61614, 61619)],
      'It admits ::/0, every IPv6 address.',
    ],
    [
      'a non-canonical /0 (as a CloudTrail request may carry it)',
      { ruleId: 'sgr-odd', fromPort: 8162, toPort: 8162, source: cidrIpv4('10.1.2.3/0') },
      [p(8162)],
      'It admits 10.1.2.3/0, every IPv4 address.',
    ],
    [
      'udp from 0.0.0.0/0',
      { ruleId: 'sgr-udp', protocol: 'udp', fromPort: 5671, toPort: 5671, source: cidrIpv4('0.0.0.0/0') },
      [p(5671)],
      'It admits 0.0.0.0/0, every IPv4 address.',
    ],
  ])('fails on %s', (_name, overrides, disallowedPorts, reason) => {
    // Prepare
    const snapshot = withRules([anIngressRule(overrides)]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.evidence).toMatchObject({
      offendingRules: [{ ruleId: overrides.ruleId, disallowedPorts, allowedPorts: [], reason }],
    });
  });

  it('lists only the world-open rules among others', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({ ruleId: 'sgr-private', source: cidrIpv4('10.0.0.0/8') }),
      anIngressRule({ ruleId: 'sgr-v4', source: cidrIpv4('0.0.0.0/0') }),
      anIngressRule({ ruleId: 'sgr-v6', source: cidrIpv6('::/0') }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.message).toBe(
      `${LABEL} security groups admit traffic from the whole internet: sgr-v4 tcp 61617 from 0.0.0.0/0, sgr-v6 tcp 61617 from ::/0.`,
    );
  });

  it('passes with a world-open rule exempted by mq-guardian:allow and says so', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({
        ruleId: 'sgr-pub',
        source: cidrIpv4('0.0.0.0/0'),
        tags: { 'mq-guardian:allow': 'public IoT fleet' },
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding).toMatchObject({
      status: 'PASS',
      message: `${LABEL} security groups admit traffic from the whole internet only through rules exempted by mq-guardian:allow: 1 rule (sgr-pub).`,
      evidence: { offendingRules: [], exemptedRules: [{ ruleId: 'sgr-pub', reason: 'public IoT fleet' }] },
    });
  });

  it('fails on rules whose ranges together admit every IPv4 address on the same port', () => {
    // Prepare
    const snapshot = withRules([
      anIngressRule({ ruleId: 'sgr-lo', source: cidrIpv4('0.0.0.0/1') }),
      anIngressRule({ ruleId: 'sgr-int', source: cidrIpv4('10.0.0.0/8') }),
      anIngressRule({ ruleId: 'sgr-hi', source: cidrIpv4('128.0.0.0/1') }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.evidence).toMatchObject({ offendingRules: [{ ruleId: 'sgr-lo' }, { ruleId: 'sgr-hi' }] });
    expect(finding.message).toContain('together they cover at least 99% of the public IPv4 internet');
  });

  it.each<[string, IngressRule[]]>([
    [
      'halves of IPv4 on different ports',
      [
        anIngressRule({ ruleId: 'sgr-a', fromPort: 61617, toPort: 61617, source: cidrIpv4('0.0.0.0/1') }),
        anIngressRule({ ruleId: 'sgr-b', fromPort: 8162, toPort: 8162, source: cidrIpv4('128.0.0.0/1') }),
      ],
    ],
    [
      'three quarters of IPv4',
      [
        anIngressRule({ source: cidrIpv4('0.0.0.0/1') }),
        anIngressRule({ ruleId: 'sgr-q', source: cidrIpv4('128.0.0.0/2') }),
      ],
    ],
    ['unique local IPv6', [anIngressRule({ source: cidrIpv6('fc00::/7') })]],
  ])('passes on %s', (_case, rules) => {
    // Act
    const finding = evaluate(withRules(rules));

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it.each<[string, IngressRule[]]>([
    ['all IPv6 global unicast', [anIngressRule({ source: cidrIpv6('2000::/3') })]],
    [
      'halves of IPv6 on overlapping port ranges',
      [
        anIngressRule({ ruleId: 'sgr-a', fromPort: 0, toPort: 65535, source: cidrIpv6('::/1') }),
        anIngressRule({ ruleId: 'sgr-b', fromPort: 61617, toPort: 61617, source: cidrIpv6('8000::/1') }),
      ],
    ],
    [
      'an all-traffic rule and a tcp rule',
      [
        anIngressRule({
          ruleId: 'sgr-a',
          protocol: '-1',
          fromPort: -1,
          toPort: -1,
          source: cidrIpv4('0.0.0.0/1'),
        }),
        anIngressRule({ ruleId: 'sgr-b', source: cidrIpv4('128.0.0.0/1') }),
      ],
    ],
  ])('fails on %s', (_case, rules) => {
    // Act
    const finding = evaluate(withRules(rules));

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('names exempted rules within the Config annotation limit, with their count', () => {
    // Prepare
    const rules = Array.from({ length: 12 }, (_, i) =>
      anIngressRule({
        ruleId: `sgr-0123456789abcde${i.toString(16).padStart(2, '0')}`,
        fromPort: 1000 + i,
        toPort: 1000 + i,
        source: cidrIpv4('0.0.0.0/0'),
        tags: { 'mq-guardian:allow': 'a long reason that would never fit into the annotation '.repeat(2) },
      }),
    );

    // Act
    const finding = evaluate(withRules(rules));

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message.length).toBeLessThanOrEqual(256);
    expect(finding.message).toContain('12 rules (sgr-0123456789abcde00');
    expect(finding.message).toMatch(/and \d+ more\)\.$/);
    expect(finding.message).not.toContain('admit no traffic');
  });

  it('still fails on a world-open rule when the protocols tag is unreadable, and says what the evidence assumes', () => {
    // Prepare
    const snapshot = withRules([anIngressRule({ ruleId: 'sgr-w', source: cidrIpv4('0.0.0.0/0') })], {
      'mq-guardian:protocols': 'openwire,consle',
    });

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain('"consle"');
    expect(finding.message).toContain('the evidence assumes every protocol of the engine');
    expect(finding.evidence).toMatchObject({
      protocolsFrom: 'engine-default',
      usedProtocols: ['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console'],
      offendingRules: [{ ruleId: 'sgr-w' }],
    });
  });

  it('checks every group of the broker', () => {
    // Prepare
    const broker = aBroker({ securityGroupIds: ['sg-a', 'sg-b'] });
    const snapshot = aSnapshot({
      broker,
      securityGroups: [
        aSecurityGroup({
          groupId: 'sg-a',
          ingressRules: [anIngressRule({ ruleId: 'sgr-a', groupId: 'sg-a' })],
        }),
        aSecurityGroup({
          groupId: 'sg-b',
          ingressRules: [anIngressRule({ ruleId: 'sgr-b', groupId: 'sg-b', source: cidrIpv6('::/0') })],
        }),
      ],
    });

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding).toMatchObject({
      status: 'FAIL',
      evidence: { offendingRules: [{ ruleId: 'sgr-b', groupId: 'sg-b' }] },
    });
  });

  it('is not applicable to a public RabbitMQ broker, which has no groups and is public by design', () => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ', publiclyAccessible: true, securityGroupIds: [] });

    // Act
    const finding = evaluate(aSnapshot({ broker, securityGroups: [] }));

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toContain('mq-broker-not-publicly-accessible');
  });

  it('fails on a private RabbitMQ broker with a world-open rule', () => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ' });
    const snapshot = aSnapshot({
      broker,
      securityGroups: [
        aSecurityGroup({
          ingressRules: [anIngressRule({ fromPort: 5671, toPort: 5671, source: cidrIpv4('0.0.0.0/0') })],
        }),
      ],
    });

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding).toMatchObject({
      status: 'FAIL',
      evidence: {
        protocolsFrom: 'engine-default',
        usedProtocols: ['amqp', 'console'],
        allowedPorts: [p(443), p(5671), p(15671)],
      },
    });
  });

  describe('reports ERROR, never PASS,', () => {
    it.each<[string, Partial<IngressRule>, string]>([
      [
        'for a CIDR it cannot read',
        { source: cidrIpv4('0.0.0.0/33') },
        'prefix length must be a number from 0 to 32',
      ],
      [
        'for an IPv6 range in an IPv4 source',
        { source: cidrIpv4('::/0') },
        'IPv6 range where IPv4 was expected',
      ],
      [
        'for a world-open tcp rule with ports -1',
        { source: cidrIpv4('0.0.0.0/0'), fromPort: -1, toPort: -1 },
        'tcp port range -1 to -1',
      ],
      [
        'for a world-open rule with an unknown protocol',
        { source: cidrIpv6('::/0'), protocol: 'sctp' },
        'protocol "sctp"',
      ],
    ])('%s, even when tagged allow', (_name, overrides, reason) => {
      // Prepare
      const snapshot = withRules([
        anIngressRule({ ruleId: 'sgr-bad', ...overrides, tags: { 'mq-guardian:allow': 'x' } }),
      ]);

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain(`${LABEL} security groups could not be checked: sgr-bad`);
      expect(finding.message).toContain(reason);
    });

    it('when a group of the broker was not read', () => {
      // Prepare
      const broker = aBroker({ securityGroupIds: [GROUP_ID, 'sg-0fedcba0987654321'] });

      // Act
      const finding = evaluate(aSnapshot({ broker, securityGroups: [aSecurityGroup()] }));

      // Assess
      expect(finding).toMatchObject({
        status: 'ERROR',
        message: expect.stringContaining('sg-0fedcba0987654321'),
      });
    });
  });
});
