import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-engine-version-supported.ts';
import type { BrokerSnapshot } from '../../../shared/model/types.ts';
import {
  activeMqSnapshot,
  contextAt,
  evidencePaths,
  RABBIT_ID,
  rabbitMqSnapshot,
  SAMPLE_ACTIVEMQ,
  withRaw,
} from './support/broker-snapshots.ts';

const BROKER = 'Broker orders-prod (b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9)';
const RABBIT = `Broker events-prod (${RABBIT_ID})`;
const NOW = '2026-11-24T12:00:00.000Z';

const TABLE = " Decided by mq-guardian's end-of-support table (compiled 2026-12-05).";
const AMAZON_MQ = " Decided by Amazon MQ's DescribeBrokerEngineTypes answer.";
const BOTH =
  " Decided by mq-guardian's end-of-support table (compiled 2026-12-05) and Amazon MQ's DescribeBrokerEngineTypes answer.";

const activeMq = (engineVersion: string) => activeMqSnapshot({ engineVersion });
const rabbitMq = (engineVersion: string) => rabbitMqSnapshot({ engineVersion });

describe('mq-broker-engine-version-supported', () => {
  it.each<[string, BrokerSnapshot, string, string]>([
    [
      'ActiveMQ 5.19',
      activeMq('5.19'),
      'PASS',
      `${BROKER} runs ActiveMQ 5.19, which Amazon MQ supports.${TABLE}`,
    ],
    [
      'ActiveMQ 5.18',
      activeMq('5.18'),
      'PASS',
      `${BROKER} runs ActiveMQ 5.18, which Amazon MQ supports (5.19 is the recommended version).${TABLE}`,
    ],
    [
      'ActiveMQ 5.17.6',
      activeMq('5.17.6'),
      'FAIL',
      `${BROKER} runs ActiveMQ 5.17.6, which reached end of support on 2025-06-16 (5.19 is the recommended version).${TABLE}`,
    ],
    [
      'ActiveMQ 5.16.3 (the DescribeBroker sample)',
      SAMPLE_ACTIVEMQ,
      'FAIL',
      `Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) runs ActiveMQ 5.16.3, which reached end of support on 2024-11-15 (5.19 is the recommended version).${TABLE}`,
    ],
    [
      'ActiveMQ 5.15.16',
      activeMq('5.15.16'),
      'FAIL',
      `${BROKER} runs ActiveMQ 5.15.16, which reached end of support on 2024-09-16 (5.19 is the recommended version).${TABLE}`,
    ],
    [
      'ActiveMQ 5.14.5, older than the calendar',
      activeMq('5.14.5'),
      'FAIL',
      `${BROKER} runs ActiveMQ 5.14.5, which is not a supported Amazon MQ version (5.19 is the recommended version).${TABLE}`,
    ],
    [
      'ActiveMQ 5.20, newer than the calendar',
      activeMq('5.20'),
      'PASS',
      `${BROKER} runs ActiveMQ 5.20, newer than 5.19, the newest version mq-guardian's table knows; it is taken as supported.${TABLE}`,
    ],
    [
      'RabbitMQ 4.2',
      rabbitMq('4.2'),
      'PASS',
      `${RABBIT} runs RabbitMQ 4.2, which Amazon MQ supports.${TABLE}`,
    ],
    [
      'RabbitMQ 4.3',
      rabbitMq('4.3.1'),
      'PASS',
      `${RABBIT} runs RabbitMQ 4.3.1, which Amazon MQ supports.${TABLE}`,
    ],
    [
      'RabbitMQ 3.13',
      rabbitMq('3.13'),
      'PASS',
      `${RABBIT} runs RabbitMQ 3.13, which Amazon MQ supports (4.2 is the recommended version).${TABLE}`,
    ],
    [
      'RabbitMQ 3.12.13',
      rabbitMq('3.12.13'),
      'FAIL',
      `${RABBIT} runs RabbitMQ 3.12.13, which reached end of support on 2025-03-17 (4.2 is the recommended version).${TABLE}`,
    ],
    [
      'RabbitMQ 3.11.20',
      rabbitMq('3.11.20'),
      'FAIL',
      expect.stringContaining('reached end of support on 2025-02-17'),
    ],
    [
      'RabbitMQ 3.10.20',
      rabbitMq('3.10.20'),
      'FAIL',
      expect.stringContaining('reached end of support on 2024-10-15'),
    ],
    [
      'RabbitMQ 3.9.27',
      rabbitMq('3.9.27'),
      'FAIL',
      expect.stringContaining('reached end of support on 2024-09-16'),
    ],
    [
      'RabbitMQ 3.8.34, older than the calendar',
      rabbitMq('3.8.34'),
      'FAIL',
      `${RABBIT} runs RabbitMQ 3.8.34, which is not a supported Amazon MQ version (4.2 is the recommended version).${TABLE}`,
    ],
    [
      'RabbitMQ 4.1, a line Amazon MQ never offered',
      rabbitMq('4.1'),
      'FAIL',
      `${RABBIT} runs RabbitMQ 4.1, which is not a supported Amazon MQ version (4.2 is the recommended version).${TABLE}`,
    ],
  ])('reports %s as %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt(NOW));

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toEqual(message);
  });

  // Each boundary of each dated line: the last moment before end of support, the first moment of it,
  // and the start of the 90-day warning.
  const DATED: readonly [string, BrokerSnapshot, string][] = [
    ['ActiveMQ 5.17', activeMq('5.17.6'), '2025-06-16'],
    ['ActiveMQ 5.16', activeMq('5.16.7'), '2024-11-15'],
    ['ActiveMQ 5.15', activeMq('5.15.16'), '2024-09-16'],
    ['RabbitMQ 3.12', rabbitMq('3.12.13'), '2025-03-17'],
    ['RabbitMQ 3.11', rabbitMq('3.11.28'), '2025-02-17'],
    ['RabbitMQ 3.10', rabbitMq('3.10.25'), '2024-10-15'],
    ['RabbitMQ 3.9', rabbitMq('3.9.29'), '2024-09-16'],
  ];
  const shift = (date: string, ms: number): string =>
    new Date(new Date(`${date}T00:00:00.000Z`).getTime() + ms).toISOString();
  const DAY = 24 * 60 * 60 * 1000;

  it.each(DATED)('fails %s from the first moment of its end-of-support day', (_line, snapshot, date) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt(`${date}T00:00:00.000Z`));

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain(`reached end of support on ${date}`);
    expect(evidencePaths(finding)).toEqual(['EngineVersion']);
  });

  it.each(DATED)(
    'passes %s with a warning one millisecond before end of support',
    (_line, snapshot, date) => {
      // Act
      const finding = check.evaluate(snapshot, contextAt(shift(date, -1)));

      // Assess
      expect(finding.status).toBe('PASS');
      expect(finding.message).toContain(`until end of support on ${date} (in 1 day): upgrade soon`);
    },
  );

  it.each(DATED)('warns about %s exactly 90 days before end of support', (_line, snapshot, date) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt(shift(date, -90 * DAY)));

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toContain(`on ${date} (in 90 days): upgrade soon`);
  });

  it.each(DATED)(
    'passes %s without a warning more than 90 days before end of support',
    (_line, snapshot, date) => {
      // Act
      const finding = check.evaluate(snapshot, contextAt(shift(date, -90 * DAY - 1)));

      // Assess
      expect(finding.status).toBe('PASS');
      expect(finding.message).toContain(`which Amazon MQ supports until ${date}`);
      expect(finding.message).not.toContain('upgrade soon');
    },
  );

  it('reads the clock from the context only', () => {
    // Prepare
    const snapshot = activeMq('5.17.6');

    // Act
    const before = check.evaluate(snapshot, contextAt('2025-01-01T00:00:00.000Z'));
    const after = check.evaluate(snapshot, contextAt('2025-07-01T00:00:00.000Z'));

    // Assess
    expect([before.status, after.status]).toEqual(['PASS', 'FAIL']);
  });

  it.each<[string, unknown]>([
    ['a version with a suffix', '5.18-preview'],
    ['a major version only', '5'],
    ['an empty version', ''],
    ['no version', undefined],
  ])('reports ERROR for %s', (_case, version) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'engineVersion', version);

    // Act
    const finding = check.evaluate(snapshot, contextAt(NOW));

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(evidencePaths(finding)).toEqual(['EngineVersion']);
  });

  it('throws on an invalid clock rather than guessing', () => {
    // Act
    const act = () => check.evaluate(activeMq('5.17.6'), contextAt('not a date'));

    // Assess
    expect(act).toThrow('not a valid date');
  });
});

