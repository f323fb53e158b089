/**
 * `mq-guardian replay` and the demo: run exactly the use cases the deployed functions run, against a
 * recorded account instead of AWS, and report what they found and every write they made or would make.
 */
import type { Alert } from '../alerts/alert.ts';
import { createAlertPreview } from '../alerts/memory.ts';
import { renderSlackPayload, type SlackPayload } from '../alerts/slack-payload.ts';
import { renderAlertText } from '../alerts/text.ts';
import { enabledChecks } from '../checks/registry.ts';
import { errorMessage, GuardianError } from '../errors.ts';
import { failedApiCall, parseApiCallEvent } from '../events/cloudtrail.ts';
import { parseConfigInvocation } from '../events/config-invocation.ts';
import { detectEventKind } from '../events/detect.ts';
import type { CheckId, Finding, FindingStatus } from '../model/finding.ts';
import type { ConfigCompliance, WriteRecord } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import type { RecordedAccount } from '../recorded/recorded-account.ts';
import type { ActionReport } from '../remediation/execute.ts';
import { isRemediationActor, ownChangeReason } from '../remediation/self-actor.ts';
import { annotate, toCompliance } from '../use-cases/config-evaluations.ts';
import { handleConfigInvocation } from '../use-cases/config-rule.ts';
import { evaluateBroker } from '../use-cases/evaluate-broker.ts';
import { eventDeps, handleApiCall } from '../use-cases/handle-api-call.ts';

export interface ReplayEvaluation {
  readonly checkId: CheckId;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly status: FindingStatus;
  readonly compliance: ConfigCompliance;
  readonly annotation: string;
}

export interface ReplayAction {
  readonly brokerId: string;
  readonly groupId: string;
  readonly kind: string;
  readonly ruleId: string;
  readonly status: string;
  readonly summary: string;
  readonly reason?: string;
  /** What failed, when status is `failed`. */
  readonly error?: string;
  readonly undo?: string;
}

/** A broker whose remediation was skipped as a whole (own role's change, opt-out tag...), and why. */
export interface ReplaySkip {
  readonly brokerId: string;
  readonly reason: string;
}

export interface ReplayAlert {
  /** The structured alert (SNS message body for machine subscribers). */
  readonly alert: Alert;
  /** What e-mail and SMS subscribers read. */
  readonly text: string;
  /** What notify-slack would post. */
  readonly slack: SlackPayload;
}

export interface ReplayResult {
  readonly event: { readonly kind: string; readonly id?: string; readonly name?: string };
  readonly resolution: string;
  readonly evaluations: readonly ReplayEvaluation[];
  readonly remediation: readonly ReplayAction[];
  readonly remediationSkipped: readonly ReplaySkip[];
  /** The alerts the deployed functions would publish (deduplicated as they would be, per replay). */
  readonly alerts: readonly ReplayAlert[];
  readonly writes: readonly WriteRecord[];
  /**
   * Set when the deployed function would fail this invocation (so that Lambda retries it), for
   * example because a fact remediation needs was not read. What was announced and written before
   * that point is in `alerts` and `writes`; `evaluations` and `remediation` are then empty.
   */
  readonly failure?: { readonly code: string; readonly message: string };
  /**
   * Set when the call was made by mq-guardian's own remediation role (settings.remediationRoleArn):
   * why nothing it finds is remediated, whether or not anything fails.
   */
  readonly ownChange?: string;
}

export interface ReplayOptions {
  readonly settings: Settings;
  readonly now: Date;
  /** When set, the Config re-run requests the deployed function makes are included (rule name prefix). */
  readonly configRulePrefix?: string;
}

/** Config only knows three answers; ERROR findings were already posted as NON_COMPLIANT. */
const STATUS_OF: Readonly<Record<ConfigCompliance, FindingStatus>> = {
  COMPLIANT: 'PASS',
  NON_COMPLIANT: 'FAIL',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
};

/** A finding as replay reports it: what AWS Config would be told, and our own status. */
const toReplayEvaluation = (finding: Finding): ReplayEvaluation => ({
  checkId: finding.checkId,
  resourceType: finding.resource.type,
  resourceId: finding.resource.id,
  resourceName: finding.resource.name,
  status: finding.status,
  compliance: toCompliance(finding),
  annotation: annotate(finding),
});

export const toAction = (brokerId: string, a: ActionReport): ReplayAction => ({
  brokerId,
  groupId: a.groupId,
  kind: a.kind,
  ruleId: a.ruleId,
  status: a.status,
  summary: a.summary,
  ...(a.reason ? { reason: a.reason } : {}),
  ...(a.error ? { error: a.error } : {}),
  ...(a.undo ? { undo: a.undo } : {}),
});

