import { describe, expect, it, vi } from 'vitest';
import type { NetworkInterfaceUse } from '../../../shared/model/types.ts';
import type { AccountReaders } from '../../../shared/ports.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import {
  DESCRIBE_CONCURRENCY,
  findBrokersUsingConfiguration,
  findBrokersUsingGroups,
  isOtherServiceInterface,
} from '../../../shared/use-cases/find-brokers.ts';
import {
  aBrokerInterface,
  aBrokerItem,
  aGroupItem,
  anAccount,
  anInstanceInterface,
  BROKER_ID,
  CONFIGURATION_ID,
  demoAccount,
  GROUP_ID,
} from '../recorded/account-builder.ts';

const readersOf = (account: RecordedAccount): AccountReaders => ({
  brokers: account,
  network: account,
  keys: account,
});

const ORDERS_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000001';
const SHIPPING_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000007';
const REPORTING_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000008';
const NOTIFICATIONS_PROD = 'b-1a2b3c4d-0000-4000-8000-00000000000a';
const DEMO_BROKER_COUNT = 9;

describe('findBrokersUsingGroups', () => {
  it('finds no broker, with a single read, for a group no interface uses', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups(['sg-0a1b2c3d4e5f60009'], readersOf(account));

    // Assess
    expect(found).toEqual({ brokerIds: [], conclusive: true, interfaces: [] });
    expect(account.readCounts()).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('names the broker from its interfaces, with a single read', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups(['sg-0a1b2c3d4e5f60001'], readersOf(account));

    // Assess
    expect(found.brokerIds).toEqual([ORDERS_PROD]);
    expect(found.conclusive).toBe(true);
    expect(found.interfaces.map((eni) => eni.networkInterfaceId)).toEqual([
      'eni-0a1b2c3d4e5f60011',
      'eni-0a1b2c3d4e5f60012',
    ]);
    expect(account.readCounts()).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('finds the broker of a group it shares with an EC2 instance, and returns the instance interface too', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups(['sg-0a1b2c3d4e5f60006'], readersOf(account));

    // Assess
    expect(found.brokerIds).toEqual([SHIPPING_PROD]);
    expect(found.conclusive).toBe(true);
    expect(found.interfaces.map((eni) => eni.instanceId)).toContain('i-0a1b2c3d4e5f60001');
    expect(account.readCounts()).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('concludes that a group used only by EC2 instances has no broker', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups(['sg-0a1b2c3d4e5f60003'], readersOf(account));

    // Assess
    expect(found).toMatchObject({ brokerIds: [], conclusive: true });
    expect(account.readCounts()).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('asks about all groups in one read and lists each broker once', async () => {
    // Prepare
    const account = demoAccount();
    const network = vi.spyOn(account, 'describeNetworkInterfaces');

    // Act
    const found = await findBrokersUsingGroups(
      ['sg-0a1b2c3d4e5f60001', 'sg-0a1b2c3d4e5f60007', 'sg-0a1b2c3d4e5f60001'],
      readersOf(account),
    );

    // Assess
    expect(found.brokerIds).toEqual([ORDERS_PROD, REPORTING_PROD]);
    expect(network.mock.calls).toEqual([[['sg-0a1b2c3d4e5f60001', 'sg-0a1b2c3d4e5f60007']]]);
  });

  it('reads nothing for no groups', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups([], readersOf(account));

    // Assess
    expect(found).toEqual({ brokerIds: [], conclusive: true, interfaces: [] });
    expect(account.readCounts()).toEqual({});
  });

  it('falls back to describing the brokers when an interface could be a broker without naming it (VPC endpoint)', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const found = await findBrokersUsingGroups(['sg-0a1b2c3d4e5f60008'], readersOf(account));

    // Assess
    expect(found.brokerIds).toEqual([NOTIFICATIONS_PROD]);
    expect(found.conclusive).toBe(false);
    expect(account.readCounts()).toEqual({
      DescribeNetworkInterfaces: 1,
      ListBrokers: 1,
      DescribeBroker: DEMO_BROKER_COUNT,
    });
  });

  it('falls back when an interface says Amazon MQ but names no broker, and keeps the brokers the others named', async () => {
    // Prepare
    const second = 'b-1a2b3c4d-0000-4000-8000-0000000000b2';
    const account = anAccount({
      brokers: [aBrokerItem(), aBrokerItem({ BrokerId: second, BrokerName: 'second' })],
      networkInterfaces: [
        aBrokerInterface(BROKER_ID, [GROUP_ID], 'eni-0000000000000000a'),
        {
          ...aBrokerInterface(second, [GROUP_ID], 'eni-0000000000000000b'),
          Description: 'Amazon MQ network interface',
        },
      ],
    });
    const describe = vi.spyOn(account, 'describeBroker');

    // Act
    const found = await findBrokersUsingGroups([GROUP_ID], readersOf(account));

    // Assess
    expect(found).toMatchObject({ brokerIds: [BROKER_ID, second], conclusive: false });
    expect(describe.mock.calls).toEqual([[second]]);
  });

  it.each([
    ['RUNNING', false],
    ['DELETION_IN_PROGRESS', true],
  ])(
    'in the fallback, takes a broker listed as %s that DescribeBroker does not find as gone: %s',
    async (state, gone) => {
      // Prepare
      const account = anAccount({
        brokers: [aBrokerItem({ BrokerId: 'b-unseen', BrokerName: 'unseen', BrokerState: state })],
        networkInterfaces: [
          {
            NetworkInterfaceId: 'eni-0000000000000000c',
            Description: '',
            InterfaceType: 'interface',
            Groups: [{ GroupId: GROUP_ID }],
          },
        ],
      });
      vi.spyOn(account, 'describeBroker').mockResolvedValue(null);

      // Act
      const found = findBrokersUsingGroups([GROUP_ID], readersOf(account));

      // Assess
      if (gone) await expect(found).resolves.toMatchObject({ brokerIds: [], conclusive: false });
      else
        await expect(found).rejects.toThrow(
          'ListBrokers lists b-unseen (RUNNING) but DescribeBroker does not find it',
        );
    },
  );

  it('leaves out, in the fallback, brokers whose groups do not include the group and brokers deleted since the listing', async () => {
    // Prepare
    const account = anAccount({
      brokers: [
        aBrokerItem({ SecurityGroups: ['sg-0fedcba9876543210'] }),
        aBrokerItem({ BrokerId: 'b-gone', BrokerName: 'gone', BrokerState: 'DELETION_IN_PROGRESS' }),
        aBrokerItem({ BrokerId: 'b-match', BrokerName: 'match' }),
      ],
      securityGroups: [aGroupItem(), aGroupItem({ GroupId: 'sg-0fedcba9876543210' })],
      networkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0000000000000000c',
          Description: '',
          InterfaceType: 'interface',
          Groups: [{ GroupId: GROUP_ID }],
        },
      ],
    });
    const describeBroker = account.describeBroker.bind(account);
    vi.spyOn(account, 'describeBroker').mockImplementation(async (id) =>
      id === 'b-gone' ? null : describeBroker(id),
    );

    // Act
    const found = await findBrokersUsingGroups([GROUP_ID], readersOf(account));

    // Assess
    expect(found).toMatchObject({ brokerIds: ['b-match'], conclusive: false });
  });

  it(`describes at most ${DESCRIBE_CONCURRENCY} brokers at a time in the fallback`, async () => {
    // Prepare
    const brokers = Array.from({ length: 12 }, (_, i) =>
      aBrokerItem({ BrokerId: `b-${i}`, BrokerName: `broker-${i}` }),
    );
    const account = anAccount({
      brokers,
      networkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0000000000000000c',
          Description: '',
          InterfaceType: 'vpc_endpoint',
          Groups: [{ GroupId: GROUP_ID }],
        },
      ],
    });
    let inFlight = 0;
    let most = 0;
    const describeBroker = account.describeBroker.bind(account);
    vi.spyOn(account, 'describeBroker').mockImplementation(async (id) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return describeBroker(id);
    });

    // Act
    const found = await findBrokersUsingGroups([GROUP_ID], readersOf(account));

    // Assess
    expect(found.brokerIds).toHaveLength(12);
    expect(most).toBe(DESCRIBE_CONCURRENCY);
  });
});

