/**
 * Recorded accounts for the Config-rule and sweep tests, in the recorded-account file format
 * (shared/recorded/account-file.ts: SDK output shapes, PascalCase). The ids are those of the sample
 * events in events/ (events/README.md "Ids used"): orders-prod `b-…0001` in `sg-…0001`, so that
 * the Config invocation files name resources these accounts hold. Values are made up.
 */
import { readFileSync } from 'node:fs';
import { type RecordedAccount, recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const ORDERS_GROUP_ID = 'sg-0a1b2c3d4e5f60001';
export const CLIENTS_GROUP_ID = 'sg-0a1b2c3d4e5f60003';
export const UNUSED_GROUP_ID = 'sg-0a1b2c3d4e5f60009';
export const CONFIGURATION_ID = 'c-1a2b3c4d-0000-4000-8000-000000000001';
export const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** `b-1a2b3c4d-0000-4000-8000-00000000000n`: 1 is orders-prod, 4 the deleted legacy-reports. */
export const brokerId = (n: number): string =>
  `b-1a2b3c4d-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
export const ORDERS_BROKER_ID = brokerId(1);
export const REPLICA_BROKER_ID = brokerId(2);

const base64 = (text: string) => Buffer.from(text).toString('base64');
const activeMqXml = (name: string) =>
  readFileSync(new URL(`../../fixtures/activemq/${name}`, import.meta.url), 'utf8');

/** A revision with an authorization map that grants activemq-webconsole (workshop lab 6). */
export const WITH_MAP_REVISION = base64(activeMqXml('lab6-with-webconsole.xml'));
/** The Amazon MQ default configuration: every plugin commented out, no authorization map. */
export const DEFAULT_REVISION = base64(activeMqXml('amazonmq-default-config.xml'));

export interface BrokerOptions {
  readonly name?: string;
  readonly groups?: readonly string[];
  readonly revision?: number;
  readonly engineVersion?: string;
  readonly publiclyAccessible?: boolean;
  readonly tags?: Record<string, string>;
}

/** A DescribeBroker output: a compliant ActiveMQ broker unless options say otherwise. */
export const describeBroker = (id: string, options: BrokerOptions = {}) => {
  const name = options.name ?? `broker-${id.slice(-4)}`;
  return {
    AuthenticationStrategy: 'simple',
    AutoMinorVersionUpgrade: true,
    BrokerArn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:${name}:${id}`,
    BrokerId: id,
    BrokerName: name,
    BrokerState: 'RUNNING',
    Configurations: { Current: { Id: CONFIGURATION_ID, Revision: options.revision ?? 2 }, History: [] },
    Created: '2024-11-04T13:22:10.000Z',
    DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
    EncryptionOptions: { KmsKeyId: KEY_ARN, UseAwsOwnedKey: false },
    EngineType: 'ActiveMQ',
    EngineVersion: options.engineVersion ?? '5.18',
    HostInstanceType: 'mq.m5.large',
    Logs: { Audit: true, General: true },
    PubliclyAccessible: options.publiclyAccessible ?? false,
    SecurityGroups: [...(options.groups ?? [ORDERS_GROUP_ID])],
    SubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
    Tags: options.tags ?? {},
    Users: [{ Username: 'app-orders-writer' }],
  };
};

export interface RuleOptions {
  readonly groupId?: string;
  readonly protocol?: string;
  readonly from: number;
  readonly to?: number;
  readonly cidr?: string;
  readonly sourceGroupId?: string;
}

/** A DescribeSecurityGroupRules ingress item. */
export const ingressRule = (ruleId: string, options: RuleOptions) => ({
  SecurityGroupRuleId: ruleId,
  GroupId: options.groupId ?? ORDERS_GROUP_ID,
  GroupOwnerId: ACCOUNT,
  IsEgress: false,
  IpProtocol: options.protocol ?? 'tcp',
  FromPort: options.from,
  ToPort: options.to ?? options.from,
  ...(options.sourceGroupId
    ? { ReferencedGroupInfo: { GroupId: options.sourceGroupId, UserId: ACCOUNT } }
    : { CidrIpv4: options.cidr ?? '10.20.0.0/16' }),
  Tags: [],
});

