import {
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  type DescribeNetworkInterfacesResult,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createEc2NetworkReader,
  EC2_PREFIX_LIST_USERS_IAM_ACTIONS,
  EC2_READ_IAM_ACTIONS,
} from '../../../shared/aws/ec2.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import networkInterfacesJson from '../../fixtures/aws-sdk/ec2-describe-network-interfaces.json' with {
  type: 'json',
};
import rulesJson from '../../fixtures/aws-sdk/ec2-describe-security-group-rules.json' with { type: 'json' };
import securityGroupsJson from '../../fixtures/aws-sdk/ec2-describe-security-groups.json' with {
  type: 'json',
};
import { awsError, sentCommands, sentInputs } from './support.ts';

const ec2Mock = mockClient(EC2Client);

const GROUP_ID = 'sg-1234567890abcdef0';
const [selfReferenceIngress, ipv6Egress, ipv4Egress] = rulesJson.SecurityGroupRules as SecurityGroupRule[];

/** A second ingress rule of the same group, shaped like the sample's: world-open OpenWire. */
const openWireIngress: SecurityGroupRule = {
  SecurityGroupRuleId: 'sgr-0123456789abcdef1',
  GroupId: GROUP_ID,
  GroupOwnerId: '111122223333',
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 61617,
  ToPort: 61617,
  CidrIpv4: '0.0.0.0/0',
  Description: 'OpenWire from anywhere',
  Tags: [],
};

const groupIds = (count: number) =>
  Array.from({ length: count }, (_, index) => `sg-${index.toString(16).padStart(17, '0')}`);

const newReader = () => createEc2NetworkReader(new EC2Client({ region: 'us-east-1', maxAttempts: 1 }));

