/**
 * Small pure facts about ingress rules that the planner and the executor must agree on: which TCP
 * ports a rule opens, when two sources are the same, how a rule reads in a sentence.
 */
import { formatSource } from '../network/rule-analysis.ts';
import type { PortRange } from '../model/finding.ts';
import type { IpProtocol, RuleSource, Tags } from '../model/types.ts';
import { sourceExposure } from '../network/cidr.ts';
import { ALL_PORTS, formatRanges, isValidPort } from '../network/port-range.ts';
import { classifyProtocol } from '../network/rule-analysis.ts';
import { TAGS } from '../policy/settings.ts';

/** The rule is exempted by its `mq-guardian:allow` tag, whatever the value. */
export const hasAllowTag = (tags: Tags): boolean => Object.hasOwn(tags, TAGS.allow);

export const isTcp = (protocol: IpProtocol): boolean => classifyProtocol(protocol)?.kind === 'tcp';

/**
 * The TCP ports a rule opens: its range for tcp, every port for all traffic (-1), none for udp,
 * icmp, other protocol numbers or a protocol or range that cannot be read (never counted as access).
 */
export const tcpReach = (rule: {
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
}): PortRange[] => {
  const kind = classifyProtocol(rule.protocol)?.kind;
  if (kind === 'all') return [ALL_PORTS];
  if (
    kind === 'tcp' &&
    isValidPort(rule.fromPort) &&
    isValidPort(rule.toPort) &&
    rule.fromPort <= rule.toPort
  ) {
    return [{ from: rule.fromPort, to: rule.toPort }];
  }
  return [];
};

/** Exactly the same source (what "the same client" means for narrowing). IPv6 text compares case-insensitively. */
export const sameSource = (a: RuleSource, b: RuleSource): boolean => {
  switch (a.kind) {
    case 'cidrIpv4':
      return b.kind === 'cidrIpv4' && a.cidr.trim() === b.cidr.trim();
    case 'cidrIpv6':
      return b.kind === 'cidrIpv6' && a.cidr.trim().toLowerCase() === b.cidr.trim().toLowerCase();
    case 'prefixList':
      return b.kind === 'prefixList' && a.prefixListId === b.prefixListId;
    case 'securityGroup':
      return (
        b.kind === 'securityGroup' &&
        a.groupId === b.groupId &&
        (a.userId === undefined || b.userId === undefined || a.userId === b.userId)
      );
  }
};

/** 0.0.0.0/0, ::/0 or any other /0: the same judgement as mq-broker-ingress-not-open-to-world. */
export const isWorldSource = (source: RuleSource): boolean => sourceExposure(source).kind === 'world';

export const formatProtocol = (protocol: IpProtocol): string =>
  classifyProtocol(protocol)?.kind === 'all' ? 'all traffic' : protocol.toLowerCase();

/** "tcp 0-65535 from 0.0.0.0/0", "all traffic from prefix list pl-…". */
export const formatRule = (rule: {
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
}): string => {
  const ports =
    classifyProtocol(rule.protocol)?.kind === 'all' || rule.fromPort < 0
      ? ''
      : ` ${formatRanges([{ from: rule.fromPort, to: rule.toPort }])}`;
  return `${formatProtocol(rule.protocol)}${ports} from ${formatSource(rule.source)}`;
};

/** Same protocol, ports and source: the rule is still the one that was evaluated. */
export const sameRuleShape = (
  a: {
    readonly protocol: IpProtocol;
    readonly fromPort: number;
    readonly toPort: number;
    readonly source: RuleSource;
  },
  b: {
    readonly protocol: IpProtocol;
    readonly fromPort: number;
    readonly toPort: number;
    readonly source: RuleSource;
  },
): boolean =>
  a.protocol.trim().toLowerCase() === b.protocol.trim().toLowerCase() &&
  a.fromPort === b.fromPort &&
  a.toPort === b.toPort &&
  sameSource(a.source, b.source);