describe('isOtherServiceInterface', () => {
  const eni = (overrides: Partial<NetworkInterfaceUse>): NetworkInterfaceUse => ({
    networkInterfaceId: 'eni-0000000000000000a',
    description: '',
    groupIds: [GROUP_ID],
    ...overrides,
  });

  it.each<[string, Partial<NetworkInterfaceUse>, boolean]>([
    [
      'an EC2 instance interface',
      { interfaceType: 'interface', instanceId: 'i-0123456789abcdef0', requesterManaged: false },
      true,
    ],
    [
      'a Lambda interface',
      { interfaceType: 'lambda', description: 'AWS Lambda VPC ENI-orders-handler', requesterManaged: true },
      true,
    ],
    ['a NAT gateway interface', { interfaceType: 'nat_gateway' }, true],
    ['an RDS interface', { description: 'RDSNetworkInterface', requesterManaged: true }, true],
    [
      'an ECS task interface',
      { description: 'arn:aws:ecs:us-east-1:123456789012:attachment/0f4c', requesterManaged: true },
      true,
    ],
    [
      'a VPC endpoint interface',
      { interfaceType: 'vpc_endpoint', description: 'VPC Endpoint Interface vpce-0a1b2c3d4e5f6000a' },
      false,
    ],
    ['an unattached interface without description', { interfaceType: 'interface' }, false],
    [
      'a service-managed interface attached to an instance',
      { instanceId: 'i-0123456789abcdef0', requesterManaged: true },
      false,
    ],
    ['an Amazon MQ interface that names no broker', { description: 'Amazon MQ network interface' }, false],
    [
      'a broker interface',
      { brokerId: 'b-1', description: 'Amazon MQ network interface for broker b-1' },
      false,
    ],
  ])('says %s is %s', (_case, overrides, expected) => {
    // Act
    const other = isOtherServiceInterface(eni(overrides));

    // Assess
    expect(other).toBe(expected);
  });
});