/** The interface Amazon MQ creates for a broker (its description names the broker). */
export const brokerInterface = (id: string, groups: readonly string[], index = 1) => ({
  AvailabilityZone: 'us-east-1a',
  Description: `Amazon MQ network interface for broker ${id}`,
  Groups: groups.map((GroupId) => ({ GroupId, GroupName: GroupId })),
  InterfaceType: 'interface',
  NetworkInterfaceId: `eni-${id.slice(-12)}${index.toString(16).padStart(5, '0')}`,
  OwnerId: ACCOUNT,
  PrivateIpAddress: '10.20.1.15',
  RequesterId: 'AROAEXAMPLEMQSERVICE',
  RequesterManaged: true,
  Status: 'in-use',
  SubnetId: 'subnet-0a1b2c3d4e5f60001',
  VpcId: 'vpc-0a1b2c3d4e5f60001',
});

export const securityGroup = (groupId: string) => ({
  GroupId: groupId,
  GroupName: `group-${groupId.slice(-4)}`,
  VpcId: 'vpc-0a1b2c3d4e5f60001',
  Tags: [],
});

export const customerKey = {
  KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  Arn: KEY_ARN,
  KeyManager: 'CUSTOMER',
  KeyState: 'Enabled',
  Enabled: true,
};

export interface AccountParts {
  readonly brokers: readonly ReturnType<typeof describeBroker>[];
  readonly rules?: readonly ReturnType<typeof ingressRule>[];
  readonly groups?: readonly string[];
  /** Interfaces; by default one per broker, with the broker's groups. */
  readonly interfaces?: readonly ReturnType<typeof brokerInterface>[];
}

/** A recorded account file: revision 1 without an authorization map, revision 2 with one. */
export const accountFile = (parts: AccountParts) => {
  const groups = parts.groups ?? [
    ...new Set([ORDERS_GROUP_ID, CLIENTS_GROUP_ID, ...parts.brokers.flatMap((b) => b.SecurityGroups)]),
  ];
  return {
    account: ACCOUNT,
    region: REGION,
    brokers: parts.brokers,
    configurations: [
      {
        Id: CONFIGURATION_ID,
        Name: 'orders-prod-config',
        EngineType: 'ACTIVEMQ',
        Revisions: [
          { Revision: 1, Data: DEFAULT_REVISION },
          { Revision: 2, Data: WITH_MAP_REVISION },
        ],
      },
    ],
    securityGroups: groups.map(securityGroup),
    securityGroupRules: parts.rules ?? [
      ingressRule('sgr-0a1b2c3d4e5f60005', { from: 61617, sourceGroupId: CLIENTS_GROUP_ID }),
    ],
    networkInterfaces:
      parts.interfaces ?? parts.brokers.map((b) => brokerInterface(b.BrokerId, b.SecurityGroups)),
    kmsKeys: [customerKey],
  };
};

export const recordedAccount = (parts: AccountParts): RecordedAccount =>
  recordedAccountFrom(accountFile(parts), 'test account');

/**
 * Two brokers in `sg-…0001`, whose rule `sgr-…0004` (tcp 0-65535 from 10.20.0.0/16, the rule of
 * events/config-change-security-group.json) opens far more than either uses, and orders-prod also in
 * `sg-…0003`, which admits only OpenWire.
 */
export const twoBrokersSharingAGroup = (): RecordedAccount =>
  recordedAccount({
    brokers: [
      describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod', groups: [ORDERS_GROUP_ID, CLIENTS_GROUP_ID] }),
      describeBroker(REPLICA_BROKER_ID, { name: 'orders-replica', groups: [ORDERS_GROUP_ID] }),
    ],
    rules: [
      ingressRule('sgr-0a1b2c3d4e5f60004', { from: 0, to: 65535, cidr: '10.20.0.0/16' }),
      ingressRule('sgr-0a1b2c3d4e5f60005', { groupId: CLIENTS_GROUP_ID, from: 61617, cidr: '10.30.0.0/16' }),
    ],
  });

export const readEvent = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../events/${name}`, import.meta.url), 'utf8'));
