/**
 * Real-shaped snapshots for the field checks, on top of test/support/snapshot-builder.ts.
 *
 * `SAMPLE_ACTIVEMQ` carries the values of the running broker in the CloudSploit DescribeBroker
 * sample (aquasecurity/cloudsploit plugins/aws/mq/mqBrokerEncrypted.spec.js), as a mapper
 * would turn them into our model: ActiveMQ 5.16.3, single instance, customer KMS key, lower-case
 * "simple" authentication (as that CLI output shows).
 */
import type { CheckContext } from '../../../../shared/checks/check.ts';
import type { Finding } from '../../../../shared/model/finding.ts';
import type { Broker, BrokerSnapshot, KmsKeyState } from '../../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import { ACCOUNT, aBroker, aSnapshot, REGION } from '../../../support/snapshot-builder.ts';

export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;

export const aCustomerKey = (
  overrides: Partial<Extract<KmsKeyState, { status: 'found' }>> = {},
): KmsKeyState => ({
  status: 'found',
  keyId: KEY_ID,
  arn: KEY_ARN,
  keyManager: 'CUSTOMER',
  keyState: 'Enabled',
  ...overrides,
});

/** A compliant ActiveMQ broker: private, active/standby, customer key, audit and general logs. */
export const activeMqSnapshot = (
  broker: Partial<Broker> = {},
  snapshot: Partial<BrokerSnapshot> = {},
): BrokerSnapshot =>
  aSnapshot({ broker: aBroker({ engineVersion: '5.18', ...broker }), kmsKey: aCustomerKey(), ...snapshot });

export const RABBIT_ID = 'b-9f3c2a1e-4b5d-4c6e-8f70-1a2b3c4d5e6f';

/** A compliant RabbitMQ broker: private cluster, AWS owned key (the only option), general logs. */
export const rabbitMqSnapshot = (
  broker: Partial<Broker> = {},
  snapshot: Partial<BrokerSnapshot> = {},
): BrokerSnapshot => {
  const rabbit = aBroker({
    id: RABBIT_ID,
    arn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:events-prod:${RABBIT_ID}`,
    name: 'events-prod',
    engineType: 'RABBITMQ',
    engineVersion: '3.13',
    deploymentMode: 'CLUSTER_MULTI_AZ',
    encryption: { useAwsOwnedKey: true },
    logs: { general: true },
    configurations: { current: { id: 'c-0f1e2d3c-4b5a-4968-8776-655443322110', revision: 2 } },
    ...broker,
  });
  return aSnapshot({
    broker: rabbit,
    configuration: { status: 'absent', reason: 'RabbitMQ configurations are Cuttlefish, not XML' },
    ...snapshot,
  });
};

const SAMPLE_ID = 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4';
const SAMPLE_ACCOUNT = '000011112222';
const SAMPLE_KEY = 'c4750c1a-72e5-4d16-bc72-0e7b559e0250';

export const SAMPLE_ACTIVEMQ: BrokerSnapshot = aSnapshot({
  account: SAMPLE_ACCOUNT,
  broker: aBroker({
    id: SAMPLE_ID,
    arn: `arn:aws:mq:us-east-1:${SAMPLE_ACCOUNT}:broker:sadeed-br:${SAMPLE_ID}`,
    name: 'sadeed-br',
    engineType: 'ACTIVEMQ',
    engineVersion: '5.16.3',
    deploymentMode: 'SINGLE_INSTANCE',
    state: 'RUNNING',
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    authenticationStrategy: 'simple' as Broker['authenticationStrategy'],
    encryption: {
      useAwsOwnedKey: false,
      kmsKeyId: `arn:aws:kms:us-east-1:${SAMPLE_ACCOUNT}:key/${SAMPLE_KEY}`,
    },
    logs: { audit: false, general: false },
    configurations: { current: { id: 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a', revision: 1 } },
    hostInstanceType: 'mq.t3.micro',
    created: '2021-11-15T08:21:57.182000+00:00',
  }),
  kmsKey: {
    status: 'found',
    keyId: SAMPLE_KEY,
    arn: `arn:aws:kms:us-east-1:${SAMPLE_ACCOUNT}:key/${SAMPLE_KEY}`,
    keyManager: 'CUSTOMER',
    keyState: 'Enabled',
  },
});

export const contextAt = (iso = '2026-11-24T12:00:00.000Z'): CheckContext => ({
  settings: DEFAULT_SETTINGS,
  now: new Date(iso),
});

/** A broker with a field the model says cannot happen: what a mapper gap would hand a check. */
export const withRaw = (snapshot: BrokerSnapshot, field: string, value: unknown): BrokerSnapshot => ({
  ...snapshot,
  broker: { ...snapshot.broker, [field]: value } as Broker,
});

/** The field paths of a finding's `fields` evidence (empty when it has none). */
export const evidencePaths = (finding: Finding): string[] =>
  finding.evidence?.kind === 'fields' ? finding.evidence.fields.map((field) => field.path) : [];

/** The details of a finding's `fields` evidence, joined: what a reader of the alert would see. */
export const evidenceText = (finding: Finding): string =>
  finding.evidence?.kind === 'fields'
    ? finding.evidence.fields.map((field) => `${field.path}: ${field.detail}`).join('\n')
    : '';
