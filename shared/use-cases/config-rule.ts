/**
 * AWS Config custom rules: one rule per check, all served by one function. The invocation only says
 * which resource changed (or that the periodic run is due); the authorization map, the group rules
 * and the key state are not in a configuration item, so every answer comes from live reads. Only the
 * rule's own check is evaluated and posted.
 *
 * What each invocation posts:
 * - broker change → that broker;
 * - security-group change → every broker using the group, and for the two ingress checks the group
 *   itself (see groupEvaluation);
 * - periodic run → every broker ListBrokers returns, and for the ingress checks every group they use;
 * - deleted resource or eventLeftScope → NOT_APPLICABLE for it, without reading anything.
 */
import type { Check } from '../checks/check.ts';
import { type ChecksSource, checksOf } from '../checks/enabled.ts';
import { GuardianError, InvalidEventError, UnexpectedShapeError } from '../errors.ts';
import {
  CONFIGURATION_ITEM_STATUSES,
  type ConfigInvocation,
  type ConfigurationItemStatus,
  isDeletedStatus,
} from '../events/config-invocation.ts';
import { BROKER_ID_PATTERN, SECURITY_GROUP_ID_PATTERN } from '../events/ids.ts';
import { logger } from '../logger.ts';
import type { CheckId, Finding } from '../model/finding.ts';
import type { AccountReaders, ComplianceReporter, ConfigCompliance, ConfigEvaluation } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import { startLoading } from '../runtime/lazy-adapter.ts';
import type { SnapshotCache } from './build-snapshot.ts';
import { createSnapshotCache } from './build-snapshot.ts';
import { batches, MAX_ANNOTATION_LENGTH, toConfigEvaluation } from './config-evaluations.ts';
import { findBrokersUsingGroups } from './find-brokers.ts';
import { type BrokerOutcome, type EvaluationDeps, INGRESS_CHECK_IDS } from './handle-api-call.ts';
import type { TokenBucketLimits } from './rate-limit.ts';
import {
  againstListing,
  type BrokerFailure,
  BrokerFailuresError,
  DEFAULT_SWEEP_CONCURRENCY,
  evaluateBrokers,
  loadEvaluateBroker,
} from './sweep.ts';
import { plural } from '../wording.ts';

export const BROKER_RESOURCE_TYPE = 'AWS::AmazonMQ::Broker';
export const SECURITY_GROUP_RESOURCE_TYPE = 'AWS::EC2::SecurityGroup';

/**
 * One container's share of the Amazon MQ quota (burst 100, 15/s). Config starts the periodic runs of
 * all twelve rules at about the same time, each reading every broker: with the function's reserved
 * concurrency at 2, all rules together stay at or below 10 calls a second.
 */
export const CONFIG_RULE_RATE_LIMIT: TokenBucketLimits = { capacity: 30, refillPerSecond: 5 };

export interface ConfigRuleDeps {
  readonly readers: AccountReaders;
  readonly compliance: ComplianceReporter;
  readonly settings: Settings;
  /**
   * The checks the settings switch on. A rule whose check is not among them reports NOT_APPLICABLE:
   * a disabled (or not opted-in) check must not fill the Config console with NON_COMPLIANT results.
   * Or their load: started with the invocation's first read.
   */
  readonly checks: ChecksSource;
  readonly region: string;
  readonly now: () => Date;
  readonly cache?: SnapshotCache;
  /** Brokers evaluated at once in a periodic run (default DEFAULT_SWEEP_CONCURRENCY). */
  readonly concurrency?: number;
}

export interface ConfigInvocationPlan {
  readonly evaluations: ConfigEvaluation[];
  /** Brokers that could not be evaluated: nothing is posted for them, and the invocation fails. */
  readonly failures: BrokerFailure[];
  /** What was evaluated and why, for logs and replay. */
  readonly resolution: string;
}

export interface ConfigInvocationResult {
  /** Everything posted (in order, in batches of at most 100). */
  readonly evaluations: ConfigEvaluation[];
  /** Evaluations AWS Config still refused after one retry. The handler throws when there are any. */
  readonly failed: ConfigEvaluation[];
  readonly resolution: string;
}

// ---------------------------------------------------------------------------------------------
// Annotations

/** Config refuses longer annotations; every annotation built here passes through this. */
const clip = (text: string): string =>
  text.length <= MAX_ANNOTATION_LENGTH ? text : `${text.slice(0, MAX_ANNOTATION_LENGTH - 1)}…`;

