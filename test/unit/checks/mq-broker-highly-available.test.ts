import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-highly-available.ts';
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

describe('mq-broker-highly-available', () => {
  it.each<[string, BrokerSnapshot, string, string]>([
    [
      'an ActiveMQ active/standby pair',
      activeMqSnapshot({ deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }),
      'PASS',
      `${BROKER} runs as an active/standby pair across two Availability Zones.`,
    ],
    [
      'a single-instance ActiveMQ broker',
      activeMqSnapshot({ deploymentMode: 'SINGLE_INSTANCE', subnetIds: ['subnet-0123456789abcdef0'] }),
      'FAIL',
      `${BROKER} runs as a single instance in one Availability Zone.`,
    ],
    [
      'the single-instance broker of the DescribeBroker sample',
      SAMPLE_ACTIVEMQ,
      'FAIL',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) runs as a single instance in one Availability Zone.',
    ],
    [
      'a RabbitMQ cluster',
      rabbitMqSnapshot({ deploymentMode: 'CLUSTER_MULTI_AZ' }),
      'PASS',
      `${RABBIT} runs as a three-node cluster across Availability Zones.`,
    ],
    [
      'a single-instance RabbitMQ broker',
      rabbitMqSnapshot({ deploymentMode: 'SINGLE_INSTANCE' }),
      'FAIL',
      `${RABBIT} runs as a single instance in one Availability Zone.`,
    ],
  ])('reports %s as %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
  });

  it('names DeploymentMode, the mode to use and the need to recreate in the evidence of a FAIL', () => {
    // Act
    const finding = check.evaluate(rabbitMqSnapshot({ deploymentMode: 'SINGLE_INSTANCE' }), contextAt());

    // Assess
    expect(finding.evidence).toEqual({
      kind: 'fields',
      fields: [
        {
          path: 'DeploymentMode',
          detail: 'SINGLE_INSTANCE; a create-time setting: recreate the broker as CLUSTER_MULTI_AZ',
        },
      ],
    });
  });

  it.each<[string, BrokerSnapshot]>([
    ['ActiveMQ claiming the RabbitMQ cluster mode', activeMqSnapshot({ deploymentMode: 'CLUSTER_MULTI_AZ' })],
    [
      'RabbitMQ claiming the ActiveMQ active/standby mode',
      rabbitMqSnapshot({ deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' }),
    ],
    ['an unknown mode', withRaw(activeMqSnapshot(), 'deploymentMode', 'MULTI_REGION')],
    ['no mode', withRaw(activeMqSnapshot(), 'deploymentMode', undefined)],
  ])('reports ERROR, never PASS, for %s', (_case, snapshot) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(evidencePaths(finding)).toEqual(['DeploymentMode']);
  });
});
