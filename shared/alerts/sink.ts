/**
 * The FindingsSink that alerts: after each evaluation, read what was announced about the broker,
 * plan the alerts (plan.ts), publish each one, and only then write the state.
 *
 * Per alert: claim its keys (conditional write on the version read), publish, commit (conditional on
 * the claim). Two invocations evaluating the same change at once: one claims, the other finds the
 * claim and skips, so the change is announced once.
 *
 * The publish fails: the claim is released, the alert is kept in the broker's outbox item and the
 * invocation fails. The next evaluation of the broker (Lambda's retry, a later event, the sweep)
 * publishes what the outbox holds before anything else. The outbox matters for remediation: once a
 * rule is revoked, a re-evaluation no longer sees anything to announce, so "revoked, and here is the
 * undo command" would otherwise be lost.
 *
 * The publish succeeds but the commit fails (or the invocation dies in between): the state still says
 * "not announced", so a later evaluation announces again once the claim's lease has run out. Delivery
 * is therefore at least once, never silently lost; a repeat carries the same alert id, so subscribers
 * can drop it.
 *
 * Security Hub is synchronised separately, from what it was last sent (recorded per key): its
 * failures are logged and retried by the next evaluation (and the scheduled sweep), never allowed to
 * block or repeat the SNS alerts.
 */
import { randomUUID } from 'node:crypto';
import { errorMessage, GuardianError } from '../errors.ts';
import { logger as defaultLogger } from '../logger.ts';
import type { RemediationMode } from '../policy/settings.ts';
import type { FindingsSink } from '../use-cases/handle-api-call.ts';
import { outboxStateKey } from './alert.ts';
import { alertStateKeys, planAlerts, type SecurityHubUpdate } from './plan.ts';
import type { AlertPublisher, AlertStateStore, FindingPublisher } from './ports.ts';
import {
  type AlertState,
  CLAIM_LEASE_MS,
  expiresAtFor,
  MAX_PENDING_ALERTS,
  type PlannedAlert,
} from './state.ts';
import { plural } from '../wording.ts';

export interface AlertLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface AlertingSinkDeps {
  readonly publisher: AlertPublisher;
  readonly stateStore: AlertStateStore;
  /** Present when the Security Hub stack setting is on. */
  readonly securityHub?: FindingPublisher;
  /** The stack's remediation mode, told in finding alerts. */
  readonly mode: RemediationMode;
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  readonly logger?: AlertLogger;
  /** Claim tokens; injectable for tests. */
  readonly newToken?: () => string;
}

/** One or more alerts could not be published; the invocation must fail so that they are retried. */
export class AlertPublishError extends GuardianError {
  readonly failures: readonly { readonly alertId: string; readonly error: unknown }[];

  constructor(failures: readonly { readonly alertId: string; readonly error: unknown }[]) {
    super(
      'ALERT_PUBLISH',
      `${plural(failures.length, 'alert')} could not be published: ${failures.map((f) => errorMessage(f.error)).join('; ')}`,
      { cause: failures[0]?.error },
    );
    this.failures = failures;
  }
}

export type AnnounceResult = 'published' | 'claimed-elsewhere';

