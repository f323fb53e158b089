import { describe, expect, it } from 'vitest';
import { UnexpectedShapeError } from '../../../shared/errors.ts';
import type { RuleSource } from '../../../shared/model/types.ts';
import {
  cidrCovers,
  type IpFamily,
  isValidCidr,
  isWorldOpen,
  parseCidr,
  sourceExposure,
} from '../../../shared/network/cidr.ts';
import { cidrIpv4, cidrIpv6, groupRef, prefixList } from '../../support/snapshot-builder.ts';

describe('parseCidr', () => {
  it.each<[string, IpFamily, number, string, boolean]>([
    // Shapes from the AWS CLI examples (samples/cli-ec2-*.json).
    ['203.0.113.0/24', 'ipv4', 24, '203.0.113.0/24', false],
    ['0.0.0.0/0', 'ipv4', 0, '0.0.0.0/0', false],
    ['::/0', 'ipv6', 0, '::/0', false],
    ['10.1.2.3/32', 'ipv4', 32, '10.1.2.3/32', false],
    ['2001:db8::/32', 'ipv6', 32, '2001:db8::/32', false],
    ['2001:DB8::/32', 'ipv6', 32, '2001:db8::/32', false],
    ['2001:db8::1/128', 'ipv6', 128, '2001:db8::1/128', false],
    // The example EC2 documents for its canonicalisation: 100.68.0.18/18 is stored as 100.68.0.0/18.
    ['100.68.0.18/18', 'ipv4', 18, '100.68.0.0/18', true],
    ['10.0.0.1/8', 'ipv4', 8, '10.0.0.0/8', true],
    ['2001:db8::1/32', 'ipv6', 32, '2001:db8::/32', true],
    ['0:0:0:0:0:0:0:0/0', 'ipv6', 0, '::/0', false],
    ['0.0.0.0/00', 'ipv4', 0, '0.0.0.0/0', false],
    ['::ffff:192.0.2.0/120', 'ipv6', 120, '::ffff:c000:200/120', false],
  ])('reads %s as %s /%i (%s, host bits set: %s)', (text, family, prefixLength, canonical, hostBitsSet) => {
    // Act
    const parsed = parseCidr(text);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      cidr: expect.objectContaining({ family, prefixLength, canonical, hostBitsSet }),
    });
  });

  it.each<[string, string]>([
    ['10.0.0.0/33', 'prefix length must be a number from 0 to 32'],
    ['::/129', 'prefix length must be a number from 0 to 128'],
    ['1.2.3', 'prefix length (/n) is missing'],
    ['1.2.3/24', 'is not an IP address'],
    ['10.0.0.0', 'prefix length (/n) is missing'],
    ['10.0.0.0/', 'prefix length must be a number'],
    ['10.0.0.0/-1', 'prefix length must be a number'],
    ['10.0.0.0/8/8', 'is not an IP address'],
    ['256.0.0.0/8', 'is not an IP address'],
    ['010.0.0.0/8', 'is not an IP address'],
    ['0x0a.0.0.0/8', 'is not an IP address'],
    [' 10.0.0.0/8', 'is not an IP address'],
    ['10.0.0.0/8 ', 'prefix length must be a number'],
    ['10.0.0.0/ 8', 'prefix length must be a number'],
    ['1::2::3/64', 'is not an IP address'],
    ['fe80::1%eth0/64', 'zone id'],
    ['', 'empty'],
    ['/0', 'is not an IP address'],
    ['anywhere/0', 'is not an IP address'],
  ])('refuses %j (%s)', (text, why) => {
    // Act
    const parsed = parseCidr(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(why);
  });

  it.each<[string, IpFamily, boolean]>([
    ['0.0.0.0/0', 'ipv4', true],
    ['0.0.0.0/0', 'ipv6', false],
    ['::/0', 'ipv6', true],
    ['::/0', 'ipv4', false],
    ['::ffff:0.0.0.0/96', 'ipv4', false],
  ])('with family, accepts %s as %s: %s', (text, family, expected) => {
    // Act
    const valid = isValidCidr(text, family);

    // Assess
    expect(valid).toBe(expected);
  });
});

