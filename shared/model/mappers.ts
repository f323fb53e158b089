/**
 * AWS output shapes → mq-guardian's model. The input types below are structural copies of the AWS SDK
 * v3 output shapes (PascalCase, every field optional) so that this module imports no SDK package: the
 * SDK adapters pass SDK objects, the recorded account passes parsed JSON, and both go through here.
 *
 * Every field is checked at run time, because recorded files and future API changes are not bound by
 * the compile-time types. A field that matters and is missing or of the wrong type is an
 * UnexpectedShapeError naming the field: a guess could turn an unknown posture into a compliant one.
 * An enum value mq-guardian does not know is not an error here: it is carried as AWS returned it.
 */
import { UnexpectedShapeError } from '../errors.ts';
import type { SecurityGroupInfo } from '../ports.ts';
import {
  AUTHENTICATION_STRATEGIES,
  type Broker,
  type BrokerSummary,
  type BrokerUser,
  type ConfigurationRef,
  DEPLOYMENT_MODES,
  ENGINE_TYPES,
  type IngressRule,
  type KmsKeyState,
  type NetworkInterfaceUse,
  type OpenEnum,
  type RuleSource,
  STORAGE_TYPES,
  type Tags,
} from './types.ts';
import { isPlainObject } from '../json.ts';

// ---------------------------------------------------------------------------------------------
// Input shapes (mirroring @aws-sdk/client-mq, -ec2, -kms outputs)

export type TagListShape = readonly {
  readonly Key?: string | undefined;
  readonly Value?: string | undefined;
}[];

export interface ConfigurationIdShape {
  readonly Id?: string | undefined;
  readonly Revision?: number | undefined;
}

export interface DescribeBrokerShape {
  readonly BrokerId?: string | undefined;
  readonly BrokerArn?: string | undefined;
  readonly BrokerName?: string | undefined;
  readonly BrokerState?: string | undefined;
  readonly EngineType?: string | undefined;
  readonly EngineVersion?: string | undefined;
  readonly DeploymentMode?: string | undefined;
  readonly PubliclyAccessible?: boolean | undefined;
  readonly AutoMinorVersionUpgrade?: boolean | undefined;
  readonly AuthenticationStrategy?: string | undefined;
  readonly EncryptionOptions?:
    | { readonly UseAwsOwnedKey?: boolean | undefined; readonly KmsKeyId?: string | undefined }
    | undefined;
  readonly Logs?:
    | {
        readonly Audit?: boolean | undefined;
        readonly General?: boolean | undefined;
        readonly Pending?:
          | { readonly Audit?: boolean | undefined; readonly General?: boolean | undefined }
          | undefined;
      }
    | undefined;
  readonly Configurations?:
    | {
        readonly Current?: ConfigurationIdShape | undefined;
        readonly Pending?: ConfigurationIdShape | undefined;
        readonly History?: readonly ConfigurationIdShape[] | undefined;
      }
    | undefined;
  readonly Users?:
    | readonly { readonly Username?: string | undefined; readonly PendingChange?: string | undefined }[]
    | undefined;
  readonly SecurityGroups?: readonly string[] | undefined;
  readonly PendingSecurityGroups?: readonly string[] | undefined;
  readonly SubnetIds?: readonly string[] | undefined;
  readonly Tags?: Readonly<Record<string, string>> | undefined;
  readonly HostInstanceType?: string | undefined;
  readonly StorageType?: string | undefined;
  readonly Created?: Date | string | undefined;
}

export interface BrokerSummaryShape {
  readonly BrokerId?: string | undefined;
  readonly BrokerArn?: string | undefined;
  readonly BrokerName?: string | undefined;
  readonly BrokerState?: string | undefined;
  readonly EngineType?: string | undefined;
  readonly DeploymentMode?: string | undefined;
}

export interface SecurityGroupRuleShape {
  readonly SecurityGroupRuleId?: string | undefined;
  readonly GroupId?: string | undefined;
  readonly IsEgress?: boolean | undefined;
  readonly IpProtocol?: string | undefined;
  readonly FromPort?: number | undefined;
  readonly ToPort?: number | undefined;
  readonly CidrIpv4?: string | undefined;
  readonly CidrIpv6?: string | undefined;
  readonly PrefixListId?: string | undefined;
  readonly ReferencedGroupInfo?:
    | { readonly GroupId?: string | undefined; readonly UserId?: string | undefined }
    | undefined;
  readonly Description?: string | undefined;
  readonly Tags?: TagListShape | undefined;
}

