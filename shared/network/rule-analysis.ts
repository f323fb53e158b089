/**
 * What one ingress rule opens, measured against the TCP ports a broker's protocols need. Pure.
 *
 * EC2 semantics this relies on (IpPermission.IpProtocol,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html): the protocol is a
 * name (tcp, udp, icmp, icmpv6) or a number; `-1` means every protocol; "-1 or a protocol number
 * other than tcp, udp, icmp, or icmpv6 allows traffic on all ports, regardless of any port range
 * you specify"; for tcp and udp the ports are a range, for icmp/icmpv6 they are a type and a code.
 */
import type { PortRange } from '../model/finding.ts';
import type { IngressRule, IpProtocol, RuleSource } from '../model/types.ts';
import {
  ALL_PORTS,
  formatRanges,
  intersectRanges,
  isValidPort,
  normalizeRanges,
  subtractRanges,
} from './port-range.ts';

export type ProtocolKind = 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all' | 'other';

export type ProtocolClass =
  | { readonly kind: Exclude<ProtocolKind, 'other'> }
  /** Any other IP protocol (ESP 50, GRE 47, …): EC2 opens it on every port. */
  | { readonly kind: 'other'; readonly number: number };

const NAMED: Readonly<Record<string, Exclude<ProtocolKind, 'other'>>> = {
  tcp: 'tcp',
  '6': 'tcp',
  udp: 'udp',
  '17': 'udp',
  icmp: 'icmp',
  '1': 'icmp',
  icmpv6: 'icmpv6',
  '58': 'icmpv6',
  '-1': 'all',
};

/**
 * Reads a rule's protocol in any case, as a name or a number (`6`, `006`). Undefined for text that
 * is neither a known name nor a protocol number 0-255: such a rule is not understood, and is never
 * called harmless.
 */
export const classifyProtocol = (protocol: IpProtocol): ProtocolClass | undefined => {
  if (typeof protocol !== 'string') return undefined;
  const text = protocol.trim().toLowerCase();
  const named = NAMED[text];
  if (named !== undefined) return { kind: named };
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const number = Number(text);
  if (number > 255) return undefined;
  const byNumber = NAMED[String(number)];
  return byNumber !== undefined ? { kind: byNumber } : { kind: 'other', number };
};

const validRange = (rule: IngressRule): PortRange | undefined =>
  isValidPort(rule.fromPort) && isValidPort(rule.toPort) && rule.fromPort <= rule.toPort
    ? { from: rule.fromPort, to: rule.toPort }
    : undefined;

const portsText = (rule: IngressRule): string => `${rule.fromPort} to ${rule.toPort}`;

export type RulePorts =
  | { readonly ok: true; readonly protocol: ProtocolClass; readonly ports: readonly PortRange[] }
  | { readonly ok: false; readonly reason: string };

/**
 * The ports a rule opens for its own protocol: tcp and udp their range; all traffic and other
 * protocol numbers every port (EC2 ignores their range); icmp and icmpv6, which have no ports, the
 * whole port space standing for "the whole rule". Not ok for an unknown protocol or a tcp/udp range
 * outside 0-65535 or reversed: EC2 does not return those, so the rule was not read as it is.
 */
export const rulePortsAsGiven = (rule: IngressRule): RulePorts => {
  const protocol = classifyProtocol(rule.protocol);
  if (protocol === undefined) {
    return {
      ok: false,
      reason: `protocol ${JSON.stringify(rule.protocol)} is neither a known name nor a number 0-255`,
    };
  }
  if (protocol.kind === 'tcp' || protocol.kind === 'udp') {
    const range = validRange(rule);
    if (range === undefined) {
      return {
        ok: false,
        reason: `${protocol.kind} port range ${portsText(rule)} is not a range within 0-65535`,
      };
    }
    return { ok: true, protocol, ports: [range] };
  }
  return { ok: true, protocol, ports: [ALL_PORTS] };
};

