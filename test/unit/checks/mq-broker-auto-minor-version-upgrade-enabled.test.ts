import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-auto-minor-version-upgrade-enabled.ts';
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

describe('mq-broker-auto-minor-version-upgrade-enabled', () => {
  it.each<[string, BrokerSnapshot, string, string, string[]]>([
    [
      'ActiveMQ with upgrades on',
      activeMqSnapshot(),
      'PASS',
      `${BROKER} upgrades minor engine versions automatically.`,
      [],
    ],
    [
      'ActiveMQ 5.17 with upgrades off',
      activeMqSnapshot({ engineVersion: '5.17.6', autoMinorVersionUpgrade: false }),
      'FAIL',
      `${BROKER} does not upgrade minor engine versions automatically.`,
      ['AutoMinorVersionUpgrade'],
    ],
    [
      'RabbitMQ with upgrades on',
      rabbitMqSnapshot(),
      'PASS',
      `${RABBIT} upgrades minor engine versions automatically.`,
      [],
    ],
    [
      'RabbitMQ 3.11 with upgrades off',
      rabbitMqSnapshot({ engineVersion: '3.11.20', autoMinorVersionUpgrade: false }),
      'FAIL',
      `${RABBIT} does not upgrade minor engine versions automatically.`,
      ['AutoMinorVersionUpgrade'],
    ],
    [
      'the DescribeBroker sample',
      SAMPLE_ACTIVEMQ,
      'PASS',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) upgrades minor engine versions automatically.',
      [],
    ],
  ])('reports %s as %s', (_case, snapshot, status, message, paths) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
    expect(evidencePaths(finding)).toEqual(paths);
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['a string', 'true'],
  ])('reports ERROR when AutoMinorVersionUpgrade is %s', (_case, value) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'autoMinorVersionUpgrade', value);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
  });

  it('tells in its remediation that the setting is mandatory from ActiveMQ 5.18 and RabbitMQ 3.13', () => {
    // Assess
    expect(check.meta.remediation.text).toContain('mandatory from ActiveMQ 5.18 and RabbitMQ 3.13');
    expect(check.meta.severity).toBe('LOW');
  });
});
