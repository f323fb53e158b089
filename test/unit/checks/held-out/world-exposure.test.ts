/**
 * Held-out world-exposure cases: rule sets built as AWS would return them (DescribeSecurityGroupRules
 * items mapped to the model), judged by what they admit together on one broker port. The union is
 * per port: a listener is reachable from the whole internet when the rules that open that port
 * together admit every public address of a family.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import type { FindingStatus } from '../../../../shared/model/finding.ts';
import type { IngressRule } from '../../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import {
  aBroker,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  cidrIpv6,
  groupRef,
  prefixList,
} from '../../../support/snapshot-builder.ts';

const ALLOW = 'mq-guardian:allow';
let next = 0;
const rule = (source: string, overrides: Partial<IngressRule> = {}): IngressRule =>
  anIngressRule({
    ruleId: `sgr-0${(++next).toString(16).padStart(16, '0')}`,
    source: source.includes(':') ? cidrIpv6(source) : cidrIpv4(source),
    ...overrides,
  });

const evaluate = (...groups: (readonly IngressRule[])[]) =>
  check.evaluate(
    aSnapshot({
      broker: aBroker({
        tags: { 'mq-guardian:protocols': 'openwire,console' },
        securityGroupIds: groups.map((_, i) => `sg-0${i}23456789abcdef0`),
      }),
      securityGroups: groups.map((rules, i) =>
        aSecurityGroup({
          groupId: `sg-0${i}23456789abcdef0`,
          ingressRules: rules.map((r) => ({ ...r, groupId: `sg-0${i}23456789abcdef0` })),
        }),
      ),
    }),
    { settings: DEFAULT_SETTINGS, now: new Date('2026-12-05T10:00:00Z') },
  );

const offendingIds = (finding: ReturnType<typeof evaluate>): string[] =>
  finding.evidence?.kind === 'ingress' ? finding.evidence.offendingRules.map((r) => r.ruleId) : [];

describe('world exposure from the union of rule ranges', () => {
  it.each<[string, readonly string[], FindingStatus]>([
    ['two IPv4 halves', ['128.0.0.0/1', '0.0.0.0/1'], 'FAIL'],
    ['four IPv4 quarters, unsorted', ['192.0.0.0/2', '0.0.0.0/2', '128.0.0.0/2', '64.0.0.0/2'], 'FAIL'],
    [
      'overlapping unsorted IPv4 ranges',
      ['100.0.0.0/6', '0.0.0.0/1', '96.0.0.0/3', '127.0.0.0/8', '128.0.0.0/1'],
      'FAIL',
    ],
    [
      'IPv4 halves with the 1.0.0.0/8 hole',
      ['128.0.0.0/1', '64.0.0.0/2', '32.0.0.0/3', '16.0.0.0/4', '8.0.0.0/5', '4.0.0.0/6', '2.0.0.0/7'],
      'FAIL',
    ],
    ['IPv4 with a /2 missing', ['0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/2'], 'PASS'],
    ['only the private ranges', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], 'PASS'],
    ['IPv6 halves', ['8000::/1', '::/1'], 'FAIL'],
    ['IPv6 ::/0', ['::/0'], 'FAIL'],
    ['IPv6 global unicast 2000::/3', ['2000::/3'], 'FAIL'],
    ['IPv6 documentation range only', ['2001:db8::/32'], 'PASS'],
    ['one IPv4 half and one IPv6 half (different families)', ['0.0.0.0/1', '8000::/1'], 'PASS'],
    ['one IPv4 half and IPv6 ::/0 (mixed rules)', ['0.0.0.0/1', '::/0'], 'FAIL'],
  ])('%s on one port: %s', (_name, sources, expected) => {
    // Act
    const finding = evaluate(sources.map((source) => rule(source)));

    // Assess
    expect(finding.status).toBe(expected);
  });

  it('unions rules across the broker groups', () => {
    // Act
    const finding = evaluate([rule('0.0.0.0/1')], [rule('128.0.0.0/1')]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offendingIds(finding)).toHaveLength(2);
  });

  it('does not union halves that open different ports: no port is reachable from everywhere', () => {
    // Act
    const finding = evaluate([
      rule('0.0.0.0/1', { fromPort: 61617, toPort: 61617 }),
      rule('128.0.0.0/1', { fromPort: 8162, toPort: 8162 }),
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('unions halves whose port ranges overlap on a broker port', () => {
    // Act
    const finding = evaluate([
      rule('0.0.0.0/1', { fromPort: 61000, toPort: 61617 }),
      rule('128.0.0.0/1', { fromPort: 61617, toPort: 62000 }),
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('unions a tcp half with an all-traffic half', () => {
    // Act
    const finding = evaluate([
      rule('0.0.0.0/1'),
      rule('128.0.0.0/1', { protocol: '-1', fromPort: -1, toPort: -1 }),
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('does not union a udp half with a tcp half', () => {
    // Act
    const finding = evaluate([rule('0.0.0.0/1'), rule('128.0.0.0/1', { protocol: 'udp' })]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('names every world-open rule, also a second 0.0.0.0/0 on the same port', () => {
    // Prepare
    const first = rule('0.0.0.0/0');
    const second = rule('0.0.0.0/0');

    // Act
    const finding = evaluate([first], [second]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offendingIds(finding)).toEqual([first.ruleId, second.ruleId]);
  });

  it('names the halves that admit the world beside a 0.0.0.0/0 rule', () => {
    // Prepare
    const world = rule('0.0.0.0/0');
    const low = rule('0.0.0.0/1');
    const high = rule('128.0.0.0/1');

    // Act
    const finding = evaluate([world, low, high]);

    // Assess
    expect(offendingIds(finding)).toEqual([world.ruleId, low.ruleId, high.ruleId]);
  });

  it('fails when an exempted 0.0.0.0/0 sits beside halves that are not exempted', () => {
    // Prepare
    const exempted = rule('0.0.0.0/0', { tags: { [ALLOW]: 'partner feed' } });
    const low = rule('0.0.0.0/1');
    const high = rule('128.0.0.0/1');

    // Act
    const finding = evaluate([exempted, low, high]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offendingIds(finding)).toEqual([low.ruleId, high.ruleId]);
    expect(finding.message).toContain(exempted.ruleId);
  });

  it('fails when an exempted ::/0 sits beside a 0.0.0.0/0 that is not exempted', () => {
    // Prepare
    const exempted = rule('0.0.0.0/0', { tags: { [ALLOW]: 'kiosk' } });
    const open = rule('0.0.0.0/0');

    // Act
    const finding = evaluate([exempted], [open]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offendingIds(finding)).toEqual([open.ruleId]);
  });

  it('passes with every world rule exempted and names them within the 256-character annotation', () => {
    // Prepare
    const exempted = Array.from({ length: 12 }, () =>
      rule('0.0.0.0/0', { tags: { [ALLOW]: 'public demo' } }),
    );

    // Act
    const finding = evaluate(exempted);

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message.length).toBeLessThanOrEqual(256);
    expect(finding.message).toContain('12 rules');
    expect(finding.message).toContain(exempted[0]?.ruleId);
    expect(finding.message).not.toContain('admit no traffic from the whole internet');
  });

  it('fails with world rules and many exempted ones, naming them within the annotation', () => {
    // Prepare
    const exempted = Array.from({ length: 9 }, () => rule('::/0', { tags: { [ALLOW]: 'ipv6 edge' } }));
    const open = Array.from({ length: 5 }, () => rule('0.0.0.0/0'));

    // Act
    const finding = evaluate([...exempted, ...open]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message.length).toBeLessThanOrEqual(256);
    expect(finding.message).toContain('9 rules');
  });

  it('does not count a prefix list whose entries were not read as the world, nor as proof of no world traffic', () => {
    // Act
    const finding = evaluate([
      rule('0.0.0.0/1'),
      anIngressRule({ ruleId: 'sgr-0aaaaaaaaaaaaaaa1', source: prefixList('pl-63a5400a') }),
    ]);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain('pl-63a5400a');
  });

  it('does not count a referenced security group as the world', () => {
    // Act
    const finding = evaluate([
      rule('0.0.0.0/1'),
      anIngressRule({
        ruleId: 'sgr-0aaaaaaaaaaaaaaa2',
        source: groupRef('sg-0fedcba9876543210', '123456789012'),
      }),
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });
});
