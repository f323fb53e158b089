import {
  DescribeBrokerCommand,
  DescribeBrokerEngineTypesCommand,
  DescribeConfigurationCommand,
  type DescribeBrokerResponse,
  DescribeConfigurationRevisionCommand,
  ListBrokersCommand,
  type ListBrokersResponse,
  MqClient,
  MqServiceException,
} from '@aws-sdk/client-mq';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMqBrokerReader, MQ_IAM_ACTIONS } from '../../../shared/aws/mq.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import describeBrokerJson from '../../fixtures/aws-sdk/mq-describe-broker-activemq.json' with {
  type: 'json',
};
import trimmedBrokersJson from '../../fixtures/aws-sdk/mq-describe-broker-trimmed.json' with { type: 'json' };
import listBrokersJson from '../../fixtures/aws-sdk/mq-list-brokers.json' with { type: 'json' };
import { awsError, REQUEST_ID, sentCommands, sentInputs } from './support.ts';

const mqMock = mockClient(MqClient);

const describeBrokerOutput = {
  ...describeBrokerJson,
  Created: new Date(describeBrokerJson.Created),
} as unknown as DescribeBrokerResponse;

const listBrokersPages = listBrokersJson.pages.map(
  (page) =>
    ({
      ...page,
      BrokerSummaries: page.BrokerSummaries.map((summary) => ({
        ...summary,
        Created: new Date(summary.Created),
      })),
    }) as unknown as ListBrokersResponse,
);

