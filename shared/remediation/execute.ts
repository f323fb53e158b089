/**
 * Carries out a remediation plan. The plan was made from a snapshot that may be stale by now (events
 * arrive late, twice, out of order), so in enforce mode the rules are read again first and only rules
 * that still exist, unchanged, are touched. Authorizes go before the revoke they make safe; when one
 * of them fails, the wide rule stays (clients keep access) and the report says failed, so that the
 * invocation fails and Lambda retries; the retry finds the done part done.
 *
 * No logging here: the use case logs the report.
 */
import { AwsCallError, errorMessage } from '../errors.ts';
import type { PortRange } from '../model/finding.ts';
import type { IngressRule } from '../model/types.ts';
import { normalizeRanges, rangeCovered } from '../network/port-range.ts';
import type { RemediationMode } from '../policy/settings.ts';
import type { IngressWriter, NetworkReader } from '../ports.ts';
import type { AuthorizeAction, PlannedAction, RemediationPlan, RevokeAction } from './plan.ts';
import { describeAction } from './plan.ts';
import { hasAllowTag, sameRuleShape, sameSource, tcpReach } from './rule-shape.ts';
import { revokeIngressByIdsCommand } from './undo.ts';

export type ActionStatus = 'done' | 'planned' | 'already-gone' | 'already-present' | 'skipped' | 'failed';

export interface ActionReport {
  readonly groupId: string;
  readonly kind: PlannedAction['kind'];
  /** The rule revoked or left alone; for an authorize, the wide rule it narrows. */
  readonly ruleId: string;
  readonly status: ActionStatus;
  /** One sentence describing the action as planned. */
  readonly summary: string;
  /** Why the action was skipped (or why the rule was planned for removal). */
  readonly reason?: string;
  /** What failed, when status is `failed`. */
  readonly error?: string;
  /** The command that restores the previous state; present when the action changed something (done) or would (planned). */
  readonly undo?: string;
  /** Ids of rules an authorize created. */
  readonly createdRuleIds?: readonly string[];
  /** Set when a revoke takes away access to ports the broker's protocols use. */
  readonly impact?: string;
  readonly action: PlannedAction;
}

export interface RemediationReport {
  readonly brokerId: string;
  readonly brokerName: string;
  readonly account: string;
  readonly region: string;
  readonly mode: RemediationMode;
  readonly actions: readonly ActionReport[];
  readonly skipped?: { readonly reason: string };
  /** True when any action failed: the invocation must fail so that it is retried. */
  readonly failed: boolean;
}

export interface ExecuteDeps {
  readonly network: NetworkReader;
  readonly writer: IngressWriter;
  /** Waits between throttled attempts; injectable so tests do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** [0, 1): jitter source; injectable for deterministic tests. */
  readonly random?: () => number;
  /**
   * The groups' rules as read in the round just before the plan was made (nothing else was awaited
   * since): they are what a re-read would return, so they are used instead of one. Absent: re-read.
   */
  readonly currentRules?: readonly IngressRule[];
}

const THROTTLING_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);
const RULE_NOT_FOUND_ERRORS = new Set([
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidGroup.NotFound',
]);
const DUPLICATE_ERRORS = new Set(['InvalidPermission.Duplicate']);

export const MAX_ATTEMPTS = 4;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

const awsErrorName = (error: unknown): string | undefined =>
  error instanceof AwsCallError ? error.awsErrorName : undefined;

export const isThrottlingError = (error: unknown): boolean =>
  THROTTLING_ERRORS.has(awsErrorName(error) ?? '');

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying throttling errors with exponential backoff and jitter, at most
 * MAX_ATTEMPTS times in all. Other errors, and the last throttling error, are rethrown.
 */
export const withThrottlingRetry = async <T>(
  call: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = defaultSleep,
  random: () => number = Math.random,
): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottlingError(error) || attempt >= MAX_ATTEMPTS) throw error;
      const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
      // Half fixed, half random: callers throttled together do not retry together.
      await sleep(Math.round(ceiling / 2 + random() * (ceiling / 2)));
    }
  }
};

