/**
 * The remediation planner: from one broker snapshot and its ingress findings, exactly which rules to
 * revoke, which narrower rules to authorize first, and what to leave alone and why. Pure: no I/O,
 * no clock, no logging. The executor (execute.ts) carries a plan out; dry-run announces it as it is.
 *
 * Safety rules the plan holds (the property tests in test/unit/remediation check them):
 * - a port a source could reach over TCP that a used protocol needs stays reachable from that source
 *   (narrowing authorizes it before the wide rule goes), except world-open rules when the team opted
 *   into `revokeWorldIngress`, and then the plan says so in plain words;
 * - nothing is authorized that the wide rule did not already open to the same source;
 * - a group that other workloads use, or whose users are unknown, is never changed;
 * - what a group keeps open is decided once per group (group-safety.ts `decideGroup`): the union over
 *   every broker that uses it, so the broker or event evaluated first cannot change the outcome.
 */
import { formatSource } from '../network/rule-analysis.ts';
import type { Actor } from '../model/actor.ts';
import type { CheckId, Finding, OffendingRule, PortRange } from '../model/finding.ts';
import {
  type BrokerSnapshot,
  type IngressRule,
  isKnownEngineType,
  type SecurityGroupState,
} from '../model/types.ts';
import {
  formatRanges,
  intersectRanges,
  normalizeRanges,
  rangeCovered,
  subtractRanges,
} from '../network/port-range.ts';
import type { RemediationMode, Settings } from '../policy/settings.ts';
import { TAGS } from '../policy/settings.ts';
import type { AuthorizeIngressRequest } from '../ports.ts';
import {
  formatRule,
  hasAllowTag,
  isTcp,
  isWorldSource,
  sameRuleShape,
  sameSource,
  tcpReach,
} from './rule-shape.ts';
import { decideGroup } from './group-safety.ts';
import { optOutTag, optsOut } from '../policy/opt-out.ts';
import { isRemediationActor, ownChangeReason } from './self-actor.ts';
import { authorizeIngressCommand, revokeIngressByPermissionCommand } from './undo.ts';

/** Tag put on every rule mq-guardian authorizes while narrowing; the value is the wide rule's id. */
export const NARROWED_FROM_TAG = 'mq-guardian:narrowed-from';

const PROTOCOLS_CHECK: CheckId = 'mq-broker-ingress-limited-to-used-protocols';
const WORLD_CHECK: CheckId = 'mq-broker-ingress-not-open-to-world';

export interface AuthorizeAction {
  readonly kind: 'authorize';
  readonly groupId: string;
  /** One source, one TCP port range: a part of the wide rule that used protocols need. */
  readonly request: AuthorizeIngressRequest;
  /** Id of the wide rule this authorize narrows; its revoke follows. */
  readonly narrowedFrom: string;
  /** Removes exactly the permission this action adds. */
  readonly undo: string;
}

export interface RevokeAction {
  readonly kind: 'revoke';
  readonly ruleId: string;
  readonly groupId: string;
  /** The offending rule as the findings say, merged across findings: `allowedPorts` is what narrowing keeps. */
  readonly rule: OffendingRule;
  /** The rule as the snapshot read it (with description and tags): what the undo restores and the executor compares. */
  readonly original: IngressRule;
  /**
   * TCP ports the rule's source must still reach once the rule is gone, through the authorizes of
   * this plan or through other rules of the group. Empty: a plain revoke.
   */
  readonly keep: readonly PortRange[];
  readonly reason: string;
  /** Set when the revoke takes away access to ports the broker's protocols use (opt-in world revoke). */
  readonly impact?: string;
  /** Restores the rule as it was. */
  readonly undo: string;
}

export interface SkipAction {
  readonly kind: 'skip';
  readonly ruleId: string;
  readonly groupId: string;
  readonly reason: string;
}

export type PlannedAction = AuthorizeAction | RevokeAction | SkipAction;

