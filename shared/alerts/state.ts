/**
 * What the alert-state table remembers per key (shared/alerts/alert.ts: findingStateKey,
 * remediationStateKey): what was last announced, what Security Hub holds, and the version that
 * conditional writes compare. Stores (DynamoDB, in memory) keep exactly this shape.
 */
import type { Alert } from './alert.ts';

/** Days an item lives after its last write (DynamoDB TTL). A key not seen for this long is forgotten. */
export const STATE_TTL_DAYS = 30;
/** A failing state seen again after this many days is rewritten, so that its TTL never runs out while it fails. */
export const STATE_REFRESH_DAYS = 7;
/** Security Hub deletes findings not updated for 90 days; a failing finding is re-imported well before that. */
export const SECURITY_HUB_REFRESH_DAYS = 30;
/** How long a claim holds a key while its alert is published. Longer than any publish; a crashed claimant's lease runs out. */
export const CLAIM_LEASE_MS = 5 * 60_000;

const DAY_MS = 86_400_000;

export type SecurityHubStatus = 'FAILED' | 'PASSED' | 'NOT_AVAILABLE';

export interface AnnouncedState {
  readonly kind: 'finding' | 'remediation';
  /**
   * Findings: the check status last recorded (`FAIL`, `ERROR`, `PASS`, `NOT_APPLICABLE`).
   * Remediation: the outcome fingerprint (`revoked`, `would-narrow:61617`, `skipped`, ...).
   */
  readonly status: string;
  /** Findings: the offending rule ids / field paths already announced; remediation: the rule and rules created. */
  readonly items: readonly string[];
  /** The sentence announced (resolved alerts quote it). */
  readonly message?: string;
  /** When the check started failing. */
  readonly since?: string;
  readonly announcedAt: string;
  readonly alertId?: string;
  /** The CloudTrail event that led to the announcement (audit trail of duplicate deliveries). */
  readonly eventId?: string;
}

export interface SecurityHubState {
  readonly status: SecurityHubStatus;
  /** The finding's CreatedAt, kept across updates. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface AlertState {
  /** Incremented by every announcing or refreshing write; 0 for an item that only holds a claim or Security Hub data. */
  readonly version: number;
  readonly announced?: AnnouncedState;
  readonly securityHub?: SecurityHubState;
  /** Epoch seconds (the TTL attribute). */
  readonly expiresAt?: number;
  /** Last time an evaluation confirmed the announced state (ISO). */
  readonly seenAt?: string;
  /** Outbox items only: alerts whose publish failed, oldest first. */
  readonly pending?: readonly PlannedAlert[];
}

/** What an announcing (commit) or refreshing (update) write sets. */
export interface AlertStateWrite {
  readonly announced: AnnouncedState;
  readonly seenAt: string;
  readonly expiresAt: number;
}

/** A state write that must follow a successful publish, conditional on the version read. */
export interface StateCommit {
  readonly key: string;
  readonly expectedVersion: number;
  readonly write: AlertStateWrite;
}

export interface PlannedAlert {
  readonly alert: Alert;
  /** The keys this alert announces: claimed before the publish, committed after it. */
  readonly commits: readonly StateCommit[];
}

/** Pending alerts an outbox item holds at most; more means publishing has been failing for long. */
export const MAX_PENDING_ALERTS = 50;

/** DynamoDB deletes expired items only within days; until then they are read as if gone. */
export const isExpired = (state: AlertState, now: Date): boolean =>
  state.expiresAt !== undefined && state.expiresAt * 1000 <= now.getTime();

export const expiresAtFor = (now: Date): number => Math.floor(now.getTime() / 1000) + STATE_TTL_DAYS * 86_400;

/** Older than `days` at `now`; an unreadable or missing time counts as old. */
export const olderThan = (iso: string | undefined, days: number, now: Date): boolean => {
  if (iso === undefined) return true;
  const time = Date.parse(iso);
  return Number.isNaN(time) || now.getTime() - time >= days * DAY_MS;
};
