/**
 * The alerting side's interfaces to the outside world (kept apart from shared/ports.ts, which the
 * evaluation side owns). `shared/aws/` implements them with SNS, DynamoDB and Security Hub;
 * shared/alerts/memory.ts implements them in memory for replay, the demo and tests.
 *
 * Error contract as in shared/ports.ts: failures are thrown (AwsCallError), answers are values.
 */
import type { Alert } from './alert.ts';
import type { AsffFinding } from './asff.ts';
import type { AlertState, AlertStateWrite, PlannedAlert, SecurityHubState } from './state.ts';

export interface AlertPublisher {
  /** Publishes one alert (one SNS message). Resolves once the channel accepted it. */
  publish(alert: Alert): Promise<void>;
}

export interface ClaimRequest {
  /** The version read; the claim fails if the item changed since. */
  readonly expectedVersion: number;
  /** Identifies this invocation's claim; commit and release must present it. */
  readonly token: string;
  readonly until: Date;
  readonly now: Date;
}

/**
 * The alert-state table. Every write is conditional so that two invocations evaluating the same broker
 * at once never both announce one change: the first to `claim` a key announces, the other skips it.
 */
export interface AlertStateStore {
  /** The states of `keys` (strongly consistent). Keys without an item are absent from the map. */
  load(keys: readonly string[]): Promise<Map<string, AlertState>>;
  /** Claims `key` for announcing: false when the item changed since it was read or another claim holds it. */
  claim(key: string, request: ClaimRequest): Promise<boolean>;
  /** Writes the announced state and drops the claim: false when the claim was lost (lease ran out, taken over). */
  commit(key: string, token: string, write: AlertStateWrite): Promise<boolean>;
  /** Drops a claim without writing (the publish failed), so a retry can announce. */
  release(key: string, token: string): Promise<void>;
  /** Rewrites the state without an announcement (items changed, TTL refresh): false when the item changed or is claimed. */
  update(key: string, expectedVersion: number, write: AlertStateWrite, now: Date): Promise<boolean>;
  /** Records what Security Hub now holds for `key` (unconditional: imports are idempotent). */
  recordSecurityHub(key: string, state: SecurityHubState, expiresAt: number): Promise<void>;
  /** Appends alerts whose publish failed to the outbox item `key` (unconditional: never loses one). */
  stash(key: string, alerts: readonly PlannedAlert[], expiresAt: number): Promise<void>;
  /**
   * Removes the published entries (indexes in the pending list as loaded) from the claimed outbox and
   * drops the claim: false when the claim was lost. By index, so alerts stashed meanwhile (appended at
   * the end) stay.
   */
  settleOutbox(key: string, token: string, published: readonly number[]): Promise<boolean>;
}

export interface FindingImportFailure {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

export interface FindingPublisher {
  /** BatchImportFindings in batches of at most 100. Returns the findings Security Hub refused. */
  importFindings(findings: readonly AsffFinding[]): Promise<FindingImportFailure[]>;
}

/** Reads a SecureString parameter (decrypted, cached). */
export interface SecureParameterReader {
  /** `refresh` bypasses the cache (the cached value was rejected). */
  getSecureString(name: string, options?: { readonly refresh?: boolean }): Promise<string>;
}

/** What became of one Slack message. */
export type SlackPostResult =
  | { readonly status: 'sent'; readonly attempts: number }
  /** The webhook is gone or refuses for good (404, 410, no_service, channel_not_found, ...): retrying cannot help. */
  | {
      readonly status: 'dropped';
      readonly reason: string;
      readonly httpStatus: number;
      readonly attempts: number;
    };

export interface SlackPoster {
  /** Posts one payload; throws when Slack keeps failing (5xx, rate limit beyond the wait allowed) or refuses the payload. */
  post(payload: unknown): Promise<SlackPostResult>;
}
