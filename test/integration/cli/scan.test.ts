/**
 * `scan` over a live account (mocked at the SDK boundary): one broker AWS describes in a shape
 * mq-guardian cannot read is that broker's ERROR, and every other broker is still evaluated.
 */
import {
  DescribeBrokerCommand,
  DescribeConfigurationCommand,
  ListBrokersCommand,
  MqClient,
} from '@aws-sdk/client-mq';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { scanAccount } from '../../../shared/cli/scan.ts';
import type { Finding } from '../../../shared/model/finding.ts';

const mqMock = mockClient(MqClient);
const ACCOUNT = '123456789012';
const RABBIT = 'b-2c4e6a8b-1d3f-4a5b-9c7d-0e1f2a3b4c5d';
const BROKEN = 'b-7a9b1c3d-5e7f-4a1b-8c3d-5e7f9a1b3c5d';
const arn = (name: string, id: string) => `arn:aws:mq:us-east-1:${ACCOUNT}:broker:${name}:${id}`;

/** A public RabbitMQ broker as Amazon MQ describes it: no Users, no security groups, OAuth 2.0. */
const rabbit = {
  BrokerId: RABBIT,
  BrokerArn: arn('events', RABBIT),
  BrokerName: 'events',
  BrokerState: 'RUNNING',
  EngineType: 'RabbitMQ',
  EngineVersion: '4.2.1',
  DeploymentMode: 'CLUSTER_MULTI_AZ',
  PubliclyAccessible: true,
  AutoMinorVersionUpgrade: true,
  AuthenticationStrategy: 'config_managed',
  EncryptionOptions: { UseAwsOwnedKey: true },
  Logs: { General: true },
  Configurations: { Current: { Id: 'c-1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', Revision: 1 } },
  SubnetIds: ['subnet-0123456789abcdef0'],
  Tags: {},
};

const run = async () => {
  const report = await scanAccount({ failOn: 'HIGH', remediationMode: 'off' });
  // What `scan --json` prints.
  const printed = JSON.stringify(report);
  return { code: report.exitCode, findings: (JSON.parse(printed) as { findings: Finding[] }).findings };
};

describe('scanAccount', () => {
  const region = process.env.AWS_REGION;
  beforeEach(() => {
    mqMock.reset();
    process.env.AWS_REGION = 'us-east-1';
    mqMock.on(ListBrokersCommand).resolves({
      BrokerSummaries: [
        {
          BrokerId: RABBIT,
          BrokerArn: arn('events', RABBIT),
          BrokerName: 'events',
          BrokerState: 'RUNNING',
          EngineType: 'RABBITMQ',
          DeploymentMode: 'CLUSTER_MULTI_AZ',
        },
        {
          BrokerId: BROKEN,
          BrokerArn: arn('orders', BROKEN),
          BrokerName: 'orders',
          BrokerState: 'RUNNING',
          EngineType: 'ACTIVEMQ',
          DeploymentMode: 'SINGLE_INSTANCE',
        },
      ],
    });
    mqMock.on(DescribeBrokerCommand, { BrokerId: RABBIT }).resolves(rabbit as never);
    // The configuration's name and descriptions, which the personal-data check scans.
    mqMock.on(DescribeConfigurationCommand).resolves({
      Id: rabbit.Configurations.Current.Id,
      Name: 'events-config',
      EngineType: 'RABBITMQ',
      LatestRevision: {
        Revision: 1,
        Description: 'Auto-generated default for events-config',
        Created: new Date('2026-06-01T10:00:00Z'),
      },
      Tags: {},
    });
    mqMock.on(DescribeBrokerCommand, { BrokerId: BROKEN }).resolves({
      ...rabbit,
      BrokerId: BROKEN,
      BrokerArn: arn('orders', BROKEN),
      PubliclyAccessible: 'no',
    } as never);
  });
  afterAll(() => {
    if (region === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = region;
  });

  it('evaluates a RabbitMQ broker without users and with CONFIG_MANAGED authentication', async () => {
    // Act
    const { findings } = await run();

    // Assess
    const rabbitFindings = findings.filter((f) => f.resource.id === RABBIT);
    expect(rabbitFindings.length).toBeGreaterThan(5);
    expect(rabbitFindings.filter((f) => f.status === 'ERROR')).toEqual([]);
    expect(rabbitFindings.find((f) => f.checkId === 'mq-broker-not-publicly-accessible')?.status).toBe(
      'FAIL',
    );
  });

  it('reports a broker of unreadable shape as ERROR on every check and still exits with a verdict', async () => {
    // Act
    const { code, findings } = await run();

    // Assess
    const broken = findings.filter((f) => f.resource.id === BROKEN);
    expect(broken.length).toBeGreaterThan(5);
    expect(new Set(broken.map((f) => f.status))).toEqual(new Set(['ERROR']));
    expect(broken[0]?.message).toContain('PubliclyAccessible is not a boolean');
    expect(code).toBe(1);
  });
});