export interface GroupPlan {
  readonly groupId: string;
  /** Authorizes first, then revokes, then the rules left alone. */
  readonly actions: readonly PlannedAction[];
  /**
   * Set when nothing in this group is changed; every offending rule then has a skip action with this
   * reason. `unread`: a fact the decision needs was not read, so the invocation must fail and retry.
   */
  readonly skipped?: { readonly reason: string; readonly unread?: boolean };
}

export interface RemediationPlan {
  readonly brokerId: string;
  readonly brokerName: string;
  readonly account: string;
  readonly region: string;
  readonly mode: RemediationMode;
  readonly groups: readonly GroupPlan[];
  /** Set when a reason applies to the whole broker (own change, broker opted out, no groups, mode off). */
  readonly skipped?: { readonly reason: string };
}

export interface PlanInput {
  readonly snapshot: BrokerSnapshot;
  readonly findings: readonly Finding[];
  readonly settings: Settings;
  readonly actor?: Actor;
}

/** EC2 accepts up to 255 characters from this set in rule descriptions (the set shared by every source kind). */
const DESCRIPTION_MAX = 255;
const DESCRIPTION_FORBIDDEN = /[^a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]/g;

export const sanitizeDescription = (text: string): string =>
  text.replace(DESCRIPTION_FORBIDDEN, ' ').replace(/\s+/g, ' ').trim().slice(0, DESCRIPTION_MAX).trimEnd();

/** "mq-guardian: narrowed from sgr-… (was: …)": names the wide rule and keeps what the team wrote. */
export const narrowedDescription = (ruleId: string, originalDescription?: string): string => {
  const base = `mq-guardian: narrowed from ${ruleId}`;
  const original = sanitizeDescription(originalDescription ?? '');
  return sanitizeDescription(original === '' ? base : `${base} (was: ${original})`);
};

interface RuleEntry {
  readonly rule: OffendingRule;
  readonly checkId: CheckId;
}

interface RuleFindings {
  readonly ruleId: string;
  readonly groupId: string;
  readonly entries: RuleEntry[];
}

interface Collected {
  /** At least one finding remediation may act on is FAIL. */
  readonly failing: boolean;
  readonly rules: Map<string, RuleFindings>;
}

/** Offending rules of the FAIL ingress findings that remediation may act on, grouped by rule id. */
const collect = (snapshot: BrokerSnapshot, findings: readonly Finding[], settings: Settings): Collected => {
  const rules = new Map<string, RuleFindings>();
  let failing = false;
  for (const finding of findings) {
    if (finding.status !== 'FAIL' || finding.resource.id !== snapshot.broker.id) continue;
    if (finding.evidence?.kind !== 'ingress') continue;
    const isWorld = finding.checkId === WORLD_CHECK;
    if (finding.checkId !== PROTOCOLS_CHECK && !isWorld) continue;
    // World-open rules on used ports are alert-only unless the team opted in.
    if (isWorld && !settings.revokeWorldIngress) continue;
    failing = true;
    for (const rule of finding.evidence.offendingRules) {
      const existing = rules.get(rule.ruleId);
      const entry = { rule, checkId: finding.checkId };
      if (existing) existing.entries.push(entry);
      else rules.set(rule.ruleId, { ruleId: rule.ruleId, groupId: rule.groupId, entries: [entry] });
    }
  }
  return { failing, rules };
};

/**
 * What the call that led here opted out or exempted. AWS recorded the call, but EC2 and Amazon MQ
 * reads are eventually consistent ("Eventual consistency in the Amazon EC2 API"): the tags read a
 * moment later may not show it yet. A broker, group or rule the call itself opted out or exempted is
 * left alone whatever the read says (never a write; the next change or the sweep reads it again).
 */
interface CallOptOuts {
  readonly eventName: string;
  readonly brokers: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly rules: ReadonlySet<string>;
}

const callOptOuts = (actor: Actor | undefined): CallOptOuts => ({
  eventName: actor?.eventName ?? '',
  brokers: new Set(actor?.optedOutBrokerIds ?? []),
  groups: new Set(actor?.optedOutGroupIds ?? []),
  rules: new Set(actor?.exemptedRuleIds ?? []),
});

