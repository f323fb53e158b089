import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-ingress-limited-to-used-protocols.ts';
import type { PortRange } from '../../../shared/model/finding.ts';
import type { BrokerSnapshot, IngressRule } from '../../../shared/model/types.ts';
import type { Settings } from '../../../shared/policy/settings.ts';
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
const context = (settings: Settings = DEFAULT_SETTINGS) => ({
  settings,
  now: new Date('2025-01-15T10:00:00Z'),
});

/** An ActiveMQ broker that says it uses OpenWire and the console (the best-practice example), with these rules in its one group. */
const activeMq = (
  rules: readonly IngressRule[],
  tags: Record<string, string> = { 'mq-guardian:protocols': 'openwire,console' },
) => {
  const broker = aBroker({ tags });
  return aSnapshot({ broker, securityGroups: [aSecurityGroup({ ingressRules: rules })] });
};

const rabbitMq = (rules: readonly IngressRule[]) => {
  const broker = aBroker({
    engineType: 'RABBITMQ',
    engineVersion: '3.13',
    deploymentMode: 'CLUSTER_MULTI_AZ',
  });
  return aSnapshot({ broker, securityGroups: [aSecurityGroup({ ingressRules: rules })] });
};

const evaluate = (snapshot: BrokerSnapshot, settings?: Settings) =>
  check.evaluate(snapshot, context(settings));

