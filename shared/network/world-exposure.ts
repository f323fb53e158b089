/**
 * Which ingress rules of a broker together admit the whole internet. Traffic is admitted when any
 * rule of any of the broker's groups admits it, so the question is asked of the union of the rules'
 * address ranges, per protocol and port: `0.0.0.0/1` and `128.0.0.0/1` on port 61617 admit every
 * IPv4 address there, while `0.0.0.0/1` on 61617 and `128.0.0.0/1` on 8162 admit no port to the
 * world. What counts as the world is address-space.ts's (a /0, or WORLD_THRESHOLD of the public
 * space).
 */
import type { IngressRule } from '../model/types.ts';
import { type AddressRange, cidrRange, worldCover } from './address-space.ts';
import { type IpFamily, parseCidr } from './cidr.ts';
import { classifyProtocol } from './rule-analysis.ts';

export interface CidrRule {
  readonly rule: IngressRule;
  readonly family: IpFamily;
  readonly range: AddressRange;
  /** Protocol key (`tcp`, `udp`, `icmp`, `all`, `proto-50`…) and the ports it opens there. */
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
}

export interface WorldExposure {
  readonly rule: IngressRule;
  readonly family: IpFamily;
  /** The other rules that admit the world together with this one (empty: it does on its own). */
  readonly together: readonly IngressRule[];
}

const ALL_PORTS = { from: 0, to: 65535 } as const;

/** A CIDR rule read for the union, or undefined for rules without an address range (groups, prefix lists) or unreadable ones. */
export const cidrRule = (rule: IngressRule): CidrRule | undefined => {
  const { source } = rule;
  if (source.kind !== 'cidrIpv4' && source.kind !== 'cidrIpv6') return undefined;
  const family: IpFamily = source.kind === 'cidrIpv4' ? 'ipv4' : 'ipv6';
  const parsed = parseCidr(source.cidr, family);
  const protocol = classifyProtocol(rule.protocol);
  if (!parsed.ok || protocol === undefined) return undefined;
  const key = protocol.kind === 'other' ? `proto-${protocol.number}` : protocol.kind;
  const ports =
    (key === 'tcp' || key === 'udp') && rule.fromPort !== -1
      ? { from: rule.fromPort, to: rule.toPort }
      : ALL_PORTS;
  return { rule, family, range: cidrRange(parsed.cidr), protocol: key, ...ports };
};

const appliesTo = (candidate: CidrRule, protocol: string): boolean =>
  candidate.protocol === protocol || candidate.protocol === 'all';

/** The port slots on which the rules of one protocol differ: every boundary of every rule. */
const slots = (rules: readonly CidrRule[]): { from: number; to: number }[] => {
  const bounds = [...new Set(rules.flatMap((r) => [r.from, r.to + 1]))].sort((a, b) => a - b);
  return bounds.slice(0, -1).map((from, i) => ({ from, to: (bounds[i + 1] as number) - 1 }));
};

/**
 * Every set of rules that admits the world on its own, found one after the other among the rules not
 * yet named: a second 0.0.0.0/0, or halves beside a 0.0.0.0/0, admit the world as well, and would
 * still admit it once the first cover is revoked or exempted (mq-guardian:allow exempts a rule, not
 * every other rule that opens the same port to the world).
 */
const disjointCovers = (rules: readonly CidrRule[], family: IpFamily): CidrRule[][] => {
  const covers: CidrRule[][] = [];
  let remaining = rules;
  for (;;) {
    const cover = worldCover(family, remaining, (r) => r.range);
    if (cover.length === 0) return covers;
    covers.push(cover);
    remaining = remaining.filter((r) => !cover.includes(r));
  }
};

/**
 * The rules that admit the whole internet, alone or together, each once (with the first group of
 * rules it was found in). Order: the input's.
 */
export const worldExposures = (rules: readonly CidrRule[]): WorldExposure[] => {
  const found = new Map<string, WorldExposure>();
  const protocols = [...new Set(rules.map((r) => r.protocol))];
  for (const protocol of protocols) {
    const applicable = rules.filter((r) => appliesTo(r, protocol));
    for (const slot of slots(applicable)) {
      const inSlot = applicable.filter((r) => r.from <= slot.from && r.to >= slot.to);
      for (const family of ['ipv4', 'ipv6'] as const) {
        for (const cover of disjointCovers(
          inSlot.filter((r) => r.family === family),
          family,
        )) {
          for (const member of cover) {
            if (found.has(member.rule.ruleId)) continue;
            found.set(member.rule.ruleId, {
              rule: member.rule,
              family,
              together: cover.filter((other) => other !== member).map((other) => other.rule),
            });
          }
        }
      }
    }
  }
  return rules.flatMap((r) => {
    const exposure = found.get(r.rule.ruleId);
    return exposure === undefined ? [] : [exposure];
  });
};
