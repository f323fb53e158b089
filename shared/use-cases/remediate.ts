/**
 * Remediation of one broker's ingress: plan from the findings, carry the plan out in the configured
 * mode, log every action with its undo command, and fail the invocation when any action failed, so
 * that Lambda retries (the retry re-reads and finds the done part done).
 */
import { errorMessage, RemediationError } from '../errors.ts';
import { logger as defaultLogger } from '../logger.ts';
import type { Actor } from '../model/actor.ts';
import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot } from '../model/types.ts';
import type { Settings } from '../policy/settings.ts';
import type { ExecuteDeps, RemediationReport } from '../remediation/execute.ts';
import { executePlan } from '../remediation/execute.ts';
import { planRemediation } from '../remediation/plan.ts';
import { formatRule } from '../remediation/rule-shape.ts';
import { plural } from '../wording.ts';

export interface RemediateInput {
  readonly snapshot: BrokerSnapshot;
  readonly findings: readonly Finding[];
  readonly settings: Settings;
  readonly actor?: Actor;
}

export interface RemediationLogger {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface RemediateDeps extends ExecuteDeps {
  readonly logger?: RemediationLogger;
  /**
   * Called with the report before a failure is thrown (alerting), so that what was done and what
   * failed is announced even though the invocation fails.
   */
  readonly onReport?: (report: RemediationReport) => Promise<void>;
}

/** Thrown after reporting when any action failed; carries the report for the caller. */
export class RemediationFailedError extends RemediationError {
  readonly report: RemediationReport;

  constructor(report: RemediationReport) {
    const failed = report.actions.filter((a) => a.status === 'failed');
    super(
      `${plural(failed.length, 'remediation action')} failed for broker ${report.brokerId}: ${failed
        .map((a) => `${a.kind} ${a.ruleId} on ${a.groupId} (${a.error ?? 'unknown error'})`)
        .join('; ')}`,
    );
    this.report = report;
  }
}

export const remediate = async (input: RemediateInput, deps: RemediateDeps): Promise<RemediationReport> => {
  const log = deps.logger ?? defaultLogger;
  const plan = planRemediation(input);
  const report = await executePlan(plan, deps);

  log.info('Remediation plan', {
    brokerId: report.brokerId,
    mode: report.mode,
    groups: plan.groups.map((g) => ({
      groupId: g.groupId,
      actions: g.actions.length,
      ...(g.skipped ? { skipped: g.skipped.reason } : {}),
    })),
    ...(report.skipped ? { skipped: report.skipped.reason } : {}),
  });
  for (const entry of report.actions) {
    const action = entry.action;
    const rule =
      action.kind === 'authorize'
        ? formatRule(action.request)
        : action.kind === 'revoke'
          ? formatRule(action.original)
          : undefined;
    log.info('Remediation action', {
      brokerId: report.brokerId,
      mode: report.mode,
      groupId: entry.groupId,
      kind: entry.kind,
      ruleId: entry.ruleId,
      status: entry.status,
      ...(rule === undefined ? {} : { rule }),
      ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      ...(entry.impact === undefined ? {} : { impact: entry.impact }),
      ...(entry.error === undefined ? {} : { error: entry.error }),
      ...(entry.createdRuleIds === undefined ? {} : { createdRuleIds: entry.createdRuleIds }),
      ...(entry.undo === undefined ? {} : { undo: entry.undo }),
    });
  }

  if (report.failed) {
    const error = new RemediationFailedError(report);
    log.error('Remediation failed', { brokerId: report.brokerId, error: error.message });
    try {
      await deps.onReport?.(report);
    } catch (reportError) {
      // The remediation failure is what must reach Lambda; a failed announcement must not hide it.
      log.error('Remediation report failed', { brokerId: report.brokerId, error: errorMessage(reportError) });
    }
    throw error;
  }
  await deps.onReport?.(report);
  return report;
};
