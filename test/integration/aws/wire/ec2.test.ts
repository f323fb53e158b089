import { EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createEc2IngressWriter, createEc2NetworkReader } from '../../../../shared/aws/ec2.ts';
import { AwsCallError } from '../../../../shared/errors.ts';
import {
  mapNetworkInterface,
  mapSecurityGroup,
  mapSecurityGroupRule,
} from '../../../../shared/model/mappers.ts';
import { serviceError } from '../../../support/sdk-account.ts';
import { formPairs, useLoopbackAws } from './support.ts';

const loopback = useLoopbackAws();

const ORDERS_GROUP = 'sg-0a1b2c3d4e5f60001';
const CLIENTS_GROUP = 'sg-0a1b2c3d4e5f60003';

const reader = () => createEc2NetworkReader(new EC2Client(loopback.config()));
const writer = () => createEc2IngressWriter(new EC2Client(loopback.config()));

const bodies = () => loopback.aws.requests.map((request) => formPairs(request.body));

const ingressOf = (groupId: string) =>
  loopback.account.ingressRules(groupId).map((rule) => mapSecurityGroupRule(rule as never));

describe('EC2 adapters over the EC2 Query protocol', () => {
  describe('createEc2NetworkReader', () => {
    it('sends DescribeSecurityGroupRules with a group-id filter and parses the XML rule set', async () => {
      // Act
      const rules = await reader().describeIngressRules([ORDERS_GROUP]);

      // Assess
      expect(bodies()).toEqual([
        [
          ['Action', 'DescribeSecurityGroupRules'],
          ['Version', '2016-11-15'],
          ['Filter.1.Name', 'group-id'],
          ['Filter.1.Value.1', ORDERS_GROUP],
          ['MaxResults', '1000'],
        ],
      ]);
      expect(rules).toEqual(ingressOf(ORDERS_GROUP));
      expect(rules.length).toBeGreaterThan(0);
    });

    it('follows NextToken until the last page and keeps every rule once', async () => {
      // Prepare
      loopback.aws.pageSize = 2;

      // Act
      const rules = await reader().describeIngressRules([ORDERS_GROUP, CLIENTS_GROUP]);

      // Assess
      const expected = [...ingressOf(ORDERS_GROUP), ...ingressOf(CLIENTS_GROUP)];
      expect(new Set(rules.map((r) => r?.ruleId))).toEqual(new Set(expected.map((r) => r?.ruleId)));
      expect(rules).toHaveLength(expected.length);
      const tokens = bodies().map((pairs) => pairs.find(([key]) => key === 'NextToken')?.[1]);
      expect(tokens[0]).toBeUndefined();
      expect(tokens.slice(1).every((token) => typeof token === 'string' && token.length > 0)).toBe(true);
      expect(loopback.aws.requests.length).toBe(
        Math.ceil(
          loopback.account.state.securityGroupRules.filter((r) =>
            [ORDERS_GROUP, CLIENTS_GROUP].includes(String(r.GroupId)),
          ).length / 2,
        ),
      );
    });

    it('reads rules by id with the security-group-rule-id filter', async () => {
      // Prepare
      const [first] = ingressOf(ORDERS_GROUP);

      // Act
      const rules = await reader().describeRulesById([String(first?.ruleId), 'sgr-0000000000000dead']);

      // Assess
      expect(bodies()[0]).toEqual([
        ['Action', 'DescribeSecurityGroupRules'],
        ['Version', '2016-11-15'],
        ['Filter.1.Name', 'security-group-rule-id'],
        ['Filter.1.Value.1', first?.ruleId],
        ['Filter.1.Value.2', 'sgr-0000000000000dead'],
        ['MaxResults', '1000'],
      ]);
      expect(rules).toEqual([first]);
    });

    it('parses security groups with their tags from securityGroupInfo', async () => {
      // Act
      const groups = await reader().describeSecurityGroups([ORDERS_GROUP]);

      // Assess
      const recorded = loopback.account.state.securityGroups.find((g) => g.GroupId === ORDERS_GROUP);
      expect(groups).toEqual([mapSecurityGroup(recorded as never)]);
      expect(groups[0]?.tags).toEqual({ team: 'orders' });
    });

    it('finds groups by name with the group-name filter', async () => {
      // Act
      const ids = await reader().findSecurityGroupIdsByName('orders-prod-mq');

      // Assess
      expect(bodies()[0]).toContainEqual(['Filter.1.Name', 'group-name']);
      expect(ids).toEqual([ORDERS_GROUP]);
    });

    it('parses the network interfaces of a group from networkInterfaceSet', async () => {
      // Act
      const interfaces = await reader().describeNetworkInterfaces([ORDERS_GROUP]);

      // Assess
      const recorded = loopback.account.state.networkInterfaces
        .filter((eni) => (eni.Groups as { GroupId: string }[]).some((g) => g.GroupId === ORDERS_GROUP))
        .map((eni) => mapNetworkInterface(eni as never));
      expect(interfaces).toEqual(recorded);
      expect(interfaces.length).toBeGreaterThan(0);
    });
  });

  describe('createEc2NetworkReader.readPrefixList', () => {
    // A customer-managed IPv4 list as the AWS CLI example of get-managed-prefix-list-entries shows it,
    // an AWS-managed IPv6 list, and a list longer than one page.
    const CUSTOMER_LIST = {
      PrefixListId: 'pl-0123456abcabcabc1',
      AddressFamily: 'IPv4',
      State: 'modify-complete',
      PrefixListArn: 'arn:aws:ec2:us-east-1:123456789012:prefix-list/pl-0123456abcabcabc1',
      PrefixListName: 'vpc-cidrs',
      MaxEntries: 10,
      Version: 2,
      OwnerId: '123456789012',
      Entries: [
        { Cidr: '10.0.0.0/16', Description: 'vpc-a' },
        { Cidr: '10.2.0.0/16', Description: 'vpc-b' },
      ],
    };
    const AWS_LIST = {
      PrefixListId: 'pl-0ca5e0000000000a6',
      AddressFamily: 'IPv6',
      State: 'create-complete',
      PrefixListArn: 'arn:aws:ec2:us-east-1:aws:prefix-list/pl-0ca5e0000000000a6',
      PrefixListName: 'com.amazonaws.us-east-1.ipv6.s3',
      MaxEntries: 3,
      Version: 7,
      OwnerId: 'AWS',
      Entries: [{ Cidr: '2600:1f18:ffff::/48' }, { Cidr: '2600:1fa0:8000::/39' }],
    };
    const LONG_LIST = {
      PrefixListId: 'pl-0ca5e0000000000b2',
      AddressFamily: 'IPv4',
      PrefixListName: 'partners',
      MaxEntries: 250,
      Version: 12,
      OwnerId: '123456789012',
      Entries: Array.from({ length: 230 }, (_, i) => ({ Cidr: `198.18.${i}.0/24` })),
    };
    const withLists = (...lists: object[]) => {
      loopback.account.state.prefixLists = structuredClone(lists) as never;
      loopback.account.markDirty();
    };

    it('sends DescribeManagedPrefixLists with a prefix-list-id filter and GetManagedPrefixListEntries, and parses both', async () => {
      // Prepare
      withLists(CUSTOMER_LIST);

      // Act
      const list = await reader().readPrefixList(CUSTOMER_LIST.PrefixListId);

      // Assess
      expect(bodies()).toEqual(
        expect.arrayContaining([
          [
            ['Action', 'DescribeManagedPrefixLists'],
            ['Version', '2016-11-15'],
            ['Filter.1.Name', 'prefix-list-id'],
            ['Filter.1.Value.1', CUSTOMER_LIST.PrefixListId],
            ['MaxResults', '100'],
          ],
          [
            ['Action', 'GetManagedPrefixListEntries'],
            ['Version', '2016-11-15'],
            ['PrefixListId', CUSTOMER_LIST.PrefixListId],
            ['MaxResults', '100'],
          ],
        ]),
      );
      expect(loopback.aws.requests).toHaveLength(2);
      expect(list).toEqual({
        prefixListId: CUSTOMER_LIST.PrefixListId,
        name: 'vpc-cidrs',
        ownerId: '123456789012',
        addressFamily: 'IPv4',
        version: 2,
        state: 'modify-complete',
        entries: [
          { cidr: '10.0.0.0/16', description: 'vpc-a' },
          { cidr: '10.2.0.0/16', description: 'vpc-b' },
        ],
      });
    });

    it('reads an AWS-managed IPv6 list, owner AWS, entries without descriptions', async () => {
      // Prepare
      withLists(AWS_LIST);

      // Act
      const list = await reader().readPrefixList(AWS_LIST.PrefixListId);

      // Assess
      expect(list).toEqual({
        prefixListId: AWS_LIST.PrefixListId,
        name: 'com.amazonaws.us-east-1.ipv6.s3',
        ownerId: 'AWS',
        addressFamily: 'IPv6',
        version: 7,
        state: 'create-complete',
        entries: [{ cidr: '2600:1f18:ffff::/48' }, { cidr: '2600:1fa0:8000::/39' }],
      });
    });

    it('reads a list longer than a page again, every page pinned to the version DescribeManagedPrefixLists named', async () => {
      // Prepare
      withLists(LONG_LIST);

      // Act
      const list = await reader().readPrefixList(LONG_LIST.PrefixListId);

      // Assess
      expect(list?.entries.map((e) => e.cidr)).toEqual(LONG_LIST.Entries.map((e) => e.Cidr));
      const entryCalls = loopback.aws.requests.filter((r) => r.operation === 'GetManagedPrefixListEntries');
      // The first page (unpinned, beside the description), then 3 pages of 100 pinned to version 12.
      expect(entryCalls.map((r) => [r.input.TargetVersion, r.input.NextToken])).toEqual([
        [undefined, undefined],
        [12, undefined],
        [12, '100'],
        [12, '200'],
      ]);
    });

    it('answers null for a list EC2 does not find (InvalidPrefixListID.NotFound), never an empty list', async () => {
      // Prepare
      withLists(CUSTOMER_LIST);

      // Act
      const list = await reader().readPrefixList('pl-0000000000000dead');

      // Assess
      expect(list).toBeNull();
      expect(
        loopback.aws.requests.find((r) => r.operation === 'GetManagedPrefixListEntries')?.errorCode,
      ).toBe('InvalidPrefixListID.NotFound');
    });

    it('raises UnauthorizedOperation (HTTP 403) as an AwsCallError naming GetManagedPrefixListEntries', async () => {
      // Prepare
      withLists(CUSTOMER_LIST);
      loopback.account.state.denied = { prefixLists: [CUSTOMER_LIST.PrefixListId] };

      // Act
      const error = await reader()
        .readPrefixList(CUSTOMER_LIST.PrefixListId)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'GetManagedPrefixListEntries',
        awsErrorName: 'UnauthorizedOperation',
      });
      expect((error as Error).message).toContain('HTTP 403');
    });

    it('refuses a list with more entries than a referenced list can hold instead of judging part of it', async () => {
      // Prepare
      withLists({
        ...LONG_LIST,
        Entries: Array.from({ length: 1001 }, (_, i) => ({ Cidr: `198.${18 + (i >> 8)}.${i & 255}.0/24` })),
      });

      // Act
      const error = await reader()
        .readPrefixList(LONG_LIST.PrefixListId)
        .catch((e: unknown) => e);

      // Assess
      expect((error as Error).message).toContain('more than 1000 entries');
    });
  });

  describe('createEc2NetworkReader.prefixListAssociations', () => {
    // The AWS CLI example of get-managed-prefix-list-associations answers one group of the list's owner;
    // a list is also referenced by route tables and, shared through AWS RAM, by other accounts' groups.
    const LIST = {
      PrefixListId: 'pl-0123456abcabcabc1',
      AddressFamily: 'IPv4',
      PrefixListName: 'vpc-cidrs',
      Version: 2,
      OwnerId: '123456789012',
      Entries: [{ Cidr: '10.0.0.0/16', Description: 'vpc-a' }],
      Associations: [
        { ResourceId: 'sg-0abc123456abc12345', ResourceOwner: '123456789012' },
        { ResourceId: 'rtb-0ca5e00000000a001', ResourceOwner: '123456789012' },
        { ResourceId: 'sg-0ca5e00000000b001', ResourceOwner: '444455556666' },
      ],
    };
    const withList = (list: object) => {
      loopback.account.state.prefixLists = [structuredClone(list)] as never;
      loopback.account.markDirty();
    };

    it('sends GetManagedPrefixListAssociations with the list id and MaxResults 255, and parses every resource with its owner', async () => {
      // Prepare
      withList(LIST);

      // Act
      const associations = await reader().prefixListAssociations(LIST.PrefixListId);

      // Assess
      expect(bodies()).toEqual([
        [
          ['Action', 'GetManagedPrefixListAssociations'],
          ['Version', '2016-11-15'],
          ['PrefixListId', LIST.PrefixListId],
          ['MaxResults', '255'],
        ],
      ]);
      expect(associations).toEqual([
        { resourceId: 'sg-0abc123456abc12345', resourceOwner: '123456789012' },
        { resourceId: 'rtb-0ca5e00000000a001', resourceOwner: '123456789012' },
        { resourceId: 'sg-0ca5e00000000b001', resourceOwner: '444455556666' },
      ]);
    });

    it('follows NextToken until the last page and keeps every resource once', async () => {
      // Prepare
      const many = Array.from({ length: 12 }, (_, i) => ({
        ResourceId: `sg-0ca5e00000000c${String(i).padStart(3, '0')}`,
        ResourceOwner: '123456789012',
      }));
      withList({ ...LIST, Associations: many });
      loopback.aws.pageSize = 5;

      // Act
      const associations = await reader().prefixListAssociations(LIST.PrefixListId);

      // Assess
      expect(associations?.map((a) => a.resourceId)).toEqual(many.map((a) => a.ResourceId));
      expect(loopback.aws.requests.map((r) => r.input.NextToken)).toEqual([undefined, '5', '10']);
    });

    it('answers null for a list EC2 does not find (InvalidPrefixListID.NotFound)', async () => {
      // Prepare
      withList(LIST);

      // Act
      const associations = await reader().prefixListAssociations('pl-0000000000000dead');

      // Assess
      expect(associations).toBeNull();
      expect(loopback.aws.requests.at(-1)?.errorCode).toBe('InvalidPrefixListID.NotFound');
    });

    it('raises UnauthorizedOperation (HTTP 403) as an AwsCallError naming GetManagedPrefixListAssociations, never no resource', async () => {
      // Prepare
      withList(LIST);
      loopback.account.state.denied = { prefixListAssociations: [LIST.PrefixListId] };

      // Act
      const error = await reader()
        .prefixListAssociations(LIST.PrefixListId)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({
        operation: 'GetManagedPrefixListAssociations',
        awsErrorName: 'UnauthorizedOperation',
      });
      expect((error as Error).message).toContain('HTTP 403');
    });
  });

  describe('createEc2IngressWriter', () => {
    const narrowed = {
      groupId: ORDERS_GROUP,
      protocol: 'tcp',
      fromPort: 61617,
      toPort: 61617,
      source: { kind: 'cidrIpv4', cidr: '198.51.100.0/24' },
      description: 'Narrowed by mq-guardian from sgr-0a1b2c3d4e5f60010',
      tags: { 'mq-guardian:narrowed-from': 'sgr-0a1b2c3d4e5f60010' },
    } as const;

    it('authorizes with IpPermissions and a security-group-rule TagSpecification, and the rule exists after', async () => {
      // Act
      const result = await writer().authorizeIngress(narrowed);

      // Assess
      expect(bodies()).toEqual([
        [
          ['Action', 'AuthorizeSecurityGroupIngress'],
          ['Version', '2016-11-15'],
          ['GroupId', ORDERS_GROUP],
          ['IpPermissions.1.IpProtocol', 'tcp'],
          ['IpPermissions.1.FromPort', '61617'],
          ['IpPermissions.1.ToPort', '61617'],
          ['IpPermissions.1.IpRanges.1.Description', narrowed.description],
          ['IpPermissions.1.IpRanges.1.CidrIp', '198.51.100.0/24'],
          ['TagSpecification.1.ResourceType', 'security-group-rule'],
          ['TagSpecification.1.Tag.1.Key', 'mq-guardian:narrowed-from'],
          ['TagSpecification.1.Tag.1.Value', 'sgr-0a1b2c3d4e5f60010'],
        ],
      ]);
      expect(result.alreadyExisted).toBe(false);
      expect(result.ruleIds).toHaveLength(1);
      const created = loopback.account.state.securityGroupRules.find(
        (r) => r.SecurityGroupRuleId === result.ruleIds[0],
      );
      expect(created).toMatchObject({
        GroupId: ORDERS_GROUP,
        CidrIpv4: '198.51.100.0/24',
        FromPort: 61617,
        Tags: [{ Key: 'mq-guardian:narrowed-from', Value: 'sgr-0a1b2c3d4e5f60010' }],
      });
    });

    it('reads InvalidPermission.Duplicate as a rule that already exists', async () => {
      // Prepare
      await writer().authorizeIngress(narrowed);

      // Act
      const again = await writer().authorizeIngress(narrowed);

      // Assess
      expect(again).toEqual({ ruleIds: [], alreadyExisted: true });
      expect(loopback.aws.requests.at(-1)).toMatchObject({
        status: 400,
        errorCode: 'InvalidPermission.Duplicate',
      });
    });

    it('revokes by SecurityGroupRuleId.N and the rule is gone after', async () => {
      // Prepare
      const [first, second] = ingressOf(ORDERS_GROUP);

      // Act
      const result = await writer().revokeIngress(ORDERS_GROUP, [
        String(first?.ruleId),
        String(second?.ruleId),
      ]);

      // Assess
      expect(bodies()).toEqual([
        [
          ['Action', 'RevokeSecurityGroupIngress'],
          ['Version', '2016-11-15'],
          ['GroupId', ORDERS_GROUP],
          ['SecurityGroupRuleId.1', first?.ruleId],
          ['SecurityGroupRuleId.2', second?.ruleId],
        ],
      ]);
      expect(result).toEqual({ revokedRuleIds: [first?.ruleId, second?.ruleId], missingRuleIds: [] });
      expect(ingressOf(ORDERS_GROUP).map((r) => r?.ruleId)).not.toContain(first?.ruleId);
    });

    it('reads InvalidSecurityGroupRuleId.NotFound as missing, and still revokes the ids that exist', async () => {
      // Prepare
      const [first] = ingressOf(ORDERS_GROUP);

      // Act
      const result = await writer().revokeIngress(ORDERS_GROUP, [
        String(first?.ruleId),
        'sgr-0000000000000dead',
      ]);

      // Assess
      expect(result).toEqual({ revokedRuleIds: [first?.ruleId], missingRuleIds: ['sgr-0000000000000dead'] });
      expect(loopback.aws.requests.map((r) => r.errorCode)).toEqual([
        'InvalidSecurityGroupRuleId.NotFound',
        undefined,
        'InvalidSecurityGroupRuleId.NotFound',
      ]);
    });

    it('reads InvalidPermission.NotFound as missing', async () => {
      // Prepare
      loopback.account.fail({
        on: 'RevokeSecurityGroupIngress',
        error: serviceError(
          'ec2',
          'InvalidPermission.NotFound',
          'The specified rule does not exist in this security group.',
        ),
      });

      // Act
      const result = await writer().revokeIngress(ORDERS_GROUP, ['sgr-0a1b2c3d4e5f60010']);

      // Assess
      expect(result).toEqual({ revokedRuleIds: [], missingRuleIds: ['sgr-0a1b2c3d4e5f60010'] });
    });

    it.each([
      ['InvalidGroup.NotFound', 400, "The security group 'sg-0000000000000dead' does not exist"],
      ['UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'],
    ])('raises %s (HTTP %i) as an AwsCallError with that code', async (code, status, message) => {
      // Prepare
      loopback.account.fail({
        on: 'AuthorizeSecurityGroupIngress',
        error: serviceError('ec2', code, message, status),
      });

      // Act
      const error = await writer()
        .authorizeIngress(narrowed)
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
      expect(error).toMatchObject({ operation: 'AuthorizeSecurityGroupIngress', awsErrorName: code });
      expect((error as Error).message).toContain(`HTTP ${status}`);
      expect(loopback.aws.requests).toHaveLength(1);
    });

    it('authorizes a group that does not exist: InvalidGroup.NotFound from the account itself', async () => {
      // Act
      const error = await writer()
        .authorizeIngress({ ...narrowed, groupId: 'sg-0000000000000dead' })
        .catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ awsErrorName: 'InvalidGroup.NotFound' });
    });
  });

  describe('retries of the real client', () => {
    it('retries RequestLimitExceeded (HTTP 503) and succeeds on the third attempt', async () => {
      // Prepare
      loopback.aws.inject({ on: 'DescribeSecurityGroupRules', fault: 'throttling', times: 2 });

      // Act
      const rules = await reader().describeIngressRules([ORDERS_GROUP]);

      // Assess
      expect(rules).toEqual(ingressOf(ORDERS_GROUP));
      expect(loopback.aws.requests.map((r) => [r.status, r.errorCode])).toEqual([
        [503, 'RequestLimitExceeded'],
        [503, 'RequestLimitExceeded'],
        [200, undefined],
      ]);
    });

    it('gives up after the configured attempts with the throttling code', async () => {
      // Prepare
      loopback.aws.inject({ on: 'RevokeSecurityGroupIngress', fault: 'throttling' });

      // Act
      const error = await writer()
        .revokeIngress(ORDERS_GROUP, ['sgr-0a1b2c3d4e5f60010'])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toMatchObject({ awsErrorName: 'RequestLimitExceeded' });
      expect(loopback.aws.requests).toHaveLength(5);
      expect(ingressOf(ORDERS_GROUP).map((r) => r?.ruleId)).toContain('sgr-0a1b2c3d4e5f60010');
    });

    it.each(['server-error', 'timeout', 'truncated'] as const)(
      'retries a %s and answers from the next attempt',
      async (fault) => {
        // Prepare
        loopback.aws.inject({ on: 'DescribeSecurityGroups', fault, times: 1 });

        // Act
        const groups = await reader().describeSecurityGroups([ORDERS_GROUP]);

        // Assess
        expect(groups.map((g) => g.groupId)).toEqual([ORDERS_GROUP]);
        expect(loopback.aws.requests.map((r) => r.fault)).toEqual([fault, undefined]);
      },
    );

    it('never takes a body cut short for an answer', async () => {
      // Prepare
      loopback.aws.inject({ on: 'DescribeSecurityGroupRules', fault: 'truncated' });

      // Act
      const error = await reader()
        .describeIngressRules([ORDERS_GROUP])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(AwsCallError);
    });
  });
});
