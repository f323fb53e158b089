import type { ExemptedRule, OffendingRule } from '../model/finding.ts';
import { plural } from '../wording.ts';
import { type IngressRule, isKnownEngineType, type PrefixListState } from '../model/types.ts';
import { allowExemption, brokerGroups, ingressRulesOf, summarizeRules } from '../network/broker-ingress.ts';
import { WORLD_THRESHOLD } from '../network/address-space.ts';
import { sourceExposure } from '../network/cidr.ts';
import {
  type CidrRule,
  cidrRule,
  prefixListRules,
  type WorldExposure,
  worldExposures,
} from '../network/world-exposure.ts';
import { ENGINE_PROTOCOLS, portsForProtocols } from '../network/protocol-ports.ts';
import { describeRule, formatSource, rulePortsAsGiven } from '../network/rule-analysis.ts';
import { resolveUsedProtocols } from '../policy/protocols.ts';
import { TAGS } from '../policy/settings.ts';
import type { Check, CheckMeta } from './check.ts';
import { brokerLabel, makeFinding } from './check.ts';

const SECURITY_BEST_PRACTICES =
  'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html';

const meta: CheckMeta = {
  id: 'mq-broker-ingress-not-open-to-world',
  title:
    "The broker's security groups do not admit the whole internet (0.0.0.0/0, ::/0 or ranges that together cover it)",
  severity: 'HIGH',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'Rules from 0.0.0.0/0 or ::/0, or whose ranges together cover the public internet (0.0.0.0/1 and ' +
    '128.0.0.0/1, 2000::/3), admit any address that can route to the broker: through an internet ' +
    'gateway, peering, VPN or transit gateway, attackers can reach the listeners, guess credentials and flood ' +
    'the broker. The rule stays wide open even when the network around it changes.',
  remediation: {
    text:
      'Replace 0.0.0.0/0 and ::/0 sources, and world-open entries of the prefix lists rules reference, with the ' +
      'CIDR ranges, prefix lists or security groups of the clients. mq-guardian alerts only; it revokes world-open ' +
      'rules when the revokeWorldIngress setting is on, never a rule for what its prefix list holds. Tag a ' +
      'rule mq-guardian:allow=<reason> to keep it.',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  },
  // Revoking a world-open rule cuts clients off from ports they use; it is opt-in
  // (settings.revokeWorldIngress), decided by the planner, not implied by this check.
  autoRemediable: false,
  source: SECURITY_BEST_PRACTICES,
};

const FAMILY_NAMES = { ipv4: 'IPv4', ipv6: 'IPv6' } as const;

/** "198.51.100.0/24, 0.0.0.0/1, 128.0.0.0/2 and 4 more". */
const entriesText = (entries: readonly string[], shown = 3): string =>
  `${entries.slice(0, shown).join(', ')}${entries.length > shown ? ` and ${entries.length - shown} more` : ''}`;