type Verdict =
  | { readonly go: true }
  | { readonly go: false; readonly gone: boolean; readonly reason: string };

/** Whether a revoke (and the authorizes narrowing it) may still go ahead, judged on the rules read just now. */
const judge = (
  revoke: RevokeAction,
  authorizes: readonly AuthorizeAction[],
  current: ReadonlyMap<string, IngressRule>,
  groupRules: readonly IngressRule[],
  revokeTargets: ReadonlySet<string>,
): Verdict => {
  const rule = current.get(revoke.ruleId);
  if (rule === undefined || rule.groupId !== revoke.groupId) {
    return {
      go: false,
      gone: true,
      reason: `the wide rule ${revoke.ruleId} no longer exists; nothing to narrow`,
    };
  }
  if (!sameRuleShape(rule, revoke.original)) {
    return { go: false, gone: false, reason: 'rule changed since evaluation' };
  }
  if (hasAllowTag(rule.tags)) {
    return { go: false, gone: false, reason: 'the rule was exempted (mq-guardian:allow) since evaluation' };
  }
  // The plan skipped authorizing ports other rules already allowed; those rules must still be there.
  const covering: PortRange[] = normalizeRanges([
    ...groupRules
      .filter((r) => !revokeTargets.has(r.ruleId) && sameSource(r.source, rule.source))
      .flatMap(tcpReach),
    ...authorizes.map((a) => ({ from: a.request.fromPort, to: a.request.toPort })),
  ]);
  if (!revoke.keep.every((range) => rangeCovered(range, covering))) {
    return {
      go: false,
      gone: false,
      reason: 'the rules this narrowing relies on changed since evaluation; the next evaluation plans again',
    };
  }
  return { go: true };
};

const report = (
  action: PlannedAction,
  status: ActionStatus,
  extra: Partial<Omit<ActionReport, 'action' | 'status' | 'kind' | 'groupId' | 'ruleId' | 'summary'>> = {},
): ActionReport => ({
  groupId: action.groupId,
  kind: action.kind,
  ruleId: action.kind === 'authorize' ? action.narrowedFrom : action.ruleId,
  status,
  summary: describeAction(action),
  ...(action.kind === 'revoke' && action.impact !== undefined ? { impact: action.impact } : {}),
  ...extra,
  action,
});

const announce = (action: PlannedAction): ActionReport =>
  action.kind === 'skip'
    ? report(action, 'skipped', { reason: action.reason })
    : report(action, 'planned', {
        undo: action.undo,
        ...(action.kind === 'revoke' ? { reason: action.reason } : {}),
      });

const finish = (plan: RemediationPlan, actions: ActionReport[]): RemediationReport => ({
  brokerId: plan.brokerId,
  brokerName: plan.brokerName,
  account: plan.account,
  region: plan.region,
  mode: plan.mode,
  actions,
  ...(plan.skipped ? { skipped: plan.skipped } : {}),
  failed: actions.some((a) => a.status === 'failed'),
});

const isWrite = (action: PlannedAction): action is AuthorizeAction | RevokeAction => action.kind !== 'skip';