export type RuleAnalysis =
  | { readonly status: 'allowed' }
  | {
      readonly status: 'disallowed';
      /** TCP ports no used protocol needs; for a non-TCP rule the ports it opens as given (rulePortsAsGiven). */
      readonly disallowedPorts: PortRange[];
      /** The part of the rule's TCP reach that used protocols need: what narrowing keeps. */
      readonly allowedPorts: PortRange[];
      readonly reason: string;
    }
  | { readonly status: 'invalid'; readonly reason: string };

const TCP_ONLY = 'Amazon MQ listens on TCP only';

const otherName = (protocol: ProtocolClass): string => {
  switch (protocol.kind) {
    case 'udp':
      return 'UDP';
    case 'icmp':
      return 'ICMP';
    case 'icmpv6':
      return 'ICMPv6';
    case 'other':
      return `IP protocol ${protocol.number}`;
    default:
      return protocol.kind;
  }
};

/**
 * Judges one ingress rule against the TCP ports the broker's protocols use.
 * - tcp: allowed when its whole range is in `allowedPorts`; otherwise the ports outside are
 *   disallowed and the ports inside are what narrowing keeps.
 * - all traffic (-1): always disallowed (it also opens UDP, ICMP and every other protocol); the TCP
 *   ports outside `allowedPorts` are disallowed and the whole allowed set is what narrowing keeps.
 * - udp, icmp, icmpv6, other protocol numbers: disallowed entirely, nothing to keep.
 * - unknown protocol text, or a tcp/udp range outside 0-65535 or reversed: invalid.
 */
export const analyzeIngressRule = (rule: IngressRule, allowedPorts: readonly PortRange[]): RuleAnalysis => {
  const reach = rulePortsAsGiven(rule);
  if (!reach.ok) return { status: 'invalid', reason: `The rule cannot be judged: ${reach.reason}.` };
  const allowed = normalizeRanges(allowedPorts);
  const { protocol } = reach;

  if (protocol.kind === 'tcp') {
    const range = reach.ports[0]!;
    const outside = subtractRanges(range, allowed);
    if (outside.length === 0) return { status: 'allowed' };
    return {
      status: 'disallowed',
      disallowedPorts: outside,
      allowedPorts: intersectRanges(range, allowed),
      reason: `It opens TCP ${formatRanges(outside)}, which no used protocol needs.`,
    };
  }

  if (protocol.kind === 'all') {
    return {
      status: 'disallowed',
      disallowedPorts: subtractRanges(ALL_PORTS, allowed),
      allowedPorts: allowed,
      reason:
        allowed.length === 0
          ? 'It opens all traffic (every protocol and port), which no used protocol needs.'
          : `It opens all traffic (every protocol and port), but the used protocols need only TCP ${formatRanges(allowed)}.`,
    };
  }

  const ports = protocol.kind === 'udp' ? ` ${formatRanges(reach.ports)}` : '';
  return {
    status: 'disallowed',
    disallowedPorts: [...reach.ports],
    allowedPorts: [],
    reason: `It opens ${otherName(protocol)}${ports}; ${TCP_ONLY}.`,
  };
};

export const formatSource = (source: RuleSource): string => {
  switch (source.kind) {
    case 'cidrIpv4':
    case 'cidrIpv6':
      return source.cidr;
    case 'prefixList':
      return `prefix list ${source.prefixListId}`;
    case 'securityGroup':
      return source.userId ? `group ${source.userId}/${source.groupId}` : `group ${source.groupId}`;
    default:
      return 'an unknown source';
  }
};

/** "sgr-… tcp 0-65535 from 0.0.0.0/0", "sgr-… all traffic from prefix list pl-…", "sgr-… icmp from ::/0". */
export const describeRule = (rule: IngressRule): string => {
  const protocol = classifyProtocol(rule.protocol);
  const what =
    protocol === undefined
      ? `protocol ${rule.protocol} ${portsText(rule)}`
      : protocol.kind === 'all'
        ? 'all traffic'
        : protocol.kind === 'tcp' || protocol.kind === 'udp'
          ? `${protocol.kind} ${validRange(rule) ? formatRanges([validRange(rule)!]) : portsText(rule)}`
          : protocol.kind === 'other'
            ? `protocol ${protocol.number}`
            : protocol.kind;
  return `${rule.ruleId} ${what} from ${formatSource(rule.source)}`;
};