export interface SecurityGroupShape {
  readonly GroupId?: string | undefined;
  readonly GroupName?: string | undefined;
  readonly VpcId?: string | undefined;
  readonly Tags?: TagListShape | undefined;
}

export interface NetworkInterfaceShape {
  readonly NetworkInterfaceId?: string | undefined;
  readonly Description?: string | undefined;
  readonly InterfaceType?: string | undefined;
  readonly RequesterId?: string | undefined;
  readonly RequesterManaged?: boolean | undefined;
  readonly Attachment?: { readonly InstanceId?: string | undefined } | undefined;
  readonly Groups?:
    | readonly { readonly GroupId?: string | undefined; readonly GroupName?: string | undefined }[]
    | undefined;
}

export interface KeyMetadataShape {
  readonly KeyId?: string | undefined;
  readonly Arn?: string | undefined;
  readonly KeyManager?: string | undefined;
  readonly KeyState?: string | undefined;
  readonly DeletionDate?: Date | string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Field checks

const shapeError = (what: string, field: string, detail: string): UnexpectedShapeError =>
  new UnexpectedShapeError(`${what}: ${field} ${detail}`);

export const requireObject = (value: unknown, what: string, field: string): Record<string, unknown> => {
  if (!isPlainObject(value))
    throw shapeError(what, field, value === undefined ? 'is missing' : 'is not an object');
  return value;
};

export const requireString = (value: unknown, what: string, field: string): string => {
  if (typeof value !== 'string' || value.length === 0) {
    throw shapeError(what, field, value === undefined ? 'is missing' : 'is not a non-empty string');
  }
  return value;
};

export const optionalString = (value: unknown, what: string, field: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw shapeError(what, field, 'is not a string');
  return value;
};

const requireBoolean = (value: unknown, what: string, field: string): boolean => {
  if (typeof value !== 'boolean')
    throw shapeError(what, field, value === undefined ? 'is missing' : 'is not a boolean');
  return value;
};

const optionalBoolean = (value: unknown, what: string, field: string): boolean | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw shapeError(what, field, 'is not a boolean');
  return value;
};

export const requireInteger = (value: unknown, what: string, field: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw shapeError(what, field, value === undefined ? 'is missing' : 'is not an integer');
  }
  return value;
};

const stringList = (value: unknown, what: string, field: string): string[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw shapeError(what, field, 'is not a list');
  return value.map((item, index) => requireString(item, what, `${field}[${index}]`));
};

const isoTime = (value: unknown, what: string, field: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  const time = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) throw shapeError(what, field, 'is not a time');
  return time.toISOString();
};

/**
 * An enum field: a known value (matched case-insensitively, for fields AWS spells differently across
 * APIs and CLI) in its canonical spelling, or the raw string as AWS returned it. AWS adds enum values
 * without notice; an unknown one is carried, and only the checks that need it say they cannot judge it.
 */
const openEnum = <T extends string>(
  value: unknown,
  known: readonly T[],
  what: string,
  field: string,
): OpenEnum<T> => {
  const text = requireString(value, what, field);
  return known.find((candidate) => candidate === text.toUpperCase()) ?? text;
};

/** An enum field DescribeBroker may leave out (absent or null): undefined, else as `openEnum`. */
const optionalOpenEnum = <T extends string>(
  value: unknown,
  known: readonly T[],
  what: string,
  field: string,
): OpenEnum<T> | undefined =>
  value === undefined || value === null ? undefined : openEnum(value, known, what, field);

const KEY_MANAGERS = ['CUSTOMER', 'AWS'] as const;

// ---------------------------------------------------------------------------------------------
// Mappers

/**
 * EC2 returns tags as a `{Key, Value}` list, Amazon MQ as a map. A tag without a key is not a shape
 * AWS produces; a missing value is an empty one (EC2 allows empty values).
 */
