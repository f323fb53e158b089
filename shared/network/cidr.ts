/**
 * CIDR validation and the one question the ingress checks ask of a rule's source: does it admit
 * the whole internet? Address parsing is ipaddr.js's; this module only adds the strictness ipaddr.js
 * leaves out (it also reads `1.2.3` and octal `010.0.0.1` as IPv4, and zone ids such as `%eth0`).
 *
 * What EC2 returns: "AWS canonicalizes IPv4 and IPv6 CIDRs … DescribeSecurityGroups and
 * DescribeSecurityGroupRules calls will return the canonicalized form of the CIDR block"
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html), so
 * rules read live say `0.0.0.0/0` and `::/0`. CloudTrail request parameters and recorded files carry
 * what a caller typed, though (`10.1.2.3/0`, `0:0::0/0`, `0.0.0.0/00`), so world-openness is decided
 * on the parsed prefix length, never by comparing strings: any valid CIDR with prefix /0 covers its
 * whole address family.
 */
import ipaddr from 'ipaddr.js';
import { UnexpectedShapeError } from '../errors.ts';
import type { RuleSource } from '../model/types.ts';

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedCidr {
  readonly family: IpFamily;
  readonly prefixLength: number;
  /** The network address (host bits cleared), in ipaddr.js's normal text: `10.0.0.0`, `2001:db8::`. */
  readonly network: string;
  /** `network/prefixLength`: the form EC2 stores and returns. */
  readonly canonical: string;
  /** The text had host bits set (`10.0.0.1/8`): valid, and EC2 would store it as `canonical`. */
  readonly hostBitsSet: boolean;
}

export type CidrParseResult =
  | { readonly ok: true; readonly cidr: ParsedCidr }
  | { readonly ok: false; readonly reason: string };

const MAX_PREFIX: Readonly<Record<IpFamily, number>> = { ipv4: 32, ipv6: 128 };

const familyName = (family: IpFamily): string => (family === 'ipv4' ? 'IPv4' : 'IPv6');

const invalid = (text: string, why: string): CidrParseResult => ({
  ok: false,
  reason: `${JSON.stringify(text)} is not a valid CIDR: ${why}`,
});

const sameBytes = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Parses `text` as an IPv4 or IPv6 CIDR (or only `family`). Strict: the prefix is required and
 * within range, IPv4 is four decimal parts without leading zeros, IPv6 has no zone id, no whitespace
 * anywhere. A prefix written with leading zeros (`/08`) is read as its number; it is unambiguous.
 */
export const parseCidr = (text: string, family?: IpFamily): CidrParseResult => {
  if (typeof text !== 'string' || text === '') return invalid(String(text), 'it is empty');
  const slash = text.lastIndexOf('/');
  if (slash < 0) return invalid(text, 'the prefix length (/n) is missing');
  const address = text.slice(0, slash);
  const detected: IpFamily | undefined = ipaddr.IPv4.isValidFourPartDecimal(address)
    ? 'ipv4'
    : ipaddr.IPv6.isValid(address)
      ? 'ipv6'
      : undefined;
  if (detected === undefined) return invalid(text, `${JSON.stringify(address)} is not an IP address`);
  if (family !== undefined && detected !== family) {
    return invalid(text, `it is an ${familyName(detected)} range where ${familyName(family)} was expected`);
  }
  if (detected === 'ipv4') {
    if (!ipaddr.IPv4.isValidCIDR(text)) {
      return invalid(text, `the prefix length must be a number from 0 to ${MAX_PREFIX.ipv4}`);
    }
    const [ip, prefixLength] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text);
    return {
      ok: true,
      cidr: {
        family: 'ipv4',
        prefixLength,
        network: network.toString(),
        canonical: `${network.toString()}/${prefixLength}`,
        hostBitsSet: !sameBytes(ip.toByteArray(), network.toByteArray()),
      },
    };
  }
  if (!ipaddr.IPv6.isValidCIDR(text)) {
    return invalid(text, `the prefix length must be a number from 0 to ${MAX_PREFIX.ipv6}`);
  }
  const [ip, prefixLength] = ipaddr.IPv6.parseCIDR(text);
  // A zone id names an interface of one host; it has no meaning in a security group rule.
  if (ip.zoneId !== undefined) return invalid(text, 'an IPv6 zone id (%…) is not allowed');
  const network = ipaddr.IPv6.networkAddressFromCIDR(text);
  return {
    ok: true,
    cidr: {
      family: 'ipv6',
      prefixLength,
      network: network.toString(),
      canonical: `${network.toString()}/${prefixLength}`,
      hostBitsSet: !sameBytes(ip.toByteArray(), network.toByteArray()),
    },
  };
};

/** True when `text` is a valid CIDR (of `family`, when given). */
export const isValidCidr = (text: string, family?: IpFamily): boolean => parseCidr(text, family).ok;

/** A /0 covers every address of its family. */
export const coversWholeFamily = (cidr: ParsedCidr): boolean => cidr.prefixLength === 0;

export type SourceExposure =
  | { readonly kind: 'world'; readonly cidr: ParsedCidr }
  | { readonly kind: 'restricted' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Whether a rule's source itself admits the whole internet, is narrower, or cannot be read. A prefix
 * list counts as restricted here: what it admits is its entries, which the world-exposure check reads
 * from the snapshot's prefix lists (world-exposure.ts `prefixListRules`); a group reference admits
 * only the interfaces that carry that group.
 */
export const sourceExposure = (source: RuleSource): SourceExposure => {
  switch (source.kind) {
    case 'prefixList':
    case 'securityGroup':
      return { kind: 'restricted' };
    case 'cidrIpv4':
    case 'cidrIpv6': {
      const parsed = parseCidr(source.cidr, source.kind === 'cidrIpv4' ? 'ipv4' : 'ipv6');
      if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
      return coversWholeFamily(parsed.cidr) ? { kind: 'world', cidr: parsed.cidr } : { kind: 'restricted' };
    }
    default:
      return {
        kind: 'invalid',
        reason: `unknown rule source kind ${JSON.stringify((source as { kind?: unknown }).kind)}`,
      };
  }
};

/**
 * True when the source admits every IPv4 or every IPv6 address. Throws UnexpectedShapeError for a
 * CIDR that does not parse: neither true nor false would be honest, and a false here could let a
 * world-open rule pass. Code that must not throw uses sourceExposure.
 */
export const isWorldOpen = (source: RuleSource): boolean => {
  const exposure = sourceExposure(source);
  if (exposure.kind === 'invalid') throw new UnexpectedShapeError(`Rule source: ${exposure.reason}`);
  return exposure.kind === 'world';
};

const toParsed = (cidr: string | ParsedCidr): ParsedCidr => {
  if (typeof cidr !== 'string') return cidr;
  const parsed = parseCidr(cidr);
  if (!parsed.ok) throw new UnexpectedShapeError(parsed.reason);
  return parsed.cidr;
};

/**
 * True when every address of `inner` is also in `outer` (same family only: EC2 keeps IPv4 and IPv6
 * ranges apart, and an IPv4-mapped IPv6 range is not an IPv4 rule). Throws UnexpectedShapeError on
 * an invalid CIDR string.
 */
export const cidrCovers = (outer: string | ParsedCidr, inner: string | ParsedCidr): boolean => {
  const a = toParsed(outer);
  const b = toParsed(inner);
  if (a.family !== b.family || a.prefixLength > b.prefixLength) return false;
  const outerNetwork = ipaddr.parse(a.network);
  const innerNetwork = ipaddr.parse(b.network);
  return innerNetwork.match(outerNetwork, a.prefixLength);
};
