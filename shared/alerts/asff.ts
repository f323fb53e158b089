/**
 * Findings in the AWS Security Finding Format (ASFF) for Security Hub's BatchImportFindings, built
 * from our findings. Pure: the adapter (shared/aws/securityhub.ts) only sends them.
 *
 * One Security Hub finding per check and broker, with a stable id, so an update replaces it. A
 * finding provider cannot change `Workflow` after creation (BatchImportFindings ignores it), so a
 * cleared check is sent as Compliance PASSED with RecordState ARCHIVED; a check failing again is
 * FAILED / ACTIVE, and Security Hub moves its workflow back to NEW by itself.
 */
import { brokerDisplayName, type CheckMeta } from '../checks/check.ts';
import type { Finding, Severity } from '../model/finding.ts';
import type { BrokerSnapshot } from '../model/types.ts';
import { findingStateKey } from './alert.ts';
import { engineDisplayName } from '../network/protocol-ports.ts';
import type { SecurityHubStatus } from './state.ts';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
export const ASFF_TYPES = ['Software and Configuration Checks/AWS Security Best Practices'] as const;
/** The partitions ASFF's Resource.Partition accepts that a broker can live in. */
const ASFF_PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);

const MAX_TITLE = 256;
const MAX_DESCRIPTION = 1024;
const MAX_RECOMMENDATION = 512;
/** ASFF allows 32 resources a finding; one is the broker. */
const MAX_GROUP_RESOURCES = 31;

export interface AsffResource {
  readonly Type: string;
  readonly Id: string;
  readonly Partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  readonly Region: string;
  readonly Details?: {
    readonly AwsAmazonMqBroker?: {
      readonly BrokerArn: string;
      readonly BrokerId: string;
      readonly BrokerName: string;
      readonly EngineType: string;
      readonly EngineVersion: string;
      readonly DeploymentMode: string;
      readonly PubliclyAccessible: boolean;
      readonly AutoMinorVersionUpgrade: boolean;
      readonly SecurityGroups: string[];
      readonly SubnetIds: string[];
    };
  };
}

/** The subset of AwsSecurityFinding mq-guardian sends, in the API's PascalCase. */
export interface AsffFinding {
  readonly SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  readonly Id: string;
  readonly ProductArn: string;
  readonly GeneratorId: string;
  readonly AwsAccountId: string;
  readonly Types: string[];
  readonly CreatedAt: string;
  readonly UpdatedAt: string;
  readonly FirstObservedAt?: string;
  readonly LastObservedAt: string;
  readonly Severity: { readonly Label: Severity; readonly Original: string };
  readonly FindingProviderFields: {
    readonly Severity: { readonly Label: Severity; readonly Original: string };
    readonly Types: string[];
  };
  readonly Title: string;
  readonly Description: string;
  readonly Remediation: { readonly Recommendation: { readonly Text: string; readonly Url: string } };
  readonly SourceUrl: string;
  readonly ProductFields: Record<string, string>;
  readonly Resources: AsffResource[];
  readonly Compliance: { readonly Status: SecurityHubStatus };
  readonly RecordState: 'ACTIVE' | 'ARCHIVED';
}

export interface AsffInput {
  readonly finding: Finding;
  readonly meta: CheckMeta;
  readonly snapshot: BrokerSnapshot;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly status: SecurityHubStatus;
  /** The first import's time, kept across updates. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** When the check started failing. */
  readonly firstObservedAt?: string;
  /** The evaluation time. */
  readonly lastObservedAt: string;
  readonly consoleUrl: string;
}

const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`: the product of an account's own findings. */
export const defaultProductArn = (partition: string, region: string, account: string): string =>
  `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;

/** Stable per account / region / check / broker, so that every import of one check updates one finding. */
export const securityHubFindingId = (finding: Finding, account: string, region: string): string =>
  findingStateKey(account, region, finding.checkId, finding.resource.id);

const groupIdsOf = (finding: Finding): string[] =>
  finding.evidence?.kind === 'ingress'
    ? [...new Set(finding.evidence.offendingRules.map((r) => r.groupId))]
    : [];

export const toAsffFinding = (input: AsffInput): AsffFinding => {
  const { finding, meta, snapshot, account, region, partition } = input;
  const broker = snapshot.broker;
  const asffPartition = ASFF_PARTITIONS.has(partition)
    ? { Partition: partition as 'aws' | 'aws-cn' | 'aws-us-gov' }
    : {};
  const severity = { Label: finding.severity, Original: finding.severity };
  const groups = groupIdsOf(finding)
    .slice(0, MAX_GROUP_RESOURCES)
    .map(
      (groupId): AsffResource => ({
        Type: 'AwsEc2SecurityGroup',
        Id: `arn:${partition}:ec2:${region}:${account}:security-group/${groupId}`,
        ...asffPartition,
        Region: region,
      }),
    );
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: securityHubFindingId(finding, account, region),
    ProductArn: defaultProductArn(partition, region, account),
    GeneratorId: `mq-guardian/${finding.checkId}`,
    AwsAccountId: account,
    Types: [...ASFF_TYPES],
    CreatedAt: input.createdAt,
    UpdatedAt: input.updatedAt,
    ...(input.firstObservedAt === undefined ? {} : { FirstObservedAt: input.firstObservedAt }),
    LastObservedAt: input.lastObservedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: [...ASFF_TYPES] },
    Title: clip(meta.title, MAX_TITLE),
    Description: clip(finding.message, MAX_DESCRIPTION),
    Remediation: {
      Recommendation: { Text: clip(meta.remediation.text, MAX_RECOMMENDATION), Url: meta.remediation.url },
    },
    SourceUrl: input.consoleUrl,
    ProductFields: {
      'mq-guardian/CheckId': finding.checkId,
      'mq-guardian/Status': finding.status,
      'mq-guardian/Engine': engineDisplayName(broker.engineType),
    },
    Resources: [
      {
        Type: 'AwsAmazonMQBroker',
        Id: broker.arn,
        ...asffPartition,
        Region: region,
        Details: {
          AwsAmazonMqBroker: {
            BrokerArn: broker.arn,
            BrokerId: broker.id,
            // The ARN must stay the resource's identity; the name field is display, withheld like everywhere.
            BrokerName: brokerDisplayName(snapshot),
            EngineType: engineDisplayName(broker.engineType),
            EngineVersion: broker.engineVersion,
            DeploymentMode: broker.deploymentMode,
            PubliclyAccessible: broker.publiclyAccessible,
            AutoMinorVersionUpgrade: broker.autoMinorVersionUpgrade,
            SecurityGroups: [...broker.securityGroupIds],
            SubnetIds: [...broker.subnetIds],
          },
        },
      },
      ...groups,
    ],
    Compliance: { Status: input.status },
    RecordState: input.status === 'PASSED' ? 'ARCHIVED' : 'ACTIVE',
  };
};