export const mapTags = (
  tags:
    | readonly { Key?: string | undefined; Value?: string | undefined }[]
    | Readonly<Record<string, string>>
    | undefined,
): Tags => {
  if (tags === undefined || tags === null) return {};
  const result: Record<string, string> = {};
  if (Array.isArray(tags)) {
    tags.forEach((tag: unknown, index) => {
      const entry = requireObject(tag, 'Tags', `[${index}]`);
      const key = requireString(entry.Key, 'Tags', `[${index}].Key`);
      result[key] = optionalString(entry.Value, 'Tags', `[${index}].Value`) ?? '';
    });
    return result;
  }
  if (!isPlainObject(tags)) throw new UnexpectedShapeError('Tags is neither a list nor a map');
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw new UnexpectedShapeError(`Tags.${key} is not a string`);
    result[key] = value;
  }
  return result;
};

const configurationRef = (value: unknown, what: string, field: string): ConfigurationRef | undefined => {
  if (value === undefined || value === null) return undefined;
  const ref = requireObject(value, what, field);
  return {
    id: requireString(ref.Id, what, `${field}.Id`),
    revision: requireInteger(ref.Revision, what, `${field}.Revision`),
  };
};

const brokerUsers = (value: unknown, what: string): BrokerUser[] | undefined => {
  // Amazon MQ returns no user list for RabbitMQ brokers; the checks that read users say what is missing.
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw shapeError(what, 'Users', 'is not a list');
  return value.map((item: unknown, index) => {
    const user = requireObject(item, what, `Users[${index}]`);
    const username = requireString(user.Username, what, `Users[${index}].Username`);
    const pendingChange = optionalString(user.PendingChange, what, `Users[${index}].PendingChange`);
    return pendingChange === undefined ? { username } : { username, pendingChange };
  });
};

