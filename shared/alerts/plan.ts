/**
 * Which alerts one evaluation of one broker calls for, given what was announced before. Pure: no
 * I/O, no clock (the caller passes `now`), no logging. The sink (sink.ts) carries a plan out; the
 * CLI previews it (`buildAlerts`).
 *
 * No storms, no gaps:
 * - a check is announced when it starts failing (`alert`, or `error` when it cannot be evaluated),
 *   and again only when it fails on something not announced before (a new offending rule or field);
 *   a check that stays failing is not announced again by later events or sweeps;
 * - a failing check that passes (or no longer applies) is announced once as `resolved`;
 * - each rule remediation acted on (or would act on, or left alone) is announced once per outcome;
 *   a narrowing (authorizes + the revoke they make safe) is one outcome, with all its undo commands;
 * - a new failing ingress finding whose every new rule is covered by a remediation alert of the same
 *   check is told inside that alert rather than in one of its own: one message per problem.
 * - rules mq-guardian created while narrowing count as announced for the findings that named the
 *   wide rule, so the narrowed rules never come back as "new".
 */
import { createHash } from 'node:crypto';
import { brokerDisplayName } from '../checks/check.ts';
import { getCheck } from '../checks/registry.ts';
import type { Actor } from '../model/actor.ts';
import type { RuleSource } from '../model/types.ts';
import type { CheckId, Finding, OffendingRule } from '../model/finding.ts';
import { SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import { formatRanges, normalizeRanges, subtractRanges } from '../network/port-range.ts';
import { optOutTag, optsOut } from '../policy/opt-out.ts';
import { type RemediationMode, TAGS } from '../policy/settings.ts';
import type { ActionReport, RemediationReport } from '../remediation/execute.ts';
import { formatSource } from '../network/rule-analysis.ts';
import { formatRule, isWorldSource } from '../remediation/rule-shape.ts';
import type { BrokerEvaluation } from '../use-cases/evaluate.ts';
import {
  ALERT_SCHEMA,
  ALERT_SCHEMA_VERSION,
  type Alert,
  type AlertAction,
  type AlertActor,
  type AlertFinding,
  type AlertKind,
  type AlertRemediation,
  type AlertSecurityGroup,
  brokerConsoleUrl,
  findingStateKey,
  outboxStateKey,
  partitionOf,
  remediationStateKey,
  securityGroupConsoleUrl,
} from './alert.ts';
import { type AsffFinding, toAsffFinding } from './asff.ts';
import {
  type AlertState,
  type AlertStateWrite,
  type AnnouncedState,
  expiresAtFor,
  isExpired,
  olderThan,
  SECURITY_HUB_REFRESH_DAYS,
  type SecurityHubState,
  type PlannedAlert,
  type SecurityHubStatus,
  STATE_REFRESH_DAYS,
  type StateCommit,
} from './state.ts';

/** Lines of "what was found" an alert carries; the rest is counted, not listed. */
export const MAX_DETAILS = 20;
const MAX_DETAIL_CHARS = 500;
const MAX_MESSAGE_CHARS = 2000;
/** The state table keeps at most this many items per key (rule ids are unique: older ones matter less). */
const MAX_STATE_ITEMS = 200;

/** What to do about a broker that could not be read (the reason is in the alert). */
const UNREADABLE_GUIDANCE =
  'Nothing to change on the broker for this alert: mq-guardian could not read it, so none of its checks could be judged and nothing was changed. The invocation is retried; if the reason persists, check that the function may make the call the reason names, and the AWS Health Dashboard.';
const DESCRIBE_BROKER_URL =
  'https://docs.aws.amazon.com/amazon-mq/latest/api-reference/brokers-broker-id.html';

const PROTOCOLS_CHECK: CheckId = 'mq-broker-ingress-limited-to-used-protocols';
const WORLD_CHECK: CheckId = 'mq-broker-ingress-not-open-to-world';

export interface AlertPlanInput {
  readonly evaluation: BrokerEvaluation;
  /** States by key as the store returned them (expired ones are read as absent). */
  readonly previous: ReadonlyMap<string, AlertState>;
  readonly actor?: Actor;
  readonly remediation?: RemediationReport;
  /** The stack's remediation mode (remediation alerts use their report's own mode). */
  readonly mode: RemediationMode;
  readonly account: string;
  readonly region: string;
  /** For expiry and refresh decisions and the times written; defaults to the evaluation time. */
  readonly now?: Date;
}

export interface SecurityHubUpdate {
  readonly key: string;
  readonly finding: AsffFinding;
  readonly state: SecurityHubState;
}

export interface AlertPlan {
  readonly alerts: readonly PlannedAlert[];
  /** State rewrites without an announcement (items changed, TTL refresh). */
  readonly refresh: readonly StateCommit[];
  /** Security Hub imports whose status differs from what Security Hub holds (or is about to age out). */
  readonly securityHub: readonly SecurityHubUpdate[];
}

/** The keys a notify reads: one per finding, one per rule in the remediation report, and the broker's outbox. */
export const alertStateKeys = (
  evaluation: BrokerEvaluation,
  account: string,
  region: string,
  remediation?: RemediationReport,
): string[] => {
  const brokerId = evaluation.snapshot.broker.id;
  return [
    ...new Set([
      ...evaluation.findings.map((f) => findingStateKey(account, region, f.checkId, f.resource.id)),
      ...(remediation?.actions ?? []).map((a) => remediationStateKey(account, region, brokerId, a.ruleId)),
      outboxStateKey(account, region, brokerId),
    ]),
  ];
};

// ---------------------------------------------------------------------------------------------
// Small helpers

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

const isFailing = (status: string | undefined): boolean => status === 'FAIL' || status === 'ERROR';

const maxSeverity = (severities: readonly Severity[]): Severity =>
  severities.reduce<Severity>(
    (max, s) => (SEVERITY_ORDER.indexOf(s) > SEVERITY_ORDER.indexOf(max) ? s : max),
    'INFORMATIONAL',
  );

const alertId = (key: string, outcome: string, version: number): string =>
  createHash('sha256').update(`${key}|${outcome}|${version}`).digest('hex').slice(0, 32);

const toActor = (actor: Actor): AlertActor => ({
  type: actor.type,
  ...(actor.arn === undefined ? {} : { arn: actor.arn }),
  ...(actor.roleArn === undefined ? {} : { roleArn: actor.roleArn }),
  ...(actor.invokedBy === undefined ? {} : { invokedBy: actor.invokedBy }),
  ...(actor.sourceIpAddress === undefined ? {} : { sourceIpAddress: actor.sourceIpAddress }),
  eventId: actor.eventId,
  eventName: actor.eventName,
  eventTime: actor.eventTime,
});

/** The items a finding fails on: offending rule ids or wrong field paths. */
export const findingItems = (finding: Finding): string[] => {
  const evidence = finding.evidence;
  if (evidence === undefined) return [];
  const items =
    evidence.kind === 'ingress'
      ? evidence.offendingRules.map((r) => r.ruleId)
      : evidence.fields.map((f) => f.path);
  return [...new Set(items)].sort();
};

const ruleLine = (rule: OffendingRule): string =>
  `${rule.ruleId} on ${rule.groupId}: ${formatRule(rule)}: ${rule.reason}`;

const detailLines = (finding: Finding): string[] => {
  const evidence = finding.evidence;
  if (evidence === undefined) return [];
  if (evidence.kind === 'fields') return evidence.fields.map((f) => `${f.path}: ${f.detail}`);
  return [
    ...evidence.offendingRules.map(ruleLine),
    ...evidence.exemptedRules.map((r) => `${r.ruleId} on ${r.groupId}: exempted: ${r.reason}`),
  ];
};

const capDetails = (lines: readonly string[]): Pick<AlertFinding, 'details' | 'omittedDetails'> => ({
  details: lines.slice(0, MAX_DETAILS).map((l) => clip(l, MAX_DETAIL_CHARS)),
  omittedDetails: Math.max(0, lines.length - MAX_DETAILS),
});

const groupsOf = (rules: readonly { groupId: string; ruleId: string }[]): AlertSecurityGroup[] => {
  const groups = new Map<string, string[]>();
  for (const rule of rules) {
    const ids = groups.get(rule.groupId) ?? [];
    if (!ids.includes(rule.ruleId)) ids.push(rule.ruleId);
    groups.set(rule.groupId, ids);
  }
  return [...groups].map(([groupId, ruleIds]) => ({ groupId, ruleIds }));
};

const offendingRulesOf = (finding: Finding): readonly OffendingRule[] =>
  finding.evidence?.kind === 'ingress' ? finding.evidence.offendingRules : [];

// ---------------------------------------------------------------------------------------------
// Remediation outcomes, one per rule

interface RuleActions {
  readonly ruleId: string;
  readonly groupId: string;
  readonly reports: ActionReport[];
}

interface RuleOutcome {
  readonly rule: RuleActions;
  readonly key: string;
  readonly action: AlertAction;
  readonly status: NonNullable<AlertRemediation['status']>;
  /** What the state remembers: an outcome announced once is not announced again. */
  readonly fingerprint: string;
  readonly revoke?: ActionReport;
  readonly keep: string;
  readonly createdRuleIds: string[];
  /** The rules authorized (or to be authorized) in place of the wide one, as the alert names them. */
  readonly authorized: string[];
  readonly undo: string[];
  readonly summary: string;
  readonly reason?: string;
  readonly impact?: string;
  readonly error?: string;
  /** What stays open to the whole internet after this outcome, and why. */
  readonly stillExposed?: string;
}

const rulesOf = (report: RemediationReport): RuleActions[] => {
  const rules = new Map<string, RuleActions>();
  for (const action of report.actions) {
    const rule = rules.get(action.ruleId) ?? { ruleId: action.ruleId, groupId: action.groupId, reports: [] };
    rule.reports.push(action);
    rules.set(action.ruleId, rule);
  }
  return [...rules.values()];
};

const ruleText = (revoke: ActionReport | undefined): string =>
  revoke?.action.kind === 'revoke' ? ` (${formatRule(revoke.action.original)})` : '';

const WORLD_WHY =
  "mq-guardian narrows a world-open rule to the ports the broker's protocols use and revokes it only when the revokeWorldIngress setting is on";

/** A managed prefix list the world-exposure finding names: the entries that open it to the internet. */
interface WorldOpenList {
  readonly name?: string;
  readonly entries: readonly string[];
}

/** The prefix lists whose entries open the broker to the whole internet, from the failing world finding. */
const worldOpenListsOf = (failing: readonly Finding[]): ReadonlyMap<string, WorldOpenList> => {
  const lists = new Map<string, WorldOpenList>();
  for (const finding of failing) {
    if (finding.checkId !== WORLD_CHECK) continue;
    for (const rule of offendingRulesOf(finding)) {
      const list = rule.prefixList;
      if (list === undefined || list.entries.length === 0) continue;
      const known = lists.get(list.prefixListId)?.entries ?? [];
      lists.set(list.prefixListId, {
        ...(list.name === undefined ? {} : { name: list.name }),
        entries: [...new Set([...known, ...list.entries])],
      });
    }
  }
  return lists;
};

/** A rule whose source is world-open itself, or a prefix list the world finding names (with it). */
const worldOpening = (
  source: RuleSource,
  lists: ReadonlyMap<string, WorldOpenList>,
): { readonly prefixListId?: string; readonly list?: WorldOpenList } | undefined => {
  if (isWorldSource(source)) return {};
  if (source.kind !== 'prefixList') return undefined;
  const list = lists.get(source.prefixListId);
  return list === undefined ? undefined : { prefixListId: source.prefixListId, list };
};

/** Why a rule from a world-open prefix list stays: its list holds the entries, and lists are never acted on. */
const listWhy = (prefixListId: string, list: WorldOpenList): string => {
  const shown = `${list.entries.slice(0, 3).join(', ')}${list.entries.length > 3 ? ` and ${list.entries.length - 3} more` : ''}`;
  const named = list.name === undefined ? prefixListId : `${prefixListId} (${list.name})`;
  return `prefix list ${named} holds ${shown}, and mq-guardian never revokes a rule for what its prefix list holds`;
};

/** Why what a rule of this source admits stays open to the world. */
const whyStillOpen = (opening: { readonly prefixListId?: string; readonly list?: WorldOpenList }): string =>
  opening.prefixListId !== undefined && opening.list !== undefined
    ? listWhy(opening.prefixListId, opening.list)
    : WORLD_WHY;

/** The rules a narrowing authorized (done: with their ids) or would authorize (planned). */
const authorizedRules = (authorizes: readonly ActionReport[]): string[] =>
  authorizes.flatMap((a) => {
    if (a.action.kind !== 'authorize') return [];
    const rule = formatRule(a.action.request);
    if (a.status === 'planned') return [rule];
    if (a.status !== 'done') return [];
    return [`${(a.createdRuleIds ?? []).join(', ') || 'a new rule'} (${rule})`];
  });

/**
 * For a revoke that keeps ports (a narrowing, or ports another rule already allows) of a world-open
 * rule: what still admits the whole internet afterwards, and why. Undefined otherwise.
 */
const worldStillOpen = (
  revoke: ActionReport | undefined,
  authorizes: readonly ActionReport[],
  lists: ReadonlyMap<string, WorldOpenList>,
): string | undefined => {
  if (revoke?.action.kind !== 'revoke' || revoke.action.keep.length === 0) return undefined;
  const source = revoke.action.original.source;
  const opening = worldOpening(source, lists);
  if (opening === undefined) return undefined;
  const planned = revoke.status === 'planned';
  const authorized = authorizedRules(authorizes);
  const authorizedPorts = authorizes.flatMap((a) =>
    a.action.kind === 'authorize' ? [{ from: a.action.request.fromPort, to: a.action.request.toPort }] : [],
  );
  const elsewhere = normalizeRanges(revoke.action.keep.flatMap((r) => subtractRanges(r, authorizedPorts)));
  const parts = [
    ...(authorized.length === 0
      ? []
      : [
          planned
            ? `The narrowed rules (${authorized.join(', ')}) would still admit the whole internet`
            : `The narrowed rules ${authorized.join(', ')} still admit the whole internet`,
        ]),
    ...(elsewhere.length === 0
      ? []
      : [
          `TCP ${formatRanges(elsewhere)} ${planned ? 'would stay' : 'stays'} open to ${formatSource(source)} through another rule`,
        ]),
  ];
  return `${parts.join('; ')}: ${whyStillOpen(opening)}.`;
};

/** The outcome worth announcing for one rule, or undefined when nothing happened that people need to know. */
const outcomeOf = (
  rule: RuleActions,
  key: string,
  report: RemediationReport,
  lists: ReadonlyMap<string, WorldOpenList>,
): RuleOutcome | undefined => {
  const revoke = rule.reports.find((r) => r.kind === 'revoke');
  const skip = rule.reports.find((r) => r.kind === 'skip');
  const authorizes = rule.reports.filter((r) => r.kind === 'authorize');
  const failed = rule.reports.filter((r) => r.status === 'failed');
  const keepRanges = revoke?.action.kind === 'revoke' ? revoke.action.keep : [];
  const keep = formatRanges(keepRanges);
  const createdRuleIds = authorizes.filter((a) => a.status === 'done').flatMap((a) => a.createdRuleIds ?? []);
  const on = `${rule.ruleId}${ruleText(revoke)} on ${rule.groupId}`;
  // A narrowing authorizes the kept ports first; when another rule already allows them all, the
  // revoke is a plain revoke that loses nothing.
  const narrowing = keepRanges.length > 0 && authorizes.length > 0;
  const kept = keep !== '' && !narrowing ? `; ${keep} stay open for this source through another rule` : '';
  const stillExposed = worldStillOpen(revoke, authorizes, lists);
  const base = {
    rule,
    key,
    keep,
    createdRuleIds,
    authorized: authorizedRules(authorizes),
    ...(revoke ? { revoke } : {}),
    ...(revoke?.reason === undefined ? {} : { reason: revoke.reason }),
    ...(revoke?.impact === undefined ? {} : { impact: revoke.impact }),
    ...(stillExposed === undefined ? {} : { stillExposed }),
  };
  const doneUndo = [revoke, ...authorizes]
    .filter((a): a is ActionReport => a !== undefined && a.status === 'done' && a.undo !== undefined)
    .map((a) => a.undo as string);

  if (failed.length > 0) {
    return {
      ...base,
      action: 'failed',
      status: 'failed',
      fingerprint: 'failed',
      undo: doneUndo,
      summary: `Could not remediate ${on}; the invocation fails and is retried.`,
      error: failed.map((a) => `${a.kind} ${a.ruleId}: ${a.error ?? 'unknown error'}`).join('; '),
    };
  }
  if (skip !== undefined) {
    const reason = skip.reason ?? 'no reason given';
    return {
      ...base,
      action: 'skipped',
      status: 'skipped',
      // The reason text can name network interfaces that come and go: one announcement per rule.
      fingerprint: 'skipped',
      undo: [],
      reason,
      summary: `Left ${on} unchanged.`,
    };
  }
  if (revoke === undefined) return undefined;
  if (revoke.status === 'done') {
    const undo = [revoke.undo, ...authorizes.filter((a) => a.status === 'done').map((a) => a.undo)].filter(
      (u): u is string => u !== undefined,
    );
    return narrowing
      ? {
          ...base,
          action: 'narrowed',
          status: 'done',
          fingerprint: `narrowed:${keep}`,
          undo,
          summary: `Narrowed ${on} to ${keep}${createdRuleIds.length > 0 ? `: authorized ${createdRuleIds.join(', ')} first, then revoked the wide rule` : ''}.`,
        }
      : {
          ...base,
          action: 'revoked',
          status: 'done',
          fingerprint: 'revoked',
          undo,
          summary: `Revoked ${on}${kept}.`,
        };
  }
  if (revoke.status === 'planned') {
    const undo = [revoke.undo, ...authorizes.map((a) => a.undo)].filter((u): u is string => u !== undefined);
    const mode = report.mode === 'dry-run' ? 'dry-run' : `mode ${report.mode}`;
    return narrowing
      ? {
          ...base,
          action: 'would-narrow',
          status: 'planned',
          fingerprint: `would-narrow:${keep}`,
          undo,
          summary: `Would narrow ${on} to ${keep} (${mode}: nothing was changed).`,
        }
      : {
          ...base,
          action: 'would-revoke',
          status: 'planned',
          fingerprint: 'would-revoke',
          undo,
          summary: `Would revoke ${on}${kept} (${mode}: nothing was changed).`,
        };
  }
  // already-gone, already-present, or skipped by the executor because the rule changed since the
  // evaluation: nothing changed, and the evaluation that the change triggers decides again.
  return undefined;
};

/**
 * The failing ingress checks a rule outcome speaks for: every one naming the rule. What a narrowing
 * leaves open to the world is said in the outcome's `stillExposed`.
 */
const coveredChecks = (outcome: RuleOutcome, failing: readonly Finding[]): Finding[] =>
  failing.filter((f) => offendingRulesOf(f).some((r) => r.ruleId === outcome.rule.ruleId));

/**
 * What this invocation did to a finding's rules (one sentence per outcome), and what of the finding
 * is still exposed afterwards. Both undefined when it did nothing to them.
 */
const takenFor = (
  finding: Finding,
  all: readonly RuleOutcome[],
  lists: ReadonlyMap<string, WorldOpenList>,
): Pick<AlertRemediation, 'taken' | 'stillExposed'> => {
  const rules = offendingRulesOf(finding);
  const taken = all.filter((o) => rules.some((r) => r.ruleId === o.rule.ruleId));
  if (taken.length === 0) return {};
  const whys = new Set<string>();
  const open = rules.flatMap((r) => {
    const outcome = taken.find((o) => o.rule.ruleId === r.ruleId);
    const stays =
      outcome?.status !== 'done'
        ? [`${r.ruleId} (${formatRule(r)})`]
        : outcome.keep === '' || finding.checkId !== WORLD_CHECK
          ? []
          : // What the narrowing authorized is still world-open; ports another rule allows are that rule's finding.
            outcome.authorized;
    if (stays.length > 0 && finding.checkId === WORLD_CHECK) {
      whys.add(whyStillOpen(worldOpening(r.source, lists) ?? {}));
    }
    return stays;
  });
  const why = whys.size > 0 ? `: ${[...whys].join('; ')}` : '';
  return {
    taken: taken.map((o) => o.summary),
    ...(open.length === 0 ? {} : { stillExposed: `${open.join('; ')}${why}.` }),
  };
};

// ---------------------------------------------------------------------------------------------
// The plan

interface FindingDecision {
  readonly finding: Finding;
  readonly key: string;
  readonly state: AlertState;
  readonly previous?: AnnouncedState;
  readonly announce?: 'new' | 'worsened' | 'error' | 'resolved';
  /** Items the next state remembers. */
  readonly items: string[];
  /** Items not announced before. */
  readonly newItems: string[];
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** The fields every alert of one plan shares; the rest is the alert's own. */
type AlertFields = (
  kind: AlertKind,
  action: AlertAction,
  key: string,
  outcome: string,
  version: number,
  checkIds: readonly CheckId[],
) => Omit<Alert, 'summary' | 'finding' | 'securityGroups' | 'remediation' | 'actor' | 'consoleUrl'>;

export const planAlerts = (input: AlertPlanInput): AlertPlan => {
  const { evaluation, account, region, actor, remediation } = input;
  const snapshot = evaluation.snapshot;
  const broker = snapshot.broker;
  // A name holding personal data is withheld here as in every finding message; the ARN embeds it too.
  const brokerName = brokerDisplayName(snapshot);
  const brokerArn =
    brokerName === broker.name
      ? broker.arn
      : broker.arn.replace(`:broker:${broker.name}:`, ':broker:(name withheld):');
  const now = input.now ?? new Date(snapshot.capturedAt);
  const nowIso = now.toISOString();
  const time = actor?.eventTime ?? snapshot.capturedAt;
  const partition = partitionOf(broker.arn, region);
  const brokerUrl = brokerConsoleUrl(partition, region, broker.id);
  const expiresAt = expiresAtFor(now);

  const stateOf = (key: string): AlertState => {
    const state = input.previous.get(key);
    if (state === undefined) return { version: 0 };
    return isExpired(state, now) ? { version: state.version } : state;
  };
  const writeOf = (announced: AnnouncedState): AlertStateWrite => ({ announced, seenAt: nowIso, expiresAt });

  const failing = evaluation.findings.filter((f) => f.status === 'FAIL');
  const worldOpenLists = worldOpenListsOf(failing);

  // Remediation outcomes first: findings they announce are folded into them.
  const outcomes: RuleOutcome[] = [];
  /** Every outcome of this invocation, announced before or not: what finding alerts say was done. */
  const allOutcomes: RuleOutcome[] = [];
  const refresh: StateCommit[] = [];
  const createdFrom = new Map<string, string[]>();
  if (remediation) {
    for (const rule of rulesOf(remediation)) {
      const key = remediationStateKey(account, region, broker.id, rule.ruleId);
      const outcome = outcomeOf(rule, key, remediation, worldOpenLists);
      if (outcome === undefined) continue;
      allOutcomes.push(outcome);
      if (outcome.createdRuleIds.length > 0) createdFrom.set(rule.ruleId, outcome.createdRuleIds);
      const state = stateOf(key);
      const announced = state.announced;
      if (announced?.kind === 'remediation' && announced.status === outcome.fingerprint) {
        if (olderThan(state.seenAt, STATE_REFRESH_DAYS, now)) {
          refresh.push({ key, expectedVersion: state.version, write: writeOf(announced) });
        }
        continue;
      }
      outcomes.push(outcome);
    }
  }

  const decisions: FindingDecision[] = evaluation.findings.map((finding) => {
    const key = findingStateKey(account, region, finding.checkId, finding.resource.id);
    const state = stateOf(key);
    const previous = state.announced?.kind === 'finding' ? state.announced : undefined;
    const known = previous?.items ?? [];
    const current = findingItems(finding);
    const created = [...known, ...current].flatMap((item) => createdFrom.get(item) ?? []);
    const items = [...new Set([...current, ...created])].sort().slice(0, MAX_STATE_ITEMS);
    const base = { finding, key, state, ...(previous ? { previous } : {}), items };
    const wasFailing = isFailing(previous?.status);
    // An ERROR that followed a FAIL keeps the failure's items: the failure is still known.
    const knownFailure = previous?.status === 'FAIL' || (previous?.status === 'ERROR' && known.length > 0);
    if (finding.status === 'FAIL') {
      if (!wasFailing || !knownFailure) return { ...base, announce: 'new', newItems: current };
      // Failing again after it could not be judged for a while: only what was not announced is news.
      const newItems = current.filter((i) => !known.includes(i));
      return newItems.length > 0 ? { ...base, announce: 'worsened', newItems } : { ...base, newItems };
    }
    if (finding.status === 'ERROR') {
      // A failing check that can no longer be judged is announced once ("was: …"): the team must know
      // that mq-guardian can neither confirm nor fix it any more. It keeps the failure's items, so
      // judging it again announces only what is new: FAIL and ERROR do not alternate alerts.
      if (previous?.status === 'FAIL') return { ...base, items: [...known], announce: 'error', newItems: [] };
      if (knownFailure) return { ...base, items: [...known], newItems: [] };
      return wasFailing ? { ...base, newItems: [] } : { ...base, announce: 'error', newItems: [] };
    }
    return wasFailing
      ? { ...base, items: [], announce: 'resolved', newItems: [] }
      : { ...base, items: [], newItems: [] };
  });

  const findingWrite = (d: FindingDecision, alert: Alert): AlertStateWrite => {
    const stillFailing = isFailing(d.finding.status);
    const since =
      stillFailing && isFailing(d.previous?.status)
        ? (d.previous?.since ?? time)
        : stillFailing
          ? time
          : undefined;
    return writeOf({
      kind: 'finding',
      status: d.finding.status,
      items: d.items,
      message: clip(d.finding.message, MAX_MESSAGE_CHARS),
      ...(since === undefined ? {} : { since }),
      announcedAt: nowIso,
      alertId: alert.id,
      ...(actor ? { eventId: actor.eventId } : {}),
    });
  };

  // Fold: a new failing ingress finding whose new rules all have a remediation alert of its check.
  const folded = new Map<FindingDecision, RuleOutcome>();
  for (const d of decisions) {
    if ((d.announce !== 'new' && d.announce !== 'worsened') || d.finding.evidence?.kind !== 'ingress')
      continue;
    if (d.newItems.length === 0) continue;
    const carriers = d.newItems.map((item) =>
      outcomes.find(
        (o) =>
          o.rule.ruleId === item && coveredChecks(o, failing).some((f) => f.checkId === d.finding.checkId),
      ),
    );
    if (carriers.every((o) => o !== undefined)) folded.set(d, carriers[0] as RuleOutcome);
  }

  // Rules this run found already revoked: another invocation (a simultaneous delivery of the same
  // event) did it and announces it. A finding whose new rules are all among them is stale: left to
  // that invocation and to the next evaluation, instead of a second message for one problem.
  const goneHere = new Set(
    (remediation?.actions ?? [])
      .filter((a) => a.kind === 'revoke' && a.status === 'already-gone')
      .map((a) => a.ruleId),
  );
  const stale = new Set(
    decisions.filter(
      (d) =>
        (d.announce === 'new' || d.announce === 'worsened') &&
        d.finding.evidence?.kind === 'ingress' &&
        d.newItems.length > 0 &&
        d.newItems.every((item) => goneHere.has(item)),
    ),
  );

  const common: AlertFields = (kind, action, key, outcome, version, checkIds) => {
    const primary = checkIds[0] as CheckId;
    return {
      schema: ALERT_SCHEMA,
      schemaVersion: ALERT_SCHEMA_VERSION,
      id: alertId(key, outcome, version),
      kind,
      action,
      severity: maxSeverity(checkIds.map((id) => getCheck(id).meta.severity)),
      checkId: primary,
      checkIds: [...checkIds],
      title: getCheck(primary).meta.title,
      time,
      account,
      region,
      partition,
      broker: { id: broker.id, name: brokerName, arn: brokerArn, engine: broker.engineType },
    } as const;
  };

  const remediationOf = (checkId: CheckId, extra: Partial<AlertRemediation> = {}): AlertRemediation => {
    const meta = getCheck(checkId).meta;
    return {
      mode: input.mode,
      autoRemediable: meta.autoRemediable,
      undo: [],
      guidance: meta.remediation.text,
      guidanceUrl: meta.remediation.url,
      ...extra,
    };
  };

  const alerts: PlannedAlert[] = [];

  // A broker that could not be read fails every check for one reason: one alert names them all.
  const unreadable = evaluation.unreadable ? decisions.filter((d) => d.announce === 'error') : [];
  const first = unreadable[0];
  if (first !== undefined) {
    const fields = common(
      'finding',
      'error',
      first.key,
      `${first.finding.status}:unreadable`,
      first.state.version,
      unreadable.map((d) => d.finding.checkId),
    );
    const alert: Alert = {
      ...fields,
      title: 'No check of the broker could be judged',
      summary: first.finding.message,
      finding: {
        status: first.finding.status,
        message: first.finding.message,
        ...capDetails(
          unreadable.map((d) =>
            d.previous?.status === 'FAIL'
              ? `${d.finding.checkId}: cannot be judged; it was failing: ${d.previous.message}`
              : `${d.finding.checkId}: cannot be judged`,
          ),
        ),
      },
      securityGroups: [],
      remediation: {
        ...remediationOf(first.finding.checkId),
        autoRemediable: false,
        guidance: UNREADABLE_GUIDANCE,
        guidanceUrl: DESCRIBE_BROKER_URL,
      },
      ...(actor ? { actor: toActor(actor) } : {}),
      consoleUrl: brokerUrl,
    };
    alerts.push({
      alert,
      commits: unreadable.map((d) => ({
        key: d.key,
        expectedVersion: d.state.version,
        write: findingWrite(d, alert),
      })),
    });
  }

  // Findings, in catalogue order.
  for (const d of decisions) {
    if (d.announce === undefined || d.announce === 'resolved' || folded.has(d) || stale.has(d)) continue;
    if (unreadable.includes(d)) continue;
    const action: AlertAction = d.announce === 'error' ? 'error' : 'alert';
    const fields = common(
      'finding',
      action,
      d.key,
      `${d.finding.status}:${d.items.join(',')}`,
      d.state.version,
      [d.finding.checkId],
    );
    const alert: Alert = {
      ...fields,
      summary: d.finding.message,
      finding: {
        status: d.finding.status,
        message: d.finding.message,
        ...(d.announce === 'new' || d.announce === 'worsened' ? { change: d.announce } : {}),
        ...capDetails(detailLines(d.finding)),
        // The failure it can no longer judge.
        ...(d.announce === 'error' && d.previous?.status === 'FAIL'
          ? {
              previousMessage: d.previous.message,
              ...(d.previous.since === undefined ? {} : { failingSince: d.previous.since }),
            }
          : {}),
      },
      securityGroups: groupsOf(offendingRulesOf(d.finding)),
      remediation: remediationOf(d.finding.checkId, takenFor(d.finding, allOutcomes, worldOpenLists)),
      ...(actor ? { actor: toActor(actor) } : {}),
      consoleUrl: brokerUrl,
    };
    alerts.push({
      alert,
      commits: [{ key: d.key, expectedVersion: d.state.version, write: findingWrite(d, alert) }],
    });
  }

  // Remediation, in the report's order.
  for (const outcome of outcomes) {
    const covered = coveredChecks(outcome, failing);
    const naming = failing.filter((f) => offendingRulesOf(f).some((r) => r.ruleId === outcome.rule.ruleId));
    const speaksFor = covered.length > 0 ? covered : naming;
    const checkIds: CheckId[] =
      speaksFor.length > 0 ? [...new Set(speaksFor.map((f) => f.checkId))] : [PROTOCOLS_CHECK];
    const state = stateOf(outcome.key);
    const fields = common(
      'remediation',
      outcome.action,
      outcome.key,
      outcome.fingerprint,
      state.version,
      checkIds,
    );
    const main = speaksFor.find((f) => f.checkId === checkIds[0]);
    const carried = [...folded].filter(([, o]) => o === outcome).map(([d]) => d);
    const change = carried.some((d) => d.announce === 'new')
      ? 'new'
      : carried.length > 0
        ? 'worsened'
        : undefined;
    const lines = speaksFor.flatMap((f) =>
      offendingRulesOf(f)
        .filter((r) => r.ruleId === outcome.rule.ruleId)
        .map(ruleLine),
    );
    const alert: Alert = {
      ...fields,
      summary: outcome.summary,
      finding: {
        status: main?.status ?? 'FAIL',
        message: main?.message ?? outcome.reason ?? outcome.summary,
        ...(change === undefined ? {} : { change }),
        ...capDetails([...new Set(lines)]),
      },
      securityGroups: [
        { groupId: outcome.rule.groupId, ruleIds: [outcome.rule.ruleId, ...outcome.createdRuleIds] },
      ],
      remediation: remediationOf(checkIds[0] as CheckId, {
        mode: remediation?.mode ?? input.mode,
        status: outcome.status,
        summary: outcome.summary,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        ...(outcome.impact === undefined ? {} : { impact: outcome.impact }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
        undo: outcome.undo,
        ...(outcome.createdRuleIds.length > 0 ? { createdRuleIds: outcome.createdRuleIds } : {}),
        ...(outcome.stillExposed === undefined ? {} : { stillExposed: outcome.stillExposed }),
      }),
      ...(actor ? { actor: toActor(actor) } : {}),
      consoleUrl: securityGroupConsoleUrl(partition, region, outcome.rule.groupId),
    };
    alerts.push({
      alert,
      commits: [
        {
          key: outcome.key,
          expectedVersion: state.version,
          write: writeOf({
            kind: 'remediation',
            status: outcome.fingerprint,
            items: [outcome.rule.ruleId, ...outcome.createdRuleIds],
            message: clip(outcome.summary, MAX_MESSAGE_CHARS),
            since: time,
            announcedAt: nowIso,
            alertId: alert.id,
            ...(actor ? { eventId: actor.eventId } : {}),
          }),
        },
        ...carried.map((d) => ({
          key: d.key,
          expectedVersion: d.state.version,
          write: findingWrite(d, alert),
        })),
      ],
    });
  }

  // Resolved, in catalogue order.
  for (const d of decisions) {
    if (d.announce !== 'resolved') continue;
    const fields = common('resolved', 'resolved', d.key, d.finding.status, d.state.version, [
      d.finding.checkId,
    ]);
    const alert: Alert = {
      ...fields,
      summary: `Resolved: ${d.finding.message}`,
      finding: {
        status: d.finding.status,
        message: d.finding.message,
        details: [],
        omittedDetails: 0,
        ...(d.previous?.message === undefined ? {} : { previousMessage: d.previous.message }),
        ...(d.previous?.since === undefined ? {} : { failingSince: d.previous.since }),
      },
      securityGroups: [],
      remediation: remediationOf(d.finding.checkId),
      ...(actor ? { actor: toActor(actor) } : {}),
      consoleUrl: brokerUrl,
    };
    alerts.push({
      alert,
      commits: [{ key: d.key, expectedVersion: d.state.version, write: findingWrite(d, alert) }],
    });
  }

  alerts.push(...exemptionAlerts(input, common, remediationOf, brokerUrl));
  alerts.push(...optOutAlerts(input, common, remediationOf));
  alerts.push(...brokerOptOutAlerts(input, common, remediationOf, brokerUrl));

  // Silent rewrites: the remembered items changed, or a failing state is about to age out.
  for (const d of decisions) {
    if (d.announce !== undefined || d.previous === undefined || !isFailing(d.previous.status)) continue;
    const changed = !sameSet(d.items, d.previous.items);
    if (!changed && !olderThan(d.state.seenAt, STATE_REFRESH_DAYS, now)) continue;
    refresh.push({
      key: d.key,
      expectedVersion: d.state.version,
      write: writeOf({ ...d.previous, items: d.items }),
    });
  }

  return { alerts, refresh, securityHub: planSecurityHub(decisions, input, now, time, partition, brokerUrl) };
};

/** Findings ordered most severe first: the first one titles an alert that speaks for several. */
const mostSevereFirst = (a: Finding, b: Finding): number =>
  SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity);

/** Who made the call an exemption or opt-out alert names: the caller's ARN, its role, or its type. */
const whoDid = (actor: NonNullable<AlertPlanInput['actor']>): string =>
  actor.arn ?? actor.roleArn ?? actor.type;

/**
 * The alert every "skipped, announced" call shares (a rule exempted, a group or a broker opted out):
 * INFORMATIONAL when no check it speaks for fails, titled by the most severe finding that does,
 * remediation skipped with why, and who made the call. Not remembered: no commits.
 */
const skippedAlert = (parts: {
  readonly fields: ReturnType<AlertFields>;
  readonly main: Finding | undefined;
  readonly actor: NonNullable<AlertPlanInput['actor']>;
  readonly remediation: AlertRemediation;
  readonly summary: string;
  readonly message: string;
  readonly details: string[];
  readonly securityGroups: Alert['securityGroups'];
  readonly leaves: string;
  readonly reason: string;
  readonly consoleUrl: string;
}): PlannedAlert => ({
  alert: {
    ...parts.fields,
    ...(parts.main === undefined ? { severity: 'INFORMATIONAL' as const } : {}),
    summary: parts.summary,
    finding: {
      status: parts.main?.status ?? 'PASS',
      message: parts.main?.message ?? parts.message,
      details: parts.details,
      omittedDetails: 0,
    },
    securityGroups: parts.securityGroups,
    remediation: { ...parts.remediation, status: 'skipped', summary: parts.leaves, reason: parts.reason },
    actor: toActor(parts.actor),
    consoleUrl: parts.consoleUrl,
  },
  commits: [],
});

/**
 * One alert per rule the triggering call exempted (tagged mq-guardian:allow) on the broker's groups:
 * who did it, which rule, the reason given and the checks that no longer count the rule, so that an
 * exemption never silently switches a check off. Not remembered: a later evaluation has no such call;
 * a retry of the same call repeats the alert with the same id.
 */
const exemptionAlerts = (
  input: AlertPlanInput,
  common: AlertFields,
  remediationOf: (checkId: CheckId) => AlertRemediation,
  brokerUrl: string,
): PlannedAlert[] => {
  const { actor, evaluation, account, region } = input;
  if (actor?.exemptedRuleIds === undefined) return [];
  const rules = evaluation.snapshot.securityGroups.flatMap((g) => g.ingressRules);
  const who = whoDid(actor);
  return actor.exemptedRuleIds.flatMap((ruleId): PlannedAlert[] => {
    const rule = rules.find((r) => r.ruleId === ruleId);
    // Not a rule of this broker's groups (another broker's), or the tag is gone again: nothing exempt.
    if (rule === undefined || !Object.hasOwn(rule.tags, TAGS.allow)) return [];
    // The most severe check first: it titles the alert.
    const exempting = evaluation.findings
      .filter(
        (f) => f.evidence?.kind === 'ingress' && f.evidence.exemptedRules.some((e) => e.ruleId === ruleId),
      )
      .sort(mostSevereFirst);
    const reason = (rule.tags[TAGS.allow] ?? '').trim();
    const given = reason === '' ? 'without a reason' : `with the reason "${reason}"`;
    const from =
      exempting.length === 0
        ? 'It fails no check today; it stays exempt if it is changed later.'
        : `It is now exempt from: ${exempting.map((f) => `${f.checkId} (${f.severity})`).join(', ')}.`;
    const checkIds = exempting.length === 0 ? [PROTOCOLS_CHECK] : exempting.map((f) => f.checkId);
    const key = `${remediationStateKey(account, region, evaluation.snapshot.broker.id, ruleId)}#exempted`;
    const fields = common('finding', 'exempted', key, actor.eventId, 0, checkIds);
    return [
      skippedAlert({
        fields,
        main: exempting[0],
        actor,
        remediation: remediationOf(checkIds[0] as CheckId),
        summary: `${who} exempted rule ${ruleId} of ${rule.groupId} (${formatRule(rule)}) by tagging it ${TAGS.allow} ${given}. ${from}`,
        message: `Rule ${ruleId} is tagged ${TAGS.allow}.`,
        details: [`${ruleId} ${formatRule(rule)}: exempted by ${TAGS.allow} ${given}`],
        securityGroups: [{ groupId: rule.groupId, ruleIds: [ruleId] }],
        leaves: `mq-guardian leaves ${ruleId} alone while it carries ${TAGS.allow}.`,
        reason: `exempted by ${TAGS.allow}; remove the tag to have the rule judged again`,
        consoleUrl: brokerUrl,
      }),
    ];
  });
};

/**
 * What an opt-out stops mq-guardian from fixing: the failing ones of `findings`, most severe first,
 * the check ids the alert speaks for, and the sentence that names them.
 */
const noLongerFixed = (findings: readonly Finding[]) => {
  const failing = findings.filter((f) => f.status === 'FAIL').sort(mostSevereFirst);
  return {
    failing,
    checkIds: failing.length === 0 ? [PROTOCOLS_CHECK] : failing.map((f) => f.checkId),
    still:
      failing.length === 0
        ? 'No ingress check fails on it today.'
        : `Still failing on it, and no longer fixed by mq-guardian: ${failing.map((f) => `${f.checkId} (${f.severity})`).join(', ')}.`,
  };
};

/**
 * One alert per security group of the broker that the triggering call opted out of remediation
 * (CreateTags mq-guardian:remediation with a value that opts out): who did it, which group and value,
 * and the ingress checks failing on it that mq-guardian will no longer fix, so that an opt-out never
 * silently switches remediation off. Not remembered, like exemptions: a retry repeats the same id.
 */
const optOutAlerts = (
  input: AlertPlanInput,
  common: AlertFields,
  remediationOf: (checkId: CheckId) => AlertRemediation,
): PlannedAlert[] => {
  const { actor, evaluation, account, region } = input;
  if (actor?.optedOutGroupIds === undefined) return [];
  const who = whoDid(actor);
  return actor.optedOutGroupIds.flatMap((groupId): PlannedAlert[] => {
    const group = evaluation.snapshot.securityGroups.find((g) => g.groupId === groupId);
    // Not a group of this broker, or the tag is gone or changed again: nothing opted out.
    if (group === undefined || !optsOut(group.tags)) return [];
    const { failing, checkIds, still } = noLongerFixed(
      evaluation.findings.filter((f) => offendingRulesOf(f).some((r) => r.groupId === groupId)),
    );
    const key = `${outboxStateKey(account, region, evaluation.snapshot.broker.id)}#opted-out#${groupId}`;
    const fields = common('finding', 'exempted', key, actor.eventId, 0, checkIds);
    return [
      skippedAlert({
        fields,
        main: failing[0],
        actor,
        remediation: remediationOf(checkIds[0] as CheckId),
        summary: `${who} opted security group ${groupId} out of remediation by tagging it ${optOutTag(group.tags)}. ${still}`,
        message: `Security group ${groupId} is tagged ${optOutTag(group.tags)}.`,
        details: [`${groupId}: opted out by ${optOutTag(group.tags)}`],
        securityGroups: [{ groupId, ruleIds: [] }],
        leaves: `mq-guardian leaves ${groupId} alone while it carries ${optOutTag(group.tags)}.`,
        reason: `opted out by ${TAGS.remediation}; remove the tag (or set it to on) to have the group remediated again`,
        consoleUrl: securityGroupConsoleUrl(
          partitionOf(evaluation.snapshot.broker.arn, region),
          region,
          groupId,
        ),
      }),
    ];
  });
};

/**
 * The alert for a broker the triggering call opted out of remediation (Amazon MQ CreateTags, or
 * CreateBroker, with mq-guardian:remediation set to a value that opts out): who did it, which broker
 * and value, the security groups mq-guardian no longer remediates because of it (for any broker on
 * them) and the ingress checks failing on the broker that it no longer fixes. Not remembered, like
 * the group opt-out: a retry repeats the same id.
 */
const brokerOptOutAlerts = (
  input: AlertPlanInput,
  common: AlertFields,
  remediationOf: (checkId: CheckId) => AlertRemediation,
  brokerUrl: string,
): PlannedAlert[] => {
  const { actor, evaluation, account, region } = input;
  const { broker, securityGroups } = evaluation.snapshot;
  // Another broker's call, or the tag is gone or changed again: nothing opted out.
  if (actor?.optedOutBrokerIds?.includes(broker.id) !== true || !optsOut(broker.tags)) return [];
  const who = whoDid(actor);
  const tag = optOutTag(broker.tags);
  const groupIds = securityGroups.map((g) => g.groupId);
  const { failing, checkIds, still } = noLongerFixed(
    evaluation.findings.filter((f) => offendingRulesOf(f).length > 0),
  );
  const key = `${outboxStateKey(account, region, broker.id)}#opted-out-broker`;
  const fields = common('finding', 'exempted', key, actor.eventId, 0, checkIds);
  const groups =
    groupIds.length === 0
      ? 'It uses no security group.'
      : `mq-guardian no longer remediates ${groupIds.length === 1 ? 'its security group' : 'its security groups'} ${groupIds.join(', ')}, for it or any other broker that uses ${groupIds.length === 1 ? 'it' : 'them'}.`;
  return [
    skippedAlert({
      fields,
      main: failing[0],
      actor,
      remediation: remediationOf(checkIds[0] as CheckId),
      summary: `${who} opted broker ${broker.name} (${broker.id}) out of remediation by tagging it ${tag}. ${groups} ${still}`,
      message: `Broker ${broker.name} is tagged ${tag}.`,
      details: [
        `${broker.id}: opted out by ${tag}`,
        ...groupIds.map((g) => `${g}: not remediated while ${broker.id} carries ${tag}`),
      ],
      securityGroups: groupIds.map((groupId) => ({ groupId, ruleIds: [] })),
      leaves: `mq-guardian leaves broker ${broker.name} and its security groups alone while it carries ${tag}.`,
      reason: `opted out by ${TAGS.remediation} on the broker; remove the tag (or set it to on) to have its groups remediated again`,
      consoleUrl: brokerUrl,
    }),
  ];
};

const planSecurityHub = (
  decisions: readonly FindingDecision[],
  input: AlertPlanInput,
  now: Date,
  time: string,
  partition: string,
  consoleUrl: string,
): SecurityHubUpdate[] => {
  const updates: SecurityHubUpdate[] = [];
  // Nothing of a broker that could not be read is a fact Security Hub should hold.
  if (input.evaluation.unreadable) return updates;
  const nowIso = now.toISOString();
  for (const d of decisions) {
    const held = d.state.securityHub;
    const status = d.finding.status;
    // An ERROR after a FAIL keeps the FAIL's items (see the decisions); Security Hub keeps FAILED.
    const afterFailure =
      d.previous?.status === 'FAIL' || (d.previous?.status === 'ERROR' && d.previous.items.length > 0);
    if (status === 'ERROR' && afterFailure) continue;
    const desired: SecurityHubStatus | undefined =
      status === 'FAIL'
        ? 'FAILED'
        : status === 'ERROR'
          ? 'NOT_AVAILABLE'
          : held !== undefined && held.status !== 'PASSED'
            ? 'PASSED'
            : undefined;
    if (desired === undefined) continue;
    if (held?.status === desired && !olderThan(held.updatedAt, SECURITY_HUB_REFRESH_DAYS, now)) continue;
    const createdAt = held?.createdAt ?? nowIso;
    const since = isFailing(d.previous?.status) ? d.previous?.since : undefined;
    const firstObservedAt = desired === 'PASSED' ? since : (since ?? time);
    updates.push({
      key: d.key,
      state: { status: desired, createdAt, updatedAt: nowIso },
      finding: toAsffFinding({
        finding: d.finding,
        meta: getCheck(d.finding.checkId).meta,
        snapshot: input.evaluation.snapshot,
        account: input.account,
        region: input.region,
        partition,
        status: desired,
        createdAt,
        updatedAt: nowIso,
        ...(firstObservedAt === undefined ? {} : { firstObservedAt }),
        lastObservedAt: input.evaluation.snapshot.capturedAt,
        consoleUrl,
      }),
    });
  }
  return updates;
};

/** The alerts an evaluation calls for (the CLI's preview): `planAlerts` without the state writes. */
export const buildAlerts = (input: AlertPlanInput): Alert[] => planAlerts(input).alerts.map((p) => p.alert);