describe('sourceExposure and isWorldOpen', () => {
  it.each<[string, RuleSource, boolean]>([
    ['IPv4 0.0.0.0/0', cidrIpv4('0.0.0.0/0'), true],
    ['IPv6 ::/0 (sample ex6, icmpv6 rule)', cidrIpv6('::/0'), true],
    ['IPv4 /0 with host bits (a CloudTrail request as typed)', cidrIpv4('10.1.2.3/0'), true],
    ['IPv4 /0 written with a leading zero', cidrIpv4('0.0.0.0/00'), true],
    ['IPv6 ::/0 written out in full', cidrIpv6('0:0:0:0:0:0:0:0/0'), true],
    ['IPv6 ::/0 in upper case hex with an address', cidrIpv6('2001:DB8::/0'), true],
    ['IPv4 half of the internet', cidrIpv4('0.0.0.0/1'), false],
    ['a documentation range (sample ex1)', cidrIpv4('203.0.113.0/24'), false],
    ['a single IPv6 host', cidrIpv6('2001:db8::1/128'), false],
    ['IPv4-mapped IPv6 covering all IPv4', cidrIpv6('::ffff:0.0.0.0/96'), false],
    ['a prefix list (sample ex8; contents not inspected)', prefixList('pl-0721453c7ac4ec009'), false],
    ['a referenced group (sample ex2)', groupRef('sg-1a2b3c4d', '123456789012'), false],
  ])('judges %s world-open: %s', (_name, source, expected) => {
    // Act
    const world = isWorldOpen(source);
    const exposure = sourceExposure(source);

    // Assess
    expect(world).toBe(expected);
    expect(exposure.kind).toBe(expected ? 'world' : 'restricted');
  });

  it.each<[string, RuleSource]>([
    ['an IPv6 range in an IPv4 source', cidrIpv4('::/0')],
    ['an IPv4 range in an IPv6 source', cidrIpv6('0.0.0.0/0')],
    ['a bare address', cidrIpv4('0.0.0.0')],
    ['an out-of-range prefix', cidrIpv4('0.0.0.0/33')],
  ])('calls %s invalid, never restricted', (_name, source) => {
    // Act
    const exposure = sourceExposure(source);

    // Assess
    expect(exposure.kind).toBe('invalid');
  });

  it('throws UnexpectedShapeError from isWorldOpen for a CIDR it cannot read', () => {
    // Act
    const call = () => isWorldOpen(cidrIpv4('10.0.0.0/33'));

    // Assess
    expect(call).toThrow(UnexpectedShapeError);
  });

  it('calls an unknown source kind invalid', () => {
    // Prepare
    const source = { kind: 'managedPrefixList', id: 'pl-1' } as unknown as RuleSource;

    // Act
    const exposure = sourceExposure(source);

    // Assess
    expect(exposure).toEqual({ kind: 'invalid', reason: expect.stringContaining('managedPrefixList') });
  });
});

describe('cidrCovers', () => {
  it.each<[string, string, boolean]>([
    ['0.0.0.0/0', '203.0.113.0/24', true],
    ['10.0.0.0/8', '10.1.0.0/16', true],
    ['10.0.0.0/8', '10.0.0.0/8', true],
    ['10.1.0.0/16', '10.0.0.0/8', false],
    ['10.0.0.0/8', '11.0.0.0/16', false],
    ['10.0.0.1/8', '10.200.0.0/16', true],
    ['::/0', '2001:db8::/32', true],
    ['2001:db8::/32', '2001:db8:1::/48', true],
    ['2001:db8::/32', '2001:db9::/48', false],
    ['0.0.0.0/0', '::/0', false],
    ['::/0', '0.0.0.0/0', false],
  ])('judges %s covering %s: %s', (outer, inner, expected) => {
    // Act
    const covers = cidrCovers(outer, inner);

    // Assess
    expect(covers).toBe(expected);
  });

  it('accepts parsed CIDRs', () => {
    // Prepare
    const outer = parseCidr('10.0.0.0/8');
    const inner = parseCidr('10.2.3.0/24');
    if (!outer.ok || !inner.ok) throw new Error('fixture CIDRs must parse');

    // Act
    const covers = cidrCovers(outer.cidr, inner.cidr);

    // Assess
    expect(covers).toBe(true);
  });

  it('throws UnexpectedShapeError on an invalid CIDR', () => {
    // Act
    const call = () => cidrCovers('10.0.0.0/8', '10.0.0.0/40');

    // Assess
    expect(call).toThrow(UnexpectedShapeError);
  });
});
