import {
  DescribeBrokerCommand,
  DescribeConfigurationRevisionCommand,
  ListBrokersCommand,
  MqClient,
} from '@aws-sdk/client-mq';
import { UnexpectedShapeError } from '../errors.ts';
import { mapBroker, mapBrokerSummary } from '../model/mappers.ts';
import type { Broker, BrokerSummary, ConfigurationRef } from '../model/types.ts';
import type { BrokerReader } from '../ports.ts';
import { callAws, readAllPages } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createMqBrokerReader` calls; serverless.yml must grant exactly these. */
export const MQ_IAM_ACTIONS = [
  'mq:DescribeBroker',
  'mq:ListBrokers',
  'mq:DescribeConfigurationRevision',
] as const;

/** ListBrokers accepts at most 100 a page. */
const LIST_BROKERS_PAGE_SIZE = 100;

export const getMqClient: () => MqClient = once(() => new MqClient(sdkClientConfig()));

const notFound = () => null;

export const createMqBrokerReader = (client: MqClient = getMqClient()): BrokerReader => ({
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
      return { items: output.BrokerSummaries ?? [], nextToken: output.NextToken };
    });
    return items.map((item) => mapBrokerSummary(item));
  },

  async describeConfigurationRevision(ref: ConfigurationRef): Promise<string | null> {
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
    if (output === null) return null;
    // null means "no such revision" to callers; a found revision without Data must not look like that.
    if (typeof output.Data !== 'string') {
      throw new UnexpectedShapeError(
        `DescribeConfigurationRevision ${ref.id} revision ${ref.revision} returned no Data`,
      );
    }
    return output.Data;
  },
});
