import { MqClient } from '@aws-sdk/client-mq';
import { describe, expect, it } from 'vitest';
import { createMqBrokerReader } from '../../../../shared/aws/mq.ts';
import { AwsCallError } from '../../../../shared/errors.ts';
import { mapBroker, mapBrokerSummary } from '../../../../shared/model/mappers.ts';
import { useLoopbackAws } from './support.ts';

const loopback = useLoopbackAws();

const ORDERS_BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000001';
const ORDERS_CONFIGURATION = 'c-1a2b3c4d-0000-4000-8000-000000000001';

const reader = () => createMqBrokerReader(new MqClient(loopback.config()));

const recordedBroker = (brokerId: string) => {
  const broker = loopback.account.state.brokers.find((b) => b.BrokerId === brokerId);
  if (!broker) throw new Error(`no broker ${brokerId} in the demo account`);
  return broker;
};

const routes = () => loopback.aws.requests.map((r) => `${r.method} ${r.path}`);

describe('Amazon MQ adapter over REST-JSON', () => {
  it('sends GET /v1/brokers/{broker-id} and parses the camelCase body into the broker', async () => {
    // Act
    const broker = await reader().describeBroker(ORDERS_BROKER);

    // Assess
    expect(routes()).toEqual([`GET /v1/brokers/${ORDERS_BROKER}`]);
    expect(loopback.aws.requests[0]?.body).toBe('');
    expect(broker).toEqual(mapBroker(recordedBroker(ORDERS_BROKER) as never));
    expect(broker?.securityGroupIds).toEqual(['sg-0a1b2c3d4e5f60001']);
  });

  it('answers null for a broker Amazon MQ does not know (404 NotFoundException)', async () => {
    // Act
    const broker = await reader().describeBroker('b-00000000-0000-4000-8000-00000000dead');

    // Assess
    expect(broker).toBeNull();
    expect(loopback.aws.requests[0]).toMatchObject({ status: 404, errorCode: 'NotFoundException' });
  });

  it('lists every broker across pages, passing nextToken back in the query string', async () => {
    // Prepare
    loopback.aws.pageSize = 4;

    // Act
    const brokers = await reader().listBrokers();

    // Assess
    expect(brokers).toEqual(
      loopback.account.state.brokers.map((b) =>
        mapBrokerSummary({ ...b, Created: new Date(String(b.Created)) } as never),
      ),
    );
    expect(routes()).toEqual([
      'GET /v1/brokers?maxResults=100',
      'GET /v1/brokers?maxResults=100&nextToken=4',
      'GET /v1/brokers?maxResults=100&nextToken=8',
    ]);
  });

  it('reads a configuration revision from GET /v1/configurations/{id}/revisions/{revision}', async () => {
    // Act
    const data = await reader().describeConfigurationRevision({ id: ORDERS_CONFIGURATION, revision: 2 });

    // Assess
    expect(routes()).toEqual([`GET /v1/configurations/${ORDERS_CONFIGURATION}/revisions/2`]);
    const configuration = loopback.account.state.configurations.find((c) => c.Id === ORDERS_CONFIGURATION);
    const revision = (
      (configuration?.Revisions ?? []) as { Revision: number; Data: string; Description?: string }[]
    ).find((r) => r.Revision === 2);
    expect(data).toEqual({ data: revision?.Data, description: revision?.Description });
    expect(data?.description).toBe('Authorization map with the activemq-webconsole group');
    expect(Buffer.from(String(data?.data), 'base64').toString('utf8')).toContain('<broker');
  });

  it('reads a configuration from GET /v1/configurations/{id}: its name and latest revision', async () => {
    // Act
    const configuration = await reader().describeConfiguration(ORDERS_CONFIGURATION);

    // Assess
    expect(routes()).toEqual([`GET /v1/configurations/${ORDERS_CONFIGURATION}`]);
    expect(configuration).toEqual({
      id: ORDERS_CONFIGURATION,
      name: 'orders-prod-config',
      latestRevision: { revision: 2, description: 'Authorization map with the activemq-webconsole group' },
    });
  });

  it('answers null for a configuration Amazon MQ does not know (404 NotFoundException)', async () => {
    // Act
    const configuration = await reader().describeConfiguration('c-00000000-0000-4000-8000-00000000dead');

    // Assess
    expect(configuration).toBeNull();
    expect(loopback.aws.requests[0]).toMatchObject({ status: 404, errorCode: 'NotFoundException' });
  });

  it('answers null for a revision that does not exist', async () => {
    // Act
    const data = await reader().describeConfigurationRevision({ id: ORDERS_CONFIGURATION, revision: 99 });

    // Assess
    expect(data).toBeNull();
  });

  it('lists the engine versions Amazon MQ offers from GET /v1/broker-engine-types, every page', async () => {
    // Prepare
    loopback.aws.pageSize = 1;

    // Act
    const offers = await reader().describeBrokerEngineTypes();

    // Assess
    expect(routes()).toEqual([
      'GET /v1/broker-engine-types?maxResults=100',
      'GET /v1/broker-engine-types?maxResults=100&nextToken=1',
    ]);
    expect(offers).toEqual([
      { engineType: 'ACTIVEMQ', versions: ['5.19', '5.18'] },
      { engineType: 'RABBITMQ', versions: ['4.3', '4.2', '3.13'] },
    ]);
  });

  it('asks for the engine versions once for the reader’s life, and again after a failed read', async () => {
    // Prepare
    loopback.account.fail({ on: 'DescribeBrokerEngineTypes', error: 'access-denied', times: 1 });
    const mq = reader();

    // Act
    const failed = await mq.describeBrokerEngineTypes().catch((e: unknown) => e);
    const first = await mq.describeBrokerEngineTypes();
    const second = await mq.describeBrokerEngineTypes();

    // Assess
    expect(failed).toMatchObject({
      operation: 'DescribeBrokerEngineTypes',
      awsErrorName: 'ForbiddenException',
    });
    expect(second).toBe(first);
    expect(routes()).toEqual([
      'GET /v1/broker-engine-types?maxResults=100',
      'GET /v1/broker-engine-types?maxResults=100',
    ]);
  });

  it('retries TooManyRequestsException (HTTP 429) and then answers', async () => {
    // Prepare
    loopback.aws.inject({ on: 'DescribeBroker', fault: 'throttling', times: 3 });

    // Act
    const broker = await reader().describeBroker(ORDERS_BROKER);

    // Assess
    expect(broker?.id).toBe(ORDERS_BROKER);
    expect(loopback.aws.requests.map((r) => [r.status, r.errorCode])).toEqual([
      [429, 'TooManyRequestsException'],
      [429, 'TooManyRequestsException'],
      [429, 'TooManyRequestsException'],
      [200, undefined],
    ]);
  });

  it('raises TooManyRequestsException as an AwsCallError once the attempts are spent', async () => {
    // Prepare
    loopback.aws.inject({ on: 'ListBrokers', fault: 'throttling' });

    // Act
    const error = await reader()
      .listBrokers()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'ListBrokers', awsErrorName: 'TooManyRequestsException' });
    expect((error as Error).message).toContain('HTTP 429');
  });

  it.each([
    ['ForbiddenException', 'access-denied'],
    ['InternalServerErrorException', 'server-error'],
  ] as const)('raises %s as an AwsCallError with that code', async (code, kind) => {
    // Prepare
    loopback.account.fail({ on: 'DescribeBroker', error: kind });

    // Act
    const error = await reader()
      .describeBroker(ORDERS_BROKER)
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ operation: 'DescribeBroker', awsErrorName: code });
  });
});
