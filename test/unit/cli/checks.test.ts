import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CATALOGUE_WIDTH, checkSources } from '../../../shared/cli/checks.ts';
import { main } from '../../../shared/cli/main.ts';
import { ALL_CHECKS } from '../../../shared/checks/registry.ts';
import { captureCommandOutput } from '../../support/captured-output.ts';

const output = captureCommandOutput();

beforeEach(() => {
  // The engine calendar's age warning is not what these tests are about.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-06T00:00:00.000Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

const lines = (text: string): string[] => text.trimEnd().split('\n');

/** A line wider than the catalogue is allowed only when it is one URL that alone is wider. */
const tooWide = (text: string): string[] =>
  lines(text).filter(
    (line) =>
      line.length > CATALOGUE_WIDTH && !(/^https:\/\/\S+$/.test(line) && line.length > CATALOGUE_WIDTH),
  );

/** The text as words, so that wrapping does not matter. */
const words = (text: string): string => text.replace(/\s+/g, ' ').trim();

describe('mq-guardian checks', () => {
  it('lists every check with its severity, engines, auto-fix and title within 100 columns', async () => {
    // Act
    const code = await main(['checks']);

    // Assess
    expect(code).toBe(0);
    expect(output.err).toBe('');
    expect(Math.max(...lines(output.out).map((l) => l.length))).toBeLessThanOrEqual(CATALOGUE_WIDTH);
    expect(output.out).toMatch(/^id\s+severity\s+engines\s+auto-fix\n/);
    for (const { meta } of ALL_CHECKS) {
      expect(output.out).toMatch(new RegExp(`^${meta.id}\\s+${meta.severity}\\s`, 'm'));
      expect(words(output.out)).toContain(words(meta.title));
    }
    expect(lines(output.out).at(-1)).toBe(
      'Risk, remediation and sources: mq-guardian checks --verbose (every check) or checks ID.',
    );
  });

  it('prints every check in full with --verbose: risk, remediation and each source on its own line', async () => {
    // Act
    const code = await main(['checks', '--verbose']);

    // Assess
    expect(code).toBe(0);
    expect(tooWide(output.out)).toEqual([]);
    const blocks = output.out.trimEnd().split('\n\n');
    expect(blocks.map((b) => b.split('\n')[0])).toEqual(ALL_CHECKS.map((c) => c.meta.id));
    for (const [i, { meta }] of ALL_CHECKS.entries()) {
      const block = blocks[i] ?? '';
      const [risk, rest] = block.split('\n  Remediation:\n');
      const [remediation, sources] = (rest ?? '').split('\n  Sources:\n');
      expect(words(risk ?? '')).toContain(words(meta.risk));
      expect(words(remediation ?? '')).toBe(words(meta.remediation.text));
      expect(lines(sources ?? '').map((l) => l.trim())).toEqual(checkSources(meta));
      expect(checkSources(meta)).toContain(meta.remediation.url);
      expect(checkSources(meta)).toContain(meta.source);
    }
  });

  it('prints only the named checks, in full and in the order given', async () => {
    // Act
    const code = await main(['checks', 'mq-broker-highly-available', 'mq-broker-ingress-not-open-to-world']);

    // Assess
    expect(code).toBe(0);
    expect(
      output.out
        .trimEnd()
        .split('\n\n')
        .map((b) => b.split('\n')[0]),
    ).toEqual(['mq-broker-highly-available', 'mq-broker-ingress-not-open-to-world']);
    expect(output.out).toContain('  Risk:\n');
  });

  it('prints the named checks, with risk, remediation and sources, as one JSON document', async () => {
    // Act
    const code = await main(['checks', 'mq-broker-highly-available', '--json']);

    // Assess
    expect(code).toBe(0);
    const printed = JSON.parse(output.out) as { id: string; risk: string; source: string }[];
    expect(printed.map((c) => c.id)).toEqual(['mq-broker-highly-available']);
    expect(printed[0]?.risk).not.toBe('');
  });

  it('answers an unknown check id with one line and exit code 2', async () => {
    // Act
    const code = await main(['checks', 'mq-broker-everything-fine']);

    // Assess
    expect(code).toBe(2);
    expect(output.out).toBe('');
    expect(output.err).toBe(
      'mq-guardian checks: unknown check "mq-broker-everything-fine"; mq-guardian checks lists the ids ' +
        '(see mq-guardian checks --help)\n',
    );
  });
});