describe('mq-broker-engine-version-supported with Amazon MQ’s list of offered versions', () => {
  const offering = (snapshot: BrokerSnapshot, ...versions: string[]): BrokerSnapshot => ({
    ...snapshot,
    engineOffer: { status: 'read', versions },
  });
  const unread = (snapshot: BrokerSnapshot, reason: string): BrokerSnapshot => ({
    ...snapshot,
    engineOffer: { status: 'unread', reason },
  });

  it.each<[string, BrokerSnapshot, string, string]>([
    [
      'a line both sources support',
      offering(activeMq('5.18.4'), '5.19', '5.18'),
      'PASS',
      `${BROKER} runs ActiveMQ 5.18.4, which Amazon MQ supports (5.19 is the recommended version).${BOTH}`,
    ],
    [
      'a line the table lacks but Amazon MQ offers (newer)',
      offering(activeMq('5.20'), '5.20', '5.19'),
      'PASS',
      `${BROKER} runs ActiveMQ 5.20, which Amazon MQ supports.${AMAZON_MQ}`,
    ],
    [
      'a line the table lacks but Amazon MQ offers (older)',
      offering(rabbitMq('4.1'), '4.3', '4.2', '4.1'),
      'PASS',
      `${RABBIT} runs RabbitMQ 4.1, which Amazon MQ supports (4.2 is the recommended version).${AMAZON_MQ}`,
    ],
    [
      'an undated line Amazon MQ no longer offers',
      offering(rabbitMq('3.13.7'), '4.3', '4.2'),
      'FAIL',
      `${RABBIT} runs RabbitMQ 3.13.7, which Amazon MQ no longer offers (it lists 4.3, 4.2): it withdraws a version at the latest 30 days before its end of support (4.2 is the recommended version).${AMAZON_MQ}`,
    ],
    [
      'a version newer than the table that Amazon MQ does not list',
      offering(activeMq('5.20'), '5.19', '5.18'),
      'FAIL',
      expect.stringContaining(`which Amazon MQ no longer offers (it lists 5.19, 5.18)`),
    ],
    [
      'a dated line past end of support, whatever Amazon MQ lists',
      offering(activeMq('5.17.6'), '5.19', '5.18', '5.17.6'),
      'FAIL',
      `${BROKER} runs ActiveMQ 5.17.6, which reached end of support on 2025-06-16 (5.19 is the recommended version).${BOTH}`,
    ],
    [
      'a patch-level name in the list, matched by line',
      offering(activeMq('5.18.1'), '5.18.4'),
      'PASS',
      expect.stringContaining('which Amazon MQ supports'),
    ],
  ])('reports %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt(NOW));

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toEqual(message);
  });

  it('names the EngineVersion field and the offered versions when Amazon MQ no longer offers the line', () => {
    // Act
    const finding = check.evaluate(offering(rabbitMq('3.13'), '4.3', '4.2'), contextAt(NOW));

    // Assess
    expect(finding.evidence).toEqual({
      kind: 'fields',
      fields: [
        {
          path: 'EngineVersion',
          detail: '3.13: 3.13 is not among the versions DescribeBrokerEngineTypes lists (4.3, 4.2)',
        },
      ],
    });
  });

  it('warns, while still passing, about a dated line Amazon MQ has stopped creating brokers on', () => {
    // Act
    const finding = check.evaluate(
      offering(activeMq('5.17.6'), '5.19', '5.18'),
      contextAt('2025-06-01T00:00:00.000Z'),
    );

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toContain(
      'until end of support on 2025-06-16 (in 15 days); Amazon MQ no longer creates brokers on it: upgrade soon',
    );
  });

  it('decides from the table alone and says why when Amazon MQ’s list was not read', () => {
    // Act
    const finding = check.evaluate(
      unread(rabbitMq('3.13'), 'DescribeBrokerEngineTypes failed: AccessDeniedException'),
      contextAt(NOW),
    );

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toBe(
      `${RABBIT} runs RabbitMQ 3.13, which Amazon MQ supports (4.2 is the recommended version).${TABLE} Amazon MQ's list of versions was not read (DescribeBrokerEngineTypes failed: AccessDeniedException).`,
    );
  });

  it('still fails a version older than the table when Amazon MQ’s list was not read', () => {
    // Act
    const finding = check.evaluate(unread(rabbitMq('4.1'), 'not recorded'), contextAt(NOW));

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toContain('which is not a supported Amazon MQ version');
  });
});

describe('mq-broker-engine-version-supported and the age of its table', () => {
  it('adds a warning, without changing the verdict, once the table is more than 180 days old', () => {
    // Prepare: 181 days after the table was compiled
    const snapshot = activeMq('5.18');

    // Act
    const fresh = check.evaluate(snapshot, contextAt('2027-06-03T00:00:00.000Z'));
    const stale = check.evaluate(snapshot, contextAt('2027-06-04T00:00:00.000Z'));

    // Assess
    expect(fresh.message).not.toContain('Warning');
    expect(stale.status).toBe(fresh.status);
    expect(stale.message).toContain(
      "Warning: mq-guardian's engine end-of-support table was compiled on 2026-12-05, 181 days ago (more than 180)",
    );
  });
});