export const replayEvent = async (
  input: unknown,
  account: RecordedAccount,
  options: ReplayOptions,
): Promise<ReplayResult> => {
  const kind = detectEventKind(input);
  const writesBefore = account.writes().length;
  const checks = enabledChecks(options.settings);
  const preview = createAlertPreview({
    mode: options.settings.remediationMode,
    account: account.accountId,
    region: account.region,
    now: () => options.now,
  });
  const deps = {
    findingsSink: preview.sink,
    readers: { brokers: account, network: account, keys: account },
    writer: account,
    compliance: account,
    settings: options.settings,
    checks,
    account: account.accountId,
    region: account.region,
    now: () => options.now,
    ...(options.configRulePrefix ? { configRulePrefix: options.configRulePrefix } : {}),
  };
  if (kind === 'config-invocation') {
    const invocation = parseConfigInvocation(input);
    const result = await handleConfigInvocation(invocation, deps);
    return {
      event: { kind, name: `${invocation.messageType} (${invocation.configRuleName})` },
      resolution: result.resolution,
      evaluations: result.evaluations.map((e) => ({
        checkId: invocation.checkId,
        resourceType: e.complianceResourceType,
        resourceId: e.complianceResourceId,
        status: STATUS_OF[e.complianceType],
        compliance: e.complianceType,
        annotation: e.annotation,
      })),
      remediation: [],
      remediationSkipped: [],
      alerts: [],
      writes: account.writes().slice(writesBefore),
    };
  }
  // A failed call changed nothing: the functions acknowledge it without evaluating, and so does replay.
  const failed = failedApiCall(input);
  if (failed) {
    return {
      event: {
        kind,
        ...(failed.eventId === undefined ? {} : { id: failed.eventId }),
        ...(failed.eventName === undefined ? {} : { name: failed.eventName }),
      },
      resolution: 'ignored: failed call',
      evaluations: [],
      remediation: [],
      remediationSkipped: [],
      alerts: [],
      writes: [],
    };
  }
  const event = parseApiCallEvent(input);
  const roleArn = options.settings.remediationRoleArn;
  const own =
    roleArn !== undefined && isRemediationActor(event.actor, roleArn)
      ? { ownChange: ownChangeReason(roleArn) }
      : {};
  const alertsOf = () =>
    preview
      .alerts()
      .map((alert) => ({ alert, text: renderAlertText(alert), slack: renderSlackPayload(alert) }));
  let outcome: Awaited<ReturnType<typeof handleApiCall>>;
  try {
    outcome = await handleApiCall(event, eventDeps(deps));
  } catch (error) {
    if (!(error instanceof GuardianError)) throw error;
    return {
      event: { kind, id: event.eventId, name: event.eventName },
      resolution: 'the invocation failed (Lambda would retry it)',
      evaluations: [],
      remediation: [],
      remediationSkipped: [],
      alerts: alertsOf(),
      writes: account.writes().slice(writesBefore),
      failure: { code: error.code, message: errorMessage(error) },
      ...own,
    };
  }
  const evaluations: ReplayEvaluation[] = [];
  const remediation: ReplayAction[] = [];
  const remediationSkipped: ReplaySkip[] = [];
  for (const broker of outcome.brokers) {
    if (broker.status === 'gone') {
      for (const check of checks) {
        evaluations.push({
          checkId: check.meta.id,
          resourceType: 'AWS::AmazonMQ::Broker',
          resourceId: broker.brokerId,
          status: 'NOT_APPLICABLE',
          compliance: 'NOT_APPLICABLE',
          annotation: `Broker ${broker.brokerId} no longer exists.`,
        });
      }
      continue;
    }
    evaluations.push(...(broker.evaluation?.findings ?? []).map(toReplayEvaluation));
    for (const action of broker.remediation?.actions ?? [])
      remediation.push(toAction(broker.brokerId, action));
    const skipped = broker.remediation?.skipped;
    if (skipped) remediationSkipped.push({ brokerId: broker.brokerId, reason: skipped.reason });
  }
  return {
    event: { kind, id: event.eventId, name: event.eventName },
    resolution: outcome.resolution,
    evaluations,
    remediation,
    remediationSkipped,
    alerts: alertsOf(),
    writes: account.writes().slice(writesBefore),
    ...own,
  };
};

/** Every broker of the recorded account through every enabled check, without remediation (the sweep's view). */
export const replayAccount = async (
  account: RecordedAccount,
  options: ReplayOptions,
): Promise<ReplayEvaluation[]> => {
  const checks = enabledChecks(options.settings);
  const deps = {
    readers: { brokers: account, network: account, keys: account },
    settings: { ...options.settings, remediationMode: 'off' as const },
    checks,
    account: account.accountId,
    region: account.region,
    now: () => options.now,
  };
  const evaluations: ReplayEvaluation[] = [];
  for (const summary of await account.listBrokers()) {
    const outcome = await evaluateBroker(summary.id, deps);
    evaluations.push(...(outcome.evaluation?.findings ?? []).map(toReplayEvaluation));
  }
  return evaluations;
};