const newReader = () => createMqBrokerReader(new MqClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createMqBrokerReader', () => {
  beforeEach(() => {
    mqMock.reset();
  });

  describe('describeBroker', () => {
    it('describes the broker by id and returns it mapped', async () => {
      // Prepare
      mqMock.on(DescribeBrokerCommand).resolves(describeBrokerOutput);

      // Act
      const broker = await newReader().describeBroker(describeBrokerJson.BrokerId);

      // Assess
      expect(mqMock).toHaveReceivedCommandTimes(DescribeBrokerCommand, 1);
      expect(sentInputs(mqMock, DescribeBrokerCommand)).toEqual([{ BrokerId: describeBrokerJson.BrokerId }]);
      expect(broker).toMatchObject({
        id: describeBrokerJson.BrokerId,
        arn: describeBrokerJson.BrokerArn,
        name: 'sadeed-br',
        publiclyAccessible: false,
        securityGroupIds: ['sg-1234567890abcdef0'],
        encryption: { useAwsOwnedKey: false, kmsKeyId: describeBrokerJson.EncryptionOptions.KmsKeyId },
        configurations: { current: { id: 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a', revision: 1 } },
      });
    });

    it('returns null when Amazon MQ answers NotFoundException', async () => {
      // Prepare
      mqMock
        .on(DescribeBrokerCommand)
        .rejects(awsError(MqServiceException, 'NotFoundException', 'Broker b-gone not found', 404));

      // Act
      const broker = await newReader().describeBroker('b-gone');

      // Assess
      expect(broker).toBeNull();
      expect(mqMock).toHaveReceivedCommandExactlyOnceWith(DescribeBrokerCommand, { BrokerId: 'b-gone' });
    });

    it('lets an incomplete answer fail as UnexpectedShapeError, not as an AWS call error', async () => {
      // Prepare: the public sample was trimmed by its authors; PubliclyAccessible is missing.
      const [trimmed] = trimmedBrokersJson;
      mqMock
        .on(DescribeBrokerCommand)
        .resolves({ ...trimmed, Created: new Date(trimmed!.Created) } as unknown as DescribeBrokerResponse);

      // Act
      const error = await newReader()
        .describeBroker(trimmed!.BrokerId)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(UnexpectedShapeError);
      expect(error).not.toBeInstanceOf(AwsCallError);
      expect((error as Error).message).toContain('PubliclyAccessible');
    });

    it.each([
      ['TooManyRequestsException', 429],
      ['ForbiddenException', 403],
      ['InternalServerErrorException', 500],
    ])('throws an AwsCallError naming DescribeBroker and %s', async (name, status) => {
      // Prepare
      const cause = awsError(MqServiceException, name, 'Request failed', status);
      mqMock.on(DescribeBrokerCommand).rejects(cause);

      // Act
      const result = newReader().describeBroker('b-1');

      // Assess
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'DescribeBroker',
        awsErrorName: name,
        code: 'AWS_CALL',
        cause,
      });
      expect((error as Error).message).toContain(REQUEST_ID);
      expect(mqMock).toHaveReceivedCommandTimes(DescribeBrokerCommand, 1);
    });

    it('does not take a NotFoundException raised outside AWS (no $metadata) for an answer', async () => {
      // Prepare
      const local = Object.assign(new Error('not from AWS'), { name: 'NotFoundException' });
      mqMock.on(DescribeBrokerCommand).rejects(local);

      // Act
      const result = newReader().describeBroker('b-1');

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'DescribeBroker',
        awsErrorName: 'NotFoundException',
      });
    });
  });

  describe('listBrokers', () => {
    it('reads every page, 100 brokers a page, and keeps the order', async () => {
      // Prepare
      const [first, second] = listBrokersPages;
      mqMock
        .on(ListBrokersCommand, { NextToken: undefined })
        .resolves(first!)
        .on(ListBrokersCommand, { NextToken: 'page-2-token' })
        .resolves(second!);

      // Act
      const brokers = await newReader().listBrokers();

      // Assess
      expect(sentInputs(mqMock, ListBrokersCommand)).toEqual([
        { MaxResults: 100 },
        { MaxResults: 100, NextToken: 'page-2-token' },
      ]);
      expect(brokers.map((broker) => broker.id)).toEqual([
        'b-b4cfface-0aa9-4922-b41d-07fab046cef3',
        'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      ]);
      expect(brokers[1]).toMatchObject({
        name: 'sadeed-br',
        state: 'RUNNING',
        deploymentMode: 'SINGLE_INSTANCE',
      });
    });

    it('returns an empty list when the account has no brokers', async () => {
      // Prepare
      mqMock.on(ListBrokersCommand).resolves({ BrokerSummaries: [] });

      // Act
      const brokers = await newReader().listBrokers();

      // Assess
      expect(brokers).toEqual([]);
      expect(mqMock).toHaveReceivedCommandTimes(ListBrokersCommand, 1);
    });

    it('throws UnexpectedShapeError for an answer without BrokerSummaries, never "no brokers"', async () => {
      // Prepare
      mqMock.on(ListBrokersCommand).resolves({});

      // Act
      const result = newReader().listBrokers();

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
      await expect(result).rejects.toThrow('ListBrokers returned no BrokerSummaries');
    });

    it('throws instead of looping when AWS repeats a NextToken', async () => {
      // Prepare
      mqMock.on(ListBrokersCommand).resolves({ BrokerSummaries: [], NextToken: 'same' });

      // Act
      const result = newReader().listBrokers();

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
      expect(mqMock).toHaveReceivedCommandTimes(ListBrokersCommand, 2);
    });

    it('fails the whole listing when a later page fails, rather than returning part of it', async () => {
      // Prepare
      mqMock
        .on(ListBrokersCommand, { NextToken: undefined })
        .resolves(listBrokersPages[0]!)
        .on(ListBrokersCommand, { NextToken: 'page-2-token' })
        .rejects(awsError(MqServiceException, 'TooManyRequestsException', 'Rate exceeded', 429));

      // Act
      const result = newReader().listBrokers();

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'ListBrokers',
        awsErrorName: 'TooManyRequestsException',
      });
    });
  });

  describe('describeConfigurationRevision', () => {
    const ref = { id: 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a', revision: 3 };

    it('asks for the revision as a string and returns its base64 Data and its description', async () => {
      // Prepare
      const data = Buffer.from('<broker xmlns="http://activemq.apache.org/schema/core"/>').toString('base64');
      mqMock
        .on(DescribeConfigurationRevisionCommand)
        .resolves({ ConfigurationId: ref.id, Data: data, Description: 'Authorization map' });

      // Act
      const result = await newReader().describeConfigurationRevision(ref);

      // Assess
      expect(result).toEqual({ data, description: 'Authorization map' });
      expect(sentInputs(mqMock, DescribeConfigurationRevisionCommand)).toEqual([
        { ConfigurationId: ref.id, ConfigurationRevision: '3' },
      ]);
    });

    it('returns null when the revision does not exist', async () => {
      // Prepare
      mqMock
        .on(DescribeConfigurationRevisionCommand)
        .rejects(awsError(MqServiceException, 'NotFoundException', 'Revision not found', 404));

      // Act
      const result = await newReader().describeConfigurationRevision(ref);

      // Assess
      expect(result).toBeNull();
    });

    it('throws UnexpectedShapeError when a found revision has no Data', async () => {
      // Prepare
      mqMock.on(DescribeConfigurationRevisionCommand).resolves({ ConfigurationId: ref.id });

      // Act
      const result = newReader().describeConfigurationRevision(ref);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
    });
  });

  describe('describeConfiguration', () => {
    const id = 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a';

    it('returns the name, the description, the latest revision with its description and the tags', async () => {
      // Prepare: the fields of the API reference's Configuration model
      mqMock.on(DescribeConfigurationCommand).resolves({
        Arn: `arn:aws:mq:us-east-1:123456789012:configuration:${id}`,
        Id: id,
        Name: 'orders-prod-config',
        Description: 'Authorization map',
        EngineType: 'ACTIVEMQ',
        EngineVersion: '5.18',
        AuthenticationStrategy: 'SIMPLE',
        Created: new Date('2024-01-01T00:00:00Z'),
        LatestRevision: {
          Revision: 2,
          Description: 'Authorization map',
          Created: new Date('2024-02-01T00:00:00Z'),
        },
        Tags: { team: 'orders' },
      });

      // Act
      const result = await newReader().describeConfiguration(id);

      // Assess
      expect(result).toEqual({
        id,
        name: 'orders-prod-config',
        description: 'Authorization map',
        latestRevision: { revision: 2, description: 'Authorization map' },
        tags: { team: 'orders' },
      });
      expect(sentInputs(mqMock, DescribeConfigurationCommand)).toEqual([{ ConfigurationId: id }]);
    });

    it('leaves out the descriptions Amazon MQ does not return', async () => {
      // Prepare
      mqMock.on(DescribeConfigurationCommand).resolves({ Id: id, Name: 'events-public-config' });

      // Act
      const result = await newReader().describeConfiguration(id);

      // Assess
      expect(result).toEqual({ id, name: 'events-public-config' });
    });

    it('returns null when the configuration does not exist', async () => {
      // Prepare
      mqMock
        .on(DescribeConfigurationCommand)
        .rejects(awsError(MqServiceException, 'NotFoundException', 'Configuration not found', 404));

      // Act
      const result = await newReader().describeConfiguration(id);

      // Assess
      expect(result).toBeNull();
    });

    it.each<[string, unknown]>([
      ['no Name', { Id: id }],
      ['a Description that is not text', { Id: id, Name: 'orders', Description: 7 }],
      ['a LatestRevision without Revision', { Id: id, Name: 'orders', LatestRevision: { Description: 'x' } }],
      [
        'a LatestRevision.Description that is not text',
        { Id: id, Name: 'orders', LatestRevision: { Revision: 1, Description: {} } },
      ],
      ['Tags that are a list, not a map', { Id: id, Name: 'orders', Tags: [{ Key: 'team', Value: 'x' }] }],
      ['a tag value that is not text', { Id: id, Name: 'orders', Tags: { team: 7 } }],
    ])('refuses an answer with %s as UnexpectedShapeError, never as "no text"', async (_case, output) => {
      // Prepare
      mqMock.on(DescribeConfigurationCommand).resolves(output as never);

      // Act
      const result = newReader().describeConfiguration(id);

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
    });
  });

  describe('describeBrokerEngineTypes', () => {
    it.each<[string, unknown]>([
      ['no list', {}],
      ['an item without EngineType', { BrokerEngineTypes: [{ EngineVersions: [{ Name: '5.18' }] }] }],
      ['an item without EngineVersions', { BrokerEngineTypes: [{ EngineType: 'ACTIVEMQ' }] }],
      ['a version without Name', { BrokerEngineTypes: [{ EngineType: 'ACTIVEMQ', EngineVersions: [{}] }] }],
    ])(
      'refuses an answer with %s as UnexpectedShapeError, never as "nothing offered"',
      async (_case, output) => {
        // Prepare
        mqMock.on(DescribeBrokerEngineTypesCommand).resolves(output as never);

        // Act
        const result = newReader().describeBrokerEngineTypes();

        // Assess
        await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
      },
    );

    it('keeps engine types it does not know, as AWS spells them', async () => {
      // Prepare
      mqMock.on(DescribeBrokerEngineTypesCommand).resolves({
        BrokerEngineTypes: [{ EngineType: 'KAFKA' as never, EngineVersions: [{ Name: '4.0' }] }],
      });

      // Act
      const offers = await newReader().describeBrokerEngineTypes();

      // Assess
      expect(offers).toEqual([{ engineType: 'KAFKA', versions: ['4.0'] }]);
    });
  });

  it('sends only commands that MQ_IAM_ACTIONS grants', async () => {
    // Prepare
    mqMock.on(DescribeBrokerCommand).resolves(describeBrokerOutput);
    mqMock.on(ListBrokersCommand).resolves({ BrokerSummaries: [] });
    mqMock.on(DescribeConfigurationRevisionCommand).resolves({ Data: 'PGJyb2tlci8+' });
    mqMock.on(DescribeConfigurationCommand).resolves({ Id: 'c-1', Name: 'orders' });
    mqMock.on(DescribeBrokerEngineTypesCommand).resolves({ BrokerEngineTypes: [] });
    const reader = newReader();

    // Act
    await reader.describeBroker('b-1');
    await reader.listBrokers();
    await reader.describeConfigurationRevision({ id: 'c-1', revision: 1 });
    await reader.describeConfiguration('c-1');
    await reader.describeBrokerEngineTypes();

    // Assess
    const actions = sentCommands(mqMock).map((name) => `mq:${name.replace(/Command$/, '')}`);
    expect([...new Set(actions)].sort()).toEqual([...MQ_IAM_ACTIONS].sort());
  });
});