export const mapBroker = (output: DescribeBrokerShape): Broker => {
  const raw = requireObject(output, 'DescribeBroker', 'output');
  const id = requireString(raw.BrokerId, 'DescribeBroker', 'BrokerId');
  const what = `DescribeBroker ${id}`;
  const engineType = openEnum(raw.EngineType, ENGINE_TYPES, what, 'EngineType');

  // Absent on brokers created before LDAP support existed: those authenticate the simple way.
  const authenticationStrategy =
    optionalOpenEnum(raw.AuthenticationStrategy, AUTHENTICATION_STRATEGIES, what, 'AuthenticationStrategy') ??
    'SIMPLE';
  const pendingAuthenticationStrategy = optionalOpenEnum(
    raw.PendingAuthenticationStrategy,
    AUTHENTICATION_STRATEGIES,
    what,
    'PendingAuthenticationStrategy',
  );
  const storageType = optionalOpenEnum(raw.StorageType, STORAGE_TYPES, what, 'StorageType');

  const encryptionRaw =
    raw.EncryptionOptions === undefined || raw.EncryptionOptions === null
      ? undefined
      : requireObject(raw.EncryptionOptions, what, 'EncryptionOptions');
  const kmsKeyId = optionalString(encryptionRaw?.KmsKeyId, what, 'EncryptionOptions.KmsKeyId');
  // No options or no key id means the AWS owned key: the stricter reading for the customer-key check.
  const useAwsOwnedKey =
    optionalBoolean(encryptionRaw?.UseAwsOwnedKey, what, 'EncryptionOptions.UseAwsOwnedKey') ??
    kmsKeyId === undefined;
  if (!useAwsOwnedKey && kmsKeyId === undefined) {
    throw shapeError(what, 'EncryptionOptions.KmsKeyId', 'is missing while UseAwsOwnedKey is false');
  }

  const logsRaw = raw.Logs === undefined || raw.Logs === null ? {} : requireObject(raw.Logs, what, 'Logs');
  // A missing log flag reads as "off": never report logging that AWS did not confirm.
  const general = optionalBoolean(logsRaw.General, what, 'Logs.General') ?? false;
  // RabbitMQ has no audit log; an engine mq-guardian does not know keeps whatever AWS reported.
  const auditReported = optionalBoolean(logsRaw.Audit, what, 'Logs.Audit');
  const audit =
    engineType === 'ACTIVEMQ'
      ? (auditReported ?? false)
      : engineType === 'RABBITMQ'
        ? undefined
        : auditReported;
  const pendingRaw =
    logsRaw.Pending === undefined || logsRaw.Pending === null
      ? undefined
      : requireObject(logsRaw.Pending, what, 'Logs.Pending');
  const pendingAudit = optionalBoolean(pendingRaw?.Audit, what, 'Logs.Pending.Audit');
  const pendingGeneral = optionalBoolean(pendingRaw?.General, what, 'Logs.Pending.General');

  const configurationsRaw =
    raw.Configurations === undefined || raw.Configurations === null
      ? {}
      : requireObject(raw.Configurations, what, 'Configurations');
  const current = configurationRef(configurationsRaw.Current, what, 'Configurations.Current');
  const pending = configurationRef(configurationsRaw.Pending, what, 'Configurations.Pending');

  const hostInstanceType = optionalString(raw.HostInstanceType, what, 'HostInstanceType');
  const created = isoTime(raw.Created, what, 'Created');
  const users = brokerUsers(raw.Users, what);
  const pendingSecurityGroupIds = stringList(raw.PendingSecurityGroups, what, 'PendingSecurityGroups');

  return {
    id,
    arn: requireString(raw.BrokerArn, what, 'BrokerArn'),
    name: requireString(raw.BrokerName, what, 'BrokerName'),
    engineType,
    engineVersion: requireString(raw.EngineVersion, what, 'EngineVersion'),
    deploymentMode: openEnum(raw.DeploymentMode, DEPLOYMENT_MODES, what, 'DeploymentMode'),
    ...(storageType === undefined ? {} : { storageType }),
    state: requireString(raw.BrokerState, what, 'BrokerState'),
    publiclyAccessible: requireBoolean(raw.PubliclyAccessible, what, 'PubliclyAccessible'),
    autoMinorVersionUpgrade:
      optionalBoolean(raw.AutoMinorVersionUpgrade, what, 'AutoMinorVersionUpgrade') ?? false,
    authenticationStrategy,
    ...(pendingAuthenticationStrategy === undefined ? {} : { pendingAuthenticationStrategy }),
    encryption: kmsKeyId === undefined ? { useAwsOwnedKey } : { useAwsOwnedKey, kmsKeyId },
    logs: audit === undefined ? { general } : { audit, general },
    ...(pendingRaw === undefined
      ? {}
      : {
          pendingLogs: {
            ...(pendingAudit === undefined ? {} : { audit: pendingAudit }),
            ...(pendingGeneral === undefined ? {} : { general: pendingGeneral }),
          },
        }),
    configurations: {
      ...(current === undefined ? {} : { current }),
      ...(pending === undefined ? {} : { pending }),
    },
    ...(users === undefined ? {} : { users }),
    // Public RabbitMQ brokers have no security groups and no subnets to speak of.
    securityGroupIds: stringList(raw.SecurityGroups, what, 'SecurityGroups'),
    ...(pendingSecurityGroupIds.length === 0 ? {} : { pendingSecurityGroupIds }),
    subnetIds: stringList(raw.SubnetIds, what, 'SubnetIds'),
    tags: mapTags(raw.Tags as DescribeBrokerShape['Tags']),
    ...(hostInstanceType === undefined ? {} : { hostInstanceType }),
    ...(created === undefined ? {} : { created }),
  };
};

export const mapBrokerSummary = (item: BrokerSummaryShape): BrokerSummary => {
  const raw = requireObject(item, 'ListBrokers', 'BrokerSummaries[]');
  const id = requireString(raw.BrokerId, 'ListBrokers summary', 'BrokerId');
  const what = `ListBrokers summary ${id}`;
  return {
    id,
    arn: requireString(raw.BrokerArn, what, 'BrokerArn'),
    name: requireString(raw.BrokerName, what, 'BrokerName'),
    engineType: openEnum(raw.EngineType, ENGINE_TYPES, what, 'EngineType'),
    state: requireString(raw.BrokerState, what, 'BrokerState'),
    deploymentMode: openEnum(raw.DeploymentMode, DEPLOYMENT_MODES, what, 'DeploymentMode'),
  };
};

