/**
 * functions/config-rule.ts end to end: a sample Config invocation in, the exact PutEvaluations
 * requests out (aws-sdk-client-mock on the Config client), broker and group state from a recorded
 * account.
 */
import {
  ConfigServiceClient,
  ConfigServiceServiceException,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createConfigRuleHandler, handler } from '../../../functions/config-rule.ts';
import { createConfigReporter } from '../../../shared/aws/config.ts';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { EvaluationsRefusedError } from '../../../shared/use-cases/config-rule.ts';
import { awsError, sentCommands, sentInputs } from '../aws/support.ts';
import {
  brokerId,
  describeBroker,
  ORDERS_BROKER_ID,
  ORDERS_GROUP_ID,
  REGION,
  REPLICA_BROKER_ID,
  readEvent,
  recordedAccount,
  twoBrokersSharingAGroup,
} from './recorded-fixtures.ts';

const configMock = mockClient(ConfigServiceClient);

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'mq-guardian-dev-config-rule',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mq-guardian-dev-config-rule',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/mq-guardian-dev-config-rule',
  logStreamName: '2025/03/10/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const handlerFor = (account: RecordedAccount) =>
  createConfigRuleHandler({
    readers: { brokers: account, network: account, keys: account },
    compliance: createConfigReporter(new ConfigServiceClient({ region: REGION, maxAttempts: 1 })),
    settings: DEFAULT_SETTINGS,
    checks: enabledChecks(DEFAULT_SETTINGS),
    region: REGION,
  });

