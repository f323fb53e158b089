import { describe, expect, it } from 'vitest';
import {
  allowExemption,
  brokerGroups,
  exemptionSentence,
  summarizeRules,
} from '../../../shared/network/broker-ingress.ts';
import {
  aBroker,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
} from '../../support/snapshot-builder.ts';

describe('brokerGroups', () => {
  it('returns the groups read for the broker', () => {
    // Prepare
    const snapshot = aSnapshot();

    // Act
    const groups = brokerGroups(snapshot);

    // Assess
    expect(groups).toEqual({ kind: 'groups', groups: snapshot.securityGroups });
  });

  it('says a public RabbitMQ broker has none', () => {
    // Prepare
    const broker = aBroker({ engineType: 'RABBITMQ', publiclyAccessible: true, securityGroupIds: [] });

    // Act
    const groups = brokerGroups(aSnapshot({ broker }));

    // Assess
    expect(groups).toEqual({ kind: 'none' });
  });

  it.each([
    [
      'a private RabbitMQ broker',
      aBroker({ engineType: 'RABBITMQ', publiclyAccessible: false, securityGroupIds: [] }),
    ],
    [
      'a public ActiveMQ broker',
      aBroker({ engineType: 'ACTIVEMQ', publiclyAccessible: true, securityGroupIds: [] }),
    ],
    ['a private ActiveMQ broker', aBroker({ securityGroupIds: [] })],
  ])('calls %s without groups incomplete', (_name, broker) => {
    // Act
    const groups = brokerGroups(aSnapshot({ broker }));

    // Assess
    expect(groups).toMatchObject({
      kind: 'incomplete',
      reason: expect.stringContaining('no security group was read'),
    });
  });

  it('names the groups of the broker that the snapshot lacks', () => {
    // Prepare
    const broker = aBroker({ securityGroupIds: ['sg-1234567890abcdef0', 'sg-0fedcba0987654321'] });
    const snapshot = aSnapshot({
      broker,
      securityGroups: [aSecurityGroup({ groupId: 'sg-1234567890abcdef0' })],
    });

    // Act
    const groups = brokerGroups(snapshot);

    // Assess
    expect(groups).toEqual({
      kind: 'incomplete',
      reason: 'security group sg-0fedcba0987654321 of the broker was not read',
    });
  });
});

describe('allowExemption', () => {
  it.each([
    [{ 'mq-guardian:allow': 'legacy monitoring, ticket OPS-42' }, 'legacy monitoring, ticket OPS-42'],
    [{ 'mq-guardian:allow': '  ' }, 'tagged mq-guardian:allow without a reason'],
    [{ 'mq-guardian:allow': '' }, 'tagged mq-guardian:allow without a reason'],
  ])('exempts a rule tagged %o with the reason %j', (tags, reason) => {
    // Prepare
    const rule = anIngressRule({ tags });

    // Act
    const exemption = allowExemption(rule);

    // Assess
    expect(exemption).toEqual({ ruleId: rule.ruleId, groupId: rule.groupId, reason });
  });

  it.each([[{}], [{ 'MQ-Guardian:Allow': 'yes' }], [{ 'mq-guardian:protocols': 'openwire' }]])(
    'does not exempt a rule tagged %o',
    (tags) => {
      // Act
      const exemption = allowExemption(anIngressRule({ tags }));

      // Assess
      expect(exemption).toBeUndefined();
    },
  );
});

describe('summarizeRules and exemptionSentence', () => {
  const rules = [1, 2, 3, 4, 5].map((n) =>
    anIngressRule({ ruleId: `sgr-${n}`, fromPort: n, toPort: n, source: cidrIpv4('0.0.0.0/0') }),
  );

  it.each([
    [1, 'sgr-1 tcp 1 from 0.0.0.0/0'],
    [3, 'sgr-1 tcp 1 from 0.0.0.0/0, sgr-2 tcp 2 from 0.0.0.0/0, sgr-3 tcp 3 from 0.0.0.0/0'],
    [4, 'sgr-1 tcp 1 from 0.0.0.0/0, sgr-2 tcp 2 from 0.0.0.0/0, sgr-3 tcp 3 from 0.0.0.0/0 and 1 more rule'],
    [
      5,
      'sgr-1 tcp 1 from 0.0.0.0/0, sgr-2 tcp 2 from 0.0.0.0/0, sgr-3 tcp 3 from 0.0.0.0/0 and 2 more rules',
    ],
  ])('summarises %i rules', (count, expected) => {
    // Act
    const text = summarizeRules(rules.slice(0, count));

    // Assess
    expect(text).toBe(expected);
  });

  it.each([
    [[], ''],
    [
      [{ ruleId: 'sgr-1', groupId: 'sg-1', reason: 'vpn' }],
      ' 1 rule is exempted by mq-guardian:allow: sgr-1 (vpn).',
    ],
    [
      [
        { ruleId: 'sgr-1', groupId: 'sg-1', reason: 'vpn' },
        { ruleId: 'sgr-2', groupId: 'sg-1', reason: 'nlb' },
      ],
      ' 2 rules are exempted by mq-guardian:allow: sgr-1 (vpn), sgr-2 (nlb).',
    ],
  ])('writes the exemptions %o as %j', (exempted, expected) => {
    // Act
    const text = exemptionSentence(exempted);

    // Assess
    expect(text).toBe(expected);
  });
});