const brokerSkipReason = (input: PlanInput, byCall: CallOptOuts): string | undefined => {
  const { snapshot, settings, actor } = input;
  if (settings.remediationRoleArn !== undefined && isRemediationActor(actor, settings.remediationRoleArn)) {
    return ownChangeReason(settings.remediationRoleArn);
  }
  if (optsOut(snapshot.broker.tags)) return `the broker carries ${optOutTag(snapshot.broker.tags)}`;
  if (byCall.brokers.has(snapshot.broker.id)) {
    return `the call that led here (${byCall.eventName}) tagged the broker ${TAGS.remediation} with a value that opts out`;
  }
  if (!isKnownEngineType(snapshot.broker.engineType)) {
    return `the broker's engine type ${JSON.stringify(snapshot.broker.engineType)} is not one mq-guardian knows, so the ports its clients use are unknown`;
  }
  if (snapshot.securityGroups.length === 0) {
    return snapshot.broker.engineType === 'RABBITMQ'
      ? 'the broker is a publicly accessible RabbitMQ broker without security groups; there is no rule to change'
      : 'the broker has no security groups in the snapshot; there is no rule to change';
  }
  return undefined;
};

/** Ports in `ranges` that are also in `others`, both as sets. */
const intersectSets = (ranges: readonly PortRange[], others: readonly PortRange[]): PortRange[] =>
  normalizeRanges(ranges.flatMap((r) => intersectRanges(r, others)));

const subtractSets = (ranges: readonly PortRange[], others: readonly PortRange[]): PortRange[] =>
  normalizeRanges(ranges.flatMap((r) => subtractRanges(r, others)));

/**
 * A rule from a prefix list that admits the whole internet is never revoked for that, whatever
 * `revokeWorldIngress` says: what opens it is the list, which is managed apart from the group (often
 * by another team or account, or by AWS) and which other rules and route tables use; revoking the
 * rule would cut off every client the list names, and the list itself would stay as it is. The plan
 * leaves it and says the broker is still exposed through it. A protocols finding on the same rule
 * still narrows it (the narrowed rules keep the list as their source).
 */
const listStillExposed = (prefixListId: string, found: RuleFindings): string => {
  const entries = [...new Set(found.entries.flatMap((e) => e.rule.prefixList?.entries ?? []))];
  const shown = `${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ` and ${entries.length - 3} more` : ''}`;
  const opens =
    entries.length === 0
      ? 'whose entries open'
      : entries.length === 1
        ? `whose entry ${shown} opens`
        : `whose entries ${shown} open`;
  return `it admits prefix list ${prefixListId}, ${opens} the broker to the whole internet; mq-guardian does not revoke a rule for what its prefix list holds, so the broker is still exposed until the list's world-open entries are removed or the rule is replaced`;
};

