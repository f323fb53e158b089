import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  DynamoDBClient,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { AlertStateStore, ClaimRequest } from '../alerts/ports.ts';
import { parseAlert } from '../alerts/schema.ts';
import type {
  AlertState,
  AlertStateWrite,
  AnnouncedState,
  PlannedAlert,
  SecurityHubState,
  SecurityHubStatus,
  StateCommit,
} from '../alerts/state.ts';
import { AwsCallError, UnexpectedShapeError } from '../errors.ts';
import { callAws, chunk } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';
import { plural } from '../wording.ts';

/** What `createDynamoDbAlertStateStore` calls; serverless.yml must grant exactly these on the alert-state table. */
export const DYNAMODB_IAM_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'] as const;

/** BatchGetItem takes at most 100 keys a call. */
export const MAX_KEYS_PER_BATCH_GET = 100;
/** Rounds of UnprocessedKeys retried before the read counts as failed. */
export const MAX_UNPROCESSED_ROUNDS = 5;

/**
 * The table: partition key `key` (S), TTL attribute `expiresAt` (N, epoch seconds), on demand.
 * Attribute names go through placeholders: `key` and others are DynamoDB reserved words.
 */
export const ALERT_STATE_KEY_ATTRIBUTE = 'key';
export const ALERT_STATE_TTL_ATTRIBUTE = 'expiresAt';

export const getDynamoDbClient: () => DynamoDBClient = once(() => new DynamoDBClient(sdkClientConfig()));

const NAMES = {
  '#key': 'key',
  '#version': 'version',
  '#claimToken': 'claimToken',
  '#claimUntil': 'claimUntil',
  '#announced': 'announced',
  '#seenAt': 'seenAt',
  '#expiresAt': 'expiresAt',
  '#securityHub': 'securityHub',
  '#pending': 'pending',
} as const;

type Name = keyof typeof NAMES;

const names = (...used: Name[]): Record<string, string> =>
  Object.fromEntries(used.map((name) => [name, NAMES[name]]));

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

const optional = (name: string, value: string | undefined): Record<string, AttributeValue> =>
  value === undefined ? {} : { [name]: S(value) };

export const marshalAnnounced = (announced: AnnouncedState): AttributeValue => ({
  M: {
    kind: S(announced.kind),
    status: S(announced.status),
    items: { L: announced.items.map(S) },
    ...optional('message', announced.message),
    ...optional('since', announced.since),
    announcedAt: S(announced.announcedAt),
    ...optional('alertId', announced.alertId),
    ...optional('eventId', announced.eventId),
  },
});

const marshalSecurityHub = (state: SecurityHubState): AttributeValue => ({
  M: { status: S(state.status), createdAt: S(state.createdAt), updatedAt: S(state.updatedAt) },
});

const str = (value: AttributeValue | undefined): string | undefined =>
  value !== undefined && 'S' in value && typeof value.S === 'string' ? value.S : undefined;

const num = (value: AttributeValue | undefined): number | undefined => {
  if (value === undefined || !('N' in value) || typeof value.N !== 'string') return undefined;
  const parsed = Number(value.N);
  return Number.isFinite(parsed) ? parsed : undefined;
};

const map = (value: AttributeValue | undefined): Record<string, AttributeValue> | undefined =>
  value !== undefined && 'M' in value && value.M !== undefined ? value.M : undefined;

/**
 * A part that cannot be read is left out rather than guessed: an unreadable `announced` makes the
 * key count as not announced (at worst one repeated alert), never as "already announced".
 */
const unmarshalAnnounced = (value: AttributeValue | undefined): AnnouncedState | undefined => {
  const m = map(value);
  if (m === undefined) return undefined;
  const kind = str(m.kind);
  const status = str(m.status);
  const announcedAt = str(m.announcedAt);
  const list = m.items !== undefined && 'L' in m.items ? m.items.L : undefined;
  const items = list?.map(str);
  if ((kind !== 'finding' && kind !== 'remediation') || status === undefined || announcedAt === undefined) {
    return undefined;
  }
  if (items === undefined || items.some((i) => i === undefined)) return undefined;
  const message = str(m.message);
  const since = str(m.since);
  const alertId = str(m.alertId);
  const eventId = str(m.eventId);
  return {
    kind,
    status,
    items: items as string[],
    ...(message === undefined ? {} : { message }),
    ...(since === undefined ? {} : { since }),
    announcedAt,
    ...(alertId === undefined ? {} : { alertId }),
    ...(eventId === undefined ? {} : { eventId }),
  };
};

