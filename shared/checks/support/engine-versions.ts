/**
 * Amazon MQ engine versions and their end-of-support dates: the one table
 * mq-broker-engine-version-supported reads. Update it (and COMPILED_ON) when AWS publishes a new
 * calendar; the check says so itself when it meets a version newer than this table knows.
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
}

/** Amazon MQ announces end of support at least 90 days ahead; the check warns from then on. */
export const WARNING_DAYS = 90;

/** The day this table was last checked against the sources below. */
export const COMPILED_ON = '2026-11-24';

export const SOURCES: Readonly<Record<EngineType, readonly string[]>> = {
  ACTIVEMQ: [
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html',
    'https://github.com/endoflife-date/endoflife.date/blob/main/products/amazon-mq-activemq.md',
  ],
  RABBITMQ: [
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html',
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-4.html',
    'https://github.com/endoflife-date/endoflife.date/blob/main/products/amazon-mq-rabbitmq.md',
  ],
};

/**
 * Newest first. RabbitMQ 4.0 and 4.1 are absent on purpose: Amazon MQ skipped them (4.2 is the only
 * line of the RabbitMQ 4 series it offers), so a broker reporting them is not a supported version.
 */
export const ENGINE_VERSIONS: Readonly<Record<EngineType, readonly EngineVersionLine[]>> = {
  ACTIVEMQ: [
    { version: '5.19', recommended: true },
    { version: '5.18' },
    { version: '5.17', endOfSupport: '2025-06-16' },
    { version: '5.16', endOfSupport: '2024-11-15' },
    { version: '5.15', endOfSupport: '2024-09-16' },
  ],
  RABBITMQ: [
    { version: '4.2', recommended: true },
    { version: '3.13' },
    { version: '3.12', endOfSupport: '2025-03-17' },
    { version: '3.11', endOfSupport: '2025-02-17' },
    { version: '3.10', endOfSupport: '2024-10-15' },
    { version: '3.9', endOfSupport: '2024-09-16' },
  ],
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
