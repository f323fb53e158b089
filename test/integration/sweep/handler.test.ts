/**
 * functions/sweep.ts end to end: a scheduled event in, the remediation requests out as asynchronous
 * Lambda invokes (aws-sdk-client-mock on the Lambda client), state from a recorded account.
 */
import { InvokeCommand, LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSweepHandler, locate } from '../../../functions/sweep.ts';
import { createLambdaRemediationRequester } from '../../../shared/aws/lambda.ts';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { parseRemediationRequest } from '../../../shared/events/remediation-request.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { BrokerFailuresError } from '../../../shared/use-cases/sweep.ts';
import { awsError, sentInputs } from '../aws/support.ts';
import {
  ACCOUNT,
  brokerId,
  CLIENTS_GROUP_ID,
  describeBroker,
  ingressRule,
  ORDERS_BROKER_ID,
  REGION,
  REPLICA_BROKER_ID,
  recordedAccount,
  twoBrokersSharingAGroup,
} from '../config-rule/recorded-fixtures.ts';

const lambdaMock = mockClient(LambdaClient);
const REMEDIATOR = 'mq-guardian-dev-on-ingress-event';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mq-guardian-dev-sweep`;

/** The scheduled event EventBridge sends (the sweep reads nothing from it but where it runs). */
const scheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2025-03-10T11:00:00Z',
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/mq-guardian-dev-sweep`],
  detail: {},
};

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'mq-guardian-dev-sweep',
  functionVersion: '$LATEST',
  invokedFunctionArn: FUNCTION_ARN,
  memoryLimitInMB: '256',
  awsRequestId: 'd7bf0bd7-8c72-11e6-9a41-93e812345678',
  logGroupName: '/aws/lambda/mq-guardian-dev-sweep',
  logStreamName: '2025/03/10/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const handlerFor = (account: RecordedAccount) =>
  createSweepHandler({
    readers: { brokers: account, network: account, keys: account },
    settings: DEFAULT_SETTINGS,
    checks: enabledChecks(DEFAULT_SETTINGS),
    remediationRequester: createLambdaRemediationRequester(
      REMEDIATOR,
      new LambdaClient({ region: REGION, maxAttempts: 1 }),
    ),
    now: () => new Date('2025-03-10T11:00:00.000Z'),
  });

const decodedPayloads = () =>
  (sentInputs(lambdaMock, InvokeCommand) as { Payload: Uint8Array }[]).map(
    (input) => JSON.parse(new TextDecoder().decode(input.Payload)) as unknown,
  );

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('sweep handler', () => {
  beforeEach(() => {
    lambdaMock.reset();
  });

  it('evaluates every broker and hands the failing ones to the remediator in one asynchronous invoke', async () => {
    // Prepare
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const inventoryGroup = 'sg-0a1b2c3d4e5f60002';
    const account = recordedAccount({
      brokers: [
        describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod' }),
        describeBroker(REPLICA_BROKER_ID, { name: 'orders-replica' }),
        describeBroker(brokerId(3), { name: 'inventory-dev', groups: [inventoryGroup] }),
      ],
      rules: [
        // Every TCP port from a private range: ingress-limited fails for the two brokers in sg-…0001.
        ingressRule('sgr-0a1b2c3d4e5f60004', { from: 0, to: 65535 }),
        ingressRule('sgr-0a1b2c3d4e5f60006', {
          groupId: inventoryGroup,
          from: 61617,
          sourceGroupId: CLIENTS_GROUP_ID,
        }),
      ],
    });

    // Act
    const result = await handlerFor(account)(scheduledEvent, context);

    // Assess
    expect(sentInputs(lambdaMock, InvokeCommand)).toEqual([
      { FunctionName: REMEDIATOR, InvocationType: 'Event', Payload: expect.any(Uint8Array) },
    ]);
    const [payload] = decodedPayloads();
    expect(payload).toEqual({
      source: 'mq-guardian',
      'detail-type': 'Remediation Request',
      detail: { brokerIds: [ORDERS_BROKER_ID, REPLICA_BROKER_ID], reason: 'sweep' },
    });
    // The remediating function accepts what the sweep sends.
    expect(parseRemediationRequest(payload).detail.brokerIds).toEqual([ORDERS_BROKER_ID, REPLICA_BROKER_ID]);
    expect(result).toMatchObject({
      status: 'swept',
      listed: 3,
      evaluated: 3,
      gone: [],
      remediationRequested: [ORDERS_BROKER_ID, REPLICA_BROKER_ID],
      failures: [],
    });
    expect(account.writes()).toEqual([]);
  });

  it('fails the run when the remediator cannot be invoked, after evaluating every broker', async () => {
    // Prepare
    lambdaMock
      .on(InvokeCommand)
      .rejects(awsError(LambdaServiceException, 'TooManyRequestsException', 'Rate exceeded', 429));
    const account = twoBrokersSharingAGroup();

    // Act
    const run = handlerFor(account)(scheduledEvent, context);

    // Assess
    await expect(run).rejects.toThrow(BrokerFailuresError);
    await expect(run).rejects.toThrow('TooManyRequestsException');
    expect(account.readCounts().DescribeBroker).toBe(2);
  });
});

describe('locate', () => {
  it.each([
    ['the function ARN', {}, FUNCTION_ARN, { account: ACCOUNT, region: REGION }],
    [
      'the scheduled event when there is no ARN',
      scheduledEvent,
      undefined,
      { account: ACCOUNT, region: REGION },
    ],
    [
      'the function ARN over the event',
      { ...scheduledEvent, account: '210987654321', region: 'eu-west-1' },
      FUNCTION_ARN,
      { account: ACCOUNT, region: REGION },
    ],
  ])('takes the account and region from %s', (_case, event, arn, expected) => {
    // Act
    const location = locate(event, arn);

    // Assess
    expect(location).toEqual(expected);
  });

  it.each([
    ['nothing', null, undefined],
    ['malformed values', { account: '1234', region: 'moon' }, 'arn:aws:lambda:somewhere'],
  ])('refuses to guess from %s', (_case, event, arn) => {
    // Act
    const run = () => locate(event, arn);

    // Assess
    expect(run).toThrow(ConfigurationError);
  });
});
