import { GetParameterCommand, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSsmSecureParameterReader, SSM_IAM_ACTIONS } from '../../../shared/aws/ssm.ts';
import { AwsCallError, ConfigurationError } from '../../../shared/errors.ts';
import { awsError, sentCommands, sentInputs } from './support.ts';

const ssmMock = mockClient(SSMClient);
const NAME = '/mq-guardian/dev/slack-webhook-url';
/** A placeholder in the webhook's shape: `.invalid` never resolves. */
const PLACEHOLDER = 'https://hooks.slack.invalid/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

const parameter = (value: string) => ({
  Parameter: { Name: NAME, Type: 'SecureString' as const, Value: value, Version: 1 },
});

const newReader = () =>
  createSsmSecureParameterReader(new SSMClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createSsmSecureParameterReader', () => {
  beforeEach(() => {
    ssmMock.reset();
  });

  it('reads the parameter decrypted', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(parameter(PLACEHOLDER));

    // Act
    const value = await newReader().getSecureString(NAME);

    // Assess
    expect(value).toBe(PLACEHOLDER);
    expect(sentInputs(ssmMock, GetParameterCommand)).toEqual([{ Name: NAME, WithDecryption: true }]);
  });

  it('answers from its cache on the next read, and asks SSM again when told to refresh', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(parameter(PLACEHOLDER));
    const reader = newReader();

    // Act
    await reader.getSecureString(NAME);
    await reader.getSecureString(NAME);
    await reader.getSecureString(NAME, { refresh: true });

    // Assess
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('throws a ConfigurationError naming the parameter when it does not exist', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejects(awsError(SSMServiceException, 'ParameterNotFound', 'Parameter not found'));

    // Act
    const error = await newReader()
      .getSecureString(NAME)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`SSM parameter ${NAME} does not exist`);
  });

  it('throws an AwsCallError on other failures', async () => {
    // Prepare
    ssmMock
      .on(GetParameterCommand)
      .rejects(awsError(SSMServiceException, 'AccessDeniedException', 'Not allowed', 400));

    // Act
    const error = await newReader()
      .getSecureString(NAME)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'GetParameter', awsErrorName: 'AccessDeniedException' });
  });

  it('throws a ConfigurationError without the value when the parameter is empty', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(parameter('   '));

    // Act
    const error = await newReader()
      .getSecureString(NAME)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
  });

  it('sends only commands that SSM_IAM_ACTIONS grants', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves(parameter(PLACEHOLDER));

    // Act
    await newReader().getSecureString(NAME);

    // Assess
    expect(sentCommands(ssmMock).map((n) => `ssm:${n.replace(/Command$/, '')}`)).toEqual([
      ...SSM_IAM_ACTIONS,
    ]);
  });
});
