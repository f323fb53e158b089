import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-audit-logging-enabled.ts';
import type { Broker, BrokerSnapshot } from '../../../shared/model/types.ts';
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

const activeMq = (logs: Broker['logs'], pendingLogs?: Broker['pendingLogs']): BrokerSnapshot =>
  activeMqSnapshot(pendingLogs ? { logs, pendingLogs } : { logs });

describe('mq-broker-audit-logging-enabled', () => {
  it.each<[string, BrokerSnapshot, string, string, string[]]>([
    [
      'ActiveMQ with audit and general logs',
      activeMq({ audit: true, general: true }),
      'PASS',
      `${BROKER} publishes general and audit logs to CloudWatch Logs.`,
      [],
    ],
    [
      'ActiveMQ without audit logs',
      activeMq({ audit: false, general: true }),
      'FAIL',
      `${BROKER} does not publish audit logs to CloudWatch Logs.`,
      ['Logs.Audit'],
    ],
    [
      'ActiveMQ without general logs',
      activeMq({ audit: true, general: false }),
      'FAIL',
      `${BROKER} does not publish general logs to CloudWatch Logs.`,
      ['Logs.General'],
    ],
    [
      'ActiveMQ without any logs (the DescribeBroker sample)',
      SAMPLE_ACTIVEMQ,
      'FAIL',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) does not publish general and audit logs to CloudWatch Logs.',
      ['Logs.General', 'Logs.Audit'],
    ],
    [
      'ActiveMQ whose audit flag is absent',
      activeMq({ general: true }),
      'FAIL',
      `${BROKER} does not publish audit logs to CloudWatch Logs.`,
      ['Logs.Audit'],
    ],
    [
      'RabbitMQ with general logs (it has no audit log)',
      rabbitMqSnapshot({ logs: { general: true } }),
      'PASS',
      `${RABBIT} publishes general logs to CloudWatch Logs.`,
      [],
    ],
    [
      'RabbitMQ without general logs',
      rabbitMqSnapshot({ logs: { general: false } }),
      'FAIL',
      `${RABBIT} does not publish general logs to CloudWatch Logs.`,
      ['Logs.General'],
    ],
    [
      'ActiveMQ whose audit logging waits for a reboot',
      activeMq({ audit: false, general: true }, { audit: true }),
      'FAIL',
      `${BROKER} does not publish audit logs to CloudWatch Logs; audit logging is turned on but waits for the next reboot.`,
      ['Logs.Audit', 'Logs.Pending.Audit'],
    ],
    [
      'ActiveMQ whose audit logging is turned off at the next reboot',
      activeMq({ audit: true, general: true }, { audit: false }),
      'PASS',
      `${BROKER} publishes general and audit logs to CloudWatch Logs, but a pending change turns audit logging off at the next reboot.`,
      [],
    ],
    [
      'ActiveMQ with pending values equal to the current ones',
      activeMq({ audit: true, general: true }, { audit: true, general: true }),
      'PASS',
      `${BROKER} publishes general and audit logs to CloudWatch Logs.`,
      [],
    ],
    [
      'RabbitMQ whose general logging waits for a reboot',
      rabbitMqSnapshot({ logs: { general: false }, pendingLogs: { general: true } }),
      'FAIL',
      `${RABBIT} does not publish general logs to CloudWatch Logs; general logging is turned on but waits for the next reboot.`,
      ['Logs.General', 'Logs.Pending.General'],
    ],
  ])('reports %s as %s', (_case, snapshot, status, message, paths) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
    expect(evidencePaths(finding)).toEqual(paths);
  });

  it('ignores a pending audit setting on RabbitMQ, which has no audit log', () => {
    // Prepare
    const snapshot = rabbitMqSnapshot({ logs: { general: true }, pendingLogs: { audit: false } });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).not.toContain('pending');
  });

  it.each<[string, unknown]>([
    ['no logs object', undefined],
    ['a general flag that is not a boolean', { general: 'yes', audit: true }],
    ['an audit flag that is not a boolean', { general: true, audit: 1 }],
  ])('reports ERROR for %s', (_case, logs) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'logs', logs);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
  });
});
