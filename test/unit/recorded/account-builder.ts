/**
 * Small recorded-account files for tests that need one exact situation; the demo account
 * (events/accounts/demo-account.json) covers the realistic mix. Shapes as in the AWS samples.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type RecordedAccount, recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';

export const DEMO_ACCOUNT_PATH = fileURLToPath(
  new URL('../../../events/accounts/demo-account.json', import.meta.url),
);

/** A fresh copy of the demo account (writes to one never show in another). */
export const demoAccount = (): RecordedAccount =>
  recordedAccountFrom(JSON.parse(readFileSync(DEMO_ACCOUNT_PATH, 'utf8')) as unknown, DEMO_ACCOUNT_PATH);

export const ACCOUNT = '123456789012';
export const BROKER_ID = 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4';
export const CONFIGURATION_ID = 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a';
export const GROUP_ID = 'sg-1234567890abcdef0';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;

export const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export const MAP_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<broker xmlns="http://activemq.apache.org/schema/core">
  <plugins>
    <authorizationPlugin>
      <map>
        <authorizationMap>
          <authorizationEntries>
            <authorizationEntry admin="admin,activemq-webconsole" queue="&gt;" read="admin,activemq-webconsole" write="admin,activemq-webconsole"/>
            <authorizationEntry admin="admin,activemq-webconsole" topic="&gt;" read="admin,activemq-webconsole" write="admin,activemq-webconsole"/>
          </authorizationEntries>
        </authorizationMap>
      </map>
    </authorizationPlugin>
  </plugins>
</broker>`;

export type Json = Record<string, unknown>;

/** The DescribeBroker sample (cloudsploit, RUNNING broker) completed with the trimmed fields. */
export const aBrokerItem = (overrides: Json = {}): Json => ({
  AuthenticationStrategy: 'simple',
  AutoMinorVersionUpgrade: true,
  BrokerArn: `arn:aws:mq:us-east-1:${ACCOUNT}:broker:sadeed-br:${BROKER_ID}`,
  BrokerId: BROKER_ID,
  BrokerName: 'sadeed-br',
  BrokerState: 'RUNNING',
  Configurations: { Current: { Id: CONFIGURATION_ID, Revision: 1 }, History: [] },
  Created: '2021-11-15T08:21:57.182000+00:00',
  DeploymentMode: 'SINGLE_INSTANCE',
  EncryptionOptions: { KmsKeyId: KEY_ARN, UseAwsOwnedKey: false },
  EngineType: 'ActiveMQ',
  EngineVersion: '5.18',
  HostInstanceType: 'mq.t3.micro',
  Logs: { Audit: true, General: true },
  PubliclyAccessible: false,
  SecurityGroups: [GROUP_ID],
  SubnetIds: ['subnet-0123456789abcdef0'],
  Tags: {},
  Users: [{ Username: 'orders-app' }],
  ...overrides,
});

export const aRuleItem = (overrides: Json = {}): Json => ({
  SecurityGroupRuleId: 'sgr-01afa97ef3e1bedfc',
  GroupId: GROUP_ID,
  GroupOwnerId: ACCOUNT,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 61617,
  ToPort: 61617,
  CidrIpv4: '203.0.113.0/24',
  Tags: [],
  ...overrides,
});

export const aGroupItem = (overrides: Json = {}): Json => ({
  GroupId: GROUP_ID,
  GroupName: 'orders-broker',
  VpcId: 'vpc-1a2b3c4d',
  Tags: [],
  ...overrides,
});

export const aBrokerInterface = (brokerId: string, groupIds: readonly string[], id: string): Json => ({
  NetworkInterfaceId: id,
  Description: `Amazon MQ network interface for broker ${brokerId}`,
  InterfaceType: 'interface',
  RequesterId: 'AROAEXAMPLEMQSERVICE',
  RequesterManaged: true,
  Status: 'in-use',
  Groups: groupIds.map((GroupId) => ({ GroupId })),
});

export const anInstanceInterface = (instanceId: string, groupIds: readonly string[], id: string): Json => ({
  NetworkInterfaceId: id,
  Description: '',
  InterfaceType: 'interface',
  RequesterManaged: false,
  Status: 'in-use',
  Attachment: { InstanceId: instanceId, Status: 'attached' },
  Groups: groupIds.map((GroupId) => ({ GroupId })),
});

export const aKeyItem = (overrides: Json = {}): Json => ({
  AWSAccountId: ACCOUNT,
  KeyId: KEY_ID,
  Arn: KEY_ARN,
  KeyManager: 'CUSTOMER',
  KeyState: 'Enabled',
  Enabled: true,
  ...overrides,
});

/** One ActiveMQ broker with one group, two ingress rules and an egress rule, its interface and its key. */
export const anAccountFile = (overrides: Json = {}): Json => ({
  account: ACCOUNT,
  region: 'us-east-1',
  brokers: [aBrokerItem()],
  configurations: [
    {
      Id: CONFIGURATION_ID,
      Name: 'orders',
      EngineType: 'ACTIVEMQ',
      Revisions: [{ Revision: 1, Data: base64(MAP_XML) }],
    },
  ],
  securityGroups: [aGroupItem()],
  securityGroupRules: [
    aRuleItem(),
    aRuleItem({ SecurityGroupRuleId: 'sgr-0000000000000000b', FromPort: 8162, ToPort: 8162 }),
    aRuleItem({
      SecurityGroupRuleId: 'sgr-0000000000000000e',
      IsEgress: true,
      IpProtocol: '-1',
      FromPort: -1,
      ToPort: -1,
      CidrIpv4: '0.0.0.0/0',
    }),
  ],
  networkInterfaces: [aBrokerInterface(BROKER_ID, [GROUP_ID], 'eni-0b8e1b3b2c0d1a2b3')],
  kmsKeys: [aKeyItem({ Aliases: ['alias/orders-mq'] })],
  ...overrides,
});

export const anAccount = (overrides: Json = {}): RecordedAccount =>
  recordedAccountFrom(anAccountFile(overrides));