/** "a, b, c, +4 more" within `budget` characters, so that what follows a list still fits. */
const listWithin = (names: readonly string[], budget: number): string => {
  const kept: string[] = [];
  let length = 0;
  for (const [index, name] of names.entries()) {
    const rest = names.length - index;
    if (length + name.length + 2 > budget && kept.length > 0) {
      kept.push(`+${rest} more`);
      break;
    }
    kept.push(name);
    length += name.length + 2;
  }
  return kept.join(', ');
};

const nounFor = (resourceType: string): string =>
  resourceType === BROKER_RESOURCE_TYPE
    ? 'Broker'
    : resourceType === SECURITY_GROUP_RESOURCE_TYPE
      ? 'Security group'
      : resourceType;

const evaluation = (
  resourceType: string,
  resourceId: string,
  complianceType: ConfigCompliance,
  annotation: string,
  orderingTimestamp: Date,
): ConfigEvaluation => ({
  complianceResourceType: resourceType,
  complianceResourceId: resourceId,
  complianceType,
  annotation: clip(annotation),
  orderingTimestamp,
});

// ---------------------------------------------------------------------------------------------
// Evaluations of brokers and groups

const findingFor = (outcome: BrokerOutcome, checkId: CheckId): Finding => {
  const finding = outcome.evaluation?.findings.find((f) => f.checkId === checkId);
  // evaluateSnapshot yields one finding per check, crashed checks included: a missing one is a bug.
  if (!finding) throw new GuardianError('INTERNAL', `No ${checkId} finding for broker ${outcome.brokerId}`);
  return finding;
};

const brokerEvaluation = (outcome: BrokerOutcome, checkId: CheckId, at: Date): ConfigEvaluation =>
  outcome.status === 'gone'
    ? evaluation(
        BROKER_RESOURCE_TYPE,
        outcome.brokerId,
        'NOT_APPLICABLE',
        `Broker ${outcome.brokerId} no longer exists.`,
        at,
      )
    : toConfigEvaluation(findingFor(outcome, checkId), at);

const brokerName = (finding: Finding): string => `${finding.resource.name} (${finding.resource.id})`;

/**
 * A security group's own result for an ingress check, from the findings of every broker that uses
 * it (all of them: the same rule can be allowed for one broker's protocols and not another's):
 * - NON_COMPLIANT when one of the group's own rules makes a broker fail, naming the rules first;
 * - NON_COMPLIANT when a broker using it could not be evaluated (never compliant on unknown state);
 * - COMPLIANT when brokers use it and none fails because of its rules (a broker may fail because of
 *   another of its groups: that group is the one reported);
 * - NOT_APPLICABLE when no broker uses it, or the check applies to none of them.
 */
export const groupEvaluation = (
  groupId: string,
  outcomes: readonly BrokerOutcome[],
  checkId: CheckId,
  at: Date,
): ConfigEvaluation => {
  // The broker's own group list decides: an interface listing can lag behind UpdateBroker.
  const users = outcomes.filter(
    (o) => o.status === 'evaluated' && o.evaluation?.snapshot.broker.securityGroupIds.includes(groupId),
  );
  const findings = users.map((o) => findingFor(o, checkId)).filter((f) => f.status !== 'NOT_APPLICABLE');
  const of = (status: ConfigCompliance, text: string) =>
    evaluation(SECURITY_GROUP_RESOURCE_TYPE, groupId, status, text, at);
  if (users.length === 0)
    return of('NOT_APPLICABLE', `Security group ${groupId} is used by no Amazon MQ broker.`);
  if (findings.length === 0) {
    return of(
      'NOT_APPLICABLE',
      `Security group ${groupId}: ${checkId} applies to none of the brokers using it.`,
    );
  }

  const ruleIds: string[] = [];
  const offendedBrokers: string[] = [];
  const unknown: Finding[] = [];
  for (const finding of findings) {
    if (finding.status === 'ERROR' || (finding.status === 'FAIL' && finding.evidence?.kind !== 'ingress')) {
      unknown.push(finding);
      continue;
    }
    if (finding.status !== 'FAIL' || finding.evidence?.kind !== 'ingress') continue;
    const own = finding.evidence.offendingRules.filter((r) => r.groupId === groupId);
    if (own.length === 0) continue;
    offendedBrokers.push(brokerName(finding));
    for (const rule of own) if (!ruleIds.includes(rule.ruleId)) ruleIds.push(rule.ruleId);
  }
  if (ruleIds.length > 0) {
    const rules = listWithin(ruleIds, 120);
    return of(
      'NON_COMPLIANT',
      `Security group ${groupId}: rule${ruleIds.length === 1 ? '' : 's'} ${rules} break${ruleIds.length === 1 ? 's' : ''} ${checkId} for ${listWithin(offendedBrokers, 200)}.`,
    );
  }
  if (unknown.length > 0) {
    const first = unknown[0] as Finding;
    return of(
      'NON_COMPLIANT',
      `Could not evaluate: security group ${groupId} is used by ${listWithin(unknown.map(brokerName), 100)}, which could not be checked: ${first.message}`,
    );
  }
  return of(
    'COMPLIANT',
    `Security group ${groupId}: no rule breaks ${checkId} for the ${findings.length} broker${findings.length === 1 ? '' : 's'} using it.`,
  );
};

