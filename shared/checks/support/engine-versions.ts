/**
 * Amazon MQ engine versions and their end-of-support dates: the shipped half of the calendar
 * mq-broker-engine-version-supported reads. The other half is Amazon MQ's own answer
 * (DescribeBrokerEngineTypes: the versions it still offers), read live; see engine-calendar.ts.
 * Update this table (each row's `checkedOn` and `sources`, and COMPILED_ON) when AWS publishes a new
 * calendar; the check and `mq-guardian checks` warn once COMPILED_ON is more than
 * STALE_AFTER_DAYS old.
 *
 * Versions are compared by major.minor only: Amazon MQ announces end of support per minor line
 * (5.17 covers 5.17.6, 5.17.16, ...) and patches within a line move automatically.
 */
import type { EngineType } from '../../model/types.ts';

export interface EngineVersionLine {
  /** `major.minor`, e.g. `5.18`. */
  readonly version: string;
  /** First day (UTC) on which Amazon MQ no longer supports this line; absent while no date is announced. */
  readonly endOfSupport?: string;
  /** The version AWS recommends for new and upgraded brokers. */
  readonly recommended?: boolean;
  /** The day this row was last checked against its sources (YYYY-MM-DD). */
  readonly checkedOn: string;
  /** Where the row comes from: Amazon MQ developer guide pages. */
  readonly sources: readonly string[];
}

/** Amazon MQ announces end of support at least 90 days ahead; the check warns from then on. */
export const WARNING_DAYS = 90;

/**
 * Amazon MQ stops creating brokers on a version 30 days before its end of support: a version its
 * DescribeBrokerEngineTypes answer no longer lists is at most this many days from end of support.
 */
export const WITHDRAWN_BEFORE_END_DAYS = 30;

/** The day this table was last checked as a whole: the newest `checkedOn` of its rows. */
export const COMPILED_ON = '2026-12-05';

/** Past this age the shipped table may miss announcements; the check and `checks` say so. */
export const STALE_AFTER_DAYS = 180;

const GUIDE = 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide';
const ACTIVEMQ_CALENDAR = [`${GUIDE}/activemq-version-management.html`];
const RABBITMQ_CALENDAR = [`${GUIDE}/rabbitmq-version-management.html`];
const RABBITMQ_4 = [`${GUIDE}/rabbitmq-4.html`, `${GUIDE}/rabbitmq-version-management.html`];

export const SOURCES: Readonly<Record<EngineType, readonly string[]>> = {
  ACTIVEMQ: ACTIVEMQ_CALENDAR,
  RABBITMQ: [...new Set([...RABBITMQ_4, ...RABBITMQ_CALENDAR])],
};

/**
 * Newest first. RabbitMQ 4.0 and 4.1 are absent on purpose: Amazon MQ skipped them (its RabbitMQ 4
 * series starts at 4.2; 4.3 followed, upgraded in place from 4.2 only), so a broker reporting them
 * runs no version Amazon MQ supports. The RabbitMQ guide still names 4.2 "recommended" while 4.3
 * exists; the check never advises moving to an older line than the broker's.
 */
export const ENGINE_VERSIONS: Readonly<Record<EngineType, readonly EngineVersionLine[]>> = {
  ACTIVEMQ: [
    { version: '5.19', recommended: true, checkedOn: '2026-12-05', sources: ACTIVEMQ_CALENDAR },
    { version: '5.18', checkedOn: '2026-12-05', sources: ACTIVEMQ_CALENDAR },
    { version: '5.17', endOfSupport: '2025-06-16', checkedOn: '2026-12-05', sources: ACTIVEMQ_CALENDAR },
    { version: '5.16', endOfSupport: '2024-11-15', checkedOn: '2026-12-05', sources: ACTIVEMQ_CALENDAR },
    { version: '5.15', endOfSupport: '2024-09-16', checkedOn: '2026-12-05', sources: ACTIVEMQ_CALENDAR },
  ],
  RABBITMQ: [
    { version: '4.3', checkedOn: '2026-12-05', sources: RABBITMQ_4 },
    { version: '4.2', recommended: true, checkedOn: '2026-12-05', sources: RABBITMQ_4 },
    { version: '3.13', checkedOn: '2026-12-05', sources: RABBITMQ_CALENDAR },
    { version: '3.12', endOfSupport: '2025-03-17', checkedOn: '2026-12-05', sources: RABBITMQ_CALENDAR },
    { version: '3.11', endOfSupport: '2025-02-17', checkedOn: '2026-12-05', sources: RABBITMQ_CALENDAR },
    { version: '3.10', endOfSupport: '2024-10-15', checkedOn: '2026-12-05', sources: RABBITMQ_CALENDAR },
    { version: '3.9', endOfSupport: '2024-09-16', checkedOn: '2026-12-05', sources: RABBITMQ_CALENDAR },
  ],
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from COMPILED_ON (start of day, UTC) to `now`. */
export const tableAgeDays = (now: Date, compiledOn: string = COMPILED_ON): number => {
  const compiled = new Date(`${compiledOn}T00:00:00.000Z`).getTime();
  if (Number.isNaN(compiled)) throw new Error(`Malformed compilation date: ${compiledOn}`);
  if (Number.isNaN(now.getTime())) throw new Error('The clock is not a valid date');
  return Math.floor((now.getTime() - compiled) / DAY_MS);
};

/**
 * A warning when the shipped table is older than STALE_AFTER_DAYS at `now`, else undefined. A
 * warning, never a failure: the live DescribeBrokerEngineTypes answer still reports versions AWS
 * withdrew, and an old table must not turn findings red on a date.
 */
export const staleTableWarning = (now: Date, compiledOn: string = COMPILED_ON): string | undefined => {
  const age = tableAgeDays(now, compiledOn);
  return age > STALE_AFTER_DAYS
    ? `mq-guardian's engine end-of-support table was compiled on ${compiledOn}, ${age} days ago (more than ${STALE_AFTER_DAYS}): end-of-support dates announced since are missing; upgrade mq-guardian`
    : undefined;
};

export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch?: number;
}

