import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot, KmsKeyState } from '../model/types.ts';
import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { describeValue, fieldsEvidence, unexpectedValue } from './support/fields.ts';

const KEY_ID_PATH = 'EncryptionOptions.KmsKeyId';
const OWNED_KEY_PATH = 'EncryptionOptions.UseAwsOwnedKey';

const meta: CheckMeta = {
  id: 'mq-broker-encrypted-with-customer-key',
  title: 'Broker data at rest is encrypted with an enabled customer managed KMS key',
  // MEDIUM: data is encrypted at rest either way; a customer managed key adds control (key policy,
  // rotation, revocation) and a CloudTrail record of every use. A disabled or deleted key is an
  // availability emergency, but it is reported through the message, not a different severity.
  severity: 'MEDIUM',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'With an AWS owned or AWS managed key the account cannot restrict, audit or revoke access to the key that ' +
    'protects the messages at rest. If the customer managed key is disabled or deleted, the broker can no ' +
    'longer read its own storage and stops working.',
  remediation: {
    text:
      'Encryption options are fixed when the broker is created. Create a new ActiveMQ broker with a customer ' +
      'managed KMS key (UseAwsOwnedKey false, KmsKeyId your key) and move clients to it. If the key is ' +
      'disabled, enable it again; if it is pending deletion, cancel the deletion (kms cancel-key-deletion) ' +
      'and enable it.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html',
  },
  autoRemediable: false,
  source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html',
};

const stopsWorking = 'the broker stops working without it';

const keyFinding = (snapshot: BrokerSnapshot, key: Extract<KmsKeyState, { status: 'found' }>): Finding => {
  const label = brokerLabel(snapshot);
  const state: unknown = key.keyState;
  if (state !== 'Enabled') {
    const stateText = typeof state === 'string' ? state : describeValue(state);
    if (state === 'PendingDeletion') {
      const when = key.deletionDate ? ` on ${key.deletionDate}` : '';
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} is encrypted with KMS key ${key.keyId}, which is scheduled for deletion${when}: ${stopsWorking}.`,
        fieldsEvidence({
          path: KEY_ID_PATH,
          detail: `key ${key.keyId} is PendingDeletion${when}; cancel the deletion or ${stopsWorking}`,
        }),
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} is encrypted with KMS key ${key.keyId}, which is ${stateText}, not Enabled: ${stopsWorking}.`,
      fieldsEvidence({ path: KEY_ID_PATH, detail: `key ${key.keyId} is ${stateText}; ${stopsWorking}` }),
    );
  }
  const manager: unknown = key.keyManager;
  if (manager === 'AWS') {
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} is encrypted with the AWS managed key ${key.keyId} (aws/mq), not a customer managed KMS key.`,
      fieldsEvidence({ path: KEY_ID_PATH, detail: `key ${key.keyId} is AWS managed (aws/mq)` }),
    );
  }
  if (manager !== 'CUSTOMER') {
    return unexpectedValue(meta, snapshot, `${KEY_ID_PATH} (KeyManager)`, manager, 'CUSTOMER or AWS');
  }
  return makeFinding(
    meta,
    snapshot,
    'PASS',
    `${label} is encrypted with the customer managed KMS key ${key.keyId}, which is enabled.`,
  );
};

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const label = brokerLabel(snapshot);
    // Decided by what the broker reports, not by its engine: a RabbitMQ broker that reports a key
    // has that key evaluated like any other.
    if (snapshot.broker.engineType === 'RABBITMQ' && snapshot.broker.encryption?.kmsKeyId === undefined) {
      return makeFinding(
        meta,
        snapshot,
        'NOT_APPLICABLE',
        `${label} runs RabbitMQ and reports no customer managed key (EncryptionOptions.KmsKeyId): Amazon MQ encrypts it at rest with an AWS owned key.`,
      );
    }
    const owned: unknown = snapshot.broker.encryption?.useAwsOwnedKey;
    if (typeof owned !== 'boolean')
      return unexpectedValue(meta, snapshot, OWNED_KEY_PATH, owned, 'true or false');
    if (owned) {
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} is encrypted with an AWS owned key, not a customer managed KMS key.`,
        fieldsEvidence({
          path: OWNED_KEY_PATH,
          detail: 'true: AWS owned key, not visible or controllable in the account',
        }),
      );
    }
    const key = snapshot.kmsKey;
    if (!key) {
      const keyId = snapshot.broker.encryption.kmsKeyId;
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} could not be checked: it uses KMS key ${keyId ?? '(id not reported)'} but the snapshot holds no state for that key.`,
        fieldsEvidence({ path: KEY_ID_PATH, detail: 'key state missing from the snapshot; not evaluated' }),
      );
    }
    if (key.status === 'unreadable') {
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} could not be checked: its KMS key ${key.keyId} could not be read (${key.reason}).`,
        fieldsEvidence({ path: KEY_ID_PATH, detail: `key ${key.keyId} unreadable: ${key.reason}` }),
      );
    }
    if (key.status !== 'found')
      return unexpectedValue(meta, snapshot, `${KEY_ID_PATH} (key status)`, key, 'a KMS key state');
    return keyFinding(snapshot, key);
  },
};
