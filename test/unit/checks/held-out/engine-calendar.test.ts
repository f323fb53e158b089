/**
 * Held-out engine versions against the two sources: the shipped end-of-support table (Amazon MQ
 * developer guide, "Managing Amazon MQ for ActiveMQ engine versions" and the RabbitMQ counterpart) and
 * Amazon MQ's DescribeBrokerEngineTypes answer. Amazon MQ compares lines by major.minor ("5.18" and
 * "5.18.4" are the same line; auto minor version upgrade moves a broker to the newest patch), and a
 * version it no longer lists cannot be created any more: it is within 30 days of end of support or past it.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../../shared/checks/mq-broker-engine-version-supported.ts';
import type { FindingStatus } from '../../../../shared/model/finding.ts';
import type { EngineOfferState } from '../../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import { aBroker, aSnapshot } from '../../../support/snapshot-builder.ts';

const offered = (...versions: string[]): EngineOfferState => ({ status: 'read', versions });
const UNREAD: EngineOfferState = { status: 'unread', reason: 'AccessDeniedException' };
const NOW = new Date('2026-12-05T12:00:00Z');

const evaluate = (
  engineType: 'ACTIVEMQ' | 'RABBITMQ',
  engineVersion: string,
  engineOffer: EngineOfferState | undefined,
  now = NOW,
) =>
  check.evaluate(
    aSnapshot({
      broker: aBroker({ engineType, engineVersion, autoMinorVersionUpgrade: true }),
      ...(engineOffer === undefined ? {} : { engineOffer }),
    }),
    { settings: DEFAULT_SETTINGS, now },
  );

describe('engine versions judged by the table and by Amazon MQ', () => {
  it.each<[string, 'ACTIVEMQ' | 'RABBITMQ', string, EngineOfferState | undefined, FindingStatus, string]>([
    ['ActiveMQ line as Amazon MQ names it', 'ACTIVEMQ', '5.18', offered('5.19', '5.18'), 'PASS', 'both'],
    ['ActiveMQ patch of an offered line', 'ACTIVEMQ', '5.18.4', offered('5.19', '5.18'), 'PASS', 'both'],
    [
      'ActiveMQ patch, Amazon MQ lists patches',
      'ACTIVEMQ',
      '5.19',
      offered('5.19.1', '5.18.6'),
      'PASS',
      'both',
    ],
    ['ActiveMQ past its dated end of support', 'ACTIVEMQ', '5.17.6', offered('5.19', '5.18'), 'FAIL', 'both'],
    ['ActiveMQ past end of support, offer unread', 'ACTIVEMQ', '5.16.7', UNREAD, 'FAIL', 'table'],
    ['ActiveMQ older than the table', 'ACTIVEMQ', '5.14.5', undefined, 'FAIL', 'table'],
    [
      'ActiveMQ newer than the table and offered',
      'ACTIVEMQ',
      '6.0',
      offered('6.0', '5.19'),
      'PASS',
      'amazon-mq',
    ],
    ['ActiveMQ newer than the table, offer not asked', 'ACTIVEMQ', '5.20', undefined, 'PASS', 'table'],
    [
      'ActiveMQ 5.18 once Amazon MQ stops listing it (no date yet)',
      'ACTIVEMQ',
      '5.18',
      offered('5.19', '6.0'),
      'FAIL',
      'amazon-mq',
    ],
    ['RabbitMQ 3.13 offered', 'RABBITMQ', '3.13', offered('3.13', '4.2', '4.3'), 'PASS', 'both'],
    ['RabbitMQ 3.13 patch offered', 'RABBITMQ', '3.13.7', offered('3.13', '4.2'), 'PASS', 'both'],
    [
      'RabbitMQ 3.13 once Amazon MQ stops listing it',
      'RABBITMQ',
      '3.13',
      offered('4.2', '4.3'),
      'FAIL',
      'amazon-mq',
    ],
    ['RabbitMQ 4.2', 'RABBITMQ', '4.2', offered('4.2', '4.3', '3.13'), 'PASS', 'both'],
    ['RabbitMQ 4.3 from the table alone', 'RABBITMQ', '4.3', undefined, 'PASS', 'table'],
    ['RabbitMQ 4.3 patch', 'RABBITMQ', '4.3.1', offered('4.3', '4.2'), 'PASS', 'both'],
    ['RabbitMQ 4.1, which Amazon MQ never offered', 'RABBITMQ', '4.1', undefined, 'FAIL', 'table'],
    ['RabbitMQ 3.12 past end of support', 'RABBITMQ', '3.12.13', offered('3.13', '4.2'), 'FAIL', 'both'],
    ['RabbitMQ 3.8, older than the table', 'RABBITMQ', '3.8.34', UNREAD, 'FAIL', 'table'],
  ])('%s (%s %s)', (_name, engine, version, offer, expected, decidedBy) => {
    // Act
    const finding = evaluate(engine, version, offer);

    // Assess
    expect(finding.status).toBe(expected);
    const source = {
      table: /Decided by mq-guardian's end-of-support table \(compiled [0-9-]+\)\./,
      'amazon-mq': /Decided by Amazon MQ's DescribeBrokerEngineTypes answer\./,
      both: /Decided by mq-guardian's end-of-support table \(compiled [0-9-]+\) and Amazon MQ's/,
    }[decidedBy];
    expect(finding.message).toMatch(source as RegExp);
  });

  it('says when the offer could not be read', () => {
    // Act
    const finding = evaluate('ACTIVEMQ', '5.18', UNREAD);

    // Assess
    expect(finding.message).toContain("Amazon MQ's list of versions was not read (AccessDeniedException)");
  });

  it('warns, without changing the verdict, when the shipped table is more than 180 days old', () => {
    // Act
    const fresh = evaluate('ACTIVEMQ', '5.18', offered('5.18', '5.19'));
    const old = evaluate('ACTIVEMQ', '5.18', offered('5.18', '5.19'), new Date('2027-07-01T00:00:00Z'));

    // Assess
    expect(fresh.message).not.toContain('Warning');
    expect(old.status).toBe('PASS');
    expect(old.message).toMatch(/Warning: .*compiled on [0-9-]+, \d+ days ago \(more than 180\)/);
  });

  it.each(['5.18.x', 'v5.18', '5', ''])(
    'reports an engine version it cannot read (%j) as ERROR',
    (version) => {
      // Act
      const finding = evaluate('ACTIVEMQ', version, offered('5.18'));

      // Assess
      expect(finding.status).toBe('ERROR');
    },
  );
});
