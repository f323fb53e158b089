/**
 * Address-range arithmetic for the world-exposure question: how much of the internet do several
 * CIDR ranges admit together? Ranges are half-open intervals of addresses as BigInt (IPv4 32 bits,
 * IPv6 128 bits), parsed by ipaddr.js through parseCidr; nothing here compares strings.
 *
 * "The internet" is each family's public unicast space, not its whole numeric range: rules from
 * `0.0.0.0/1`, `128.0.0.0/2` and `192.0.0.0/3` admit every public IPv4 host although they leave out
 * multicast, and `2000::/3` admits every public IPv6 host (all global unicast addresses, RFC 4291
 * section 2.4 and the IANA IPv6 address space registry) although it is an eighth of `::/0`. A union
 * that covers at least WORLD_THRESHOLD of that public space counts as open to the world; so does any
 * range that covers the whole family (`/0`).
 */
import type { IpFamily, ParsedCidr } from './cidr.ts';
import { parseCidr } from './cidr.ts';

/** Share of the public address space above which a union of ranges counts as the whole internet. */
export const WORLD_THRESHOLD = 0.99;

export interface AddressRange {
  readonly start: bigint;
  /** Exclusive. */
  readonly end: bigint;
}

const BITS: Readonly<Record<IpFamily, number>> = { ipv4: 32, ipv6: 128 };

const networkValue = (cidr: ParsedCidr): bigint => {
  if (cidr.family === 'ipv4') {
    return cidr.network.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
  }
  // ipaddr.js's normal text of an IPv6 address may compress zeros (`2001:db8::`): expand it.
  const [head = '', tail] = cidr.network.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((value, part) => (value << 16n) | BigInt(Number.parseInt(part, 16)), 0n);
};

/** The addresses of a parsed CIDR. */
export const cidrRange = (cidr: ParsedCidr): AddressRange => {
  const start = networkValue(cidr);
  return { start, end: start + (1n << BigInt(BITS[cidr.family] - cidr.prefixLength)) };
};

const rangeOf = (text: string, family: IpFamily): AddressRange => {
  const parsed = parseCidr(text, family);
  // The tables below are code: a malformed entry is a programming error.
  if (!parsed.ok) throw new Error(parsed.reason);
  return cidrRange(parsed.cidr);
};

/** Sorted, non-overlapping, adjacent ranges merged. */
export const unionOf = (ranges: readonly AddressRange[]): AddressRange[] => {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const merged: AddressRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.end) {
      if (range.end > last.end) merged[merged.length - 1] = { start: last.start, end: range.end };
    } else {
      merged.push(range);
    }
  }
  return merged;
};

const size = (ranges: readonly AddressRange[]): bigint =>
  ranges.reduce((total, range) => total + (range.end - range.start), 0n);

/** Addresses in both (each input a union, as unionOf returns). */
const intersect = (a: readonly AddressRange[], b: readonly AddressRange[]): AddressRange[] => {
  const result: AddressRange[] = [];
  for (const x of a) {
    for (const y of b) {
      // biome-ignore lint/complexity/useMathMinMax: BigInt; Math.max throws on bigint operands
      const start = x.start > y.start ? x.start : y.start;
      // biome-ignore lint/complexity/useMathMinMax: BigInt; Math.min throws on bigint operands
      const end = x.end < y.end ? x.end : y.end;
      if (start < end) result.push({ start, end });
    }
  }
  return unionOf(result);
};

const subtract = (from: AddressRange, holes: readonly AddressRange[]): AddressRange[] => {
  let pieces: AddressRange[] = [from];
  for (const hole of holes) {
    pieces = pieces.flatMap((piece) => {
      if (hole.end <= piece.start || hole.start >= piece.end) return [piece];
      const left = hole.start > piece.start ? [{ start: piece.start, end: hole.start }] : [];
      const right = hole.end < piece.end ? [{ start: hole.end, end: piece.end }] : [];
      return [...left, ...right];
    });
  }
  return pieces;
};

// IPv4 addresses no internet host sends from: "this network", RFC 1918 private, shared (CGNAT),
// loopback, link-local, and multicast plus the reserved 240/4 (IANA IPv4 special-purpose registry).
const IPV4_NOT_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
];

/** The public unicast space of each family, as a union. */
export const PUBLIC_SPACE: Readonly<Record<IpFamily, readonly AddressRange[]>> = {
  ipv4: unionOf(
    subtract(
      rangeOf('0.0.0.0/0', 'ipv4'),
      IPV4_NOT_PUBLIC.map((cidr) => rangeOf(cidr, 'ipv4')),
    ),
  ),
  ipv6: [rangeOf('2000::/3', 'ipv6')],
};

const WHOLE: Readonly<Record<IpFamily, AddressRange>> = {
  ipv4: rangeOf('0.0.0.0/0', 'ipv4'),
  ipv6: rangeOf('::/0', 'ipv6'),
};

const PRECISION = 1_000_000n;

/** Share (0 to 1) of the family's public space the ranges admit together. */
export const publicShare = (family: IpFamily, ranges: readonly AddressRange[]): number => {
  const covered = size(intersect(unionOf(ranges), PUBLIC_SPACE[family]));
  return Number((covered * PRECISION) / size(PUBLIC_SPACE[family])) / Number(PRECISION);
};

/** Whether the ranges together admit the whole internet of their family (see WORLD_THRESHOLD). */
export const admitsWorld = (family: IpFamily, ranges: readonly AddressRange[]): boolean => {
  const union = unionOf(ranges);
  const whole = WHOLE[family];
  if (union.some((range) => range.start <= whole.start && range.end >= whole.end)) return true;
  return publicShare(family, union) >= WORLD_THRESHOLD;
};

/**
 * The fewest ranges, widest first, that admit the world together; empty when they do not. Ranges
 * that add no public address to the ones before them (a /16 inside an admitted /1, a private range)
 * are never named.
 */
export const worldCover = <T>(
  family: IpFamily,
  items: readonly T[],
  rangeOfItem: (item: T) => AddressRange,
): T[] => {
  const widestFirst = [...items].sort((a, b) => {
    const sizeA = rangeOfItem(a).end - rangeOfItem(a).start;
    const sizeB = rangeOfItem(b).end - rangeOfItem(b).start;
    return sizeA > sizeB ? -1 : sizeA < sizeB ? 1 : 0;
  });
  const chosen: T[] = [];
  let covered: AddressRange[] = [];
  let coveredPublic = 0n;
  for (const item of widestFirst) {
    const range = rangeOfItem(item);
    const next = unionOf([...covered, range]);
    // Only public addresses count: a rule from 10.0.0.0/8 adds nothing an internet host could use.
    const nextPublic = size(intersect(next, PUBLIC_SPACE[family]));
    if (nextPublic === coveredPublic) continue;
    chosen.push(item);
    covered = next;
    coveredPublic = nextPublic;
    if (admitsWorld(family, covered)) return chosen;
  }
  return [];
};
