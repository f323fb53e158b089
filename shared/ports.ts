/**
 * Interfaces to the outside world. `shared/aws/` implements them with the AWS SDK v3 (the only code
 * that imports @aws-sdk/*); `shared/recorded/` implements them from a recorded account file.
 * Use cases depend on these interfaces only.
 *
 * Error contract for every implementation:
 * - "does not exist" answers are values (null / omitted items), never exceptions;
 * - anything else that fails (throttling after retries, 5xx, access denied, timeouts) is thrown as
 *   `AwsCallError` (shared/errors.ts) naming the operation, so that the invocation fails and is retried.
 */
import type { CheckId } from './model/finding.ts';
import type {
  Broker,
  BrokerEngineTypeOffer,
  BrokerSummary,
  ConfigurationDetails,
  ConfigurationRef,
  ConfigurationRevisionDetails,
  IngressRule,
  KmsKeyState,
  NetworkInterfaceUse,
  PrefixListAssociation,
  PrefixListContents,
  RuleSource,
  Tags,
} from './model/types.ts';

export interface BrokerReader {
  /** DescribeBroker; null when the broker does not exist. */
  describeBroker(brokerId: string): Promise<Broker | null>;
  /** ListBrokers, every page. */
  listBrokers(): Promise<BrokerSummary[]>;
  /** DescribeConfigurationRevision: the revision's base64 `Data` and description; null when not found. */
  describeConfigurationRevision(ref: ConfigurationRef): Promise<ConfigurationRevisionDetails | null>;
  /** DescribeConfiguration: the configuration's name, description and latest revision; null when not found. */
  describeConfiguration(configurationId: string): Promise<ConfigurationDetails | null>;
  /**
   * DescribeBrokerEngineTypes, every page: the engine versions Amazon MQ offers for new brokers.
   * The answer changes a few times a year, so an implementation reads it once for its own life
   * (one read per Lambda container) and forgets a failed read.
   */
  describeBrokerEngineTypes(): Promise<readonly BrokerEngineTypeOffer[]>;
}

export interface SecurityGroupInfo {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly tags: Tags;
}

export interface NetworkReader {
  /** DescribeSecurityGroupRules filtered by group-id (every page); ingress rules only. */
  describeIngressRules(groupIds: readonly string[]): Promise<IngressRule[]>;
  /** DescribeSecurityGroupRules filtered by security-group-rule-id; ingress rules only; unknown ids omitted. */
  describeRulesById(ruleIds: readonly string[]): Promise<IngressRule[]>;
  /** DescribeSecurityGroups by id; groups that do not exist are omitted. */
  describeSecurityGroups(groupIds: readonly string[]): Promise<SecurityGroupInfo[]>;
  /** DescribeSecurityGroups filtered by group-name (default VPC events name groups, not ids). */
  findSecurityGroupIdsByName(groupName: string): Promise<string[]>;
  /** DescribeNetworkInterfaces filtered by group-id (every page). */
  describeNetworkInterfaces(groupIds: readonly string[]): Promise<NetworkInterfaceUse[]>;
  /**
   * A managed prefix list a rule references: DescribeManagedPrefixLists (name, owner, address family,
   * version) and GetManagedPrefixListEntries (every page, of that one version). null when EC2 does
   * not find the list. More entries than a referenced list can hold is thrown (UnexpectedShapeError).
   */
  readPrefixList(prefixListId: string): Promise<PrefixListContents | null>;
  /**
   * GetManagedPrefixListAssociations (every page): the security groups and route tables that reference
   * the list, of any owner. null when EC2 does not find the list; a denied read is thrown.
   */
  prefixListAssociations(prefixListId: string): Promise<PrefixListAssociation[] | null>;
}

export interface KeyReader {
  /** DescribeKey. Not found / access denied / other account → `{ status: 'unreadable', reason }`. */
  describeKey(keyId: string): Promise<KmsKeyState>;
}

/** One ingress permission to add: a single source, a single port range. */
export interface AuthorizeIngressRequest {
  readonly groupId: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
  readonly description: string;
  /** Tags for the new rule (TagSpecifications, resource type security-group-rule). */
  readonly tags?: Tags;
}

export interface AuthorizeIngressResult {
  /** Ids of the rules created. Empty when the permission already existed (InvalidPermission.Duplicate). */
  readonly ruleIds: readonly string[];
  readonly alreadyExisted: boolean;
}

export interface RevokeIngressResult {
  readonly revokedRuleIds: readonly string[];
  /** Rule ids that no longer existed (InvalidSecurityGroupRuleId.NotFound / InvalidPermission.NotFound): already done. */
  readonly missingRuleIds: readonly string[];
}

export interface IngressWriter {
  authorizeIngress(request: AuthorizeIngressRequest): Promise<AuthorizeIngressResult>;
  /** RevokeSecurityGroupIngress by SecurityGroupRuleIds. */
  revokeIngress(groupId: string, ruleIds: readonly string[]): Promise<RevokeIngressResult>;
}

export type ConfigCompliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface ConfigEvaluation {
  readonly complianceResourceType: string;
  readonly complianceResourceId: string;
  readonly complianceType: ConfigCompliance;
  /** ≤ 256 characters. */
  readonly annotation: string;
  readonly orderingTimestamp: Date;
}

export interface ComplianceReporter {
  /** PutEvaluations (≤ 100 a call: callers batch). Returns the evaluations AWS Config refused. */
  putEvaluations(resultToken: string, evaluations: readonly ConfigEvaluation[]): Promise<ConfigEvaluation[]>;
  /** StartConfigRulesEvaluation (≤ 25 names). `limited` when AWS answered LimitExceededException. */
  startRulesEvaluation(ruleNames: readonly string[]): Promise<'started' | 'limited'>;
  /** GetResourceConfigHistory, latest item (for oversized change notifications). null when none. */
  getLatestConfigurationItem(
    resourceType: string,
    resourceId: string,
  ): Promise<Record<string, unknown> | null>;
}

/** Everything the evaluation side needs to read. */
export interface AccountReaders {
  readonly brokers: BrokerReader;
  readonly network: NetworkReader;
  readonly keys: KeyReader;
}

/** A mutating AWS call, as `replay --json` reports it and the recorded account logs it. */
export interface WriteRecord {
  /** `ec2`, `config`, `sns`, `securityhub`, `dynamodb`. */
  readonly service: string;
  /** The API operation name, e.g. `RevokeSecurityGroupIngress`. */
  readonly operation: string;
  /** The request as the SDK command input (PascalCase). */
  readonly input: Record<string, unknown>;
}

export type { CheckId };

/** Hands brokers to the remediating function (see shared/events/remediation-request.ts). */
export interface RemediationRequester {
  requestRemediation(request: import('./events/remediation-request.ts').RemediationRequest): Promise<void>;
}
