import { PublishCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { renderSnsMessage } from '../../../shared/alerts/sns-message.ts';
import { createSnsAlertPublisher, SNS_IAM_ACTIONS } from '../../../shared/aws/sns.ts';
import { AwsCallError, ConfigurationError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { awsError, dryRunAlert, sentCommands, sentInputs } from './support.ts';

const snsMock = mockClient(SNSClient);
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:mq-guardian-dev-alerts';

const newPublisher = () =>
  createSnsAlertPublisher(TOPIC_ARN, new SNSClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createSnsAlertPublisher', () => {
  beforeEach(() => {
    snsMock.reset();
  });

  it('publishes one message per alert: JSON structure, subject and the three filter attributes', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'c2b1a7e0-0000-4000-8000-000000000001' });
    const alert = await dryRunAlert();
    const rendered = renderSnsMessage(alert);

    // Act
    await newPublisher().publish(alert);

    // Assess
    expect(sentInputs(snsMock, PublishCommand)).toEqual([
      {
        TopicArn: TOPIC_ARN,
        Subject: rendered.Subject,
        Message: rendered.Message,
        MessageStructure: 'json',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'MEDIUM' },
          checkId: { DataType: 'String', StringValue: 'mq-broker-ingress-limited-to-used-protocols' },
          action: { DataType: 'String', StringValue: 'would-revoke' },
        },
      },
    ]);
  });

  it.each([
    ['InternalErrorException', 500],
    ['ThrottledException', 400],
    ['AuthorizationErrorException', 403],
  ])('throws an AwsCallError on %s', async (name, status) => {
    // Prepare
    snsMock.on(PublishCommand).rejects(awsError(SNSServiceException, name, 'Request failed', status));

    // Act
    const error = await newPublisher()
      .publish(await dryRunAlert())
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'Publish', awsErrorName: name });
  });

  it('throws UnexpectedShapeError when Publish returns no MessageId', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({});

    // Act
    const result = newPublisher().publish(await dryRunAlert());

    // Assess
    await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
  });

  it.each([
    '',
    'mq-guardian-alerts',
    'arn:aws:sns:us-east-1:123456789012:alerts.fifo',
    'arn:aws:sqs:us-east-1:123456789012:q',
  ])('refuses the topic ARN %j at construction', (arn) => {
    // Act
    const attempt = () => createSnsAlertPublisher(arn, new SNSClient({ region: 'us-east-1' }));

    // Assess
    expect(attempt).toThrow(ConfigurationError);
  });

  it('sends only commands that SNS_IAM_ACTIONS grants', async () => {
    // Prepare
    snsMock.on(PublishCommand).resolves({ MessageId: 'c2b1a7e0-0000-4000-8000-000000000002' });

    // Act
    await newPublisher().publish(await dryRunAlert());

    // Assess
    expect(sentCommands(snsMock).map((name) => `sns:${name.replace(/Command$/, '')}`)).toEqual([
      ...SNS_IAM_ACTIONS,
    ]);
  });
});