const planRule = (
  given: RuleFindings,
  group: SecurityGroupState,
  plannedIds: ReadonlySet<string>,
  groupAllowed: readonly PortRange[],
  region: string,
  byCall: CallOptOuts,
): { authorizes: AuthorizeAction[]; revoke?: RevokeAction; skip?: SkipAction } => {
  let found = given;
  const skip = (reason: string) => ({
    authorizes: [],
    skip: { kind: 'skip', ruleId: found.ruleId, groupId: found.groupId, reason } as const,
  });
  const original = group.ingressRules.find((r) => r.ruleId === found.ruleId);
  if (original === undefined) return skip('the rule is not among the rules read for the group');
  if (hasAllowTag(original.tags)) return skip(`the rule carries ${TAGS.allow}`);
  if (byCall.rules.has(original.ruleId)) {
    return skip(`the call that led here (${byCall.eventName}) tagged the rule ${TAGS.allow}`);
  }
  if (found.entries.some((e) => !sameRuleShape(e.rule, original))) {
    return skip('the finding does not match the rule as read; re-evaluation needed');
  }
  let stillExposed = '';
  if (original.source.kind === 'prefixList' && found.entries.some((e) => e.checkId === WORLD_CHECK)) {
    const exposed = listStillExposed(original.source.prefixListId, found);
    const rest = found.entries.filter((e) => e.checkId !== WORLD_CHECK);
    if (rest.length === 0) return skip(exposed);
    found = { ...found, entries: rest };
    stillExposed = ` The narrowed rules keep prefix list ${original.source.prefixListId}, which still admits the whole internet on those ports.`;
  }

  const reach = tcpReach(original);
  // Only TCP that the rule already opens is ever kept: narrowing must not add access. A protocols
  // finding keeps what any broker on the group uses (the finding itself knows one broker only); a
  // world-open finding (revokeWorldIngress) keeps what its evidence says: nothing.
  const keep = found.entries.reduce<PortRange[]>(
    (acc, e) => intersectSets(acc, e.checkId === PROTOCOLS_CHECK ? groupAllowed : e.rule.allowedPorts),
    reach,
  );
  if (isTcp(original.protocol) && reach.every((r) => rangeCovered(r, keep))) {
    return skip('every port of this rule is used by a broker on the group');
  }
  const usedPorts = groupAllowed;

  const coverage = normalizeRanges(
    group.ingressRules
      .filter((r) => !plannedIds.has(r.ruleId) && sameSource(r.source, original.source))
      .flatMap(tcpReach),
  );
  const toAuthorize = subtractSets(keep, coverage);
  const description = narrowedDescription(original.ruleId, original.description);
  const authorizes = toAuthorize.map((range): AuthorizeAction => {
    const request: AuthorizeIngressRequest = {
      groupId: group.groupId,
      protocol: 'tcp',
      fromPort: range.from,
      toPort: range.to,
      source: original.source,
      description,
      tags: { [NARROWED_FROM_TAG]: original.ruleId },
    };
    return {
      kind: 'authorize',
      groupId: group.groupId,
      request,
      narrowedFrom: original.ruleId,
      undo: revokeIngressByPermissionCommand({ groupId: group.groupId, region, permission: request }),
    };
  });

  const disallowed = normalizeRanges(found.entries.flatMap((e) => e.rule.disallowedPorts));
  const reasons = [...new Set(found.entries.map((e) => e.rule.reason))].join(' ');
  const alreadyCovered = subtractSets(keep, toAuthorize);
  const lost = subtractSets(intersectSets(reach, usedPorts), [...keep, ...coverage]);
  const worldRevoke = found.entries.some((e) => e.checkId === WORLD_CHECK);
  const impact =
    lost.length === 0
      ? undefined
      : `Clients connecting from ${formatSource(original.source)} lose access to ${formatRanges(lost)}, which the broker's protocols use${worldRevoke && isWorldSource(original.source) ? ' (revokeWorldIngress is on: world-open rules are revoked)' : ''}.`;
  const narrowing =
    keep.length === 0
      ? lost.length > 0
        ? 'Revoke it.'
        : 'Revoke it: no port of it is needed.'
      : toAuthorize.length === 0
        ? `Revoke it: another rule already allows ${formatRanges(keep)} for this source.`
        : `Narrow it to ${formatRanges(keep)}${alreadyCovered.length > 0 ? ` (${formatRanges(alreadyCovered)} already allowed for this source by another rule)` : ''}.`;

  const first = found.entries[0]!.rule;
  const merged: OffendingRule = {
    ...first,
    allowedPorts: keep,
    disallowedPorts: disallowed,
    reason: reasons,
  };
  return {
    authorizes,
    revoke: {
      kind: 'revoke',
      ruleId: original.ruleId,
      groupId: group.groupId,
      rule: merged,
      original,
      keep,
      reason: `${reasons} ${narrowing}${keep.length > 0 ? stillExposed : ''}`.trim(),
      ...(impact === undefined ? {} : { impact }),
      undo: authorizeIngressCommand({
        groupId: group.groupId,
        region,
        permission: original,
        tags: original.tags,
      }),
    },
  };
};

