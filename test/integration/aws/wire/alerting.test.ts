import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it, vi } from 'vitest';
import { planAlerts } from '../../../../shared/alerts/plan.ts';
import { renderSnsMessage } from '../../../../shared/alerts/sns-message.ts';
import { createDynamoDbAlertStateStore } from '../../../../shared/aws/dynamodb.ts';
import { createSecurityHubFindingPublisher } from '../../../../shared/aws/securityhub.ts';
import { createSnsAlertPublisher } from '../../../../shared/aws/sns.ts';
import { createSsmSecureParameterReader } from '../../../../shared/aws/ssm.ts';
import { AwsCallError, ConfigurationError } from '../../../../shared/errors.ts';
import { ACCOUNT, evaluate, PUBLIC_CHECKS, publicSnapshot, REGION } from '../../../unit/alerts/scenarios.ts';
import { dryRunAlert } from '../../alerts/support.ts';
import { createCentralAlertPublisher } from '../../../../shared/runtime/alerting.ts';
import { formPairs, useLoopbackAws } from './support.ts';

const loopback = useLoopbackAws();

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:mq-guardian-dev-alerts';
const TABLE = 'mq-guardian-dev-alert-state';
const KEY = '123456789012/us-east-1/mq-broker-not-publicly-accessible/b-1a2b3c4d-0000-4000-8000-000000000009';
const NOW = new Date('2026-12-05T10:00:00.000Z');
const UNTIL = new Date('2026-12-05T10:05:00.000Z');
const PARAMETER = '/mq-guardian/dev/slack-webhook-url';