const SECURITY_HUB_STATUSES: readonly string[] = [
  'FAILED',
  'PASSED',
  'NOT_AVAILABLE',
] satisfies SecurityHubStatus[];

const unmarshalSecurityHub = (value: AttributeValue | undefined): SecurityHubState | undefined => {
  const m = map(value);
  const status = str(m?.status);
  const createdAt = str(m?.createdAt);
  const updatedAt = str(m?.updatedAt);
  if (status === undefined || !SECURITY_HUB_STATUSES.includes(status) || !createdAt || !updatedAt)
    return undefined;
  return { status: status as SecurityHubStatus, createdAt, updatedAt };
};

/** Pending alerts are stored as JSON strings, one list element each. */
const marshalPending = (alerts: readonly PlannedAlert[]): AttributeValue => ({
  L: alerts.map((a) => S(JSON.stringify(a))),
});

const isCommit = (value: unknown): value is StateCommit => {
  const commit = value as {
    key?: unknown;
    expectedVersion?: unknown;
    write?: {
      announced?: { kind?: unknown; status?: unknown; items?: unknown };
      seenAt?: unknown;
      expiresAt?: unknown;
    };
  } | null;
  const announced = commit?.write?.announced;
  return (
    typeof commit?.key === 'string' &&
    typeof commit.expectedVersion === 'number' &&
    typeof commit.write?.seenAt === 'string' &&
    typeof commit.write.expiresAt === 'number' &&
    (announced?.kind === 'finding' || announced?.kind === 'remediation') &&
    typeof announced.status === 'string' &&
    Array.isArray(announced.items)
  );
};

/** A pending alert that cannot be read back is skipped: it was written by us, so only corruption gets here. */
const unmarshalPending = (value: AttributeValue | undefined): PlannedAlert[] | undefined => {
  const list = value !== undefined && 'L' in value ? value.L : undefined;
  if (list === undefined) return undefined;
  const alerts: PlannedAlert[] = [];
  for (const element of list) {
    const text = str(element);
    if (text === undefined) continue;
    try {
      const parsed = JSON.parse(text) as { alert?: unknown; commits?: unknown };
      const commits = Array.isArray(parsed.commits) ? parsed.commits : [];
      if (!commits.every(isCommit)) continue;
      alerts.push({ alert: parseAlert(parsed.alert), commits });
    } catch {
      // Unreadable: skipped (see above).
    }
  }
  return alerts;
};

