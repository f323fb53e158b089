import { describe, expect, it } from 'vitest';
import {
  admitsWorld,
  cidrRange,
  publicShare,
  unionOf,
  WORLD_THRESHOLD,
  worldCover,
} from '../../../shared/network/address-space.ts';
import { type IpFamily, parseCidr } from '../../../shared/network/cidr.ts';

const range = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return cidrRange(parsed.cidr);
};
const family = (text: string): IpFamily => (text.includes(':') ? 'ipv6' : 'ipv4');
const admits = (...cidrs: string[]) => admitsWorld(family(cidrs[0] ?? ''), cidrs.map(range));

describe('cidrRange', () => {
  it.each([
    ['10.0.0.0/8', 10n << 24n, 11n << 24n],
    ['0.0.0.0/0', 0n, 1n << 32n],
    ['2001:db8::/32', 0x20010db8n << 96n, 0x20010db9n << 96n],
    ['::/0', 0n, 1n << 128n],
    ['::1/128', 1n, 2n],
  ])('reads %s as its addresses', (cidr, start, end) => {
    // Assess
    expect(range(cidr)).toEqual({ start, end });
  });
});

describe('unionOf', () => {
  it('merges overlapping and adjacent ranges', () => {
    // Act
    const union = unionOf([range('128.0.0.0/1'), range('10.0.0.0/8'), range('0.0.0.0/1')]);

    // Assess
    expect(union).toEqual([range('0.0.0.0/0')]);
  });
});

describe('admitsWorld', () => {
  it.each<[string, string[], boolean]>([
    ['a single /0', ['0.0.0.0/0'], true],
    ['a /0 written with host bits', ['10.1.2.3/0'], true],
    ['two halves of IPv4', ['0.0.0.0/1', '128.0.0.0/1'], true],
    ['every unicast address without multicast', ['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'], true],
    [
      'the public internet without the private ranges',
      [
        '0.0.0.0/5',
        '8.0.0.0/7',
        '11.0.0.0/8',
        '12.0.0.0/6',
        '16.0.0.0/4',
        '32.0.0.0/3',
        '64.0.0.0/2',
        '128.0.0.0/1',
      ],
      true,
    ],
    [
      'all of public IPv4 but 223.0.0.0/8 (above the threshold), unsorted and overlapping',
      [
        '222.0.0.0/8',
        '0.0.0.0/1',
        '192.0.0.0/4',
        '128.0.0.0/2',
        '208.0.0.0/5',
        '216.0.0.0/6',
        '220.0.0.0/7',
        '10.0.0.0/8',
      ],
      true,
    ],
    ['IPv4-mapped IPv6 addresses (not IPv6 internet traffic)', ['::ffff:0.0.0.0/96'], false],
    ['one half of IPv4', ['0.0.0.0/1'], false],
    ['the private ranges', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], false],
    ['three quarters of IPv4', ['0.0.0.0/1', '128.0.0.0/2'], false],
    ['two halves of IPv6', ['::/1', '8000::/1'], true],
    ['all IPv6 global unicast', ['2000::/3'], true],
    ['two halves of global unicast', ['2000::/4', '3000::/4'], true],
    ['one documentation prefix', ['2001:db8::/32'], false],
    ['unique local IPv6', ['fc00::/7'], false],
  ])('%s: %s → %s', (_case, cidrs, expected) => {
    // Assess
    expect(admits(...cidrs)).toBe(expected);
  });

  it('documents a threshold just under the whole public space', () => {
    // Assess
    expect(WORLD_THRESHOLD).toBeGreaterThan(0.9);
    expect(WORLD_THRESHOLD).toBeLessThan(1);
    expect(publicShare('ipv4', [range('0.0.0.0/1')])).toBeLessThan(WORLD_THRESHOLD);
  });
});

describe('worldCover', () => {
  it('names the fewest ranges that admit the world together, widest first', () => {
    // Prepare
    const rules = ['10.0.0.0/8', '128.0.0.0/1', '10.20.0.0/16', '0.0.0.0/1', '224.0.0.0/4'];

    // Act
    const cover = worldCover('ipv4', rules, range);

    // Assess
    expect(cover).toEqual(['128.0.0.0/1', '0.0.0.0/1']);
  });

  it('names nothing when the ranges do not admit the world', () => {
    // Assess
    expect(worldCover('ipv4', ['0.0.0.0/1', '192.168.0.0/16'], range)).toEqual([]);
  });
});
