/**
 * One broker's evaluation: live snapshot, every enabled check, remediation of ingress findings and the
 * alerts. A module of its own, loaded by `import()` (handle-api-call.ts starts it once an event's reads
 * leave a broker possible; the sweep and config-rule beside their first read): the checks, the alert plan
 * and remediation are code an event on a group no broker uses never runs, so no function reads it at
 * start-up.
 */
import type { Check } from '../checks/check.ts';
import { AwsCallError, errorMessage, OutOfTimeError } from '../errors.ts';
import { REMEDIATION_REQUEST_SOURCE, REMEDIATION_REQUEST_TYPE } from '../events/remediation-request-kind.ts';
import { logger } from '../logger.ts';
import type { Actor } from '../model/actor.ts';
import type { Finding } from '../model/finding.ts';
import { type BrokerSnapshot, incompleteOperations, type UnreadFact } from '../model/types.ts';
import type { AccountReaders, IngressWriter } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import type { RemediationReport } from '../remediation/execute.ts';
import { resolveGroupBrokers, type StartedSnapshot, startSnapshot } from './build-snapshot.ts';
import { type BrokerEvaluation, brokerErrorFindings, evaluateSnapshot } from './evaluate.ts';
import {
  type BrokerOutcome,
  ENGINE_VERSION_CHECK_ID,
  type EvaluationDeps,
  type FindingsSink,
  INGRESS_CHECK_IDS,
  PII_CHECK_ID,
  WRITE_RESERVE_MS,
} from './handle-api-call.ts';
import { RemediationFailedError, remediate } from './remediate.ts';
import { announceUnreadableBroker } from './unreadable-broker.ts';

/**
 * Stops before a write that might not finish, with its record, before the function times out: the
 * invocation fails instead (retried, then dead-lettered; the errors alarm fires). Brokers remediated
 * earlier in the invocation were announced already.
 */
const ensureTimeToWrite = (deps: EvaluationDeps, brokerId: string): void => {
  const left = deps.remainingTimeMs?.();
  if (left === undefined || left >= WRITE_RESERVE_MS) return;
  throw new OutOfTimeError(
    `Stopped before remediating broker ${brokerId}: ${Math.max(0, Math.round(left / 1000))} s of the invocation left, ${WRITE_RESERVE_MS / 1000} s needed to write and announce; nothing was written for it and the event will be retried`,
  );
};

/** The checks that judge the broker's security groups: all remediation acts on. */
const ingressChecks = (checks: readonly Check[]): Check[] =>
  checks.filter((check) => INGRESS_CHECK_IDS.includes(check.meta.id));

/** Readers that count the calls made through them (to know whether a round was added). */
const countingReaders = (readers: AccountReaders): { readers: AccountReaders; calls: () => number } => {
  let calls = 0;
  const counted = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  return {
    readers: {
      brokers: counted(readers.brokers),
      network: counted(readers.network),
      keys: counted(readers.keys),
    },
    calls: () => calls,
  };
};

/**
 * The ingress view of a broker: the broker and its security groups, everything the ingress checks
 * read. The configuration is not part of it (those checks never look at it).
 */
const ingressView = (
  deps: EvaluationDeps,
  broker: BrokerSnapshot['broker'],
  securityGroups: BrokerSnapshot['securityGroups'],
): BrokerSnapshot => ({
  account: deps.account,
  region: deps.region,
  broker,
  configuration: { status: 'absent', reason: 'not read for the ingress checks' },
  securityGroups,
  capturedAt: deps.now().toISOString(),
});

interface EarlyRemediation {
  readonly report: RemediationReport;
  readonly failure?: RemediationFailedError;
  /** The groups as remediation judged them (with the brokers that use them). */
  readonly judgedGroups: BrokerSnapshot['securityGroups'];
}

/**
 * Remediation as soon as the broker and its groups are read: the ingress checks on those alone, the
 * plan, the writes. The configuration revisions and the key are read afterwards; the caller announces
 * once the whole evaluation is known.
 */
