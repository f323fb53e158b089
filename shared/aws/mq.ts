import {
  DescribeBrokerCommand,
  DescribeBrokerEngineTypesCommand,
  DescribeConfigurationCommand,
  DescribeConfigurationRevisionCommand,
  ListBrokersCommand,
  MqClient,
  type BrokerSummary as BrokerSummaryShape,
} from '@aws-sdk/client-mq';
import { UnexpectedShapeError } from '../errors.ts';
import { mapConfiguration, mapConfigurationRevision } from '../model/configuration-mappers.ts';
import { mapBrokerEngineTypes } from '../model/engine-types.ts';
import { mapBroker, mapBrokerSummary } from '../model/mappers.ts';
import type {
  Broker,
  BrokerEngineTypeOffer,
  BrokerSummary,
  ConfigurationDetails,
  ConfigurationRef,
  ConfigurationRevisionDetails,
} from '../model/types.ts';
import type { BrokerReader } from '../ports.ts';
import { callAws, listOf, readAllPages } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createMqBrokerReader` calls; serverless.yml must grant exactly these. */
export const MQ_IAM_ACTIONS = [
  'mq:DescribeBroker',
  'mq:ListBrokers',
  'mq:DescribeConfigurationRevision',
  'mq:DescribeConfiguration',
  'mq:DescribeBrokerEngineTypes',
] as const;

/** ListBrokers accepts at most 100 a page. */
const LIST_BROKERS_PAGE_SIZE = 100;

/** DescribeBrokerEngineTypes accepts 5 to 100 a page. */
const ENGINE_TYPES_PAGE_SIZE = 100;

export const getMqClient: () => MqClient = once(() => new MqClient(sdkClientConfig()));

const notFound = () => null;

const readBrokerEngineTypes = async (client: MqClient): Promise<readonly BrokerEngineTypeOffer[]> => {
  const items = await readAllPages('DescribeBrokerEngineTypes', async (nextToken) => {
    const output = await callAws('DescribeBrokerEngineTypes', () =>
      client.send(
        new DescribeBrokerEngineTypesCommand({
          MaxResults: ENGINE_TYPES_PAGE_SIZE,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      ),
    );
    if (!Array.isArray(output.BrokerEngineTypes)) {
      throw new UnexpectedShapeError('DescribeBrokerEngineTypes returned no BrokerEngineTypes list');
    }
    return { items: output.BrokerEngineTypes as unknown[], nextToken: output.NextToken };
  });
  return mapBrokerEngineTypes(items);
};

export const createMqBrokerReader = (client: MqClient = getMqClient()): BrokerReader => {
  // One read for the reader's life: readers are created once per container.
  let engineTypes: Promise<readonly BrokerEngineTypeOffer[]> | undefined;
  return {
    async describeBroker(brokerId: string): Promise<Broker | null> {
      const output = await callAws(
        'DescribeBroker',
        () => client.send(new DescribeBrokerCommand({ BrokerId: brokerId })),
        { NotFoundException: notFound },
      );
      return output === null ? null : mapBroker(output);
    },

    async listBrokers(): Promise<BrokerSummary[]> {
      const items = await readAllPages('ListBrokers', async (nextToken) => {
        const output = await callAws('ListBrokers', () =>
          client.send(
            new ListBrokersCommand({
              MaxResults: LIST_BROKERS_PAGE_SIZE,
              ...(nextToken === undefined ? {} : { NextToken: nextToken }),
            }),
          ),
        );
        return {
          items: listOf<BrokerSummaryShape>('ListBrokers', output, 'BrokerSummaries'),
          nextToken: output.NextToken,
        };
      });
      return items.map((item) => mapBrokerSummary(item));
    },

    async describeConfigurationRevision(ref: ConfigurationRef): Promise<ConfigurationRevisionDetails | null> {
      const output = await callAws(
        'DescribeConfigurationRevision',
        () =>
          client.send(
            new DescribeConfigurationRevisionCommand({
              ConfigurationId: ref.id,
              ConfigurationRevision: String(ref.revision),
            }),
          ),
        { NotFoundException: notFound },
      );
      return output === null ? null : mapConfigurationRevision(output, ref);
    },

    async describeConfiguration(configurationId: string): Promise<ConfigurationDetails | null> {
      const output = await callAws(
        'DescribeConfiguration',
        () => client.send(new DescribeConfigurationCommand({ ConfigurationId: configurationId })),
        { NotFoundException: notFound },
      );
      return output === null ? null : mapConfiguration(output, configurationId);
    },

    describeBrokerEngineTypes(): Promise<readonly BrokerEngineTypeOffer[]> {
      if (engineTypes === undefined) {
        const read = readBrokerEngineTypes(client);
        engineTypes = read;
        // A failed read is forgotten so that the next snapshot asks again.
        read.catch(() => {
          if (engineTypes === read) engineTypes = undefined;
        });
      }
      return engineTypes;
    },
  };
};
