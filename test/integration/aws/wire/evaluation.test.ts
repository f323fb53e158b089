import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createConfigReporter } from '../../../../shared/aws/config.ts';
import { createKmsKeyReader } from '../../../../shared/aws/kms.ts';
import { createLambdaRemediationRequester } from '../../../../shared/aws/lambda.ts';
import { mapKeyMetadata } from '../../../../shared/model/mappers.ts';
import { useLoopbackAws } from './support.ts';

const loopback = useLoopbackAws();

const ENABLED_KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const DENIED_KEY = 'arn:aws:kms:us-east-1:111122223333:key/4567def0-45de-67f0-8901-4567890abcde';
const REMEDIATOR = 'mq-guardian-dev-remediate';
const BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000001';

const target = (index = 0) => {
  const request = loopback.aws.requests[index];
  return { operation: request?.operation, body: JSON.parse(request?.body || '{}') as unknown };
};

describe('evaluation-side adapters over the wire', () => {
  describe('AWS Config (JSON 1.1)', () => {
    const reporter = () => createConfigReporter(new ConfigServiceClient(loopback.config()));
    const evaluation = {
      complianceResourceType: 'AWS::AmazonMQ::Broker',
      complianceResourceId: BROKER,
      complianceType: 'NON_COMPLIANT',
      annotation: 'Broker orders-prod is publicly accessible.',
      orderingTimestamp: new Date('2026-12-05T09:00:00.000Z'),
    } as const;

    it('posts evaluations with the OrderingTimestamp in epoch seconds', async () => {
      // Act
      const failed = await reporter().putEvaluations('result-token-1', [evaluation]);

      // Assess
      expect(failed).toEqual([]);
      expect(target()).toEqual({
        operation: 'PutEvaluations',
        body: {
          ResultToken: 'result-token-1',
          Evaluations: [
            {
              ComplianceResourceType: 'AWS::AmazonMQ::Broker',
              ComplianceResourceId: BROKER,
              ComplianceType: 'NON_COMPLIANT',
              Annotation: 'Broker orders-prod is publicly accessible.',
              OrderingTimestamp: 1_796_461_200,
            },
          ],
        },
      });
    });

    it('parses FailedEvaluations back into evaluations, timestamps included', async () => {
      // Prepare
      loopback.account.answer('PutEvaluations', (call) => ({
        FailedEvaluations: (call.input.Evaluations as object[]).map((e) => ({ ...e })),
      }));

      // Act
      const failed = await reporter().putEvaluations('result-token-1', [evaluation]);

      // Assess
      expect(failed).toEqual([evaluation]);
    });

    it('reads LimitExceededException of StartConfigRulesEvaluation as limited', async () => {
      // Prepare
      loopback.account.answer('StartConfigRulesEvaluation', () => {
        throw Object.assign(new Error('Too many requests'), {
          name: 'LimitExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      });

      // Act
      const answer = await reporter().startRulesEvaluation([
        'mq-guardian-dev-mq-broker-not-publicly-accessible',
      ]);

      // Assess
      expect(answer).toBe('limited');
      expect(target()).toEqual({
        operation: 'StartConfigRulesEvaluation',
        body: { ConfigRuleNames: ['mq-guardian-dev-mq-broker-not-publicly-accessible'] },
      });
    });

    it('asks GetResourceConfigHistory for the newest item and parses its configuration', async () => {
      // Prepare
      loopback.account.answer('GetResourceConfigHistory', () => ({
        configurationItems: [
          {
            resourceType: 'AWS::AmazonMQ::Broker',
            resourceId: BROKER,
            configurationItemCaptureTime: new Date('2026-12-05T08:00:00.000Z'),
            configurationItemStatus: 'OK',
            configuration: JSON.stringify({ PubliclyAccessible: true }),
          },
        ],
      }));

      // Act
      const item = await reporter().getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER);

      // Assess
      expect(target().body).toEqual({
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER,
        chronologicalOrder: 'Reverse',
        limit: 1,
      });
      expect(item).toEqual({
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER,
        configurationItemCaptureTime: '2026-12-05T08:00:00.000Z',
        configurationItemStatus: 'OK',
        configuration: { PubliclyAccessible: true },
      });
    });

    it('retries ThrottlingException and then posts', async () => {
      // Prepare
      loopback.aws.inject({ on: 'PutEvaluations', fault: 'throttling', times: 2 });

      // Act
      await reporter().putEvaluations('result-token-1', [evaluation]);

      // Assess
      expect(loopback.aws.requests.map((r) => r.errorCode)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        undefined,
      ]);
    });
  });

  describe('KMS (JSON 1.1)', () => {
    const reader = () => createKmsKeyReader(new KMSClient(loopback.config()));

    it('describes a key and parses its metadata (CreationDate in epoch seconds)', async () => {
      // Act
      const state = await reader().describeKey(ENABLED_KEY);

      // Assess
      expect(target()).toEqual({ operation: 'DescribeKey', body: { KeyId: ENABLED_KEY } });
      const recorded = loopback.account.state.kmsKeys.find((k) => k.KeyId === ENABLED_KEY);
      const { Aliases: _aliases, ...metadata } = recorded ?? {};
      expect(state).toEqual(mapKeyMetadata(metadata as never));
    });

    it.each([
      ['AccessDeniedException', DENIED_KEY],
      ['NotFoundException', '9999ffff-0000-4000-8000-000000000000'],
    ])('reads %s as an unreadable key', async (code, keyId) => {
      // Act
      const state = await reader().describeKey(keyId);

      // Assess
      expect(state).toMatchObject({ status: 'unreadable', keyId });
      expect(loopback.aws.requests[0]?.errorCode).toBe(code);
    });
  });

  describe('Lambda Invoke (REST-JSON)', () => {
    it('invokes the remediator asynchronously: X-Amz-Invocation-Type Event, the request as payload, 202', async () => {
      // Prepare
      const request = { version: 1, brokerIds: [BROKER], reason: 'test' };

      // Act
      await createLambdaRemediationRequester(
        REMEDIATOR,
        new LambdaClient(loopback.config()),
      ).requestRemediation(request as never);

      // Assess
      const [sent] = loopback.aws.requests;
      expect(`${sent?.method} ${sent?.path}`).toBe(`POST /2015-03-31/functions/${REMEDIATOR}/invocations`);
      expect(sent?.input).toMatchObject({ FunctionName: REMEDIATOR, InvocationType: 'Event' });
      expect(JSON.parse(sent?.body ?? '')).toEqual(request);
      expect(sent?.status).toBe(202);
    });
  });
});
