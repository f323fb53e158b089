/**
 * AWS adds enum values without notice. A value mq-guardian has never seen must blind only the checks
 * that need that field; every other check still evaluates the broker.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../shared/checks/registry.ts';
import type { CheckId } from '../../../shared/model/finding.ts';
import { type DescribeBrokerShape, mapBroker, mapKeyMetadata } from '../../../shared/model/mappers.ts';
import { aSnapshot, BROKER_ID } from '../../support/snapshot-builder.ts';
import { contextAt, KEY_ARN, KEY_ID } from './support/broker-snapshots.ts';

const describeBroker = (overrides: Record<string, unknown> = {}): DescribeBrokerShape =>
  ({
    BrokerId: BROKER_ID,
    BrokerArn: `arn:aws:mq:us-east-1:123456789012:broker:orders:${BROKER_ID}`,
    BrokerName: 'orders',
    BrokerState: 'RUNNING',
    EngineType: 'ACTIVEMQ',
    EngineVersion: '5.18.4',
    DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
    StorageType: 'EFS',
    PubliclyAccessible: false,
    AutoMinorVersionUpgrade: true,
    AuthenticationStrategy: 'SIMPLE',
    EncryptionOptions: { UseAwsOwnedKey: false, KmsKeyId: KEY_ARN },
    Logs: { Audit: true, General: true },
    Configurations: { Current: { Id: 'c-1234', Revision: 1 } },
    Users: [{ Username: 'orders-app' }],
    SecurityGroups: ['sg-1234567890abcdef0'],
    SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    Tags: { team: 'orders' },
    ...overrides,
  }) as DescribeBrokerShape;

const keyMetadata = (overrides: Record<string, unknown> = {}) =>
  mapKeyMetadata({ KeyId: KEY_ID, Arn: KEY_ARN, KeyManager: 'CUSTOMER', KeyState: 'Enabled', ...overrides });

const errors = (brokerOverrides: Record<string, unknown>, keyOverrides: Record<string, unknown> = {}) => {
  const snapshot = aSnapshot({
    broker: mapBroker(describeBroker(brokerOverrides)),
    kmsKey: keyMetadata(keyOverrides),
  });
  const findings = ALL_CHECKS.map((check) => check.evaluate(snapshot, contextAt()));
  return {
    erroring: findings.filter((f) => f.status === 'ERROR').map((f) => f.checkId),
    messages: findings.filter((f) => f.status === 'ERROR').map((f) => f.message),
  };
};

describe('checks over a broker with an enum value mq-guardian has never seen', () => {
  it('evaluates every check of the baseline broker without ERROR', () => {
    // Act
    const { erroring } = errors({});

    // Assess
    expect(erroring).toEqual([]);
  });

  it.each<[string, string, readonly CheckId[]]>([
    [
      'EngineType',
      'KAFKA',
      [
        'mq-broker-authorization-map-configured',
        'mq-broker-system-group-configured',
        'mq-broker-ingress-limited-to-used-protocols',
        'mq-broker-audit-logging-enabled',
        'mq-broker-engine-version-supported',
        'mq-broker-highly-available',
        'mq-broker-ldap-authentication',
      ],
    ],
    ['DeploymentMode', 'MULTI_REGION_ACTIVE', ['mq-broker-highly-available']],
    ['AuthenticationStrategy', 'PASSKEY', ['mq-broker-ldap-authentication']],
    ['StorageType', 'S3_EXPRESS', []],
    ['BrokerState', 'HIBERNATING', []],
    ['DataReplicationMode', 'ACTIVE_ACTIVE', []],
    ['PendingDataReplicationMode', 'ACTIVE_ACTIVE', []],
  ])('an unseen %s (%s) blinds only the checks that need it', (field, value, expected) => {
    // Act
    const { erroring, messages } = errors({ [field]: value });

    // Assess
    expect(erroring).toEqual(expected);
    for (const message of messages) expect(message).toContain(value);
  });

  it('an unseen KMS KeyManager blinds only the customer-key check', () => {
    // Act
    const { erroring, messages } = errors({}, { KeyManager: 'EXTERNAL_PARTNER' });

    // Assess
    expect(erroring).toEqual(['mq-broker-encrypted-with-customer-key']);
    expect(messages[0]).toContain('EXTERNAL_PARTNER');
  });

  it('evaluates a RabbitMQ broker with CONFIG_MANAGED authentication and no user list on every check', () => {
    // Prepare
    const broker = mapBroker(
      describeBroker({
        EngineType: 'RABBITMQ',
        EngineVersion: '4.2.1',
        DeploymentMode: 'CLUSTER_MULTI_AZ',
        AuthenticationStrategy: 'CONFIG_MANAGED',
        EncryptionOptions: { UseAwsOwnedKey: true },
        Logs: { General: true },
        Users: undefined,
      }),
    );
    const snapshot = aSnapshot({
      broker,
      configuration: { status: 'absent', reason: 'RabbitMQ configurations are not evaluated' },
    });

    // Act
    const findings = ALL_CHECKS.map((check) => check.evaluate(snapshot, contextAt()));

    // Assess
    expect(findings.filter((f) => f.status === 'ERROR')).toEqual([]);
    expect(findings.find((f) => f.checkId === 'mq-broker-ldap-authentication')?.status).toBe(
      'NOT_APPLICABLE',
    );
    expect(findings.find((f) => f.checkId === 'mq-broker-no-pii-in-identifiers')?.status).toBe('PASS');
  });
});