const ruleSource = (raw: Record<string, unknown>, what: string): RuleSource => {
  const sources: RuleSource[] = [];
  const cidrIpv4 = optionalString(raw.CidrIpv4, what, 'CidrIpv4');
  if (cidrIpv4 !== undefined) sources.push({ kind: 'cidrIpv4', cidr: cidrIpv4 });
  const cidrIpv6 = optionalString(raw.CidrIpv6, what, 'CidrIpv6');
  if (cidrIpv6 !== undefined) sources.push({ kind: 'cidrIpv6', cidr: cidrIpv6 });
  const prefixListId = optionalString(raw.PrefixListId, what, 'PrefixListId');
  if (prefixListId !== undefined) sources.push({ kind: 'prefixList', prefixListId });
  if (raw.ReferencedGroupInfo !== undefined && raw.ReferencedGroupInfo !== null) {
    const group = requireObject(raw.ReferencedGroupInfo, what, 'ReferencedGroupInfo');
    const groupId = requireString(group.GroupId, what, 'ReferencedGroupInfo.GroupId');
    const userId = optionalString(group.UserId, what, 'ReferencedGroupInfo.UserId');
    sources.push(
      userId === undefined ? { kind: 'securityGroup', groupId } : { kind: 'securityGroup', groupId, userId },
    );
  }
  if (sources.length !== 1) {
    throw shapeError(
      what,
      'CidrIpv4 | CidrIpv6 | PrefixListId | ReferencedGroupInfo',
      `must name exactly one source (found ${sources.length})`,
    );
  }
  return sources[0] as RuleSource;
};

/** One DescribeSecurityGroupRules item → an ingress rule, or null for an egress rule. */
export const mapSecurityGroupRule = (rule: SecurityGroupRuleShape): IngressRule | null => {
  const raw = requireObject(rule, 'SecurityGroupRule', 'item');
  const ruleId = requireString(raw.SecurityGroupRuleId, 'SecurityGroupRule', 'SecurityGroupRuleId');
  const what = `SecurityGroupRule ${ruleId}`;
  if (requireBoolean(raw.IsEgress, what, 'IsEgress')) return null;
  const protocol = requireString(raw.IpProtocol, what, 'IpProtocol').trim().toLowerCase();
  // All-traffic rules come with -1/-1; default to that only where EC2 itself ignores the ports.
  const fromPort =
    protocol === '-1' && raw.FromPort === undefined ? -1 : requireInteger(raw.FromPort, what, 'FromPort');
  const toPort =
    protocol === '-1' && raw.ToPort === undefined ? -1 : requireInteger(raw.ToPort, what, 'ToPort');
  const description = optionalString(raw.Description, what, 'Description');
  return {
    ruleId,
    groupId: requireString(raw.GroupId, what, 'GroupId'),
    protocol,
    fromPort,
    toPort,
    source: ruleSource(raw, what),
    ...(description === undefined || description === '' ? {} : { description }),
    tags: mapTags(raw.Tags as SecurityGroupRuleShape['Tags']),
  };
};

export const mapSecurityGroup = (group: SecurityGroupShape): SecurityGroupInfo => {
  const raw = requireObject(group, 'SecurityGroup', 'item');
  const groupId = requireString(raw.GroupId, 'SecurityGroup', 'GroupId');
  const what = `SecurityGroup ${groupId}`;
  const groupName = optionalString(raw.GroupName, what, 'GroupName');
  const vpcId = optionalString(raw.VpcId, what, 'VpcId');
  return {
    groupId,
    ...(groupName === undefined ? {} : { groupName }),
    ...(vpcId === undefined ? {} : { vpcId }),
    tags: mapTags(raw.Tags as SecurityGroupShape['Tags']),
  };
};

/**
 * Amazon MQ describes the interfaces it creates as `Amazon MQ network interface for broker b-…`
 * (seen in public code, not in AWS documentation). The id pattern is loose on purpose: broker ids in
 * AWS examples are not always hex.
 */
const BROKER_INTERFACE_DESCRIPTION =
  /^Amazon MQ network interface for broker (b-[0-9a-z]+(?:-[0-9a-z]+)*)\s*$/i;

/** The broker id an interface description names, when it is an Amazon MQ broker interface. */
export const brokerIdFromInterfaceDescription = (description: string): string | undefined => {
  const match = BROKER_INTERFACE_DESCRIPTION.exec(description.trim());
  return match?.[1]?.toLowerCase();
};

/** A requester id that names an AWS service other than Amazon MQ (`amazon-elb`, `amazon-rds`, …). */
const OTHER_SERVICE_REQUESTER = /^amazon-(?!mq$)/i;