export const planRemediation = (input: PlanInput): RemediationPlan => {
  const { snapshot, findings, settings } = input;
  const base = {
    brokerId: snapshot.broker.id,
    brokerName: snapshot.broker.name,
    account: snapshot.account,
    region: snapshot.region,
    mode: settings.remediationMode,
  };
  if (settings.remediationMode === 'off') {
    return { ...base, groups: [], skipped: { reason: 'remediationMode is off' } };
  }
  const { failing, rules } = collect(snapshot, findings, settings);
  if (!failing) return { ...base, groups: [] };
  const byCall = callOptOuts(input.actor);
  const brokerReason = brokerSkipReason(input, byCall);
  if (rules.size === 0) {
    return {
      ...base,
      groups: [],
      ...(brokerReason === undefined ? {} : { skipped: { reason: brokerReason } }),
    };
  }

  const found = [...rules.values()];
  // The broker's group order first (how people read the broker), then groups only the findings name.
  const groupIds = [
    ...new Set([
      ...snapshot.securityGroups.map((g) => g.groupId).filter((id) => found.some((r) => r.groupId === id)),
      ...found.map((r) => r.groupId),
    ]),
  ];
  const groups = groupIds.map((groupId): GroupPlan => {
    const inGroup = found.filter((r) => r.groupId === groupId);
    const group = snapshot.securityGroups.find((g) => g.groupId === groupId);
    const skipGroup = (reason: string, unread: boolean): GroupPlan => ({
      groupId,
      skipped: { reason, ...(unread ? { unread } : {}) },
      actions: inGroup.map((r) => ({ kind: 'skip', ruleId: r.ruleId, groupId, reason })),
    });
    if (brokerReason !== undefined) return skipGroup(brokerReason, false);
    const decision = decideGroup(snapshot.broker, group, settings);
    if (!decision.writable) return skipGroup(decision.reason, decision.unread);
    if (byCall.groups.has(groupId)) {
      return skipGroup(
        `the call that led here (${byCall.eventName}) tagged the security group ${TAGS.remediation} with a value that opts out`,
        false,
      );
    }
    const optedOutByCall = decision.brokers.find((b) => byCall.brokers.has(b.id));
    if (optedOutByCall !== undefined) {
      return skipGroup(
        `the call that led here (${byCall.eventName}) tagged broker ${optedOutByCall.id}, which uses the group, ${TAGS.remediation} with a value that opts out`,
        false,
      );
    }
    if (group === undefined) return skipGroup('the security group was not read', true);
    // A rule the findings name but the read did not return is a fact not read: the whole group waits.
    const missing = inGroup.filter((r) => !group.ingressRules.some((rule) => rule.ruleId === r.ruleId));
    if (missing.length > 0) {
      return skipGroup(
        `could not read rule${missing.length === 1 ? '' : 's'} ${missing.map((r) => r.ruleId).join(', ')} of the group`,
        true,
      );
    }
    const plannedIds = new Set(inGroup.map((r) => r.ruleId));
    const planned = inGroup.map((r) =>
      planRule(r, group, plannedIds, decision.allowedPorts, snapshot.region, byCall),
    );
    return {
      groupId,
      actions: [
        ...planned.flatMap((p) => p.authorizes),
        ...planned.flatMap((p) => (p.revoke ? [p.revoke] : [])),
        ...planned.flatMap((p) => (p.skip ? [p.skip] : [])),
      ],
    };
  });
  return { ...base, groups, ...(brokerReason === undefined ? {} : { skipped: { reason: brokerReason } }) };
};

/** One sentence per action, for alerts and the CLI. */
export const describeAction = (action: PlannedAction): string => {
  switch (action.kind) {
    case 'authorize':
      return `Authorize ${formatRule(action.request)} on ${action.groupId} (narrowing ${action.narrowedFrom}).`;
    case 'revoke':
      return `Revoke ${action.ruleId} (${formatRule(action.original)}) on ${action.groupId}: ${action.reason}${action.impact ? ` ${action.impact}` : ''}`;
    case 'skip':
      return `Leave ${action.ruleId} on ${action.groupId} unchanged: ${action.reason}.`;
  }
};
