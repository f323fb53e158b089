import {
  BatchGetItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertStateWrite, PlannedAlert } from '../../../shared/alerts/state.ts';
import { createDynamoDbAlertStateStore, DYNAMODB_IAM_ACTIONS } from '../../../shared/aws/dynamodb.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { awsError, dryRunAlert, sentCommands, sentInputs } from './support.ts';

const dynamoMock = mockClient(DynamoDBClient);
const TABLE = 'mq-guardian-dev-alert-state';
const KEY = '123456789012/us-east-1/mq-broker-not-publicly-accessible/b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9';
const NOW = new Date('2025-01-15T10:00:00.000Z');
const UNTIL = new Date('2025-01-15T10:05:00.000Z');

const newStore = (sleeps: number[] = []) =>
  createDynamoDbAlertStateStore(TABLE, new DynamoDBClient({ region: 'us-east-1', maxAttempts: 1 }), {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });

const write: AlertStateWrite = {
  announced: {
    kind: 'finding',
    status: 'FAIL',
    items: ['PubliclyAccessible'],
    message: 'Broker orders-prod (b-1234…) is publicly accessible.',
    since: '2025-01-15T09:59:58Z',
    announcedAt: NOW.toISOString(),
    alertId: '269b97c253c60bffb55a577f6f0e533e',
    eventId: '0f9a8b7c-0000-4000-8000-000000000001',
  },
  seenAt: NOW.toISOString(),
  expiresAt: 1_739_527_200,
};

const marshalledAnnounced = {
  M: {
    kind: { S: 'finding' },
    status: { S: 'FAIL' },
    items: { L: [{ S: 'PubliclyAccessible' }] },
    message: { S: 'Broker orders-prod (b-1234…) is publicly accessible.' },
    since: { S: '2025-01-15T09:59:58Z' },
    announcedAt: { S: NOW.toISOString() },
    alertId: { S: '269b97c253c60bffb55a577f6f0e533e' },
    eventId: { S: '0f9a8b7c-0000-4000-8000-000000000001' },
  },
};

const conditionFailed = () =>
  awsError(DynamoDBServiceException, 'ConditionalCheckFailedException', 'The conditional request failed');

