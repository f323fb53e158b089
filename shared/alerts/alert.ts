/**
 * The alert: one message about one broker, as every channel receives it (SNS structured body,
 * Slack, Security Hub, the CLI preview). Plain JSON data, versioned: `schema` + `schemaVersion` are
 * the contract subscribers filter and parse on. Adding an optional field keeps version 1; renaming,
 * removing or changing the meaning of a field needs version 2.
 */
import type { CheckId, FindingStatus, Severity } from '../model/finding.ts';
import type { EngineType, OpenEnum } from '../model/types.ts';
import type { RemediationMode } from '../policy/settings.ts';

export const ALERT_SCHEMA = 'mq-guardian/alert';
export const ALERT_SCHEMA_VERSION = 1;

/** What the alert announces. Also the SNS message attribute `action`. */
export const ALERT_ACTIONS = [
  /** A check started failing, or fails on something it did not before. */
  'alert',
  /** A check could not be evaluated (never reported as compliant). */
  'error',
  'revoked',
  'narrowed',
  'would-revoke',
  'would-narrow',
  /** mq-guardian left a disallowed rule alone (shared group, opt-out tag, ...). */
  'skipped',
  'failed',
  'resolved',
  /** Someone tagged a rule mq-guardian:allow: the checks no longer count it. Names who and which rule. */
  'exempted',
] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

export type AlertKind = 'finding' | 'remediation' | 'resolved';

export interface AlertBroker {
  readonly id: string;
  readonly name: string;
  readonly arn: string;
  readonly engine: OpenEnum<EngineType>;
}

export interface AlertFinding {
  /** The check's status now. */
  readonly status: FindingStatus;
  /** The check's own sentence, naming the broker. */
  readonly message: string;
  /** `new`: the check was not failing before; `worsened`: it was, but not on these items. */
  readonly change?: 'new' | 'worsened';
  /** What was found, one line each (offending rules, wrong fields), at most MAX_DETAILS. */
  readonly details: readonly string[];
  /** Lines left out of `details` to keep the message small. */
  readonly omittedDetails: number;
  /** Resolved alerts: the sentence that was announced while failing. */
  readonly previousMessage?: string;
  /** Resolved alerts: when the check started failing, as far as mq-guardian saw. */
  readonly failingSince?: string;
}

export interface AlertSecurityGroup {
  readonly groupId: string;
  readonly ruleIds: readonly string[];
}

export interface AlertRemediation {
  readonly mode: RemediationMode;
  /** Whether mq-guardian can fix this check in place (only the ingress checks). */
  readonly autoRemediable: boolean;
  /** Remediation alerts: what happened to the rule. */
  readonly status?: 'done' | 'planned' | 'skipped' | 'failed';
  /** What was done, or would be done in enforce mode, in one or two sentences. */
  readonly summary?: string;
  readonly reason?: string;
  /** Access the broker's clients lose (opt-in world revoke). */
  readonly impact?: string;
  readonly error?: string;
  /** AWS CLI commands that restore the previous state, in the order to run them. */
  readonly undo: readonly string[];
  /** Rules mq-guardian authorized while narrowing. */
  readonly createdRuleIds?: readonly string[];
  /**
   * Finding alerts: what this same invocation did (or, in dry-run, would do) to the finding's rules,
   * one sentence each; absent when it did nothing to them.
   */
  readonly taken?: readonly string[];
  /** What is still exposed after what was done (or would be done), and why. */
  readonly stillExposed?: string;
  /** How to fix it by hand (the check's remediation text) and where that is documented. */
  readonly guidance: string;
  readonly guidanceUrl: string;
}

export interface AlertActor {
  readonly type: string;
  readonly arn?: string;
  readonly roleArn?: string;
  readonly invokedBy?: string;
  readonly sourceIpAddress?: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventTime: string;
}

export interface Alert {
  readonly schema: typeof ALERT_SCHEMA;
  readonly schemaVersion: typeof ALERT_SCHEMA_VERSION;
  /** Stable for one state change: a re-delivery of the same change carries the same id. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly action: AlertAction;
  readonly severity: Severity;
  /** The main check; `checkIds` lists every check the alert speaks for. */
  readonly checkId: CheckId;
  readonly checkIds: readonly CheckId[];
  /** The main check's title. */
  readonly title: string;
  /** One sentence: what happened. */
  readonly summary: string;
  /** When it happened: the triggering API call's time, else the evaluation time (ISO 8601). */
  readonly time: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly broker: AlertBroker;
  readonly finding: AlertFinding;
  readonly securityGroups: readonly AlertSecurityGroup[];
  readonly remediation: AlertRemediation;
  /** Who made the change; absent for scheduled and AWS Config evaluations. */
  readonly actor?: AlertActor;
  readonly consoleUrl: string;
}

/** Short labels of actions, for headers and subjects. */
export const ACTION_LABELS: Readonly<Record<AlertAction, string>> = {
  alert: 'New finding',
  error: 'Could not evaluate',
  revoked: 'Ingress revoked',
  narrowed: 'Ingress narrowed',
  'would-revoke': 'Would revoke ingress (dry-run)',
  'would-narrow': 'Would narrow ingress (dry-run)',
  skipped: 'Ingress left unchanged',
  failed: 'Remediation failed',
  resolved: 'Resolved',
  exempted: 'Rule exempted',
};

/** The state-table key of a check's finding about a broker: account / region / check / resource. */
export const findingStateKey = (
  account: string,
  region: string,
  checkId: CheckId,
  brokerId: string,
): string => `${account}/${region}/${checkId}/${brokerId}`;

/** The state-table key of what mq-guardian did (or would do) to one rule of one broker's groups. */
export const remediationStateKey = (
  account: string,
  region: string,
  brokerId: string,
  ruleId: string,
): string => `${account}/${region}/remediation/${brokerId}/${ruleId}`;

/** The state-table key of a broker's outbox: alerts whose publish failed, published by the next evaluation. */
export const outboxStateKey = (account: string, region: string, brokerId: string): string =>
  `${account}/${region}/outbox/${brokerId}`;

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export const partitionOfRegion = (region: string): string => {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  return 'aws';
};

/** The partition an ARN names, or the region's when the ARN cannot be read. */
export const partitionOf = (arn: string, region: string): string =>
  /^arn:(aws(?:-[a-z]+)*):/.exec(arn)?.[1] ?? partitionOfRegion(region);

const consoleBase = (partition: string, region: string): string => {
  if (partition === 'aws-cn') return 'https://console.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
};

export const brokerConsoleUrl = (partition: string, region: string, brokerId: string): string =>
  `${consoleBase(partition, region)}/amazon-mq/home?region=${encodeURIComponent(region)}#/brokers/details?id=${encodeURIComponent(brokerId)}`;

export const securityGroupConsoleUrl = (partition: string, region: string, groupId: string): string =>
  `${consoleBase(partition, region)}/ec2/home?region=${encodeURIComponent(region)}#SecurityGroup:groupId=${encodeURIComponent(groupId)}`;