export const createAlertingSink = (deps: AlertingSinkDeps): FindingsSink => {
  const log = deps.logger ?? defaultLogger;
  const newToken = deps.newToken ?? randomUUID;

  const release = async (keys: readonly string[], token: string): Promise<void> => {
    for (const key of keys) {
      try {
        await deps.stateStore.release(key, token);
      } catch (error) {
        // The lease runs out by itself; a failed release only delays a retry by that much.
        log.warn('Alert claim not released', { key, error: errorMessage(error) });
      }
    }
  };

  const announce = async (planned: PlannedAlert, now: Date): Promise<AnnounceResult> => {
    const { alert, commits } = planned;
    const token = newToken();
    const until = new Date(now.getTime() + CLAIM_LEASE_MS);
    const claimed: string[] = [];
    try {
      for (const commit of commits) {
        const ok = await deps.stateStore.claim(commit.key, {
          expectedVersion: commit.expectedVersion,
          token,
          until,
          now,
        });
        if (!ok) {
          await release(claimed, token);
          log.info('Alert left to another invocation', {
            alertId: alert.id,
            key: commit.key,
            action: alert.action,
          });
          return 'claimed-elsewhere';
        }
        claimed.push(commit.key);
      }
      await deps.publisher.publish(alert);
    } catch (error) {
      await release(claimed, token);
      throw error;
    }
    for (const commit of commits) {
      try {
        if (!(await deps.stateStore.commit(commit.key, token, commit.write))) {
          log.warn('Alert state not written: the claim was lost; the alert may be sent again', {
            alertId: alert.id,
            key: commit.key,
          });
        }
      } catch (error) {
        log.warn('Alert state not written; the alert may be sent again', {
          alertId: alert.id,
          key: commit.key,
          error: errorMessage(error),
        });
      }
    }
    log.info('Alert published', {
      alertId: alert.id,
      action: alert.action,
      severity: alert.severity,
      checkId: alert.checkId,
      brokerId: alert.broker.id,
    });
    return 'published';
  };

  /** Publishes the alerts an earlier invocation could not, applying their state writes where nothing changed since. */
  const flushOutbox = async (
    key: string,
    outbox: AlertState,
    now: Date,
  ): Promise<{ alertId: string; error: unknown }[]> => {
    const token = newToken();
    const claimed = await deps.stateStore.claim(key, {
      expectedVersion: outbox.version,
      token,
      until: new Date(now.getTime() + CLAIM_LEASE_MS),
      now,
    });
    if (!claimed) return [];
    const published: number[] = [];
    const failures: { alertId: string; error: unknown }[] = [];
    for (const [index, planned] of (outbox.pending ?? []).entries()) {
      try {
        await deps.publisher.publish(planned.alert);
        published.push(index);
      } catch (error) {
        failures.push({ alertId: planned.alert.id, error });
        continue;
      }
      log.info('Pending alert published', { alertId: planned.alert.id, action: planned.alert.action });
      for (const commit of planned.commits) {
        try {
          await deps.stateStore.update(commit.key, commit.expectedVersion, commit.write, now);
        } catch (error) {
          log.warn('Alert state not written; the alert may be sent again', {
            alertId: planned.alert.id,
            key: commit.key,
            error: errorMessage(error),
          });
        }
      }
    }
    try {
      if (!(await deps.stateStore.settleOutbox(key, token, published))) {
        log.warn('Outbox claim lost; pending alerts may be sent again', { key });
      }
    } catch (error) {
      log.warn('Outbox not settled; pending alerts may be sent again', { key, error: errorMessage(error) });
    }
    return failures;
  };

  /** Keeps alerts that could not be published for the next evaluation; fails loudly when even that fails. */
  const stash = async (
    key: string,
    outbox: AlertState | undefined,
    failed: readonly PlannedAlert[],
    now: Date,
  ) => {
    const known = new Set((outbox?.pending ?? []).map((p) => p.alert.id));
    const fresh = failed.filter((p) => !known.has(p.alert.id));
    if (fresh.length === 0) return;
    if ((outbox?.pending?.length ?? 0) + fresh.length > MAX_PENDING_ALERTS) {
      log.error('Alert outbox full: alerts not kept', { key, alertIds: fresh.map((p) => p.alert.id) });
      return;
    }
    try {
      await deps.stateStore.stash(key, fresh, expiresAtFor(now));
      log.warn('Alerts kept for the next evaluation', { key, alertIds: fresh.map((p) => p.alert.id) });
    } catch (error) {
      log.error('Alerts not kept: they are lost unless the retry finds them again', {
        key,
        alertIds: fresh.map((p) => p.alert.id),
        error: errorMessage(error),
      });
    }
  };

  const syncSecurityHub = async (
    publisher: FindingPublisher,
    updates: readonly SecurityHubUpdate[],
    now: Date,
  ): Promise<void> => {
    let refused: Set<string>;
    try {
      const failures = await publisher.importFindings(updates.map((u) => u.finding));
      for (const failure of failures) {
        log.error('Security Hub refused a finding', { ...failure });
      }
      refused = new Set(failures.map((f) => f.id));
    } catch (error) {
      log.error('Security Hub import failed; the next evaluation retries', {
        findings: updates.length,
        error: errorMessage(error),
      });
      return;
    }
    for (const update of updates) {
      if (refused.has(update.finding.Id)) continue;
      try {
        await deps.stateStore.recordSecurityHub(update.key, update.state, expiresAtFor(now));
      } catch (error) {
        // Only costs a repeated (idempotent) import at the next evaluation.
        log.warn('Security Hub state not written', { key: update.key, error: errorMessage(error) });
      }
    }
  };

  return {
    async notify({ evaluation, actor, remediation }) {
      const keys = alertStateKeys(evaluation, deps.account, deps.region, remediation);
      const outboxKey = outboxStateKey(deps.account, deps.region, evaluation.snapshot.broker.id);
      const now = deps.now();
      let previous = await deps.stateStore.load(keys);
      const failures: { alertId: string; error: unknown }[] = [];
      const outbox = previous.get(outboxKey);
      if ((outbox?.pending?.length ?? 0) > 0 && outbox) {
        failures.push(...(await flushOutbox(outboxKey, outbox, now)));
        // The pending alerts' state writes change what this evaluation has to announce.
        previous = await deps.stateStore.load(keys);
      }
      const plan = planAlerts({
        evaluation,
        previous,
        ...(actor ? { actor } : {}),
        ...(remediation ? { remediation } : {}),
        mode: deps.mode,
        account: deps.account,
        region: deps.region,
        now,
      });

      const unpublished: PlannedAlert[] = [];
      const announceOne = async (planned: PlannedAlert): Promise<void> => {
        try {
          await announce(planned, now);
        } catch (error) {
          log.error('Alert not published', { alertId: planned.alert.id, error: errorMessage(error) });
          failures.push({ alertId: planned.alert.id, error });
          unpublished.push(planned);
        }
      };
      // Each alert claims, publishes and commits its own state keys: alerts with disjoint keys go out
      // together (one claim-publish-commit latency instead of one per alert); overlapping ones in order.
      if (keysDisjoint(plan.alerts)) {
        await Promise.all(plan.alerts.map(announceOne));
      } else {
        for (const planned of plan.alerts) await announceOne(planned);
      }
      if (unpublished.length > 0) await stash(outboxKey, previous.get(outboxKey), unpublished, now);
      for (const refresh of plan.refresh) {
        try {
          await deps.stateStore.update(refresh.key, refresh.expectedVersion, refresh.write, now);
        } catch (error) {
          log.warn('Alert state not refreshed', { key: refresh.key, error: errorMessage(error) });
        }
      }
      if (deps.securityHub && plan.securityHub.length > 0) {
        await syncSecurityHub(deps.securityHub, plan.securityHub, now);
      }
      if (failures.length > 0) throw new AlertPublishError(failures);
    },
  };
};

const keysDisjoint = (alerts: readonly PlannedAlert[]): boolean => {
  const keys = alerts.flatMap((a) => a.commits.map((c) => c.key));
  return new Set(keys).size === keys.length;
};