const remediateIngress = async (
  started: StartedSnapshot,
  deps: EvaluationDeps & { readonly writer: IngressWriter },
  actor: Actor | undefined,
): Promise<EarlyRemediation | undefined> => {
  const groups = await started.securityGroups;
  const view = ingressView(deps, started.broker, groups);
  const ingress = failingIngress(
    evaluateSnapshot(view, ingressChecks(deps.checks), { settings: deps.settings, now: deps.now() }).findings,
    deps.settings,
  );
  if (ingress.length === 0) return undefined;
  // What a group keeps open is the union over every broker on it: read which brokers those are.
  const counted = countingReaders(deps.readers);
  const judged = await resolveGroupBrokers(view, counted.readers, deps.cache);
  // The rules read in the round before are as fresh as a re-read, unless a read was awaited since.
  const fresh = deps.prefetch?.freshRuleGroups;
  const current =
    fresh !== undefined && counted.calls() === 0 && groups.every((g) => fresh.has(g.groupId))
      ? { currentRules: groups.flatMap((g) => g.ingressRules) }
      : {};
  try {
    const report = await remediate(
      { snapshot: judged, findings: ingress, settings: deps.settings, ...(actor ? { actor } : {}) },
      { network: deps.readers.network, writer: deps.writer, ...current },
    );
    return { report, judgedGroups: judged.securityGroups };
  } catch (error) {
    if (!(error instanceof RemediationFailedError)) throw error;
    return { report: error.report, failure: error, judgedGroups: judged.securityGroups };
  }
};

/**
 * Evaluates one broker: live snapshot, every enabled check, remediation of ingress findings (per
 * mode and safety rules) and the findings sink. Returns `gone` when the broker does not exist.
 * Where it may write, remediation goes ahead once the broker and its groups are read, before the
 * configuration and key are (so that no read is in flight, or failed, when it writes); what it did is
 * announced with the whole evaluation.
 */