describe('mq-broker-ingress-limited-to-used-protocols', () => {
  it('declares itself auto-remediable for both engines with its source', () => {
    // Assess
    expect(check.meta).toMatchObject({
      id: 'mq-broker-ingress-limited-to-used-protocols',
      engines: ['ACTIVEMQ', 'RABBITMQ'],
      autoRemediable: true,
      source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html',
    });
    expect(check.meta.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('passes when every rule opens only ports of the used protocols', () => {
    // Prepare
    const snapshot = activeMq([
      anIngressRule({ ruleId: 'sgr-1', fromPort: 61617, toPort: 61617, source: cidrIpv4('10.0.0.0/16') }),
      anIngressRule({
        ruleId: 'sgr-2',
        fromPort: 8162,
        toPort: 8162,
        source: groupRef('sg-1a2b3c4d', '123456789012'),
      }),
      anIngressRule({
        ruleId: 'sgr-3',
        protocol: '6',
        fromPort: 61617,
        toPort: 61617,
        source: cidrIpv6('2001:db8::/32'),
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding).toMatchObject({
      checkId: 'mq-broker-ingress-limited-to-used-protocols',
      status: 'PASS',
      message: `${LABEL} security groups open only ports of the protocols it uses (openwire, console).`,
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

  it('fails on tcp 0-65535 from anywhere and keeps the used ports for narrowing', () => {
    // Prepare
    const snapshot = activeMq([
      anIngressRule({
        ruleId: 'sgr-01afa97ef3e1bedfc',
        fromPort: 0,
        toPort: 65535,
        source: cidrIpv4('0.0.0.0/0'),
        description: 'temporary debug',
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(
      `${LABEL} security groups open ports no used protocol needs: sgr-01afa97ef3e1bedfc tcp 0-65535 from 0.0.0.0/0.`,
    );
    expect(finding.evidence).toEqual({
      kind: 'ingress',
      usedProtocols: ['openwire', 'console'],
      protocolsFrom: 'tag',
      allowedPorts: [p(8162), p(61617)],
      offendingRules: [
        {
          ruleId: 'sgr-01afa97ef3e1bedfc',
          groupId: GROUP_ID,
          protocol: 'tcp',
          fromPort: 0,
          toPort: 65535,
          source: cidrIpv4('0.0.0.0/0'),
          description: 'temporary debug',
          disallowedPorts: [p(0, 8161), p(8163, 61616), p(61618, 65535)],
          allowedPorts: [p(8162), p(61617)],
          reason: 'It opens TCP 0-8161, 8163-61616, 61618-65535, which no used protocol needs.',
        },
      ],
      exemptedRules: [],
    });
  });

  it.each<[string, Partial<IngressRule>, PortRange[], PortRange[]]>([
    [
      'a partly used range',
      { fromPort: 61614, toPort: 61619 },
      [p(61614, 61616), p(61618, 61619)],
      [p(61617)],
    ],
    ['udp on the AMQP port', { protocol: 'udp', fromPort: 5671, toPort: 5671 }, [p(5671)], []],
    [
      'icmpv6 from ::/0 (sample ex6)',
      { protocol: 'icmpv6', fromPort: -1, toPort: -1, source: cidrIpv6('::/0') },
      [p(0, 65535)],
      [],
    ],
    [
      'all traffic from a prefix list (sample ex8)',
      { protocol: '-1', fromPort: -1, toPort: -1, source: prefixList('pl-0721453c7ac4ec009') },
      [p(0, 8161), p(8163, 61616), p(61618, 65535)],
      [p(8162), p(61617)],
    ],
    [
      'an unused port from a referenced group (sample ex2)',
      { fromPort: 80, toPort: 80, source: groupRef('sg-1a2b3c4d', '123456789012') },
      [p(80)],
      [],
    ],
    ['STOMP when only OpenWire and the console are used', { fromPort: 61614, toPort: 61614 }, [p(61614)], []],
  ])('fails on %s', (_name, overrides, disallowedPorts, allowedPorts) => {
    // Prepare
    const snapshot = activeMq([anIngressRule({ ruleId: 'sgr-x', ...overrides })]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.evidence).toMatchObject({
      offendingRules: [{ ruleId: 'sgr-x', disallowedPorts, allowedPorts }],
    });
  });

  it('summarises many offending rules across groups in one sentence', () => {
    // Prepare
    const broker = aBroker({
      securityGroupIds: ['sg-1', 'sg-2'],
      tags: { 'mq-guardian:protocols': 'openwire' },
    });
    const rule = (n: number, groupId: string) =>
      anIngressRule({ ruleId: `sgr-${n}`, groupId, fromPort: 1000 + n, toPort: 1000 + n });
    const snapshot = aSnapshot({
      broker,
      securityGroups: [
        aSecurityGroup({ groupId: 'sg-1', ingressRules: [rule(1, 'sg-1'), rule(2, 'sg-1')] }),
        aSecurityGroup({
          groupId: 'sg-2',
          ingressRules: [rule(3, 'sg-2'), rule(4, 'sg-2'), rule(5, 'sg-2')],
        }),
      ],
    });

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.message).toBe(
      `${LABEL} security groups open ports no used protocol needs: sgr-1 tcp 1001 from 203.0.113.0/24, sgr-2 tcp 1002 from 203.0.113.0/24, sgr-3 tcp 1003 from 203.0.113.0/24 and 2 more rules.`,
    );
    expect(
      finding.evidence?.kind === 'ingress' ? finding.evidence.offendingRules.map((r) => r.groupId) : [],
    ).toEqual(['sg-1', 'sg-1', 'sg-2', 'sg-2', 'sg-2']);
  });

  it('passes with a rule exempted by mq-guardian:allow and says so', () => {
    // Prepare
    const snapshot = activeMq([
      anIngressRule({ ruleId: 'sgr-ok', fromPort: 61617, toPort: 61617 }),
      anIngressRule({
        ruleId: 'sgr-jmx',
        fromPort: 1099,
        toPort: 1099,
        tags: { 'mq-guardian:allow': 'JMX for the ops VPN' },
      }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toBe(
      `${LABEL} security groups open only ports of the protocols it uses (openwire, console). 1 rule is exempted by mq-guardian:allow: sgr-jmx (JMX for the ops VPN).`,
    );
    expect(finding.evidence).toMatchObject({
      offendingRules: [],
      exemptedRules: [{ ruleId: 'sgr-jmx', groupId: GROUP_ID, reason: 'JMX for the ops VPN' }],
    });
  });

  it('fails on the other rules when one is exempted', () => {
    // Prepare
    const snapshot = activeMq([
      anIngressRule({
        ruleId: 'sgr-jmx',
        fromPort: 1099,
        toPort: 1099,
        tags: { 'mq-guardian:allow': 'ops' },
      }),
      anIngressRule({ ruleId: 'sgr-ssh', fromPort: 22, toPort: 22 }),
    ]);

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain('sgr-ssh tcp 22 from 203.0.113.0/24.');
    expect(finding.message).toContain('1 rule is exempted by mq-guardian:allow: sgr-jmx (ops).');
    expect(finding.evidence).toMatchObject({
      offendingRules: [{ ruleId: 'sgr-ssh' }],
      exemptedRules: [{ ruleId: 'sgr-jmx' }],
    });
  });

  it('uses every protocol of the engine when neither tag nor setting names them', () => {
    // Prepare
    const snapshot = activeMq([anIngressRule({ fromPort: 61614, toPort: 61619 })], {});

    // Act
    const finding = evaluate(snapshot);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.evidence).toMatchObject({
      protocolsFrom: 'engine-default',
      usedProtocols: ['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console'],
      offendingRules: [
        { disallowedPorts: [p(61615, 61616), p(61618)], allowedPorts: [p(61614), p(61617), p(61619)] },
      ],
    });
  });

  it('uses the stack setting when the broker has no tag', () => {
    // Prepare
    const snapshot = activeMq([anIngressRule({ fromPort: 5671, toPort: 5671 })], {});
    const settings: Settings = { ...DEFAULT_SETTINGS, protocolAllowlist: { ACTIVEMQ: ['amqp'] } };

    // Act
    const finding = evaluate(snapshot, settings);

    // Assess
    expect(finding).toMatchObject({
      status: 'PASS',
      evidence: { protocolsFrom: 'setting', usedProtocols: ['amqp'] },
    });
  });

  describe('on RabbitMQ', () => {
    it('passes on AMQPS and both console ports', () => {
      // Prepare
      const snapshot = rabbitMq([
        anIngressRule({ ruleId: 'sgr-a', fromPort: 5671, toPort: 5671 }),
        anIngressRule({ ruleId: 'sgr-b', fromPort: 443, toPort: 443 }),
        anIngressRule({ ruleId: 'sgr-c', fromPort: 15671, toPort: 15671 }),
      ]);

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding).toMatchObject({
        status: 'PASS',
        message: `${LABEL} security groups open only ports of the protocols it uses (amqp, console).`,
        evidence: { allowedPorts: [p(443), p(5671), p(15671)] },
      });
    });

    it('fails on the plain-text management port 15672', () => {
      // Prepare
      const snapshot = rabbitMq([anIngressRule({ ruleId: 'sgr-m', fromPort: 15671, toPort: 15672 })]);

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding).toMatchObject({
        status: 'FAIL',
        evidence: {
          offendingRules: [{ ruleId: 'sgr-m', disallowedPorts: [p(15672)], allowedPorts: [p(15671)] }],
        },
      });
    });

    it('is not applicable to a public RabbitMQ broker without security groups', () => {
      // Prepare
      const broker = aBroker({ engineType: 'RABBITMQ', publiclyAccessible: true, securityGroupIds: [] });

      // Act
      const finding = evaluate(aSnapshot({ broker, securityGroups: [] }));

      // Assess
      expect(finding).toMatchObject({
        status: 'NOT_APPLICABLE',
        message: `${LABEL} has no security groups (a publicly accessible RabbitMQ broker); there is no ingress rule to limit.`,
      });
      expect(finding.evidence).toBeUndefined();
    });
  });

  describe('reports ERROR, never PASS or FAIL,', () => {
    it.each([
      ['a typo in the protocols tag', { 'mq-guardian:protocols': 'openwire,consle' }, '"consle"'],
      ['an empty protocols tag', { 'mq-guardian:protocols': '' }, 'mq-guardian:protocols tag is empty'],
      ['a protocol no engine has', { 'mq-guardian:protocols': 'kafka' }, '"kafka"'],
    ])('for %s', (_name, tags, named) => {
      // Prepare: a rule that would FAIL, so an ERROR cannot be mistaken for a pass.
      const snapshot = activeMq(
        [anIngressRule({ fromPort: 0, toPort: 65535, source: cidrIpv4('0.0.0.0/0') })],
        tags,
      );

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain(
        `${LABEL} security groups could not be checked: the mq-guardian:protocols tag`,
      );
      expect(finding.message).toContain(named);
      expect(finding.evidence).toBeUndefined();
    });

    it('for a RabbitMQ broker tagged with an ActiveMQ protocol', () => {
      // Prepare
      const broker = aBroker({ engineType: 'RABBITMQ', tags: { 'mq-guardian:protocols': 'amqp,openwire' } });
      const snapshot = aSnapshot({
        broker,
        securityGroups: [aSecurityGroup({ ingressRules: [anIngressRule()] })],
      });

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding).toMatchObject({ status: 'ERROR', message: expect.stringContaining('"openwire"') });
    });

    it.each<[string, Partial<IngressRule>]>([
      ['a tcp rule with ports -1', { protocol: 'tcp', fromPort: -1, toPort: -1 }],
      ['a reversed range', { protocol: 'tcp', fromPort: 61619, toPort: 61614 }],
      ['an unknown protocol', { protocol: 'sctp', fromPort: 5671, toPort: 5671 }],
    ])('for %s, even when another rule fails and the bad one is tagged allow', (_name, overrides) => {
      // Prepare
      const snapshot = activeMq([
        anIngressRule({ ruleId: 'sgr-wide', fromPort: 0, toPort: 65535 }),
        anIngressRule({ ruleId: 'sgr-bad', ...overrides, tags: { 'mq-guardian:allow': 'trust me' } }),
      ]);

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain('sgr-bad');
      expect(finding.message).toContain('cannot be judged');
    });

    it('when a group of the broker was not read', () => {
      // Prepare
      const broker = aBroker({ securityGroupIds: [GROUP_ID, 'sg-0fedcba0987654321'] });
      const snapshot = aSnapshot({
        broker,
        securityGroups: [aSecurityGroup({ ingressRules: [anIngressRule()] })],
      });

      // Act
      const finding = evaluate(snapshot);

      // Assess
      expect(finding).toMatchObject({
        status: 'ERROR',
        message: `${LABEL} security groups could not be checked: security group sg-0fedcba0987654321 of the broker was not read.`,
      });
    });

    it('when an ActiveMQ broker has no security groups at all', () => {
      // Prepare
      const broker = aBroker({ securityGroupIds: [] });

      // Act
      const finding = evaluate(aSnapshot({ broker, securityGroups: [] }));

      // Assess
      expect(finding.status).toBe('ERROR');
    });
  });
});
