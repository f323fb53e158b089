/**
 * Held-out DescribeBroker answers (Amazon MQ API Reference, DescribeBroker response) with enum values
 * mq-guardian has not seen and optional fields left out: only the checks that need the field may say
 * they cannot judge it, and never because of a field the check does not read.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../../shared/checks/registry.ts';
import type { CheckId, FindingStatus } from '../../../../shared/model/finding.ts';
import { type DescribeBrokerShape, mapBroker, mapKeyMetadata } from '../../../../shared/model/mappers.ts';
import { aSnapshot, BROKER_ID } from '../../../support/snapshot-builder.ts';
import { contextAt, KEY_ARN, KEY_ID } from '../support/broker-snapshots.ts';

const ACTIVEMQ: DescribeBrokerShape = {
  BrokerId: BROKER_ID,
  BrokerArn: `arn:aws:mq:us-east-1:123456789012:broker:orders:${BROKER_ID}`,
  BrokerName: 'orders',
  BrokerState: 'RUNNING',
  EngineType: 'ACTIVEMQ',
  EngineVersion: '5.19.1',
  DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
  StorageType: 'EFS',
  HostInstanceType: 'mq.m5.large',
  PubliclyAccessible: false,
  AutoMinorVersionUpgrade: true,
  AuthenticationStrategy: 'SIMPLE',
  EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ARN },
  Logs: { Audit: true, General: true },
  Configurations: { Current: { Id: 'c-1234', Revision: 4 } },
  Users: [{ Username: 'orders-app' }],
  SecurityGroups: ['sg-1234567890abcdef0'],
  SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  Tags: {},
};

const RABBITMQ: DescribeBrokerShape = {
  ...ACTIVEMQ,
  EngineType: 'RABBITMQ',
  EngineVersion: '3.13',
  DeploymentMode: 'CLUSTER_MULTI_AZ',
  StorageType: 'EBS',
  EncryptionOptions: { UseAwsOwnedKey: true },
  Logs: { General: true },
  Users: undefined,
};

const judge = (shape: DescribeBrokerShape) => {
  const broker = mapBroker(shape);
  const snapshot = aSnapshot({
    broker,
    ...(broker.encryption.kmsKeyId === undefined
      ? {}
      : {
          kmsKey: mapKeyMetadata({
            KeyId: KEY_ID,
            Arn: KEY_ARN,
            KeyManager: 'CUSTOMER',
            KeyState: 'Enabled',
          }),
        }),
    ...(broker.engineType === 'RABBITMQ'
      ? { configuration: { status: 'absent', reason: 'RabbitMQ configurations are not XML' } as const }
      : {}),
  });
  const findings = ALL_CHECKS.map((check) => check.evaluate(snapshot, contextAt()));
  const status = (id: CheckId): FindingStatus | undefined => findings.find((f) => f.checkId === id)?.status;
  return { erroring: findings.filter((f) => f.status === 'ERROR').map((f) => f.checkId), status };
};

describe('held-out DescribeBroker shapes', () => {
  it.each<[string, DescribeBrokerShape, readonly CheckId[]]>([
    ['a lower-case engine type', { ...ACTIVEMQ, EngineType: 'activemq' }, []],
    ['RabbitMQ spelled as the console does', { ...RABBITMQ, EngineType: 'RabbitMQ' }, []],
    ['an instance type Amazon MQ adds', { ...ACTIVEMQ, HostInstanceType: 'mq.m7g.2xlarge' }, []],
    ['a broker state Amazon MQ adds', { ...ACTIVEMQ, BrokerState: 'CRITICAL_ACTION_REQUIRED' }, []],
    ['REPLICA state of a cross-region replica', { ...ACTIVEMQ, BrokerState: 'REPLICA' }, []],
    ['a storage type Amazon MQ adds', { ...ACTIVEMQ, StorageType: 'GP3_PROVISIONED' }, []],
    [
      'a RabbitMQ authentication strategy Amazon MQ adds',
      { ...RABBITMQ, AuthenticationStrategy: 'OAUTH2_IAM' },
      [],
    ],
    [
      'an ActiveMQ authentication strategy Amazon MQ adds',
      { ...ACTIVEMQ, AuthenticationStrategy: 'IAM' },
      ['mq-broker-ldap-authentication'],
    ],
    [
      'a deployment mode Amazon MQ adds',
      { ...ACTIVEMQ, DeploymentMode: 'ACTIVE_ACTIVE_MULTI_REGION' },
      ['mq-broker-highly-available'],
    ],
    ['no Logs on ActiveMQ', { ...ACTIVEMQ, Logs: undefined }, []],
    ['no Logs on RabbitMQ', { ...RABBITMQ, Logs: undefined }, []],
    ['no EncryptionOptions', { ...ACTIVEMQ, EncryptionOptions: undefined }, []],
    [
      'no AuthenticationStrategy (brokers older than LDAP support)',
      { ...ACTIVEMQ, AuthenticationStrategy: undefined },
      [],
    ],
    ['no AutoMinorVersionUpgrade', { ...ACTIVEMQ, AutoMinorVersionUpgrade: undefined }, []],
    [
      'no StorageType or HostInstanceType',
      { ...ACTIVEMQ, StorageType: undefined, HostInstanceType: undefined },
      [],
    ],
    ['no Tags', { ...ACTIVEMQ, Tags: undefined }, []],
    ['RabbitMQ without Users', RABBITMQ, []],
    ['RabbitMQ with an empty user list', { ...RABBITMQ, Users: [] }, []],
    [
      'a RabbitMQ broker with a customer key',
      { ...RABBITMQ, EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ARN } },
      [],
    ],
    [
      'ActiveMQ without Users (never returned that way: the user list was not read)',
      { ...ACTIVEMQ, Users: undefined },
      ['mq-broker-no-pii-in-identifiers'],
    ],
  ])('%s: ERROR only on %j', (_name, shape, expected) => {
    // Act
    const { erroring } = judge(shape);

    // Assess
    expect(erroring).toEqual(expected);
  });

  it.each<[string, DescribeBrokerShape, CheckId, FindingStatus]>([
    [
      'no Logs means no audit log',
      { ...ACTIVEMQ, Logs: undefined },
      'mq-broker-audit-logging-enabled',
      'FAIL',
    ],
    [
      'no EncryptionOptions means the AWS owned key',
      { ...ACTIVEMQ, EncryptionOptions: undefined },
      'mq-broker-encrypted-with-customer-key',
      'FAIL',
    ],
    [
      'a RabbitMQ customer key is evaluated',
      { ...RABBITMQ, EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ARN } },
      'mq-broker-encrypted-with-customer-key',
      'PASS',
    ],
    [
      'a RabbitMQ broker without a key is not applicable',
      RABBITMQ,
      'mq-broker-encrypted-with-customer-key',
      'NOT_APPLICABLE',
    ],
    [
      'a RabbitMQ new authentication strategy is not an ActiveMQ LDAP question',
      { ...RABBITMQ, AuthenticationStrategy: 'OAUTH2_IAM' },
      'mq-broker-ldap-authentication',
      'NOT_APPLICABLE',
    ],
    [
      'an unseen deployment mode is not judged highly available',
      { ...ACTIVEMQ, DeploymentMode: 'ACTIVE_ACTIVE_MULTI_REGION' },
      'mq-broker-highly-available',
      'ERROR',
    ],
    [
      'no AutoMinorVersionUpgrade reads as off',
      { ...ACTIVEMQ, AutoMinorVersionUpgrade: undefined },
      'mq-broker-auto-minor-version-upgrade-enabled',
      'FAIL',
    ],
  ])('%s', (_name, shape, checkId, expected) => {
    // Act
    const { status } = judge(shape);

    // Assess
    expect(status(checkId)).toBe(expected);
  });
});