export const unmarshalAlertState = (item: Record<string, AttributeValue>): AlertState => {
  const announced = unmarshalAnnounced(item.announced);
  const securityHub = unmarshalSecurityHub(item.securityHub);
  const expiresAt = num(item.expiresAt);
  const seenAt = str(item.seenAt);
  const pending = unmarshalPending(item.pending);
  return {
    version: num(item.version) ?? 0,
    ...(announced ? { announced } : {}),
    ...(securityHub ? { securityHub } : {}),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(seenAt === undefined ? {} : { seenAt }),
    ...(pending && pending.length > 0 ? { pending } : {}),
  };
};

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface DynamoDbAlertStateStoreOptions {
  /** Waits between UnprocessedKeys rounds; injectable so tests do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Unclaimed, or the claim's lease has run out. */
const CLAIM_FREE = '(attribute_not_exists(#claimUntil) OR #claimUntil < :now)';
/** The item is as it was read: absent then, or still at that version. */
const UNCHANGED = '(attribute_not_exists(#key) OR #version = :expected)';

/**
 * The table's items and unprocessed keys in a BatchGetItem answer. A key in neither was not found (the
 * state is absent), so both maps must be there: DynamoDB answers `UnprocessedKeys` as an empty map
 * when every key was processed, and `Responses` with the table's list, which may only be missing when
 * the table's keys are all unprocessed. Anything else would read states that exist as absent.
 */
const batchGetAnswer = (
  output: BatchGetItemCommandOutput,
  tableName: string,
): { items: Record<string, AttributeValue>[]; unprocessed: Record<string, AttributeValue>[] } => {
  const { Responses, UnprocessedKeys } = output;
  if (typeof Responses !== 'object' || Responses === null) {
    throw new UnexpectedShapeError('BatchGetItem returned no Responses map; which states exist is unknown');
  }
  if (typeof UnprocessedKeys !== 'object' || UnprocessedKeys === null) {
    throw new UnexpectedShapeError(
      'BatchGetItem returned no UnprocessedKeys map (an empty one when every key was read); which states exist is unknown',
    );
  }
  const unprocessed = UnprocessedKeys[tableName]?.Keys ?? [];
  const items = Responses[tableName];
  if (items === undefined && unprocessed.length === 0) {
    throw new UnexpectedShapeError(
      `BatchGetItem returned neither items nor unprocessed keys of ${tableName}; which states exist is unknown`,
    );
  }
  if (items !== undefined && !Array.isArray(items)) {
    throw new UnexpectedShapeError(`BatchGetItem returned a non-list for ${tableName} in Responses`);
  }
  return { items: items ?? [], unprocessed };
};

export const createDynamoDbAlertStateStore = (
  tableName: string,
  client: DynamoDBClient = getDynamoDbClient(),
  options: DynamoDbAlertStateStoreOptions = {},
): AlertStateStore => {
  const sleep = options.sleep ?? defaultSleep;
  const Key = (key: string) => ({ [ALERT_STATE_KEY_ATTRIBUTE]: S(key) });

  /** UpdateItem; a failed condition is an answer (false), anything else an AwsCallError. */
  const conditionalUpdate = async (input: Omit<UpdateItemCommandInput, 'TableName'>): Promise<boolean> => {
    const result = await callAws(
      'UpdateItem',
      () => client.send(new UpdateItemCommand({ TableName: tableName, ...input })),
      { ConditionalCheckFailedException: () => false as const },
    );
    return result !== false;
  };

  return {
    async load(keys) {
      const states = new Map<string, AlertState>();
      for (const batch of chunk([...new Set(keys)], MAX_KEYS_PER_BATCH_GET)) {
        let pending: Record<string, AttributeValue>[] = batch.map(Key);
        for (let round = 0; pending.length > 0; round += 1) {
          if (round > MAX_UNPROCESSED_ROUNDS) {
            throw new AwsCallError(
              'BatchGetItem',
              'UnprocessedKeys',
              `BatchGetItem left ${plural(pending.length, 'key')} unprocessed after ${MAX_UNPROCESSED_ROUNDS} retries`,
            );
          }
          if (round > 0) await sleep(100 * 2 ** (round - 1));
          const request = pending;
          const output = await callAws('BatchGetItem', () =>
            client.send(
              new BatchGetItemCommand({
                RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } },
              }),
            ),
          );
          const { items, unprocessed } = batchGetAnswer(output, tableName);
          for (const item of items) {
            const key = str(item[ALERT_STATE_KEY_ATTRIBUTE]);
            if (key !== undefined) states.set(key, unmarshalAlertState(item));
          }
          pending = unprocessed;
        }
      }
      return states;
    },

    async claim(key: string, request: ClaimRequest) {
      return conditionalUpdate({
        Key: Key(key),
        UpdateExpression:
          'SET #claimToken = :token, #claimUntil = :until, #version = if_not_exists(#version, :zero)',
        ConditionExpression: `${UNCHANGED} AND ${CLAIM_FREE}`,
        ExpressionAttributeNames: names('#key', '#version', '#claimToken', '#claimUntil'),
        ExpressionAttributeValues: {
          ':token': S(request.token),
          ':until': N(request.until.getTime()),
          ':zero': N(0),
          ':expected': N(request.expectedVersion),
          ':now': N(request.now.getTime()),
        },
      });
    },

    async commit(key: string, token: string, write: AlertStateWrite) {
      return conditionalUpdate({
        Key: Key(key),
        UpdateExpression:
          'SET #announced = :announced, #seenAt = :seenAt, #expiresAt = :expiresAt, #version = #version + :one REMOVE #claimToken, #claimUntil',
        ConditionExpression: '#claimToken = :token',
        ExpressionAttributeNames: names(
          '#announced',
          '#seenAt',
          '#expiresAt',
          '#version',
          '#claimToken',
          '#claimUntil',
        ),
        ExpressionAttributeValues: {
          ':announced': marshalAnnounced(write.announced),
          ':seenAt': S(write.seenAt),
          ':expiresAt': N(write.expiresAt),
          ':one': N(1),
          ':token': S(token),
        },
      });
    },

    async release(key: string, token: string) {
      // false: the claim is no longer ours (lease ran out and was taken): nothing to release.
      await conditionalUpdate({
        Key: Key(key),
        UpdateExpression: 'REMOVE #claimToken, #claimUntil',
        ConditionExpression: '#claimToken = :token',
        ExpressionAttributeNames: names('#claimToken', '#claimUntil'),
        ExpressionAttributeValues: { ':token': S(token) },
      });
    },

    async update(key: string, expectedVersion: number, write: AlertStateWrite, now: Date) {
      return conditionalUpdate({
        Key: Key(key),
        UpdateExpression:
          'SET #announced = :announced, #seenAt = :seenAt, #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero) + :one',
        ConditionExpression: `${UNCHANGED} AND ${CLAIM_FREE}`,
        ExpressionAttributeNames: names(
          '#key',
          '#announced',
          '#seenAt',
          '#expiresAt',
          '#version',
          '#claimUntil',
        ),
        ExpressionAttributeValues: {
          ':announced': marshalAnnounced(write.announced),
          ':seenAt': S(write.seenAt),
          ':expiresAt': N(write.expiresAt),
          ':zero': N(0),
          ':one': N(1),
          ':expected': N(expectedVersion),
          ':now': N(now.getTime()),
        },
      });
    },

    async recordSecurityHub(key: string, state: SecurityHubState, expiresAt: number) {
      await callAws('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: Key(key),
            UpdateExpression:
              'SET #securityHub = :securityHub, #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero)',
            ExpressionAttributeNames: names('#securityHub', '#expiresAt', '#version'),
            ExpressionAttributeValues: {
              ':securityHub': marshalSecurityHub(state),
              ':expiresAt': N(expiresAt),
              ':zero': N(0),
            },
          }),
        ),
      );
    },

    async stash(key: string, alerts: readonly PlannedAlert[], expiresAt: number) {
      if (alerts.length === 0) return;
      await callAws('UpdateItem', () =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: Key(key),
            UpdateExpression:
              'SET #pending = list_append(if_not_exists(#pending, :empty), :alerts), #expiresAt = :expiresAt, #version = if_not_exists(#version, :zero)',
            ExpressionAttributeNames: names('#pending', '#expiresAt', '#version'),
            ExpressionAttributeValues: {
              ':empty': { L: [] },
              ':alerts': marshalPending(alerts),
              ':expiresAt': N(expiresAt),
              ':zero': N(0),
            },
          }),
        ),
      );
    },

    async settleOutbox(key: string, token: string, published: readonly number[]) {
      // By index: entries stashed meanwhile were appended after the ones this claim read.
      const removed = [...new Set(published)]
        .filter((i) => Number.isInteger(i) && i >= 0)
        .sort((x, y) => x - y)
        .map((i) => `#pending[${i}]`);
      return conditionalUpdate({
        Key: Key(key),
        UpdateExpression: `SET #version = #version + :one REMOVE ${[...removed, '#claimToken', '#claimUntil'].join(', ')}`,
        ConditionExpression: '#claimToken = :token',
        ExpressionAttributeNames:
          removed.length > 0
            ? names('#version', '#pending', '#claimToken', '#claimUntil')
            : names('#version', '#claimToken', '#claimUntil'),
        ExpressionAttributeValues: { ':one': N(1), ':token': S(token) },
      });
    },
  };
};