describe('createDynamoDbAlertStateStore', () => {
  beforeEach(() => {
    dynamoMock.reset();
  });

  describe('load', () => {
    it('reads the keys with one strongly consistent BatchGetItem and parses the items', async () => {
      // Prepare
      dynamoMock.on(BatchGetItemCommand).resolves({
        Responses: {
          [TABLE]: [
            {
              key: { S: KEY },
              version: { N: '3' },
              announced: marshalledAnnounced,
              securityHub: {
                M: {
                  status: { S: 'FAILED' },
                  createdAt: { S: '2025-01-01T00:00:00.000Z' },
                  updatedAt: { S: NOW.toISOString() },
                },
              },
              seenAt: { S: NOW.toISOString() },
              expiresAt: { N: '1739527200' },
            },
          ],
        },
        UnprocessedKeys: {},
      });

      // Act
      const states = await newStore().load([KEY, 'other-key']);

      // Assess
      expect(sentInputs(dynamoMock, BatchGetItemCommand)).toEqual([
        {
          RequestItems: {
            [TABLE]: { Keys: [{ key: { S: KEY } }, { key: { S: 'other-key' } }], ConsistentRead: true },
          },
        },
      ]);
      expect(states).toEqual(
        new Map([
          [
            KEY,
            {
              version: 3,
              announced: write.announced,
              securityHub: {
                status: 'FAILED',
                createdAt: '2025-01-01T00:00:00.000Z',
                updatedAt: NOW.toISOString(),
              },
              seenAt: NOW.toISOString(),
              expiresAt: 1_739_527_200,
            },
          ],
        ]),
      );
    });

    it('reads 250 keys in batches of 100, 100 and 50', async () => {
      // Prepare
      dynamoMock.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: {} });
      const keys = Array.from({ length: 250 }, (_, i) => `key-${i}`);

      // Act
      await newStore().load(keys);

      // Assess
      const batches = sentInputs(dynamoMock, BatchGetItemCommand) as {
        RequestItems: Record<string, { Keys: unknown[] }>;
      }[];
      expect(batches.map((b) => b.RequestItems[TABLE]?.Keys.length)).toEqual([100, 100, 50]);
    });

    it('asks again for unprocessed keys, waiting a little longer each round', async () => {
      // Prepare
      dynamoMock
        .on(BatchGetItemCommand)
        .resolvesOnce({
          Responses: { [TABLE]: [] },
          UnprocessedKeys: { [TABLE]: { Keys: [{ key: { S: KEY } }], ConsistentRead: true } },
        })
        .resolvesOnce({
          Responses: { [TABLE]: [{ key: { S: KEY }, version: { N: '1' } }] },
          UnprocessedKeys: {},
        });
      const sleeps: number[] = [];

      // Act
      const states = await newStore(sleeps).load([KEY, 'other-key']);

      // Assess
      const inputs = sentInputs(dynamoMock, BatchGetItemCommand);
      expect(inputs[1]).toEqual({
        RequestItems: { [TABLE]: { Keys: [{ key: { S: KEY } }], ConsistentRead: true } },
      });
      expect(sleeps).toEqual([100]);
      expect(states.get(KEY)).toEqual({ version: 1 });
    });

    it('throws rather than answer from a partial read when keys stay unprocessed', async () => {
      // Prepare
      dynamoMock.on(BatchGetItemCommand).resolves({
        Responses: { [TABLE]: [] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ key: { S: KEY } }] } },
      });

      // Act
      const error = await newStore()
        .load([KEY])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'BatchGetItem', awsErrorName: 'UnprocessedKeys' });
    });

    it.each([
      ['no Responses map', { UnprocessedKeys: {} }, 'BatchGetItem returned no Responses map'],
      [
        'no UnprocessedKeys map',
        { Responses: { [TABLE]: [] } },
        'BatchGetItem returned no UnprocessedKeys map',
      ],
      [
        'no list for the table and none of its keys unprocessed',
        { Responses: {}, UnprocessedKeys: {} },
        `BatchGetItem returned neither items nor unprocessed keys of ${TABLE}`,
      ],
    ])(
      'takes an answer with %s as one it does not understand, never as "no state"',
      async (_case, answer, message) => {
        // Prepare
        dynamoMock.on(BatchGetItemCommand).resolves(answer);

        // Act
        const error = await newStore()
          .load([KEY])
          .catch((e: unknown) => e);

        // Assess
        expect(error).toBeInstanceOf(UnexpectedShapeError);
        expect((error as Error).message).toContain(message);
      },
    );

    it('reads an item whose announced state cannot be read as not announced, keeping its version', async () => {
      // Prepare
      dynamoMock.on(BatchGetItemCommand).resolves({
        Responses: {
          [TABLE]: [{ key: { S: KEY }, version: { N: '4' }, announced: { M: { kind: { S: 'finding' } } } }],
        },
        UnprocessedKeys: {},
      });

      // Act
      const states = await newStore().load([KEY]);

      // Assess
      expect(states.get(KEY)).toEqual({ version: 4 });
    });
  });

  describe('claim', () => {
    it('claims with a condition on the version read and on no live claim', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});

      // Act
      const claimed = await newStore().claim(KEY, {
        expectedVersion: 3,
        token: 'token-1',
        until: UNTIL,
        now: NOW,
      });

      // Assess
      expect(claimed).toBe(true);
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: KEY } },
          UpdateExpression:
            'SET #claimToken = :token, #claimUntil = :until, #version = if_not_exists(#version, :zero)',
          ConditionExpression:
            '(attribute_not_exists(#key) OR #version = :expected) AND (attribute_not_exists(#claimUntil) OR #claimUntil < :now)',
          ExpressionAttributeNames: {
            '#key': 'key',
            '#version': 'version',
            '#claimToken': 'claimToken',
            '#claimUntil': 'claimUntil',
          },
          ExpressionAttributeValues: {
            ':token': { S: 'token-1' },
            ':until': { N: String(UNTIL.getTime()) },
            ':zero': { N: '0' },
            ':expected': { N: '3' },
            ':now': { N: String(NOW.getTime()) },
          },
        },
      ]);
    });

    it('answers false when the condition fails (changed or claimed by another invocation)', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).rejects(conditionFailed());

      // Act
      const claimed = await newStore().claim(KEY, {
        expectedVersion: 0,
        token: 'token-1',
        until: UNTIL,
        now: NOW,
      });

      // Assess
      expect(claimed).toBe(false);
    });

    it('throws an AwsCallError on any other failure', async () => {
      // Prepare
      dynamoMock
        .on(UpdateItemCommand)
        .rejects(awsError(DynamoDBServiceException, 'ProvisionedThroughputExceededException', 'Slow down'));

      // Act
      const error = await newStore()
        .claim(KEY, { expectedVersion: 0, token: 'token-1', until: UNTIL, now: NOW })
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'UpdateItem',
        awsErrorName: 'ProvisionedThroughputExceededException',
      });
    });
  });

  describe('commit', () => {
    it('writes the announced state, bumps the version and drops the claim, only for the claim holder', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});

      // Act
      const committed = await newStore().commit(KEY, 'token-1', write);

      // Assess
      expect(committed).toBe(true);
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: KEY } },
          UpdateExpression:
            'SET #announced = :announced, #seenAt = :seenAt, #expiresAt = :expiresAt, #version = #version + :one REMOVE #claimToken, #claimUntil',
          ConditionExpression: '#claimToken = :token',
          ExpressionAttributeNames: {
            '#announced': 'announced',
            '#seenAt': 'seenAt',
            '#expiresAt': 'expiresAt',
            '#version': 'version',
            '#claimToken': 'claimToken',
            '#claimUntil': 'claimUntil',
          },
          ExpressionAttributeValues: {
            ':announced': marshalledAnnounced,
            ':seenAt': { S: NOW.toISOString() },
            ':expiresAt': { N: '1739527200' },
            ':one': { N: '1' },
            ':token': { S: 'token-1' },
          },
        },
      ]);
    });

    it('answers false when the claim was lost', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).rejects(conditionFailed());

      // Act
      const committed = await newStore().commit(KEY, 'token-1', write);

      // Assess
      expect(committed).toBe(false);
    });
  });

  describe('release', () => {
    it('removes only its own claim, and takes a lost claim quietly', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).rejects(conditionFailed());

      // Act
      await newStore().release(KEY, 'token-1');

      // Assess
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: KEY } },
          UpdateExpression: 'REMOVE #claimToken, #claimUntil',
          ConditionExpression: '#claimToken = :token',
          ExpressionAttributeNames: { '#claimToken': 'claimToken', '#claimUntil': 'claimUntil' },
          ExpressionAttributeValues: { ':token': { S: 'token-1' } },
        },
      ]);
    });
  });

  describe('update', () => {
    it('rewrites the state only when unchanged since read and unclaimed', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});

      // Act
      const updated = await newStore().update(KEY, 2, write, NOW);

      // Assess
      expect(updated).toBe(true);
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: KEY } },
          UpdateExpression:
            'SET #announced = :announced, #seenAt = :seenAt, #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero) + :one',
          ConditionExpression:
            '(attribute_not_exists(#key) OR #version = :expected) AND (attribute_not_exists(#claimUntil) OR #claimUntil < :now)',
          ExpressionAttributeNames: {
            '#key': 'key',
            '#announced': 'announced',
            '#seenAt': 'seenAt',
            '#expiresAt': 'expiresAt',
            '#version': 'version',
            '#claimUntil': 'claimUntil',
          },
          ExpressionAttributeValues: {
            ':announced': marshalledAnnounced,
            ':seenAt': { S: NOW.toISOString() },
            ':expiresAt': { N: '1739527200' },
            ':zero': { N: '0' },
            ':one': { N: '1' },
            ':expected': { N: '2' },
            ':now': { N: String(NOW.getTime()) },
          },
        },
      ]);
    });
  });

  describe('recordSecurityHub', () => {
    it('records what Security Hub holds without touching the version', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});

      // Act
      await newStore().recordSecurityHub(
        KEY,
        { status: 'PASSED', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: NOW.toISOString() },
        1_739_527_200,
      );

      // Assess
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: KEY } },
          UpdateExpression:
            'SET #securityHub = :securityHub, #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero)',
          ExpressionAttributeNames: {
            '#securityHub': 'securityHub',
            '#expiresAt': 'expiresAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':securityHub': {
              M: {
                status: { S: 'PASSED' },
                createdAt: { S: '2025-01-01T00:00:00.000Z' },
                updatedAt: { S: NOW.toISOString() },
              },
            },
            ':expiresAt': { N: '1739527200' },
            ':zero': { N: '0' },
          },
        },
      ]);
    });
  });

  describe('outbox', () => {
    const OUTBOX = '123456789012/us-east-1/outbox/b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9';
    const pendingOf = async (): Promise<PlannedAlert> => ({
      alert: await dryRunAlert(),
      commits: [{ key: KEY, expectedVersion: 0, write }],
    });

    it('appends alerts whose publish failed, as JSON strings, without any condition', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});
      const pending = await pendingOf();

      // Act
      await newStore().stash(OUTBOX, [pending], 1_739_527_200);

      // Assess
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: OUTBOX } },
          UpdateExpression:
            'SET #pending = list_append(if_not_exists(#pending, :empty), :alerts), #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero)',
          ExpressionAttributeNames: {
            '#pending': 'pending',
            '#expiresAt': 'expiresAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':empty': { L: [] },
            ':alerts': { L: [{ S: JSON.stringify(pending) }] },
            ':expiresAt': { N: '1739527200' },
            ':zero': { N: '0' },
          },
        },
      ]);
    });

    it('reads pending alerts back as they were stashed, skipping one that cannot be read', async () => {
      // Prepare
      const pending = await pendingOf();
      dynamoMock.on(BatchGetItemCommand).resolves({
        Responses: {
          [TABLE]: [
            {
              key: { S: OUTBOX },
              version: { N: '0' },
              pending: {
                L: [{ S: '{"alert":{"schema":"other"}}' }, { S: JSON.stringify(pending) }, { S: 'not json' }],
              },
            },
          ],
        },
        UnprocessedKeys: {},
      });

      // Act
      const states = await newStore().load([OUTBOX]);

      // Assess
      expect(states.get(OUTBOX)).toEqual({ version: 0, pending: [pending] });
    });

    it('settles a claimed outbox by removing the published entries by index, so later stashes stay', async () => {
      // Prepare
      dynamoMock.on(UpdateItemCommand).resolves({});
      const store = newStore();

      // Act
      await store.settleOutbox(OUTBOX, 'token-1', [2, 0]);
      await store.settleOutbox(OUTBOX, 'token-1', []);

      // Assess
      expect(sentInputs(dynamoMock, UpdateItemCommand)).toEqual([
        {
          TableName: TABLE,
          Key: { key: { S: OUTBOX } },
          UpdateExpression:
            'SET #version = #version + :one REMOVE #pending[0], #pending[2], #claimToken, #claimUntil',
          ConditionExpression: '#claimToken = :token',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#pending': 'pending',
            '#claimToken': 'claimToken',
            '#claimUntil': 'claimUntil',
          },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':token': { S: 'token-1' } },
        },
        {
          TableName: TABLE,
          Key: { key: { S: OUTBOX } },
          UpdateExpression: 'SET #version = #version + :one REMOVE #claimToken, #claimUntil',
          ConditionExpression: '#claimToken = :token',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#claimToken': 'claimToken',
            '#claimUntil': 'claimUntil',
          },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':token': { S: 'token-1' } },
        },
      ]);
    });
  });

  it('sends only commands that DYNAMODB_IAM_ACTIONS grants', async () => {
    // Prepare
    dynamoMock.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] }, UnprocessedKeys: {} });
    dynamoMock.on(UpdateItemCommand).resolves({});
    const store = newStore();

    // Act
    await store.load([KEY]);
    await store.claim(KEY, { expectedVersion: 0, token: 't', until: UNTIL, now: NOW });
    await store.commit(KEY, 't', write);

    // Assess
    expect([
      ...new Set(sentCommands(dynamoMock).map((n) => `dynamodb:${n.replace(/Command$/, '')}`)),
    ]).toEqual([...DYNAMODB_IAM_ACTIONS]);
  });
});