/** "prefix list pl-… (partners)", "prefix list pl-… (com.amazonaws.global.cloudfront.origin-facing, AWS-managed)". */
const listLabel = (prefixListId: string, state: PrefixListState | undefined): string => {
  const list = state?.status === 'read' ? state.list : undefined;
  const parts = [list?.name, list?.ownerId === 'AWS' ? 'AWS-managed' : undefined].filter(
    (part): part is string => part !== undefined && part !== '',
  );
  return `prefix list ${prefixListId}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
};

/** A rule from a prefix list: the list and the entries of it that open the broker to the world. */
const listExposureReason = (
  exposure: WorldExposure,
  prefixListId: string,
  lists: ReadonlyMap<string, PrefixListState>,
): string => {
  const family = FAMILY_NAMES[exposure.family];
  const label = listLabel(prefixListId, lists.get(prefixListId));
  const { entries } = exposure;
  const word = entries.length === 1 ? 'entry' : 'entries';
  if (exposure.together.length > 0) {
    const others = exposure.together
      .map((rule) => `${rule.ruleId} (${formatSource(rule.source)})`)
      .join(', ');
    return `It admits ${label} (${word} ${entriesText(entries)}); together with ${others} that is at least ${WORLD_PERCENT} of the public ${family} internet on the same ports.`;
  }
  const whole = entries.length === 1 && entries[0] !== undefined && /\/0$/.test(entries[0]);
  return whole
    ? `It admits ${label}, whose entry ${entries[0]} is every ${family} address.`
    : `It admits ${label}, whose ${word} ${entriesText(entries)} cover at least ${WORLD_PERCENT} of the public ${family} internet.`;
};

const exposureReason = (exposure: WorldExposure, lists: ReadonlyMap<string, PrefixListState>): string => {
  if (exposure.rule.source.kind === 'prefixList') {
    return listExposureReason(exposure, exposure.rule.source.prefixListId, lists);
  }
  const family = FAMILY_NAMES[exposure.family];
  const source = formatSource(exposure.rule.source);
  if (exposure.together.length === 0) {
    const parsed = sourceExposure(exposure.rule.source);
    return parsed.kind === 'world'
      ? `It admits ${source}, every ${family} address.`
      : `It admits ${source}, at least ${WORLD_PERCENT} of the public ${family} internet.`;
  }
  const others = exposure.together.map((rule) => `${rule.ruleId} (${formatSource(rule.source)})`).join(', ');
  return `It admits ${source}; together with ${others} that is at least ${WORLD_PERCENT} of the public ${family} internet on the same ports.`;
};

const WORLD_PERCENT = `${Math.round(WORLD_THRESHOLD * 100)}%`;

/** AWS Config's limit on an evaluation's annotation: the finding's message should fit in it. */
const ANNOTATION_LIMIT = 256;

const ruleCount = (count: number): string => plural(count, 'rule');

/**
 * "2 rules (sgr-a, sgr-b)": as many exempted rule ids as keep the message within `room`
 * characters, then "and N more". The reasons are in the evidence.
 */
const exemptedList = (exempted: readonly ExemptedRule[], room: number): string => {
  const count = ruleCount(exempted.length);
  let text = '';
  for (let shown = 1; shown <= exempted.length; shown++) {
    const ids = exempted
      .slice(0, shown)
      .map((e) => e.ruleId)
      .join(', ');
    const more = shown < exempted.length ? ` and ${exempted.length - shown} more` : '';
    const candidate = `${count} (${ids}${more})`;
    if (shown > 1 && candidate.length > room) break;
    text = candidate;
  }
  return text;
};

/** The evidence of a rule from a prefix list: the list as read and the entries that open it. */
const listEvidence = (
  prefixListId: string,
  state: PrefixListState | undefined,
  exposure: WorldExposure,
): NonNullable<OffendingRule['prefixList']> => {
  const list = state?.status === 'read' ? state.list : undefined;
  return {
    prefixListId,
    ...(list?.name === undefined ? {} : { name: list.name }),
    ...(list?.ownerId === undefined ? {} : { ownerId: list.ownerId }),
    ...(list?.version === undefined ? {} : { version: list.version }),
    entries: exposure.entries,
  };
};

export const check: Check = {
  meta,
  evaluate(snapshot, context) {
    const label = brokerLabel(snapshot);
    const cannotCheck = (why: string) =>
      makeFinding(meta, snapshot, 'ERROR', `${label} security groups could not be checked: ${why}.`);

    const groups = brokerGroups(snapshot);
    if (groups.kind === 'none') {
      // A public RabbitMQ broker has no group to hold a rule: it is reachable from the internet by
      // design, and mq-broker-not-publicly-accessible is the check that reports it. FAIL here would
      // report the same fact twice with nothing that could be changed.
      return makeFinding(
        meta,
        snapshot,
        'NOT_APPLICABLE',
        `${label} has no security groups: it is a publicly accessible RabbitMQ broker, reachable from the internet by design (mq-broker-not-publicly-accessible reports that).`,
      );
    }
    if (groups.kind === 'incomplete') return cannotCheck(groups.reason);

    // The prefix lists the rules reference, as the snapshot read them (or could not, with why).
    const lists = new Map<string, PrefixListState>();
    for (const state of groups.groups.flatMap((g) => g.prefixLists ?? [])) {
      const id = state.status === 'read' ? state.list.prefixListId : state.prefixListId;
      if (!lists.has(id) || state.status === 'read') lists.set(id, state);
    }

    // Every address range counts, not only /0: several rules can admit the whole internet together,
    // and a rule from a prefix list admits every entry of the list (each entry is a range of the
    // union, on the rule's ports). A rule that cannot be read could be part of such a union, so it
    // makes the answer an ERROR; so does a list whose entries were not read, unless a FAIL is certain.
    const readable: CidrRule[] = [];
    const invalid: string[] = [];
    const unreadLists: { readonly prefixListId: string; readonly reason: string }[] = [];
    for (const rule of ingressRulesOf(groups.groups)) {
      const exposure = sourceExposure(rule.source);
      if (exposure.kind === 'invalid') {
        invalid.push(`${describeRule(rule)}: ${exposure.reason}`);
        continue;
      }
      if (rule.source.kind === 'securityGroup') continue;
      const ports = rulePortsAsGiven(rule);
      if (!ports.ok) {
        invalid.push(`${describeRule(rule)}: ${ports.reason}`);
        continue;
      }
      if (rule.source.kind === 'prefixList') {
        const { prefixListId } = rule.source;
        const state = lists.get(prefixListId);
        if (state?.status !== 'read') {
          // An exempted rule stays exempt whatever its list holds.
          if (allowExemption(rule) === undefined) {
            unreadLists.push({ prefixListId, reason: state?.reason ?? 'its entries were not read' });
          }
          continue;
        }
        const entries = prefixListRules(rule, state.list);
        if (!entries.ok) invalid.push(`${describeRule(rule)}: ${entries.reason}`);
        else readable.push(...entries.rules);
        continue;
      }
      const cidr = cidrRule(rule);
      if (cidr) readable.push(cidr);
    }
    if (invalid.length > 0) return cannotCheck(invalid.join('; '));

    const offending: { rule: IngressRule; offending: OffendingRule }[] = [];
    const exempted: ExemptedRule[] = [];
    const together = new Set<string>();
    for (const exposure of worldExposures(readable)) {
      const { rule } = exposure;
      const exemption = allowExemption(rule);
      if (exemption) {
        exempted.push(exemption);
        continue;
      }
      if (exposure.together.length > 0) together.add(exposure.family);
      const ports = rulePortsAsGiven(rule);
      offending.push({
        rule,
        offending: {
          ruleId: rule.ruleId,
          groupId: rule.groupId,
          protocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          source: rule.source,
          ...(rule.description === undefined ? {} : { description: rule.description }),
          // What is wrong is the source, not a port: every port the rule opens is disallowed from
          // this source, and nothing is kept. With revokeWorldIngress the planner revokes the whole
          // rule; it must never narrow a world-open rule into a smaller world-open rule.
          disallowedPorts: ports.ok ? [...ports.ports] : [],
          allowedPorts: [],
          reason: exposureReason(exposure, lists),
          ...(rule.source.kind === 'prefixList'
            ? {
                prefixList: listEvidence(
                  rule.source.prefixListId,
                  lists.get(rule.source.prefixListId),
                  exposure,
                ),
              }
            : {}),
        },
      });
    }

    // World-openness does not depend on protocols; they only feed the evidence (the planner states
    // which used ports a revoke would cut off). An unreadable protocol list must not hide a
    // world-open rule, so the evidence then assumes every protocol of the engine (the widest impact)
    // and the message says why. An engine mq-guardian does not know still has world-open rules;
    // only its ports are unknown (the planner never remediates such a broker).
    const used = resolveUsedProtocols(snapshot.broker, context.settings);
    const engine = isKnownEngineType(snapshot.broker.engineType) ? snapshot.broker.engineType : undefined;
    const protocols = used.ok ? used.protocols : engine ? [...ENGINE_PROTOCOLS[engine]] : [];
    const protocolNote = used.ok
      ? ''
      : engine
        ? ` (Used protocols could not be read: ${used.reason}; the evidence assumes every protocol of the engine.)`
        : ` (Used protocols could not be read: ${used.reason}.)`;
    const evidence = {
      kind: 'ingress',
      usedProtocols: protocols,
      protocolsFrom: used.ok ? used.from : 'engine-default',
      allowedPorts: engine ? portsForProtocols(engine, protocols) : [],
      offendingRules: offending.map((o) => o.offending),
      exemptedRules: exempted,
    } as const;

    // A prefix list admits the addresses it holds: a customer-managed list may hold 0.0.0.0/0 (Amazon
    // VPC User Guide, "Managed prefix lists"). One whose entries were not read (denied, not found, too
    // large) is never "admits no traffic from the whole internet": unknown is not no.
    if (offending.length === 0 && unreadLists.length > 0) {
      // The list and why first: Config's annotation keeps 256 characters.
      const byList = new Map(unreadLists.map((u) => [u.prefixListId, u.reason]));
      const named = [...byList]
        .map(([id, reason]) => {
          const rules = unreadLists.filter((u) => u.prefixListId === id).length;
          return `${id} (${ruleCount(rules)}) could not be read: ${reason}`;
        })
        .join('; ');
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} security groups could not be checked: prefix ${byList.size === 1 ? 'list' : 'lists'} ${named}; no other rule admits the whole internet.${protocolNote}`,
        evidence,
      );
    }
    if (offending.length === 0 && exempted.length === 0) {
      return makeFinding(
        meta,
        snapshot,
        'PASS',
        `${label} security groups admit no traffic from the whole internet (0.0.0.0/0, ::/0 or ranges that together cover it).${protocolNote}`,
        evidence,
      );
    }
    if (offending.length === 0) {
      const head = `${label} security groups admit traffic from the whole internet only through rules exempted by ${TAGS.allow}: `;
      const list = exemptedList(exempted, ANNOTATION_LIMIT - head.length - 1);
      return makeFinding(meta, snapshot, 'PASS', `${head}${list}.${protocolNote}`, evidence);
    }
    const jointly =
      together.size > 0
        ? ` (together they cover at least ${WORLD_PERCENT} of the public ${[...together].map((f) => FAMILY_NAMES[f as 'ipv4' | 'ipv6']).join(' and ')} internet)`
        : '';
    // The offending rules are in the evidence (the annotation names their ids when it must cut); the
    // exempted ones only here: fewer offending rules are described until the exemptions fit too.
    const exemptedHead = ` Exempted by ${TAGS.allow}: `;
    const offendingRules = offending.map((o) => o.rule);
    const compose = (shown: number): string => {
      const rules = shown > 0 ? summarizeRules(offendingRules, shown) : ruleCount(offendingRules.length);
      const head = `${label} security groups admit traffic from the whole internet: ${rules}${jointly}.`;
      const exemptions =
        exempted.length === 0
          ? ''
          : `${exemptedHead}${exemptedList(exempted, ANNOTATION_LIMIT - head.length - exemptedHead.length - 1)}.`;
      return `${head}${exemptions}`;
    };
    const fitting =
      exempted.length === 0
        ? compose(3)
        : ([3, 2, 1].map(compose).find((text) => text.length <= ANNOTATION_LIMIT) ?? compose(0));
    return makeFinding(meta, snapshot, 'FAIL', `${fitting}${protocolNote}`, evidence);
  },
};