describe('findBrokersUsingConfiguration', () => {
  it('finds every broker whose current revision is of the configuration', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const brokerIds = await findBrokersUsingConfiguration(
      'c-1a2b3c4d-0000-4000-8000-000000000007',
      readersOf(account),
    );

    // Assess
    expect(brokerIds).toEqual([SHIPPING_PROD, REPORTING_PROD]);
    expect(account.readCounts()).toEqual({ ListBrokers: 1, DescribeBroker: DEMO_BROKER_COUNT });
  });

  it('finds a broker whose configuration is only pending', async () => {
    // Prepare
    const account = anAccount({
      brokers: [
        aBrokerItem({
          Configurations: {
            Current: { Id: 'c-other', Revision: 3 },
            Pending: { Id: CONFIGURATION_ID, Revision: 1 },
          },
        }),
        aBrokerItem({
          BrokerId: 'b-2',
          BrokerName: 'unrelated',
          Configurations: { Current: { Id: 'c-other', Revision: 3 } },
        }),
      ],
    });

    // Act
    const brokerIds = await findBrokersUsingConfiguration(CONFIGURATION_ID, readersOf(account));

    // Assess
    expect(brokerIds).toEqual([BROKER_ID]);
  });

  it('finds nothing for a configuration no broker uses', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const brokerIds = await findBrokersUsingConfiguration(
      'c-1a2b3c4d-0000-4000-8000-0000000000ff',
      readersOf(account),
    );

    // Assess
    expect(brokerIds).toEqual([]);
  });

  it('passes on a failed broker description rather than answering from part of the account', async () => {
    // Prepare
    const account = anAccount({
      networkInterfaces: [anInstanceInterface('i-1', [GROUP_ID], 'eni-0000000000000000d')],
    });
    const failure = new Error('throttled');
    vi.spyOn(account, 'describeBroker').mockRejectedValue(failure);

    // Act
    const result = findBrokersUsingConfiguration(CONFIGURATION_ID, readersOf(account));

    // Assess
    await expect(result).rejects.toBe(failure);
  });
});
