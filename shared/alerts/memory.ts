/**
 * The alerting ports in memory: the state store with the same conditional-write rules as the
 * DynamoDB table, a publisher that keeps what it was given, and a preview that wires both into the
 * real sink. Used by `mq-guardian replay`, the demo and tests; no AWS.
 */
import type { FindingsSink } from '../use-cases/handle-api-call.ts';
import type { RemediationMode } from '../policy/settings.ts';
import type { Alert } from './alert.ts';
import type { AlertPublisher, AlertStateStore, ClaimRequest } from './ports.ts';
import { type AlertLogger, createAlertingSink } from './sink.ts';
import type { AlertState, AlertStateWrite, PlannedAlert, SecurityHubState } from './state.ts';

interface Entry {
  state: AlertState;
  claim?: { readonly token: string; readonly until: number };
}

export interface MemoryAlertStateStore extends AlertStateStore {
  /** The states as they are now (claims left out). */
  states(): Map<string, AlertState>;
}

const claimFree = (entry: Entry, now: Date): boolean =>
  entry.claim === undefined || entry.claim.until < now.getTime();

export const createMemoryAlertStateStore = (
  initial: Iterable<readonly [string, AlertState]> = [],
): MemoryAlertStateStore => {
  const entries = new Map<string, Entry>([...initial].map(([key, state]) => [key, { state }]));

  const written = (entry: Entry, write: AlertStateWrite): AlertState => ({
    ...entry.state,
    version: entry.state.version + 1,
    announced: write.announced,
    seenAt: write.seenAt,
    expiresAt: write.expiresAt,
  });

  return {
    async load(keys) {
      const found = new Map<string, AlertState>();
      for (const key of keys) {
        const entry = entries.get(key);
        if (entry) found.set(key, entry.state);
      }
      return found;
    },

    async claim(key: string, request: ClaimRequest) {
      const entry = entries.get(key);
      if (entry === undefined) {
        entries.set(key, {
          state: { version: 0 },
          claim: { token: request.token, until: request.until.getTime() },
        });
        return true;
      }
      if (entry.state.version !== request.expectedVersion || !claimFree(entry, request.now)) return false;
      entry.claim = { token: request.token, until: request.until.getTime() };
      return true;
    },

    async commit(key, token, write) {
      const entry = entries.get(key);
      if (entry?.claim?.token !== token) return false;
      entries.set(key, { state: written(entry, write) });
      return true;
    },

    async release(key, token) {
      const entry = entries.get(key);
      if (entry?.claim?.token === token) delete entry.claim;
    },

    async update(key, expectedVersion, write, now) {
      const entry = entries.get(key) ?? { state: { version: 0 } };
      if (entries.has(key) && (entry.state.version !== expectedVersion || !claimFree(entry, now)))
        return false;
      entries.set(key, { state: written(entry, write), ...(entry.claim ? { claim: entry.claim } : {}) });
      return true;
    },

    async recordSecurityHub(key: string, state: SecurityHubState, expiresAt: number) {
      const entry = entries.get(key) ?? { state: { version: 0 } };
      entry.state = { ...entry.state, securityHub: state, expiresAt };
      entries.set(key, entry);
    },

    async stash(key: string, alerts: readonly PlannedAlert[], expiresAt: number) {
      const entry = entries.get(key) ?? { state: { version: 0 } };
      // Stored as JSON, like the table does: what comes back is a copy.
      const copies = alerts.map((a) => JSON.parse(JSON.stringify(a)) as PlannedAlert);
      entry.state = { ...entry.state, pending: [...(entry.state.pending ?? []), ...copies], expiresAt };
      entries.set(key, entry);
    },

    async settleOutbox(key: string, token: string, published: readonly number[]) {
      const entry = entries.get(key);
      if (entry?.claim?.token !== token) return false;
      const { pending = [], ...rest } = entry.state;
      const left = pending.filter((_, index) => !published.includes(index));
      entries.set(key, {
        state: { ...rest, version: entry.state.version + 1, ...(left.length > 0 ? { pending: left } : {}) },
      });
      return true;
    },

    states() {
      return new Map([...entries].map(([key, entry]) => [key, entry.state]));
    },
  };
};

export interface RecordingPublisher extends AlertPublisher {
  /** Every alert published, in order. */
  readonly published: Alert[];
}

export const createRecordingPublisher = (): RecordingPublisher => {
  const published: Alert[] = [];
  return {
    published,
    async publish(alert) {
      published.push(alert);
    },
  };
};

export interface AlertPreview {
  /** Pass as `findingsSink` to the use cases: alerts are planned and deduplicated as deployed. */
  readonly sink: FindingsSink;
  readonly store: MemoryAlertStateStore;
  /** The alerts the deployed stack would have sent, in order. */
  alerts(): readonly Alert[];
}

const silent: AlertLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** What `mq-guardian replay` and the demo use to show the alerts they would send. */
export const createAlertPreview = (options: {
  readonly mode: RemediationMode;
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  readonly store?: MemoryAlertStateStore;
}): AlertPreview => {
  const store = options.store ?? createMemoryAlertStateStore();
  const publisher = createRecordingPublisher();
  let token = 0;
  const sink = createAlertingSink({
    publisher,
    stateStore: store,
    mode: options.mode,
    account: options.account,
    region: options.region,
    now: options.now,
    logger: silent,
    newToken: () => {
      token += 1;
      return `preview-${token}`;
    },
  });
  return { sink, store, alerts: () => [...publisher.published] };
};