export const evaluateBroker = async (
  brokerId: string,
  deps: EvaluationDeps,
  actor?: Actor,
): Promise<BrokerOutcome> => {
  const readsGroups = ingressChecks(deps.checks).length > 0;
  const { writer } = deps;
  const remediates = writer !== undefined && readsGroups && deps.settings.remediationMode !== 'off';
  const started = await startSnapshot(brokerId, deps.readers, {
    account: deps.account,
    region: deps.region,
    now: deps.now(),
    ...(deps.cache ? { cache: deps.cache } : {}),
    readSecurityGroups: readsGroups,
    readEngineOffer: deps.checks.some((check) => check.meta.id === ENGINE_VERSION_CHECK_ID),
    readConfigurationText: deps.checks.some((check) => check.meta.id === PII_CHECK_ID),
    reuseDescribed: deps.prefetch !== undefined,
    deferRest: remediates,
    // What a prefix list holds decides a write only with revokeWorldIngress (a CIDR rule that opens
    // the world together with a list's entries); otherwise the lists are read after the writes.
    deferPrefixLists: remediates && !deps.settings.revokeWorldIngress,
  }).catch(async (error: unknown) => {
    // Announced once (the retries find it announced), then the invocation fails so that it is retried.
    await announceUnreadableBroker(brokerId, error, deps, actor);
    throw error;
  });
  if (!started) return { brokerId, status: 'gone' };
  if (remediates) ensureTimeToWrite(deps, brokerId);
  const early =
    remediates && writer ? await remediateIngress(started, { ...deps, writer }, actor) : undefined;
  const sink = deps.findingsSink;
  let snapshot: BrokerSnapshot;
  try {
    snapshot = await started.complete();
  } catch (error) {
    if (early === undefined) {
      await announceUnreadableBroker(brokerId, error, deps, actor);
      throw error;
    }
    // Something was written: announce it with what could be evaluated, the rest as not evaluated.
    const view = ingressView(deps, started.broker, early.judgedGroups);
    const evaluated = evaluateSnapshot(view, ingressChecks(deps.checks), {
      settings: deps.settings,
      now: deps.now(),
    });
    const others = deps.checks.filter((check) => !INGRESS_CHECK_IDS.includes(check.meta.id));
    const evaluation: BrokerEvaluation = {
      ...evaluated,
      findings: [...evaluated.findings, ...brokerErrorFindings(started.broker, others, error)],
    };
    await announceRemediation(sink, evaluation, actor, early);
    throw error;
  }
  const evaluation = evaluateSnapshot(snapshot, deps.checks, { settings: deps.settings, now: deps.now() });
  const ingress = failingIngress(evaluation.findings, deps.settings);
  const remediation = early?.report;
  let remediationRequested = false;
  const judged = early ? { ...snapshot, securityGroups: early.judgedGroups } : snapshot;
  if (early) {
    await announceRemediation(sink, evaluation, actor, early);
  } else if (ingress.length > 0 && !writer && deps.remediationRequester) {
    await deps.remediationRequester.requestRemediation({
      source: REMEDIATION_REQUEST_SOURCE,
      'detail-type': REMEDIATION_REQUEST_TYPE,
      detail: {
        brokerIds: [brokerId],
        reason: actor ? `event ${actor.eventId}` : 'evaluation',
        ...(actor ? { actor } : {}),
      },
    });
    remediationRequested = true;
  }
  // announceRemediation announced this evaluation with its report already: a second notify would
  // publish again the alerts no state remembers (exemptions, opt-outs).
  if (!early) await sink?.notify({ evaluation, ...(actor ? { actor } : {}) });
  // A fact not read is never a "no": remediation left the group alone (and said why), the checks
  // could not judge a group whose details were not read, and the failing ingress may still be open.
  // Fail after announcing, so that the invocation is retried.
  const unread = unreadFacts(judged);
  const judgedOnUnread = unread.some((u) => u.fact === 'group' || u.fact === 'rules');
  if (unread.length > 0 && (judgedOnUnread || (ingress.length > 0 && writer !== undefined))) {
    throw new AwsCallError(
      incompleteOperations(unread),
      'IncompleteRead',
      `Could not read ${unread.map((u) => u.reason).join('; ')}; remediation of broker ${brokerId} left these groups unchanged and will be retried`,
    );
  }
  return {
    brokerId,
    status: 'evaluated',
    evaluation,
    ...(remediation ? { remediation } : {}),
    ...(remediationRequested ? { remediationRequested } : {}),
  };
};

/**
 * Announces what remediation did with the evaluation it acted on; when an action failed, throws the
 * failure after announcing (a failed announcement must not hide it: it is logged instead).
 */
const announceRemediation = async (
  sink: FindingsSink | undefined,
  evaluation: BrokerEvaluation,
  actor: Actor | undefined,
  early: EarlyRemediation,
): Promise<void> => {
  const notify = () =>
    sink?.notify({ evaluation, ...(actor ? { actor } : {}), remediation: early.report }) ?? Promise.resolve();
  if (early.failure === undefined) {
    await notify();
    return;
  }
  try {
    await notify();
  } catch (reportError) {
    logger.error('Remediation report failed', {
      brokerId: early.report.brokerId,
      error: errorMessage(reportError),
    });
  }
  throw early.failure;
};

/** What was not read about the broker's groups, including users or brokers left undetermined. */
export const unreadFacts = (snapshot: BrokerSnapshot): UnreadFact[] =>
  snapshot.securityGroups.flatMap((g): UnreadFact[] => {
    if (g.unread.length > 0) return [...g.unread];
    if (g.otherUsers === null)
      return [{ fact: 'interfaces', reason: `the network interfaces of ${g.groupId}` }];
    return [];
  });

/** Ingress findings remediation may act on: FAIL only (never ERROR), and none when the mode is off. */
const failingIngress = (findings: readonly Finding[], settings: Settings): Finding[] =>
  settings.remediationMode === 'off'
    ? []
    : findings.filter((f) => INGRESS_CHECK_IDS.includes(f.checkId) && f.status === 'FAIL');