describe('alerting adapters over the wire', () => {
  describe('the central topic of the organization', () => {
    it('publishes to the central topic in its own region, whatever the function’s region', async () => {
      // Prepare
      const central = 'arn:aws:sns:eu-central-1:999988887777:mq-guardian-central-alerts';
      vi.stubEnv('AWS_ENDPOINT_URL', loopback.aws.url);
      vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACK');
      vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-secret');
      vi.stubEnv('AWS_REGION', 'us-east-1');
      try {
        // Act
        await createCentralAlertPublisher(central).publish(await dryRunAlert());
      } finally {
        vi.unstubAllEnvs();
      }

      // Assess
      expect(loopback.aws.requests.map((r) => [r.service, r.region, r.input.TopicArn])).toEqual([
        ['sns', 'eu-central-1', central],
      ]);
    });
  });

  describe('SNS (AWS Query)', () => {
    const publisher = () => createSnsAlertPublisher(TOPIC_ARN, new SNSClient(loopback.config()));

    it('publishes with the message attributes as MessageAttributes.entry.N, and reads the MessageId', async () => {
      // Prepare
      const alert = await dryRunAlert();
      const rendered = renderSnsMessage(alert);

      // Act
      await publisher().publish(alert);

      // Assess
      // The SDK writes members in the model's order (Message is the first member of PublishInput).
      expect(formPairs(loopback.aws.requests[0]?.body ?? '')).toEqual([
        ['Action', 'Publish'],
        ['Version', '2010-03-31'],
        ['Message', rendered.Message],
        ['TopicArn', TOPIC_ARN],
        ['Subject', rendered.Subject],
        ['MessageStructure', 'json'],
        ['MessageAttributes.entry.1.Name', 'severity'],
        ['MessageAttributes.entry.1.Value.DataType', 'String'],
        ['MessageAttributes.entry.1.Value.StringValue', 'MEDIUM'],
        ['MessageAttributes.entry.2.Name', 'checkId'],
        ['MessageAttributes.entry.2.Value.DataType', 'String'],
        ['MessageAttributes.entry.2.Value.StringValue', 'mq-broker-ingress-limited-to-used-protocols'],
        ['MessageAttributes.entry.3.Name', 'action'],
        ['MessageAttributes.entry.3.Value.DataType', 'String'],
        ['MessageAttributes.entry.3.Value.StringValue', 'would-revoke'],
      ]);
      expect(loopback.aws.requests[0]?.input).toMatchObject({
        TopicArn: TOPIC_ARN,
        MessageAttributes: { action: { DataType: 'String', StringValue: 'would-revoke' } },
      });
    });

    // AWS Query error codes are not exception names: the SDK maps the wire code `AuthorizationError`
    // to AuthorizationErrorException (the model's awsQueryError trait), and that name is what adapters see.
    it('retries Throttled (HTTP 429) and raises AuthorizationError as AuthorizationErrorException', async () => {
      // Prepare
      loopback.aws.inject({ on: 'Publish', fault: 'throttling', times: 1 });
      await publisher().publish(await dryRunAlert());
      loopback.account.fail({ on: 'Publish', error: 'access-denied' });

      // Act
      const error = await publisher()
        .publish(await dryRunAlert())
        .catch((e: unknown) => e);

      // Assess
      expect(loopback.aws.requests.map((r) => r.errorCode)).toEqual([
        'Throttled',
        undefined,
        'AuthorizationError',
      ]);
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'Publish', awsErrorName: 'AuthorizationErrorException' });
    });
  });

  describe('SSM Parameter Store (JSON 1.1)', () => {
    const reader = () => createSsmSecureParameterReader(new SSMClient(loopback.config()), 0);

    it('asks GetParameter WithDecryption through X-Amz-Target AmazonSSM.GetParameter', async () => {
      // Prepare
      loopback.account.putParameter(PARAMETER, 'https://hooks.slack.com/services/T000/B000/XXXX');

      // Act
      const value = await reader().getSecureString(PARAMETER);

      // Assess
      expect(value).toBe('https://hooks.slack.com/services/T000/B000/XXXX');
      expect(loopback.aws.requests.map((r) => [r.operation, JSON.parse(r.body)])).toEqual([
        ['GetParameter', { Name: PARAMETER, WithDecryption: true }],
      ]);
    });

    it('raises ParameterNotFound as a ConfigurationError naming the parameter', async () => {
      // Act
      const error = await reader()
        .getSecureString(PARAMETER)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain(PARAMETER);
      expect(loopback.aws.requests[0]).toMatchObject({ status: 400, errorCode: 'ParameterNotFound' });
    });
  });

  describe('Security Hub (REST-JSON)', () => {
    const [update] = planAlerts({
      evaluation: evaluate(publicSnapshot(true), PUBLIC_CHECKS),
      previous: new Map(),
      mode: 'dry-run',
      account: ACCOUNT,
      region: REGION,
    }).securityHub;
    const finding = update?.finding;

    it('imports the ASFF finding with POST /findings/import and reads the counts', async () => {
      // Act
      const failures = await createSecurityHubFindingPublisher(
        new SecurityHubClient(loopback.config()),
      ).importFindings(finding ? [finding] : []);

      // Assess
      expect(failures).toEqual([]);
      const [request] = loopback.aws.requests;
      expect(`${request?.method} ${request?.path}`).toBe('POST /findings/import');
      expect(JSON.parse(request?.body ?? '{}')).toEqual({ Findings: [JSON.parse(JSON.stringify(finding))] });
    });

    it('retries LimitExceededException (HTTP 429)', async () => {
      // Prepare
      loopback.aws.inject({ on: 'BatchImportFindings', fault: 'throttling', times: 2 });

      // Act
      const failures = await createSecurityHubFindingPublisher(
        new SecurityHubClient(loopback.config()),
      ).importFindings(finding ? [finding] : []);

      // Assess
      expect(failures).toEqual([]);
      expect(loopback.aws.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    });
  });

  describe('DynamoDB alert state (JSON 1.0)', () => {
    const store = () => createDynamoDbAlertStateStore(TABLE, new DynamoDBClient(loopback.config()));

    it('claims a new key, reads it back consistently, and refuses a second claim (ConditionalCheckFailedException)', async () => {
      // Act
      const first = await store().claim(KEY, {
        expectedVersion: 0,
        token: 'token-1',
        until: UNTIL,
        now: NOW,
      });
      const second = await store().claim(KEY, {
        expectedVersion: 0,
        token: 'token-2',
        until: UNTIL,
        now: NOW,
      });
      const states = await store().load([KEY, 'other-key']);

      // Assess
      expect([first, second]).toEqual([true, false]);
      expect(loopback.aws.requests.map((r) => [r.operation, r.errorCode])).toEqual([
        ['UpdateItem', undefined],
        ['UpdateItem', 'ConditionalCheckFailedException'],
        ['BatchGetItem', undefined],
      ]);
      expect(JSON.parse(loopback.aws.requests[2]?.body ?? '{}')).toEqual({
        RequestItems: {
          [TABLE]: { Keys: [{ key: { S: KEY } }, { key: { S: 'other-key' } }], ConsistentRead: true },
        },
      });
      expect([...states.keys()]).toEqual([KEY]);
      expect(states.get(KEY)?.version).toBe(0);
    });

    it('retries ProvisionedThroughputExceededException and raises an AwsCallError once attempts are spent', async () => {
      // Prepare
      loopback.aws.inject({ on: 'BatchGetItem', fault: 'throttling' });

      // Act
      const error = await store()
        .load([KEY])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ awsErrorName: 'ProvisionedThroughputExceededException' });
      expect(loopback.aws.requests).toHaveLength(5);
    });
  });
});
