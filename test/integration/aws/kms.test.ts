import { DescribeKeyCommand, type KeyMetadata, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createKmsKeyReader, KMS_IAM_ACTIONS } from '../../../shared/aws/kms.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import describeBrokerJson from '../../fixtures/aws-sdk/mq-describe-broker-activemq.json' with {
  type: 'json',
};
import { awsError, sentCommands, sentInputs } from './support.ts';

const kmsMock = mockClient(KMSClient);

/** The customer key of the fixture broker, as DescribeBroker reports it. */
const KEY_ARN = describeBrokerJson.EncryptionOptions.KmsKeyId;
const KEY_ID = 'c4750c1a-72e5-4d16-bc72-0e7b559e0250';

const keyMetadata = (overrides: Partial<KeyMetadata> = {}): KeyMetadata => ({
  AWSAccountId: '000011112222',
  KeyId: KEY_ID,
  Arn: KEY_ARN,
  CreationDate: new Date('2021-11-15T08:00:00Z'),
  Enabled: true,
  Description: 'Amazon MQ broker encryption',
  KeyUsage: 'ENCRYPT_DECRYPT',
  KeyState: 'Enabled',
  Origin: 'AWS_KMS',
  KeyManager: 'CUSTOMER',
  KeySpec: 'SYMMETRIC_DEFAULT',
  EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
  MultiRegion: false,
  ...overrides,
});

const newReader = () => createKmsKeyReader(new KMSClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createKmsKeyReader', () => {
  beforeEach(() => {
    kmsMock.reset();
  });

  it('describes the key by the id it was given and returns it found', async () => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: keyMetadata() });

    // Act
    const key = await newReader().describeKey(KEY_ARN);

    // Assess
    expect(sentInputs(kmsMock, DescribeKeyCommand)).toEqual([{ KeyId: KEY_ARN }]);
    expect(key).toMatchObject({
      status: 'found',
      keyId: KEY_ID,
      arn: KEY_ARN,
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
    });
  });

  it.each([
    ['AccessDeniedException', 'User: arn:aws:sts::123456789012:assumed-role/mq-guardian is not authorized'],
    ['NotFoundException', `Key '${KEY_ARN}' does not exist`],
    ['InvalidArnException', 'Invalid arn'],
  ])('answers unreadable, with the reason, on %s', async (name, message) => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).rejects(awsError(KMSServiceException, name, message));

    // Act
    const key = await newReader().describeKey(KEY_ARN);

    // Assess
    expect(key).toEqual({ status: 'unreadable', keyId: KEY_ARN, reason: `${name}: ${message}` });
  });

  it.each([
    ['KMSInternalException', 500],
    ['ThrottlingException', 400],
    ['DependencyTimeoutException', 503],
  ])('throws an AwsCallError on %s', async (name, status) => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).rejects(awsError(KMSServiceException, name, 'Request failed', status));

    // Act
    const error = await newReader()
      .describeKey(KEY_ARN)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'DescribeKey', awsErrorName: name });
  });

  it('throws UnexpectedShapeError when DescribeKey returns no KeyMetadata', async () => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).resolves({});

    // Act
    const result = newReader().describeKey(KEY_ARN);

    // Assess
    await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
  });

  it('sends only commands that KMS_IAM_ACTIONS grants', async () => {
    // Prepare
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: keyMetadata() });

    // Act
    await newReader().describeKey(KEY_ID);

    // Assess
    expect(sentCommands(kmsMock).map((name) => `kms:${name.replace(/Command$/, '')}`)).toEqual([
      ...KMS_IAM_ACTIONS,
    ]);
  });
});