describe('createEc2NetworkReader', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  describe('describeIngressRules', () => {
    it('filters by group-id, reads both pages of 1000 and keeps ingress rules only', async () => {
      // Prepare
      ec2Mock
        .on(DescribeSecurityGroupRulesCommand)
        .resolvesOnce({ SecurityGroupRules: [selfReferenceIngress!, ipv6Egress!], NextToken: 'rules-page-2' })
        .resolvesOnce({ SecurityGroupRules: [ipv4Egress!, openWireIngress] });

      // Act
      const rules = await newReader().describeIngressRules([GROUP_ID]);

      // Assess
      expect(sentInputs(ec2Mock, DescribeSecurityGroupRulesCommand)).toEqual([
        { Filters: [{ Name: 'group-id', Values: [GROUP_ID] }], MaxResults: 1000 },
        { Filters: [{ Name: 'group-id', Values: [GROUP_ID] }], MaxResults: 1000, NextToken: 'rules-page-2' },
      ]);
      expect(rules.map((rule) => rule.ruleId)).toEqual(['sgr-abcdef01234567890', 'sgr-0123456789abcdef1']);
      expect(rules[0]).toMatchObject({
        groupId: GROUP_ID,
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: { kind: 'securityGroup', groupId: GROUP_ID },
      });
      expect(rules[1]).toMatchObject({
        protocol: 'tcp',
        fromPort: 61617,
        toPort: 61617,
        source: { kind: 'cidrIpv4', cidr: '0.0.0.0/0' },
      });
    });

    it('puts at most 200 group ids in one filter', async () => {
      // Prepare
      const ids = groupIds(201);
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });

      // Act
      await newReader().describeIngressRules(ids);

      // Assess
      expect(sentInputs(ec2Mock, DescribeSecurityGroupRulesCommand)).toEqual([
        { Filters: [{ Name: 'group-id', Values: ids.slice(0, 200) }], MaxResults: 1000 },
        { Filters: [{ Name: 'group-id', Values: ids.slice(200) }], MaxResults: 1000 },
      ]);
    });

    it('asks once for a group id given twice', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [selfReferenceIngress!] });

      // Act
      const rules = await newReader().describeIngressRules([GROUP_ID, GROUP_ID]);

      // Assess
      expect(rules).toHaveLength(1);
      expect(ec2Mock).toHaveReceivedCommandExactlyOnceWith(DescribeSecurityGroupRulesCommand, {
        Filters: [{ Name: 'group-id', Values: [GROUP_ID] }],
      });
    });

    it('calls nothing for no group ids', async () => {
      // Act
      const rules = await newReader().describeIngressRules([]);

      // Assess
      expect(rules).toEqual([]);
      expect(ec2Mock).not.toHaveReceivedAnyCommand();
    });

    it('throws an AwsCallError once EC2 keeps throttling (no retry loop of its own)', async () => {
      // Prepare
      const cause = awsError(EC2ServiceException, 'RequestLimitExceeded', 'Request limit exceeded.', 503);
      ec2Mock.on(DescribeSecurityGroupRulesCommand).rejects(cause);

      // Act
      const result = newReader().describeIngressRules([GROUP_ID]);

      // Assess
      const error = await result.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'DescribeSecurityGroupRules',
        awsErrorName: 'RequestLimitExceeded',
        cause,
      });
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSecurityGroupRulesCommand, 1);
    });
  });

  describe('describeRulesById', () => {
    it('filters by security-group-rule-id so that unknown ids are simply absent', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [openWireIngress] });

      // Act
      const rules = await newReader().describeRulesById(['sgr-0123456789abcdef1', 'sgr-0000000000000dead']);

      // Assess
      expect(sentInputs(ec2Mock, DescribeSecurityGroupRulesCommand)).toEqual([
        {
          Filters: [
            { Name: 'security-group-rule-id', Values: ['sgr-0123456789abcdef1', 'sgr-0000000000000dead'] },
          ],
          MaxResults: 1000,
        },
      ]);
      expect(rules.map((rule) => rule.ruleId)).toEqual(['sgr-0123456789abcdef1']);
    });

    it('drops an egress rule asked for by id', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [ipv4Egress!] });

      // Act
      const rules = await newReader().describeRulesById(['sgr-cdef01234567890ab']);

      // Assess
      expect(rules).toEqual([]);
    });
  });

  describe('describeSecurityGroups', () => {
    it('uses a group-id filter (not GroupIds), so a deleted group is omitted instead of failing the call', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves(securityGroupsJson);

      // Act
      const groups = await newReader().describeSecurityGroups([GROUP_ID, 'sg-0deleted000000000']);

      // Assess
      expect(sentInputs(ec2Mock, DescribeSecurityGroupsCommand)).toEqual([
        { Filters: [{ Name: 'group-id', Values: [GROUP_ID, 'sg-0deleted000000000'] }], MaxResults: 1000 },
      ]);
      expect(groups).toEqual([
        {
          groupId: GROUP_ID,
          groupName: 'orders-broker',
          vpcId: 'vpc-0a60eb65b4EXAMPLE',
          tags: { team: 'orders' },
        },
      ]);
    });

    it('reads every page', async () => {
      // Prepare
      const [group] = securityGroupsJson.SecurityGroups;
      ec2Mock
        .on(DescribeSecurityGroupsCommand)
        .resolvesOnce({ SecurityGroups: [], NextToken: 'groups-page-2' })
        .resolvesOnce({ SecurityGroups: [group!] });

      // Act
      const groups = await newReader().describeSecurityGroups([GROUP_ID]);

      // Assess
      expect(groups.map((g) => g.groupId)).toEqual([GROUP_ID]);
      expect(ec2Mock).toHaveReceivedNthCommandWith(DescribeSecurityGroupsCommand, 2, {
        Filters: [{ Name: 'group-id', Values: [GROUP_ID] }],
        MaxResults: 1000,
        NextToken: 'groups-page-2',
      });
    });
  });

  describe('findSecurityGroupIdsByName', () => {
    it('filters by group-name and returns the ids found', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves(securityGroupsJson);

      // Act
      const ids = await newReader().findSecurityGroupIdsByName('orders-broker');

      // Assess
      expect(ids).toEqual([GROUP_ID]);
      expect(sentInputs(ec2Mock, DescribeSecurityGroupsCommand)).toEqual([
        { Filters: [{ Name: 'group-name', Values: ['orders-broker'] }], MaxResults: 1000 },
      ]);
    });

    it('returns no ids when no group has the name', async () => {
      // Prepare
      ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });

      // Act
      const ids = await newReader().findSecurityGroupIdsByName('nobody');

      // Assess
      expect(ids).toEqual([]);
    });
  });

  describe('describeNetworkInterfaces', () => {
    const [brokerEni, instanceEni] = networkInterfacesJson.NetworkInterfaces as NonNullable<
      DescribeNetworkInterfacesResult['NetworkInterfaces']
    >;

    it('filters by group-id and reads both pages', async () => {
      // Prepare
      ec2Mock
        .on(DescribeNetworkInterfacesCommand)
        .resolvesOnce({ NetworkInterfaces: [brokerEni!], NextToken: 'eni-page-2' })
        .resolvesOnce({ NetworkInterfaces: [instanceEni!] });

      // Act
      const interfaces = await newReader().describeNetworkInterfaces([GROUP_ID]);

      // Assess
      expect(sentInputs(ec2Mock, DescribeNetworkInterfacesCommand)).toEqual([
        { Filters: [{ Name: 'group-id', Values: [GROUP_ID] }], MaxResults: 1000 },
        { Filters: [{ Name: 'group-id', Values: [GROUP_ID] }], MaxResults: 1000, NextToken: 'eni-page-2' },
      ]);
      expect(interfaces.map((eni) => eni.networkInterfaceId)).toEqual([
        'eni-0b8e1b3b2c0d1a2b3',
        'eni-0c9f2c4c3d1e2b3c4',
      ]);
      expect(interfaces[0]).toMatchObject({ brokerId: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4' });
      expect(interfaces[1]).toMatchObject({ instanceId: 'i-0123456789abcdef0', groupIds: [GROUP_ID] });
      expect(interfaces[1]).not.toHaveProperty('brokerId');
    });

    it("finds the broker's interface on the second page, after another workload's", async () => {
      // Prepare
      ec2Mock
        .on(DescribeNetworkInterfacesCommand)
        .resolvesOnce({ NetworkInterfaces: [instanceEni!], NextToken: 'eni-page-2' })
        .resolvesOnce({ NetworkInterfaces: [brokerEni!] });

      // Act
      const interfaces = await newReader().describeNetworkInterfaces([GROUP_ID]);

      // Assess
      expect(interfaces.map((eni) => [eni.networkInterfaceId, eni.brokerId ?? eni.instanceId])).toEqual([
        ['eni-0c9f2c4c3d1e2b3c4', 'i-0123456789abcdef0'],
        ['eni-0b8e1b3b2c0d1a2b3', 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4'],
      ]);
    });

    it('lists an interface once when it shows up under two chunks of group ids', async () => {
      // Prepare
      ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [instanceEni!] });

      // Act
      const interfaces = await newReader().describeNetworkInterfaces(groupIds(250));

      // Assess
      expect(ec2Mock).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 2);
      expect(interfaces.map((eni) => eni.networkInterfaceId)).toEqual(['eni-0c9f2c4c3d1e2b3c4']);
    });

    it('throws an AwsCallError on UnauthorizedOperation instead of reporting no other users', async () => {
      // Prepare
      ec2Mock
        .on(DescribeNetworkInterfacesCommand)
        .rejects(awsError(EC2ServiceException, 'UnauthorizedOperation', 'You are not authorized', 403));

      // Act
      const result = newReader().describeNetworkInterfaces([GROUP_ID]);

      // Assess
      await expect(result).rejects.toMatchObject({
        operation: 'DescribeNetworkInterfaces',
        awsErrorName: 'UnauthorizedOperation',
      });
    });
  });

  describe('readPrefixList', () => {
    const LIST = 'pl-0123456abcabcabc1';
    const header = {
      PrefixListId: LIST,
      AddressFamily: 'IPv4',
      PrefixListName: 'vpc-cidrs',
      Version: 2,
      OwnerId: '123456789012',
    };

    it('answers null when DescribeManagedPrefixLists does not list the id, whatever the entries say', async () => {
      // Prepare
      ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
      ec2Mock.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });

      // Act
      const list = await newReader().readPrefixList(LIST);

      // Assess
      expect(list).toBeNull();
    });

    it.each([
      [
        'DescribeManagedPrefixLists without PrefixLists',
        { PrefixLists: undefined },
        { Entries: [] },
        'PrefixLists',
      ],
      ['GetManagedPrefixListEntries without Entries', { PrefixLists: [header] }, {}, 'Entries'],
      [
        'an entry without its Cidr',
        { PrefixLists: [header] },
        { Entries: [{ Description: 'no cidr' }] },
        'Cidr is missing',
      ],
      [
        'a Version that is not an integer',
        { PrefixLists: [{ ...header, Version: 1.5 }] },
        { Entries: [] },
        'Version is not an integer',
      ],
    ])(
      'throws UnexpectedShapeError on %s, never an empty list',
      async (_case, described, entries, detail) => {
        // Prepare
        ec2Mock.on(DescribeManagedPrefixListsCommand).resolves(described as never);
        ec2Mock.on(GetManagedPrefixListEntriesCommand).resolves(entries as never);

        // Act
        const result = newReader().readPrefixList(LIST);

        // Assess
        await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
        await expect(result).rejects.toThrow(detail);
      },
    );

    it('refuses a NextToken that repeats instead of looping', async () => {
      // Prepare
      ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [header] });
      ec2Mock
        .on(GetManagedPrefixListEntriesCommand)
        .resolves({ Entries: [{ Cidr: '10.0.0.0/16' }], NextToken: 'again' });

      // Act
      const result = newReader().readPrefixList(LIST);

      // Assess
      await expect(result).rejects.toThrow('the same NextToken twice');
    });
  });

  describe.each([
    {
      read: 'describeIngressRules',
      command: DescribeSecurityGroupRulesCommand,
      field: 'SecurityGroupRules',
      call: () => newReader().describeIngressRules([GROUP_ID]),
    },
    {
      read: 'describeSecurityGroups',
      command: DescribeSecurityGroupsCommand,
      field: 'SecurityGroups',
      call: () => newReader().describeSecurityGroups([GROUP_ID]),
    },
    {
      read: 'describeNetworkInterfaces',
      command: DescribeNetworkInterfacesCommand,
      field: 'NetworkInterfaces',
      call: () => newReader().describeNetworkInterfaces([GROUP_ID]),
    },
    {
      read: 'prefixListAssociations',
      command: GetManagedPrefixListAssociationsCommand,
      field: 'PrefixListAssociations',
      call: () => newReader().prefixListAssociations('pl-0721453c7ac4ec009'),
    },
  ])('$read on an answer without $field', ({ command, field, call }) => {
    it('throws UnexpectedShapeError naming the field instead of reading "none"', async () => {
      // Prepare
      ec2Mock.on(command as typeof DescribeSecurityGroupsCommand).resolves({});

      // Act
      const result = call();

      // Assess
      await expect(result).rejects.toBeInstanceOf(UnexpectedShapeError);
      await expect(result).rejects.toThrow(`returned no ${field}`);
    });
  });

  it('sends only commands that EC2_READ_IAM_ACTIONS and EC2_PREFIX_LIST_USERS_IAM_ACTIONS grant, and uses all of them', async () => {
    // Prepare
    ec2Mock.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    ec2Mock.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    ec2Mock.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });
    ec2Mock.on(DescribeManagedPrefixListsCommand).resolves({ PrefixLists: [] });
    ec2Mock.on(GetManagedPrefixListEntriesCommand).resolves({ Entries: [] });
    ec2Mock.on(GetManagedPrefixListAssociationsCommand).resolves({ PrefixListAssociations: [] });
    const reader = newReader();

    // Act
    await reader.readPrefixList('pl-0721453c7ac4ec009');
    await reader.prefixListAssociations('pl-0721453c7ac4ec009');
    await reader.describeIngressRules([GROUP_ID]);
    await reader.describeRulesById(['sgr-abcdef01234567890']);
    await reader.describeSecurityGroups([GROUP_ID]);
    await reader.findSecurityGroupIdsByName('orders-broker');
    await reader.describeNetworkInterfaces([GROUP_ID]);

    // Assess
    const actions = sentCommands(ec2Mock).map((name) => `ec2:${name.replace(/Command$/, '')}`);
    expect([...new Set(actions)].sort()).toEqual(
      [...EC2_READ_IAM_ACTIONS, ...EC2_PREFIX_LIST_USERS_IAM_ACTIONS].sort(),
    );
  });
});