/**
 * The broker an interface belongs to, on evidence AWS controls only; undefined when in doubt. A
 * description is free text anyone with ec2:ModifyNetworkInterfaceAttribute can write, except on a
 * requester-managed interface, whose attributes only the service that created it can change (EC2 User
 * Guide, "Requester-managed network interfaces"). So the description counts only together with
 * `RequesterManaged` true, no instance attachment (an instance's interface is never a broker's) and
 * type `interface`. `RequesterId` is "the alias or AWS account ID of the principal or service that
 * created the network interface" (same guide); Amazon MQ's is not documented, so it is not required,
 * but an alias of another AWS service (`amazon-elb`, `amazon-rds`, …) contradicts the description,
 * and in doubt the interface is not the broker's.
 */
export const brokerInterfaceEvidence = (eni: {
  readonly describedBrokerId?: string | undefined;
  readonly requesterManaged?: boolean | undefined;
  readonly requesterId?: string | undefined;
  readonly instanceId?: string | undefined;
  readonly interfaceType?: string | undefined;
}): string | undefined =>
  eni.describedBrokerId !== undefined &&
  eni.requesterManaged === true &&
  !OTHER_SERVICE_REQUESTER.test(eni.requesterId ?? '') &&
  eni.instanceId === undefined &&
  eni.interfaceType === 'interface'
    ? eni.describedBrokerId
    : undefined;

export const mapNetworkInterface = (eni: NetworkInterfaceShape): NetworkInterfaceUse => {
  const raw = requireObject(eni, 'NetworkInterface', 'item');
  const networkInterfaceId = requireString(raw.NetworkInterfaceId, 'NetworkInterface', 'NetworkInterfaceId');
  const what = `NetworkInterface ${networkInterfaceId}`;
  const description = optionalString(raw.Description, what, 'Description') ?? '';
  const interfaceType = optionalString(raw.InterfaceType, what, 'InterfaceType');
  const requesterId = optionalString(raw.RequesterId, what, 'RequesterId');
  const requesterManaged = optionalBoolean(raw.RequesterManaged, what, 'RequesterManaged');
  const attachment =
    raw.Attachment === undefined || raw.Attachment === null
      ? undefined
      : requireObject(raw.Attachment, what, 'Attachment');
  const instanceId = optionalString(attachment?.InstanceId, what, 'Attachment.InstanceId');
  if (!Array.isArray(raw.Groups)) {
    throw shapeError(what, 'Groups', raw.Groups === undefined ? 'is missing' : 'is not a list');
  }
  const groupIds = raw.Groups.map((item: unknown, index) =>
    requireString(requireObject(item, what, `Groups[${index}]`).GroupId, what, `Groups[${index}].GroupId`),
  );
  const describedBrokerId = brokerIdFromInterfaceDescription(description);
  const brokerId = brokerInterfaceEvidence({
    describedBrokerId,
    requesterManaged,
    requesterId,
    instanceId,
    interfaceType,
  });
  return {
    networkInterfaceId,
    description,
    ...(brokerId === undefined ? {} : { brokerId }),
    ...(describedBrokerId === undefined ? {} : { describedBrokerId }),
    ...(interfaceType === undefined ? {} : { interfaceType }),
    ...(requesterId === undefined ? {} : { requesterId }),
    ...(requesterManaged === undefined ? {} : { requesterManaged }),
    ...(instanceId === undefined ? {} : { instanceId }),
    groupIds,
  };
};

export const mapKeyMetadata = (meta: KeyMetadataShape): KmsKeyState => {
  const raw = requireObject(meta, 'KeyMetadata', 'output');
  const keyId = requireString(raw.KeyId, 'KeyMetadata', 'KeyId');
  const what = `KeyMetadata ${keyId}`;
  const deletionDate = isoTime(raw.DeletionDate, what, 'DeletionDate');
  return {
    status: 'found',
    keyId,
    arn: requireString(raw.Arn, what, 'Arn'),
    keyManager: openEnum(raw.KeyManager, KEY_MANAGERS, what, 'KeyManager'),
    keyState: requireString(raw.KeyState, what, 'KeyState'),
    ...(deletionDate === undefined ? {} : { deletionDate }),
  };
};