// ---------------------------------------------------------------------------------------------
// The changed resource

interface ChangedResource {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly status: ConfigurationItemStatus;
  readonly captureTime: string;
}

const isStatus = (value: unknown): value is ConfigurationItemStatus =>
  typeof value === 'string' && (CONFIGURATION_ITEM_STATUSES as readonly string[]).includes(value);

/**
 * An oversized notification carries only a summary; the item is read with GetResourceConfigHistory.
 * Only its status and capture time are used (the evaluation reads live state), and the newer of the
 * item and the summary wins: the history can lag behind the notification.
 */
const oversizedResource = async (
  summary: ChangedResource,
  compliance: ComplianceReporter,
): Promise<ChangedResource> => {
  const item = await compliance.getLatestConfigurationItem(summary.resourceType, summary.resourceId);
  if (item === null) return summary;
  const status = item.configurationItemStatus;
  const captureTime = item.configurationItemCaptureTime;
  if (
    item.resourceType !== summary.resourceType ||
    item.resourceId !== summary.resourceId ||
    !isStatus(status) ||
    typeof captureTime !== 'string' ||
    Number.isNaN(Date.parse(captureTime))
  ) {
    throw new UnexpectedShapeError(
      `GetResourceConfigHistory returned an item for ${summary.resourceType} ${summary.resourceId} without a matching resource, a known status and a capture time`,
    );
  }
  return Date.parse(captureTime) >= Date.parse(summary.captureTime)
    ? { ...summary, status, captureTime }
    : summary;
};

const changedResource = async (
  invocation: Exclude<ConfigInvocation, { messageType: 'ScheduledNotification' }>,
  compliance: ComplianceReporter,
): Promise<ChangedResource> => {
  if (invocation.messageType === 'ConfigurationItemChangeNotification') {
    const { resourceType, resourceId, status, captureTime } = invocation.configurationItem;
    return { resourceType, resourceId, status, captureTime };
  }
  const { resourceType, resourceId, status, captureTime } = invocation.summary;
  return oversizedResource({ resourceType, resourceId, status, captureTime }, compliance);
};

// ---------------------------------------------------------------------------------------------
// Planning

const evaluationDeps = (
  deps: ConfigRuleDeps,
  check: Check,
  account: string,
  cache: SnapshotCache,
): EvaluationDeps => ({
  readers: deps.readers,
  settings: deps.settings,
  // Only the rule's own check; no writer, requester or sink: this path reports to Config only
  // (the EventBridge functions and the sweep alert and remediate).
  checks: [check],
  account,
  region: deps.region,
  now: deps.now,
  cache,
});

const isIngressCheck = (checkId: CheckId): boolean => INGRESS_CHECK_IDS.includes(checkId);

