import { describe, expect, it } from 'vitest';
import {
  COMPILED_ON,
  ENGINE_VERSIONS,
  type EngineVersionLine,
  endOfSupportInstant,
  lookupVersion,
  parseEngineVersion,
  recommendedVersion,
  SOURCES,
  staleTableWarning,
} from '../../../../shared/checks/support/engine-versions.ts';
import type { EngineType } from '../../../../shared/model/types.ts';

describe('parseEngineVersion', () => {
  it.each<[string, ReturnType<typeof parseEngineVersion>]>([
    ['5.18', { major: 5, minor: 18 }],
    ['5.16.3', { major: 5, minor: 16, patch: 3 }],
    ['5.17.6', { major: 5, minor: 17, patch: 6 }],
    ['3.13', { major: 3, minor: 13 }],
    ['3.11.20', { major: 3, minor: 11, patch: 20 }],
    [' 4.2 ', { major: 4, minor: 2 }],
    ['5', undefined],
    ['5.18.x', undefined],
    ['v5.18', undefined],
    ['5..18', undefined],
    ['5.18.3.1', undefined],
    ['', undefined],
    ['latest', undefined],
  ])('parses "%s"', (value, expected) => {
    // Act
    const parsed = parseEngineVersion(value);

    // Assess
    expect(parsed).toEqual(expected);
  });
});

describe('ENGINE_VERSIONS', () => {
  it.each<[EngineType, string, string | undefined]>([
    ['ACTIVEMQ', '5.19', undefined],
    ['ACTIVEMQ', '5.18', undefined],
    ['ACTIVEMQ', '5.17', '2025-06-16'],
    ['ACTIVEMQ', '5.16', '2024-11-15'],
    ['ACTIVEMQ', '5.15', '2024-09-16'],
    ['RABBITMQ', '4.3', undefined],
    ['RABBITMQ', '4.2', undefined],
    ['RABBITMQ', '3.13', undefined],
    ['RABBITMQ', '3.12', '2025-03-17'],
    ['RABBITMQ', '3.11', '2025-02-17'],
    ['RABBITMQ', '3.10', '2024-10-15'],
    ['RABBITMQ', '3.9', '2024-09-16'],
  ])('holds %s %s with end of support %s', (engine, version, endOfSupport) => {
    // Act
    const line = ENGINE_VERSIONS[engine].find((candidate) => candidate.version === version);

    // Assess
    expect(line).toBeDefined();
    expect(line?.endOfSupport).toBe(endOfSupport);
  });

  it.each<[EngineType, string]>([
    ['ACTIVEMQ', '5.19'],
    ['RABBITMQ', '4.2'],
  ])('recommends %s %s', (engine, version) => {
    // Act
    const recommended = recommendedVersion(engine);

    // Assess
    expect(recommended?.version).toBe(version);
  });

  it('lists every line newest first, with parseable versions and dates', () => {
    for (const engine of ['ACTIVEMQ', 'RABBITMQ'] as const) {
      const lines = ENGINE_VERSIONS[engine];
      const parsed = lines.map((line) => parseEngineVersion(line.version));
      // Assess
      expect(parsed.every((version) => version !== undefined && version.patch === undefined)).toBe(true);
      for (let i = 1; i < parsed.length; i += 1) {
        const newer = parsed[i - 1];
        const older = parsed[i];
        expect(
          newer &&
            older &&
            (newer.major > older.major || (newer.major === older.major && newer.minor > older.minor)),
        ).toBe(true);
      }
      for (const line of lines) expect(() => endOfSupportInstant(line)).not.toThrow();
    }
  });

  it('names its sources and the day it was compiled', () => {
    // Assess
    expect(COMPILED_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(SOURCES.ACTIVEMQ[0]).toBe(
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html',
    );
    expect(SOURCES.RABBITMQ).toEqual([
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-4.html',
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html',
    ]);
  });
});

describe('lookupVersion', () => {
  it.each<[EngineType, string, string]>([
    ['ACTIVEMQ', '5.17.6', 'known'],
    ['ACTIVEMQ', '5.19', 'known'],
    ['ACTIVEMQ', '5.20', 'newer-than-table'],
    ['ACTIVEMQ', '6.1.0', 'newer-than-table'],
    ['ACTIVEMQ', '5.14.5', 'unknown-older'],
    ['RABBITMQ', '3.8.30', 'unknown-older'],
    ['RABBITMQ', '4.1', 'unknown-older'],
    ['RABBITMQ', '4.3', 'known'],
    ['RABBITMQ', '4.4', 'newer-than-table'],
  ])('places %s %s as %s', (engine, version, kind) => {
    // Prepare
    const parsed = parseEngineVersion(version);
    if (!parsed) throw new Error('test input must parse');

    // Act
    const lookup = lookupVersion(engine, parsed);

    // Assess
    expect(lookup.kind).toBe(kind);
  });

  it('throws on a malformed table entry: the table is code', () => {
    // Prepare
    const table: Record<EngineType, readonly EngineVersionLine[]> = {
      ACTIVEMQ: [{ version: '5.x', checkedOn: '2026-12-05', sources: [] }],
      RABBITMQ: [],
    };

    // Act
    const act = () => lookupVersion('ACTIVEMQ', { major: 5, minor: 18 }, table);

    // Assess
    expect(act).toThrow('Malformed engine version');
  });
});

describe('staleTableWarning', () => {
  it.each<[string, string, boolean]>([
    ['the day it was compiled', '2026-12-05T00:00:00.000Z', false],
    ['180 days later', '2027-06-03T23:59:59.999Z', false],
    ['181 days later', '2027-06-04T00:00:00.000Z', true],
    ['years later', '2031-01-01T00:00:00.000Z', true],
  ])('on %s warns: %s', (_case, now, warns) => {
    // Act
    const warning = staleTableWarning(new Date(now), '2026-12-05');

    // Assess
    expect(warning !== undefined).toBe(warns);
  });

  it('says how old the table is and what to do', () => {
    // Act
    const warning = staleTableWarning(new Date('2027-12-05T00:00:00.000Z'), '2026-12-05');

    // Assess
    expect(warning).toBe(
      "mq-guardian's engine end-of-support table was compiled on 2026-12-05, 365 days ago (more than 180): end-of-support dates announced since are missing; upgrade mq-guardian",
    );
  });

  it('dates every row and names its sources, never after the table itself', () => {
    // Act
    const rows = [...ENGINE_VERSIONS.ACTIVEMQ, ...ENGINE_VERSIONS.RABBITMQ];

    // Assess
    for (const row of rows) {
      expect(row.checkedOn <= COMPILED_ON).toBe(true);
      expect(row.sources.length).toBeGreaterThan(0);
      for (const source of row.sources)
        expect(source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/amazon-mq\//);
    }
  });
});
