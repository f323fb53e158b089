import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-not-publicly-accessible.ts';
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

describe('mq-broker-not-publicly-accessible', () => {
  it.each<[string, BrokerSnapshot, string, string]>([
    ['a private ActiveMQ broker', activeMqSnapshot(), 'PASS', `${BROKER} is not publicly accessible.`],
    [
      'a public ActiveMQ broker',
      activeMqSnapshot({ publiclyAccessible: true }),
      'FAIL',
      `${BROKER} is publicly accessible.`,
    ],
    ['a private RabbitMQ cluster', rabbitMqSnapshot(), 'PASS', `${RABBIT} is not publicly accessible.`],
    [
      'a public RabbitMQ broker without security groups',
      rabbitMqSnapshot({ publiclyAccessible: true, securityGroupIds: [] }, { securityGroups: [] }),
      'FAIL',
      `${RABBIT} is publicly accessible.`,
    ],
    [
      'the private broker of the DescribeBroker sample',
      SAMPLE_ACTIVEMQ,
      'PASS',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) is not publicly accessible.',
    ],
  ])('reports %s as %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
  });

  it('names PubliclyAccessible and the need to recreate the broker in the evidence of a FAIL', () => {
    // Prepare
    const snapshot = activeMqSnapshot({ publiclyAccessible: true });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.evidence).toEqual({
      kind: 'fields',
      fields: [{ path: 'PubliclyAccessible', detail: expect.stringContaining('recreate the broker') }],
    });
    expect(finding.severity).toBe('HIGH');
    expect(finding.resource).toMatchObject({
      type: 'AWS::AmazonMQ::Broker',
      id: 'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9',
    });
  });

  it('carries no evidence on a PASS', () => {
    // Act
    const finding = check.evaluate(activeMqSnapshot(), contextAt());

    // Assess
    expect(finding.evidence).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['a string', 'false'],
    ['null', null],
  ])('reports ERROR, never PASS, when PubliclyAccessible is %s', (_case, value) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'publiclyAccessible', value);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(evidencePaths(finding)).toEqual(['PubliclyAccessible']);
  });

  it('still judges a broker whose engine type mq-guardian does not know', () => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot({ publiclyAccessible: true }), 'engineType', 'KAFKA');

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('declares metadata that matches the catalogue', () => {
    // Assess
    expect(check.meta).toMatchObject({
      id: 'mq-broker-not-publicly-accessible',
      engines: ['ACTIVEMQ', 'RABBITMQ'],
      autoRemediable: false,
    });
    expect(check.meta.remediation.text).toContain('cannot be changed');
    expect(check.meta.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});
