import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-encrypted-with-customer-key.ts';
import type { BrokerSnapshot, KmsKeyState } from '../../../shared/model/types.ts';
import {
  aCustomerKey,
  activeMqSnapshot,
  contextAt,
  evidencePaths,
  evidenceText,
  KEY_ARN,
  KEY_ID,
  rabbitMqSnapshot,
  SAMPLE_ACTIVEMQ,
  withRaw,
} from './support/broker-snapshots.ts';

const BROKER = 'Broker orders-prod (b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9)';
const AWS_MANAGED_KEY = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const withKey = (kmsKey: KmsKeyState | undefined): BrokerSnapshot => activeMqSnapshot({}, { kmsKey });

describe('mq-broker-encrypted-with-customer-key', () => {
  it.each<[string, BrokerSnapshot, string, string]>([
    [
      'an enabled customer managed key',
      withKey(aCustomerKey()),
      'PASS',
      `${BROKER} is encrypted with the customer managed KMS key ${KEY_ID}, which is enabled.`,
    ],
    [
      'the customer managed key of the DescribeBroker sample',
      SAMPLE_ACTIVEMQ,
      'PASS',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) is encrypted with the customer managed KMS key c4750c1a-72e5-4d16-bc72-0e7b559e0250, which is enabled.',
    ],
    [
      'an AWS owned key',
      activeMqSnapshot({ encryption: { useAwsOwnedKey: true } }, { kmsKey: undefined }),
      'FAIL',
      `${BROKER} is encrypted with an AWS owned key, not a customer managed KMS key.`,
    ],
    [
      'the AWS managed key aws/mq',
      withKey(aCustomerKey({ keyId: AWS_MANAGED_KEY, keyManager: 'AWS' })),
      'FAIL',
      `${BROKER} is encrypted with the AWS managed key ${AWS_MANAGED_KEY} (aws/mq), not a customer managed KMS key.`,
    ],
    [
      'a disabled customer managed key',
      withKey(aCustomerKey({ keyState: 'Disabled' })),
      'FAIL',
      `${BROKER} is encrypted with KMS key ${KEY_ID}, which is Disabled, not Enabled: the broker stops working without it.`,
    ],
    [
      'a customer managed key pending deletion',
      withKey(aCustomerKey({ keyState: 'PendingDeletion', deletionDate: '2026-12-01T00:00:00.000Z' })),
      'FAIL',
      `${BROKER} is encrypted with KMS key ${KEY_ID}, which is scheduled for deletion on 2026-12-01T00:00:00.000Z: the broker stops working without it.`,
    ],
    [
      'a key pending deletion without a date',
      withKey(aCustomerKey({ keyState: 'PendingDeletion' })),
      'FAIL',
      `${BROKER} is encrypted with KMS key ${KEY_ID}, which is scheduled for deletion: the broker stops working without it.`,
    ],
    [
      'an unavailable key (external key store disconnected)',
      withKey(aCustomerKey({ keyState: 'Unavailable' })),
      'FAIL',
      `${BROKER} is encrypted with KMS key ${KEY_ID}, which is Unavailable, not Enabled: the broker stops working without it.`,
    ],
    [
      'a key state KMS may add later',
      withKey(aCustomerKey({ keyState: 'Quarantined' })),
      'FAIL',
      `${BROKER} is encrypted with KMS key ${KEY_ID}, which is Quarantined, not Enabled: the broker stops working without it.`,
    ],
  ])('reports %s as %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
  });

  it('reports a disabled AWS managed key by its state first: that is what breaks the broker', () => {
    // Prepare
    const snapshot = withKey(aCustomerKey({ keyManager: 'AWS', keyState: 'Disabled' }));

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain('which is Disabled');
  });

  it.each<[string, KmsKeyState]>([
    ['disabled', aCustomerKey({ keyState: 'Disabled' })],
    [
      'pending deletion',
      aCustomerKey({ keyState: 'PendingDeletion', deletionDate: '2026-12-01T00:00:00.000Z' }),
    ],
  ])('warns in the evidence that the broker stops working when its key is %s', (_case, key) => {
    // Act
    const finding = check.evaluate(withKey(key), contextAt());

    // Assess
    expect(evidencePaths(finding)).toEqual(['EncryptionOptions.KmsKeyId']);
    expect(evidenceText(finding)).toContain('the broker stops working without it');
  });

  it('reports ERROR with the reason when the key cannot be read, never PASS', () => {
    // Prepare
    const snapshot = withKey({
      status: 'unreadable',
      keyId: KEY_ARN,
      reason: 'AccessDeniedException: kms:DescribeKey',
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${BROKER} could not be checked: its KMS key ${KEY_ARN} could not be read (AccessDeniedException: kms:DescribeKey).`,
    );
  });

  it('reports ERROR when the broker uses a KMS key but the snapshot holds no state for it', () => {
    // Prepare
    const snapshot = withKey(undefined);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain(`uses KMS key ${KEY_ARN} but the snapshot holds no state for that key`);
    expect(evidencePaths(finding)).toEqual(['EncryptionOptions.KmsKeyId']);
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['a string', 'true'],
  ])('reports ERROR when UseAwsOwnedKey is %s', (_case, value) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'encryption', { useAwsOwnedKey: value });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(evidencePaths(finding)).toEqual(['EncryptionOptions.UseAwsOwnedKey']);
  });

  it('reports ERROR when the key manager is neither CUSTOMER nor AWS', () => {
    // Prepare
    const key = { ...aCustomerKey(), keyManager: 'EXTERNAL' } as unknown as KmsKeyState;

    // Act
    const finding = check.evaluate(withKey(key), contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
  });

  it('reports a RabbitMQ broker that reports no key as NOT_APPLICABLE, naming the field', () => {
    // Act
    const finding = check.evaluate(rabbitMqSnapshot(), contextAt());

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toContain('EncryptionOptions.KmsKeyId');
  });

  it.each<[string, 'PASS' | 'FAIL']>([
    ['Enabled', 'PASS'],
    ['PendingDeletion', 'FAIL'],
  ])('evaluates the key a RabbitMQ broker reports (%s → %s)', (keyState, expected) => {
    // Prepare
    const snapshot = rabbitMqSnapshot(
      { encryption: { useAwsOwnedKey: false, kmsKeyId: KEY_ARN } },
      { kmsKey: aCustomerKey({ keyState }) },
    );

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(expected);
  });

  it('is declared for both engines, at MEDIUM severity', () => {
    // Assess
    expect(check.meta.engines).toEqual(['ACTIVEMQ', 'RABBITMQ']);
    expect(check.meta.severity).toBe('MEDIUM');
    expect(check.meta.autoRemediable).toBe(false);
  });
});