const CHANGE_TIME = new Date('2025-03-10T09:23:30.104Z');
const ingressAnnotation = (name: string, id: string) =>
  `Broker ${name} (${id}) security groups open ports no used protocol needs: sgr-0a1b2c3d4e5f60004 tcp 0-65535 from 10.20.0.0/16.`;

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('config-rule handler', () => {
  beforeEach(() => {
    configMock.reset();
  });

  it('posts a security-group change for both brokers using the group and for the group itself', async () => {
    // Prepare
    configMock.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });

    // Act
    const result = await handlerFor(twoBrokersSharingAGroup())(
      readEvent('config-change-security-group.json'),
      context,
    );

    // Assess
    expect(sentCommands(configMock)).toEqual(['PutEvaluationsCommand']);
    expect(sentInputs(configMock, PutEvaluationsCommand)).toEqual([
      {
        ResultToken: 'example-result-token-d4e5f6',
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::AmazonMQ::Broker',
            ComplianceResourceId: ORDERS_BROKER_ID,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: ingressAnnotation('orders-prod', ORDERS_BROKER_ID),
            OrderingTimestamp: CHANGE_TIME,
          },
          {
            ComplianceResourceType: 'AWS::AmazonMQ::Broker',
            ComplianceResourceId: REPLICA_BROKER_ID,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: ingressAnnotation('orders-replica', REPLICA_BROKER_ID),
            OrderingTimestamp: CHANGE_TIME,
          },
          {
            ComplianceResourceType: 'AWS::EC2::SecurityGroup',
            ComplianceResourceId: ORDERS_GROUP_ID,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: `Security group ${ORDERS_GROUP_ID}: rule sgr-0a1b2c3d4e5f60004 breaks mq-broker-ingress-limited-to-used-protocols for orders-prod (${ORDERS_BROKER_ID}), orders-replica (${REPLICA_BROKER_ID}).`,
            OrderingTimestamp: CHANGE_TIME,
          },
        ],
      },
    ]);
    expect(result).toMatchObject({
      status: 'evaluated',
      configRuleName: 'mq-guardian-dev-mq-broker-ingress-limited-to-used-protocols',
      posted: 3,
      compliance: { NON_COMPLIANT: 3 },
      refused: [],
    });
  });

  it('reads an oversized item with GetResourceConfigHistory before posting', async () => {
    // Prepare
    configMock.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          configurationItemCaptureTime: new Date('2025-03-10T09:15:07.661Z'),
          configurationItemStatus: 'OK',
          resourceType: 'AWS::AmazonMQ::Broker',
          resourceId: ORDERS_BROKER_ID,
          configuration: JSON.stringify({ BrokerName: 'orders-prod', PubliclyAccessible: false }),
        },
      ],
    });
    configMock.on(PutEvaluationsCommand).resolves({});
    const account = recordedAccount({
      brokers: [describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod', revision: 1 })],
    });

    // Act
    await handlerFor(account)(readEvent('config-oversized-broker.json'), context);

    // Assess
    expect(sentCommands(configMock)).toEqual(['GetResourceConfigHistoryCommand', 'PutEvaluationsCommand']);
    expect(sentInputs(configMock, GetResourceConfigHistoryCommand)).toEqual([
      {
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: ORDERS_BROKER_ID,
        chronologicalOrder: 'Reverse',
        limit: 1,
      },
    ]);
    expect(sentInputs(configMock, PutEvaluationsCommand)).toEqual([
      {
        ResultToken: 'example-result-token-b2c3d4',
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::AmazonMQ::Broker',
            ComplianceResourceId: ORDERS_BROKER_ID,
            ComplianceType: 'NON_COMPLIANT',
            Annotation: expect.stringContaining(`Broker orders-prod (${ORDERS_BROKER_ID})`),
            OrderingTimestamp: new Date('2025-03-10T09:15:07.661Z'),
          },
        ],
      },
    ]);
  });

  it('sends the evaluations Config refused once more, alone, and succeeds when it accepts them', async () => {
    // Prepare
    const refused = {
      ComplianceResourceType: 'AWS::AmazonMQ::Broker',
      ComplianceResourceId: REPLICA_BROKER_ID,
      ComplianceType: 'NON_COMPLIANT' as const,
      OrderingTimestamp: CHANGE_TIME,
    };
    configMock
      .on(PutEvaluationsCommand)
      .resolvesOnce({ FailedEvaluations: [refused] })
      .resolves({});

    // Act
    const result = await handlerFor(twoBrokersSharingAGroup())(
      readEvent('config-change-security-group.json'),
      context,
    );

    // Assess
    const inputs = sentInputs(configMock, PutEvaluationsCommand) as { Evaluations: unknown[] }[];
    expect(inputs.map((input) => input.Evaluations.length)).toEqual([3, 1]);
    // The planned evaluation goes again, annotation included, not the stripped copy AWS returned.
    expect(inputs[1]).toEqual({
      ResultToken: 'example-result-token-d4e5f6',
      Evaluations: [{ ...refused, Annotation: ingressAnnotation('orders-replica', REPLICA_BROKER_ID) }],
    });
    expect(result).toMatchObject({ status: 'evaluated', refused: [] });
  });

  it('fails the invocation when Config refuses an evaluation twice, so that Lambda retries', async () => {
    // Prepare
    configMock.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [
        {
          ComplianceResourceType: 'AWS::AmazonMQ::Broker',
          ComplianceResourceId: REPLICA_BROKER_ID,
          ComplianceType: 'NON_COMPLIANT',
          OrderingTimestamp: CHANGE_TIME,
        },
      ],
    });

    // Act
    const run = handlerFor(twoBrokersSharingAGroup())(
      readEvent('config-change-security-group.json'),
      context,
    );

    // Assess
    await expect(run).rejects.toThrow(EvaluationsRefusedError);
    await expect(run).rejects.toThrow(REPLICA_BROKER_ID);
    expect(configMock).toHaveReceivedCommandTimes(PutEvaluationsCommand, 2);
  });

  it('fails the invocation when PutEvaluations fails', async () => {
    // Prepare
    configMock
      .on(PutEvaluationsCommand)
      .rejects(awsError(ConfigServiceServiceException, 'ThrottlingException', 'Rate exceeded', 400));

    // Act
    const run = handlerFor(twoBrokersSharingAGroup())(readEvent('config-change-broker.json'), context);

    // Assess
    await expect(run).rejects.toThrow(AwsCallError);
    await expect(run).rejects.toMatchObject({
      operation: 'PutEvaluations',
      awsErrorName: 'ThrottlingException',
    });
  });

  it('acknowledges an invocation whose rule names no check, without calling Config', async () => {
    // Prepare
    const event = {
      ...(readEvent('config-change-broker.json') as object),
      ruleParameters: '{"myParameterKey":"myParameterValue"}',
    };

    // Act
    const result = await handlerFor(twoBrokersSharingAGroup())(event, context);

    // Assess
    expect(result).toEqual({ status: 'ignored', reason: expect.stringContaining('ruleParameters.checkId') });
    expect(configMock).not.toHaveReceivedAnyCommand();
  });

  it('posts a deleted broker through the default wiring without reading the broker', async () => {
    // Prepare
    configMock.on(PutEvaluationsCommand).resolves({});

    // Act
    const result = await handler(readEvent('config-change-broker-deleted.json'), context);

    // Assess
    expect(sentInputs(configMock, PutEvaluationsCommand)).toEqual([
      {
        ResultToken: 'example-result-token-e5f6a7',
        Evaluations: [
          {
            ComplianceResourceType: 'AWS::AmazonMQ::Broker',
            ComplianceResourceId: brokerId(4),
            ComplianceType: 'NOT_APPLICABLE',
            Annotation: `Broker ${brokerId(4)} was deleted.`,
            OrderingTimestamp: new Date('2025-03-10T09:31:45.009Z'),
          },
        ],
      },
    ]);
    expect(result).toMatchObject({ status: 'evaluated', posted: 1, compliance: { NOT_APPLICABLE: 1 } });
  });
});