const planChange = async (
  invocation: Exclude<ConfigInvocation, { messageType: 'ScheduledNotification' }>,
  deps: ConfigRuleDeps,
  loadingCheck: Promise<Check | undefined>,
  cache: SnapshotCache,
): Promise<ConfigInvocationPlan> => {
  const resource = await changedResource(invocation, deps.compliance);
  const check = await loadingCheck;
  const { resourceType, resourceId } = resource;
  const at = new Date(resource.captureTime);
  const noun = nounFor(resourceType);
  const only = (
    complianceType: ConfigCompliance,
    annotation: string,
    resolution: string,
  ): ConfigInvocationPlan => ({
    evaluations: [evaluation(resourceType, resourceId, complianceType, annotation, at)],
    failures: [],
    resolution,
  });

  if (isDeletedStatus(resource.status)) {
    return only(
      'NOT_APPLICABLE',
      `${noun} ${resourceId} was deleted.`,
      `${resourceId} deleted (${resource.status})`,
    );
  }
  if (invocation.eventLeftScope) {
    return only(
      'NOT_APPLICABLE',
      `${noun} ${resourceId} is no longer in the scope of rule ${invocation.configRuleName}.`,
      `${resourceId} left the rule's scope`,
    );
  }
  if (!check) {
    return only(
      'NOT_APPLICABLE',
      `Check ${invocation.checkId} is disabled in the mq-guardian settings.`,
      `check ${invocation.checkId} disabled`,
    );
  }
  const account = invocation.accountId;
  const requireId = (pattern: RegExp) => {
    // Never pass on to an AWS call an id that does not look like one AWS issues.
    if (!pattern.test(resourceId)) {
      throw new InvalidEventError(
        `Invalid Config invocation: ${noun} resourceId does not look like a ${noun.toLowerCase()} id`,
      );
    }
  };

  if (resourceType === BROKER_RESOURCE_TYPE) {
    requireId(BROKER_ID_PATTERN);
    const { outcomes, failures } = await evaluateBrokers(
      [resourceId],
      evaluationDeps(deps, check, account, cache),
      1,
    );
    return {
      evaluations: outcomes.map((o) => brokerEvaluation(o, check.meta.id, at)),
      failures,
      resolution: `broker ${resourceId} changed`,
    };
  }

  if (resourceType === SECURITY_GROUP_RESOURCE_TYPE) {
    // Only the ingress checks read group rules: for any other check a group change cannot change
    // a broker's answer, so the brokers are left to their own change notifications.
    if (!isIngressCheck(check.meta.id)) {
      return only(
        'NOT_APPLICABLE',
        `${check.meta.id} does not depend on security groups; brokers are evaluated when they change.`,
        `group ${resourceId} changed; ${check.meta.id} does not read groups`,
      );
    }
    requireId(SECURITY_GROUP_ID_PATTERN);
    const found = await findBrokersUsingGroups([resourceId], deps.readers);
    const { outcomes, failures } = await evaluateBrokers(
      found.brokerIds,
      evaluationDeps(deps, check, account, cache),
      deps.concurrency ?? DEFAULT_SWEEP_CONCURRENCY,
    );
    const evaluations = outcomes.map((o) => brokerEvaluation(o, check.meta.id, at));
    // A broker that could not be read may be the one whose protocols make a rule offend: the group's
    // own answer would rest on incomplete information, so it waits for the retry.
    if (failures.length === 0) evaluations.push(groupEvaluation(resourceId, outcomes, check.meta.id, at));
    return {
      evaluations,
      failures,
      resolution: `group ${resourceId} changed; used by ${plural(found.brokerIds.length, 'broker')} (${found.conclusive ? 'network interfaces' : 'broker listing'})`,
    };
  }

  return only(
    'NOT_APPLICABLE',
    `mq-guardian evaluates Amazon MQ brokers and their security groups, not ${resourceType}.`,
    `${resourceType} is out of scope`,
  );
};

/**
 * Brokers that no longer exist: Config only knows a resource is gone for resources it evaluated
 * before, and asking it (GetComplianceDetailsByConfigRule) would need one more IAM action and a read
 * of every past result each period. Instead, the periodic run evaluates the brokers that exist now
 * (a broker listed as being deleted and gone by the time it is described is NOT_APPLICABLE; one
 * listed in any other state and not found is a failure, retried), and deleted brokers get
 * their NOT_APPLICABLE from the ResourceDeleted change notification Config sends for every recorded
 * broker, which planChange handles. Where the recorder does not record AWS::AmazonMQ::Broker, a
 * deleted broker's last result stays until someone deletes the rule's results.
 */
const planPeriodic = async (
  invocation: Extract<ConfigInvocation, { messageType: 'ScheduledNotification' }>,
  deps: ConfigRuleDeps,
  loadingCheck: Promise<Check | undefined>,
  cache: SnapshotCache,
): Promise<ConfigInvocationPlan> => {
  const at = new Date(invocation.notificationCreationTime);
  const listed = await deps.readers.brokers.listBrokers();
  const brokerIds = listed.map((b) => b.id);
  const check = await loadingCheck;
  if (!check) {
    return {
      evaluations: brokerIds.map((id) =>
        evaluation(
          BROKER_RESOURCE_TYPE,
          id,
          'NOT_APPLICABLE',
          `Check ${invocation.checkId} is disabled in the mq-guardian settings.`,
          at,
        ),
      ),
      failures: [],
      resolution: `periodic; check ${invocation.checkId} disabled`,
    };
  }
  const { outcomes, failures } = againstListing(
    listed,
    await evaluateBrokers(
      brokerIds,
      evaluationDeps(deps, check, invocation.accountId, cache),
      deps.concurrency ?? DEFAULT_SWEEP_CONCURRENCY,
    ),
  );
  const evaluations = outcomes.map((o) => brokerEvaluation(o, check.meta.id, at));
  // Groups are judged from every broker using them: only when every broker was read.
  if (isIngressCheck(check.meta.id) && failures.length === 0) {
    const groupIds = [
      ...new Set(
        outcomes.flatMap((o) => (o.evaluation ? o.evaluation.snapshot.broker.securityGroupIds : [])),
      ),
    ];
    for (const groupId of groupIds) evaluations.push(groupEvaluation(groupId, outcomes, check.meta.id, at));
  }
  return {
    evaluations,
    failures,
    resolution: `periodic; ${plural(brokerIds.length, 'broker')} listed`,
  };
};

