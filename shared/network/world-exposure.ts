/**
 * Which ingress rules of a broker together admit the whole internet. Traffic is admitted when any
 * rule of any of the broker's groups admits it, so the question is asked of the union of the rules'
 * address ranges, per protocol and port: `0.0.0.0/1` and `128.0.0.0/1` on port 61617 admit every
 * IPv4 address there, while `0.0.0.0/1` on 61617 and `128.0.0.0/1` on 8162 admit no port to the
 * world. What counts as the world is address-space.ts's (a /0, or WORLD_THRESHOLD of the public
 * space).
 */
import type { IngressRule, PrefixListContents } from '../model/types.ts';
import { type AddressRange, cidrRange, worldCover } from './address-space.ts';
import { type IpFamily, parseCidr } from './cidr.ts';
import { classifyProtocol } from './rule-analysis.ts';

export interface CidrRule {
  readonly rule: IngressRule;
  /** Set when the range is an entry of the prefix list the rule admits (the rule stands for each). */
  readonly entry?: string;
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
  /** For a rule from a prefix list: the list's entries that take part (as EC2 returned them). */
  readonly entries: readonly string[];
}

const ALL_PORTS = { from: 0, to: 65535 } as const;

/** The protocol key and ports of a rule, or undefined when its protocol cannot be read. */
const rulePorts = (rule: IngressRule): { protocol: string; from: number; to: number } | undefined => {
  const protocol = classifyProtocol(rule.protocol);
  if (protocol === undefined) return undefined;
  const key = protocol.kind === 'other' ? `proto-${protocol.number}` : protocol.kind;
  const ports =
    (key === 'tcp' || key === 'udp') && rule.fromPort !== -1
      ? { from: rule.fromPort, to: rule.toPort }
      : ALL_PORTS;
  return { protocol: key, ...ports };
};

/** A CIDR rule read for the union, or undefined for rules without an address range (groups, prefix lists) or unreadable ones. */
export const cidrRule = (rule: IngressRule): CidrRule | undefined => {
  const { source } = rule;
  if (source.kind !== 'cidrIpv4' && source.kind !== 'cidrIpv6') return undefined;
  const family: IpFamily = source.kind === 'cidrIpv4' ? 'ipv4' : 'ipv6';
  const parsed = parseCidr(source.cidr, family);
  const ports = rulePorts(rule);
  if (!parsed.ok || ports === undefined) return undefined;
  return { rule, family, range: cidrRange(parsed.cidr), ...ports };
};

/**
 * A rule from a prefix list as one CIDR rule per entry of the list: the rule admits every entry's
 * addresses on its ports, exactly as a rule per CIDR would (Amazon VPC User Guide, "Managed prefix
 * lists"). An entry whose CIDR does not parse makes the whole rule unreadable (the reason says which).
 */
export const prefixListRules = (
  rule: IngressRule,
  list: PrefixListContents,
): { readonly ok: true; readonly rules: CidrRule[] } | { readonly ok: false; readonly reason: string } => {
  const ports = rulePorts(rule);
  if (ports === undefined)
    return { ok: false, reason: `protocol ${JSON.stringify(rule.protocol)} is unknown` };
  const rules: CidrRule[] = [];
  for (const entry of list.entries) {
    const parsed = parseCidr(entry.cidr);
    if (!parsed.ok)
      return { ok: false, reason: `prefix list ${list.prefixListId} entry ${entry.cidr}: ${parsed.reason}` };
    rules.push({
      rule,
      entry: entry.cidr,
      family: parsed.cidr.family,
      range: cidrRange(parsed.cidr),
      ...ports,
    });
  }
  return { ok: true, rules };
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
  // Most port slots hold the same rules as another (an all-ports rule is in every slot of every
  // protocol): the covers of a set of rules already asked about add no rule to `found`.
  const asked = new Set<string>();
  const position = new Map(rules.map((r, i) => [r, i]));
  for (const protocol of protocols) {
    const applicable = rules.filter((r) => appliesTo(r, protocol));
    for (const slot of slots(applicable)) {
      const inSlot = applicable.filter((r) => r.from <= slot.from && r.to >= slot.to);
      for (const family of ['ipv4', 'ipv6'] as const) {
        const candidates = inSlot.filter((r) => r.family === family);
        const key = `${family} ${candidates.map((r) => position.get(r)).join(',')}`;
        if (candidates.length === 0 || asked.has(key)) continue;
        asked.add(key);
        for (const cover of disjointCovers(candidates, family)) {
          // The entries of one prefix list are one rule: named once, with the entries it took.
          const byRule = new Map<string, CidrRule[]>();
          for (const member of cover) {
            byRule.set(member.rule.ruleId, [...(byRule.get(member.rule.ruleId) ?? []), member]);
          }
          for (const [ruleId, members] of byRule) {
            if (found.has(ruleId)) continue;
            found.set(ruleId, {
              rule: (members[0] as CidrRule).rule,
              family,
              together: [...byRule.values()]
                .filter((others) => others !== members)
                .map((others) => (others[0] as CidrRule).rule),
              entries: members.flatMap((m) => (m.entry === undefined ? [] : [m.entry])),
            });
          }
        }
      }
    }
  }
  return [...new Set(rules.map((r) => r.rule.ruleId))].flatMap((ruleId) => {
    const exposure = found.get(ruleId);
    return exposure === undefined ? [] : [exposure];
  });
};