// Digits only, at most three parts: anything else (suffixes, empty parts, signs) is not a version
// mq-guardian can place in the calendar.
const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,6}))?$/;

/** `5.18`, `5.16.3`, `3.13` parse; `5`, `5.18.x`, `v5.18`, `5..18` do not. */
export const parseEngineVersion = (value: string): ParsedVersion | undefined => {
  const match = VERSION_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const [, major, minor, patch] = match;
  return patch === undefined
    ? { major: Number(major), minor: Number(minor) }
    : { major: Number(major), minor: Number(minor), patch: Number(patch) };
};

/** Negative when `a` is older than `b`, by major.minor. */
export const compareMajorMinor = (a: ParsedVersion, b: ParsedVersion): number =>
  a.major !== b.major ? a.major - b.major : a.minor - b.minor;

export const majorMinor = (version: ParsedVersion): string => `${version.major}.${version.minor}`;

const lineVersion = (line: EngineVersionLine): ParsedVersion => {
  const parsed = parseEngineVersion(line.version);
  // The table is code: a malformed entry is a programming error, not a finding.
  if (!parsed) throw new Error(`Malformed engine version in the table: ${line.version}`);
  return parsed;
};

export type VersionLookup =
  | { readonly kind: 'known'; readonly line: EngineVersionLine }
  | { readonly kind: 'newer-than-table'; readonly newest: EngineVersionLine }
  | { readonly kind: 'unknown-older'; readonly newest: EngineVersionLine };

/** Where `version` sits in the table of `engine`. */
export const lookupVersion = (
  engine: EngineType,
  version: ParsedVersion,
  table: Readonly<Record<EngineType, readonly EngineVersionLine[]>> = ENGINE_VERSIONS,
): VersionLookup => {
  const lines = table[engine];
  const line = lines.find((candidate) => compareMajorMinor(lineVersion(candidate), version) === 0);
  if (line) return { kind: 'known', line };
  const newest = lines.reduce<EngineVersionLine | undefined>(
    (best, candidate) =>
      best === undefined || compareMajorMinor(lineVersion(candidate), lineVersion(best)) > 0
        ? candidate
        : best,
    undefined,
  );
  if (!newest) throw new Error(`No engine versions in the table for ${engine}`);
  return compareMajorMinor(version, lineVersion(newest)) > 0
    ? { kind: 'newer-than-table', newest }
    : { kind: 'unknown-older', newest };
};

/** The recommended line of `engine`, if the table names one. */
export const recommendedVersion = (
  engine: EngineType,
  table: Readonly<Record<EngineType, readonly EngineVersionLine[]>> = ENGINE_VERSIONS,
): EngineVersionLine | undefined => table[engine].find((line) => line.recommended === true);

/** Start of the end-of-support day, UTC. */
export const endOfSupportInstant = (line: EngineVersionLine): Date | undefined => {
  if (line.endOfSupport === undefined) return undefined;
  const instant = new Date(`${line.endOfSupport}T00:00:00.000Z`);
  if (Number.isNaN(instant.getTime())) throw new Error(`Malformed end-of-support date: ${line.endOfSupport}`);
  return instant;
};