/** What an invocation would post, without posting. Reads live state; never writes. */
export const planConfigInvocation = async (
  invocation: ConfigInvocation,
  deps: ConfigRuleDeps,
): Promise<ConfigInvocationPlan> => {
  // The checks, the evaluation's code and the Config client (the function loads it on first use:
  // most invocations post their evaluations only after their Amazon MQ reads) load while the
  // invocation's first read is in flight.
  const check = checksOf(deps.checks).then((checks) => checks.find((c) => c.meta.id === invocation.checkId));
  check.catch(() => undefined);
  loadEvaluateBroker().catch(() => undefined);
  startLoading(deps.compliance);
  const cache = deps.cache ?? createSnapshotCache();
  const plan =
    invocation.messageType === 'ScheduledNotification'
      ? await planPeriodic(invocation, deps, check, cache)
      : await planChange(invocation, deps, check, cache);
  return { ...plan, evaluations: distinctEvaluations(plan.evaluations) };
};

const keyOf = (e: ConfigEvaluation): string => `${e.complianceResourceType}|${e.complianceResourceId}`;

/** One evaluation per resource and call: the first one planned wins. */
const distinctEvaluations = (evaluations: readonly ConfigEvaluation[]): ConfigEvaluation[] => {
  const byKey = new Map<string, ConfigEvaluation>();
  for (const e of evaluations) if (!byKey.has(keyOf(e))) byKey.set(keyOf(e), e);
  return [...byKey.values()];
};

// ---------------------------------------------------------------------------------------------
// Posting

/**
 * PutEvaluations in batches of at most 100. Evaluations Config refuses are sent once more (only
 * those, as planned: the refused copies AWS returns may lack the annotation); what it refuses
 * again is returned.
 */
export const postEvaluations = async (
  resultToken: string,
  evaluations: readonly ConfigEvaluation[],
  compliance: ComplianceReporter,
): Promise<ConfigEvaluation[]> => {
  const putAll = async (items: readonly ConfigEvaluation[]): Promise<ConfigEvaluation[]> => {
    const refused: ConfigEvaluation[] = [];
    for (const batch of batches(items))
      refused.push(...(await compliance.putEvaluations(resultToken, batch)));
    return refused;
  };
  const refused = await putAll(evaluations);
  if (refused.length === 0) return [];
  const planned = new Map(evaluations.map((e) => [keyOf(e), e]));
  const retry = refused.map((e) => planned.get(keyOf(e)) ?? e);
  logger.warn('PutEvaluations refused evaluations; retrying them once', {
    resources: retry.map((e) => e.complianceResourceId),
  });
  return putAll(retry);
};

/**
 * Evaluates what the invocation names and posts the results through the ComplianceReporter. Brokers
 * that could not be read are not posted; after the others were, BrokerFailuresError is thrown so
 * that Lambda retries the invocation. Refused evaluations are returned in `failed`.
 */
export const handleConfigInvocation = async (
  invocation: ConfigInvocation,
  deps: ConfigRuleDeps,
): Promise<ConfigInvocationResult> => {
  const plan = await planConfigInvocation(invocation, deps);
  const failed = await postEvaluations(invocation.resultToken, plan.evaluations, deps.compliance);
  if (plan.failures.length > 0) {
    throw new BrokerFailuresError(`Config rule ${invocation.configRuleName}`, plan.failures);
  }
  return { evaluations: plan.evaluations, failed, resolution: plan.resolution };
};

/** Thrown by the handler when Config refused evaluations twice: the invocation is retried. */
export class EvaluationsRefusedError extends GuardianError {
  readonly refused: readonly ConfigEvaluation[];

  constructor(ruleName: string, refused: readonly ConfigEvaluation[]) {
    super(
      'CONFIG_EVALUATIONS_REFUSED',
      `AWS Config refused ${plural(refused.length, 'evaluation')} of rule ${ruleName} twice: ${listWithin(
        refused.map((e) => e.complianceResourceId),
        200,
      )}`,
    );
    this.refused = refused;
  }
}