export const executePlan = async (plan: RemediationPlan, deps: ExecuteDeps): Promise<RemediationReport> => {
  const all = plan.groups.flatMap((g) => g.actions);
  if (plan.mode !== 'enforce') return finish(plan, all.map(announce));

  const retry = <T>(call: () => Promise<T>) => withThrottlingRetry(call, deps.sleep, deps.random);
  const groupIds = plan.groups.filter((g) => g.actions.some(isWrite)).map((g) => g.groupId);
  if (groupIds.length === 0) return finish(plan, all.map(announce));

  let rules: IngressRule[];
  try {
    const fresh = deps.currentRules;
    rules = fresh
      ? fresh.filter((rule) => groupIds.includes(rule.groupId))
      : await retry(() => deps.network.describeIngressRules(groupIds));
  } catch (error) {
    const message = `could not re-read the group's rules: ${errorMessage(error)}`;
    return finish(
      plan,
      all.map((a) => (isWrite(a) ? report(a, 'failed', { error: message }) : announce(a))),
    );
  }
  const current = new Map(rules.map((r) => [r.ruleId, r]));

  const reports = new Map<PlannedAction, ActionReport>();
  for (const group of plan.groups) {
    const revokes = group.actions.filter((a): a is RevokeAction => a.kind === 'revoke');
    const authorizes = group.actions.filter((a): a is AuthorizeAction => a.kind === 'authorize');
    const revokeTargets = new Set(revokes.map((r) => r.ruleId));
    const groupRules = rules.filter((r) => r.groupId === group.groupId);
    const verdicts = new Map(
      revokes.map((revoke) => [
        revoke.ruleId,
        judge(
          revoke,
          authorizes.filter((a) => a.narrowedFrom === revoke.ruleId),
          current,
          groupRules,
          revokeTargets,
        ),
      ]),
    );

    // The authorizes of a group are independent of each other: sent together, so the revoke they make
    // safe comes one round trip after them instead of one per port range.
    await Promise.all(
      authorizes.map(async (action) => {
        const verdict = verdicts.get(action.narrowedFrom) ?? {
          go: false,
          gone: false,
          reason: `no revoke of ${action.narrowedFrom} is planned; authorizing alone would only add access`,
        };
        if (!verdict.go) {
          reports.set(action, report(action, 'skipped', { reason: verdict.reason }));
          return;
        }
        try {
          const result = await retry(() => deps.writer.authorizeIngress(action.request));
          reports.set(
            action,
            result.alreadyExisted
              ? report(action, 'already-present')
              : report(action, 'done', {
                  createdRuleIds: result.ruleIds,
                  undo:
                    result.ruleIds.length > 0
                      ? revokeIngressByIdsCommand({
                          groupId: action.groupId,
                          region: plan.region,
                          ruleIds: result.ruleIds,
                        })
                      : action.undo,
                }),
          );
        } catch (error) {
          reports.set(
            action,
            DUPLICATE_ERRORS.has(awsErrorName(error) ?? '')
              ? report(action, 'already-present')
              : report(action, 'failed', { error: errorMessage(error) }),
          );
        }
      }),
    );

    for (const action of revokes) {
      const verdict = verdicts.get(action.ruleId);
      if (verdict !== undefined && !verdict.go) {
        reports.set(
          action,
          verdict.gone
            ? report(action, 'already-gone')
            : report(action, 'skipped', { reason: verdict.reason }),
        );
        continue;
      }
      const failedAuthorize = authorizes.some(
        (a) => a.narrowedFrom === action.ruleId && reports.get(a)?.status === 'failed',
      );
      if (failedAuthorize) {
        reports.set(
          action,
          report(action, 'skipped', {
            reason: 'an authorize narrowing this rule failed; the wide rule is kept so clients keep access',
          }),
        );
        continue;
      }
      try {
        const result = await retry(() => deps.writer.revokeIngress(action.groupId, [action.ruleId]));
        reports.set(
          action,
          result.missingRuleIds.includes(action.ruleId) && !result.revokedRuleIds.includes(action.ruleId)
            ? report(action, 'already-gone')
            : report(action, 'done', { reason: action.reason, undo: action.undo }),
        );
      } catch (error) {
        reports.set(
          action,
          RULE_NOT_FOUND_ERRORS.has(awsErrorName(error) ?? '')
            ? report(action, 'already-gone')
            : report(action, 'failed', { error: errorMessage(error) }),
        );
      }
    }
  }

  return finish(
    plan,
    all.map((action) => reports.get(action) ?? announce(action)),
  );
};
