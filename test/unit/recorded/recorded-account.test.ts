import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../shared/errors.ts';
import { toAuthorizeIngressInput } from '../../../shared/model/ec2-requests.ts';
import type { AuthorizeIngressRequest, ConfigEvaluation } from '../../../shared/ports.ts';
import {
  aBrokerInterface,
  aBrokerItem,
  aGroupItem,
  aKeyItem,
  anAccount,
  anInstanceInterface,
  aRuleItem,
  BROKER_ID,
  base64,
  CONFIGURATION_ID,
  GROUP_ID,
  KEY_ARN,
  KEY_ID,
  MAP_XML,
} from './account-builder.ts';

const OTHER_GROUP = 'sg-0fedcba9876543210';

const openWire = (overrides: Partial<AuthorizeIngressRequest> = {}): AuthorizeIngressRequest => ({
  groupId: GROUP_ID,
  protocol: 'tcp',
  fromPort: 61617,
  toPort: 61617,
  source: { kind: 'cidrIpv4', cidr: '10.20.0.0/16' },
  description: 'OpenWire from the VPC',
  ...overrides,
});

describe('RecordedAccount as BrokerReader', () => {
  it('describes a recorded broker through the mapper and counts the read', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const broker = await account.describeBroker(BROKER_ID);

    // Assess
    expect(broker).toMatchObject({
      id: BROKER_ID,
      name: 'sadeed-br',
      engineType: 'ACTIVEMQ',
      securityGroupIds: [GROUP_ID],
    });
    expect(account.readCounts()).toEqual({ DescribeBroker: 1 });
  });

  it('answers null for a broker that does not exist', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const broker = await account.describeBroker('b-00000000-0000-0000-0000-000000000000');

    // Assess
    expect(broker).toBeNull();
  });

  it('lists every broker as a summary', async () => {
    // Prepare
    const account = anAccount({
      brokers: [
        aBrokerItem(),
        aBrokerItem({
          BrokerId: 'b-2',
          BrokerName: 'events',
          BrokerArn: 'arn:aws:mq:us-east-1:123456789012:broker:events:b-2',
          EngineType: 'RabbitMQ',
          DeploymentMode: 'CLUSTER_MULTI_AZ',
        }),
      ],
    });

    // Act
    const summaries = await account.listBrokers();

    // Assess
    expect(summaries).toEqual([
      expect.objectContaining({ id: BROKER_ID, engineType: 'ACTIVEMQ', deploymentMode: 'SINGLE_INSTANCE' }),
      {
        id: 'b-2',
        arn: 'arn:aws:mq:us-east-1:123456789012:broker:events:b-2',
        name: 'events',
        engineType: 'RABBITMQ',
        state: 'RUNNING',
        deploymentMode: 'CLUSTER_MULTI_AZ',
      },
    ]);
    expect(account.readCounts()).toEqual({ ListBrokers: 1 });
  });

  it.each([
    ['the recorded revision', { id: CONFIGURATION_ID, revision: 1 }, { data: base64(MAP_XML) }],
    ['a revision that does not exist', { id: CONFIGURATION_ID, revision: 2 }, null],
    ['a configuration that does not exist', { id: 'c-unknown', revision: 1 }, null],
  ])('returns the base64 Data of %s', async (_case, ref, expected) => {
    // Prepare
    const account = anAccount();

    // Act
    const data = await account.describeConfigurationRevision(ref);

    // Assess
    expect(data).toEqual(expected);
  });

  it('answers DescribeConfiguration with the name, the description and the highest revision as the latest', async () => {
    // Prepare
    const account = anAccount({
      configurations: [
        {
          Id: CONFIGURATION_ID,
          Name: 'orders',
          EngineType: 'ACTIVEMQ',
          Description: 'Orders broker settings',
          Revisions: [
            { Revision: 2, Data: base64(MAP_XML), Description: 'Authorization map' },
            { Revision: 1, Data: base64(MAP_XML) },
          ],
        },
      ],
    });

    // Act
    const configuration = await account.describeConfiguration(CONFIGURATION_ID);
    const revision = await account.describeConfigurationRevision({ id: CONFIGURATION_ID, revision: 2 });
    const unknown = await account.describeConfiguration('c-unknown');

    // Assess
    expect(configuration).toEqual({
      id: CONFIGURATION_ID,
      name: 'orders',
      description: 'Orders broker settings',
      latestRevision: { revision: 2, description: 'Authorization map' },
    });
    expect(revision).toEqual({ data: base64(MAP_XML), description: 'Authorization map' });
    expect(unknown).toBeNull();
    expect(account.readCounts()).toEqual({ DescribeConfiguration: 2, DescribeConfigurationRevision: 1 });
  });
});

describe('RecordedAccount as NetworkReader', () => {
  const twoGroups = () =>
    anAccount({
      securityGroups: [aGroupItem(), aGroupItem({ GroupId: OTHER_GROUP, GroupName: 'clients' })],
      securityGroupRules: [
        aRuleItem(),
        aRuleItem({
          SecurityGroupRuleId: 'sgr-0000000000000000e',
          IsEgress: true,
          IpProtocol: '-1',
          CidrIpv4: '0.0.0.0/0',
        }),
        aRuleItem({
          SecurityGroupRuleId: 'sgr-00000000000000f01',
          GroupId: OTHER_GROUP,
          FromPort: 443,
          ToPort: 443,
        }),
      ],
      networkInterfaces: [
        aBrokerInterface(BROKER_ID, [GROUP_ID], 'eni-0000000000000000a'),
        anInstanceInterface('i-0123456789abcdef0', [GROUP_ID, OTHER_GROUP], 'eni-0000000000000000b'),
        anInstanceInterface('i-0123456789abcdef1', ['sg-0000000000000beef'], 'eni-0000000000000000c'),
      ],
    });

  it('filters rules by group id and leaves egress rules out', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const rules = await account.describeIngressRules([GROUP_ID]);

    // Assess
    expect(rules.map((r) => r.ruleId)).toEqual(['sgr-01afa97ef3e1bedfc']);
    expect(account.readCounts()).toEqual({ DescribeSecurityGroupRules: 1 });
  });

  it('returns the rules of several groups in one read', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const rules = await account.describeIngressRules([GROUP_ID, OTHER_GROUP, 'sg-0000000000000dead']);

    // Assess
    expect(rules.map((r) => r.ruleId)).toEqual(['sgr-01afa97ef3e1bedfc', 'sgr-00000000000000f01']);
    expect(account.readCounts()).toEqual({ DescribeSecurityGroupRules: 1 });
  });

  it('makes no read for an empty id list, like the adapter', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const answers = await Promise.all([
      account.describeIngressRules([]),
      account.describeRulesById([]),
      account.describeSecurityGroups([]),
      account.describeNetworkInterfaces([]),
    ]);

    // Assess
    expect(answers).toEqual([[], [], [], []]);
    expect(account.readCounts()).toEqual({});
  });

  it('finds rules by id, omitting unknown ids and egress rules', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const rules = await account.describeRulesById([
      'sgr-00000000000000f01',
      'sgr-0000000000000000e',
      'sgr-0000000000000dead',
    ]);

    // Assess
    expect(rules.map((r) => r.ruleId)).toEqual(['sgr-00000000000000f01']);
  });

  it('describes groups by id, omitting groups that do not exist', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const groups = await account.describeSecurityGroups([OTHER_GROUP, 'sg-0000000000000dead']);

    // Assess
    expect(groups).toEqual([{ groupId: OTHER_GROUP, groupName: 'clients', vpcId: 'vpc-1a2b3c4d', tags: {} }]);
  });

  it('leaves the groups the file marks unanswered out of DescribeSecurityGroups, as a partial answer would', async () => {
    // Prepare
    const account = anAccount({
      securityGroups: [aGroupItem(), aGroupItem({ GroupId: OTHER_GROUP, GroupName: 'clients' })],
      unanswered: { securityGroups: [GROUP_ID] },
    });

    // Act
    const groups = await account.describeSecurityGroups([GROUP_ID, OTHER_GROUP]);

    // Assess
    expect(groups.map((g) => g.groupId)).toEqual([OTHER_GROUP]);
  });

  it('lists the brokers the file marks unanswered but does not find them with DescribeBroker', async () => {
    // Prepare
    const account = anAccount({ unanswered: { brokers: [BROKER_ID] } });

    // Act
    const listed = await account.listBrokers();
    const described = await account.describeBroker(BROKER_ID);

    // Assess
    expect(listed.map((b) => b.id)).toEqual([BROKER_ID]);
    expect(described).toBeNull();
  });

  it('fails the read operations the file marks failing with a server error', async () => {
    // Prepare
    const account = anAccount({ unanswered: { failing: ['DescribeNetworkInterfaces'] } });

    // Act
    const read = account.describeNetworkInterfaces([GROUP_ID]);

    // Assess
    await expect(read).rejects.toBeInstanceOf(AwsCallError);
    expect((await account.describeIngressRules([GROUP_ID])).length).toBeGreaterThan(0);
  });

  it('finds group ids by name', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const [found, missing] = [
      await account.findSecurityGroupIdsByName('clients'),
      await account.findSecurityGroupIdsByName('nope'),
    ];

    // Assess
    expect(found).toEqual([OTHER_GROUP]);
    expect(missing).toEqual([]);
    expect(account.readCounts()).toEqual({ DescribeSecurityGroups: 2 });
  });

  it('lists the interfaces of any of the groups once each, with the broker named', async () => {
    // Prepare
    const account = twoGroups();

    // Act
    const interfaces = await account.describeNetworkInterfaces([GROUP_ID, OTHER_GROUP]);

    // Assess
    expect(interfaces.map((eni) => [eni.networkInterfaceId, eni.brokerId, eni.instanceId])).toEqual([
      ['eni-0000000000000000a', BROKER_ID, undefined],
      ['eni-0000000000000000b', undefined, 'i-0123456789abcdef0'],
    ]);
    expect(account.readCounts()).toEqual({ DescribeNetworkInterfaces: 1 });
  });

  it('hands out copies: changing an answer does not change the account', async () => {
    // Prepare
    const account = twoGroups();
    const [rule] = await account.describeIngressRules([GROUP_ID]);
    (rule!.tags as Record<string, string>)['mq-guardian:allow'] = 'sneaky';

    // Act
    const [again] = await account.describeIngressRules([GROUP_ID]);

    // Assess
    expect(again!.tags).toEqual({});
  });
});

describe('RecordedAccount as a reader of managed prefix lists', () => {
  const PARTNERS = {
    PrefixListId: 'pl-0ca5e0000000000c1',
    PrefixListName: 'partners',
    OwnerId: '123456789012',
    AddressFamily: 'IPv4',
    Version: 4,
    Entries: [{ Cidr: '198.51.100.0/24', Description: 'partner a' }, { Cidr: '203.0.113.0/24' }],
  };

  it('answers the list with its version, owner, family and entries, one read of each operation', async () => {
    // Prepare
    const account = anAccount({ prefixLists: [PARTNERS] });

    // Act
    const list = await account.readPrefixList(PARTNERS.PrefixListId);

    // Assess
    expect(list).toEqual({
      prefixListId: PARTNERS.PrefixListId,
      name: 'partners',
      ownerId: '123456789012',
      addressFamily: 'IPv4',
      version: 4,
      entries: [{ cidr: '198.51.100.0/24', description: 'partner a' }, { cidr: '203.0.113.0/24' }],
    });
    expect(account.readCounts()).toEqual({ DescribeManagedPrefixLists: 1, GetManagedPrefixListEntries: 1 });
  });

  it('answers null for a list the file does not hold (EC2: InvalidPrefixListID.NotFound)', async () => {
    // Act
    const list = await anAccount({ prefixLists: [PARTNERS] }).readPrefixList('pl-0000000000000dead');

    // Assess
    expect(list).toBeNull();
  });

  it('fails a denied list with UnauthorizedOperation, as IAM would', async () => {
    // Prepare
    const account = anAccount({ prefixLists: [PARTNERS], denied: { prefixLists: [PARTNERS.PrefixListId] } });

    // Act
    const error = await account.readPrefixList(PARTNERS.PrefixListId).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'GetManagedPrefixListEntries',
      awsErrorName: 'UnauthorizedOperation',
    });
  });

  it('answers the groups whose rules name the list, owned by the account, when the file records no associations', async () => {
    // Prepare
    const account = anAccount({
      prefixLists: [PARTNERS],
      securityGroupRules: [
        {
          SecurityGroupRuleId: 'sgr-0ca5e0000000000a1',
          GroupId: 'sg-0ca5e0000000000a1',
          GroupOwnerId: '123456789012',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 5671,
          ToPort: 5671,
          PrefixListId: PARTNERS.PrefixListId,
          Tags: [],
        },
        {
          SecurityGroupRuleId: 'sgr-0ca5e0000000000a2',
          GroupId: 'sg-0ca5e0000000000a1',
          GroupOwnerId: '123456789012',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          PrefixListId: PARTNERS.PrefixListId,
          Tags: [],
        },
        {
          SecurityGroupRuleId: 'sgr-0ca5e0000000000a3',
          GroupId: 'sg-0ca5e0000000000a2',
          GroupOwnerId: '123456789012',
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          CidrIpv4: '10.0.0.0/8',
          Tags: [],
        },
      ],
    });

    // Act
    const associations = await account.prefixListAssociations(PARTNERS.PrefixListId);

    // Assess
    expect(associations).toEqual([{ resourceId: 'sg-0ca5e0000000000a1', resourceOwner: account.accountId }]);
    expect(account.readCounts()).toEqual({ GetManagedPrefixListAssociations: 1 });
  });

  it('answers the recorded associations as they are (route tables, other accounts), null for a list it does not hold', async () => {
    // Prepare
    const recorded = [
      { ResourceId: 'rtb-0ca5e00000000a001', ResourceOwner: '123456789012' },
      { ResourceId: 'sg-0ca5e00000000b001', ResourceOwner: '444455556666' },
    ];
    const account = anAccount({ prefixLists: [{ ...PARTNERS, Associations: recorded }] });

    // Act
    const associations = await account.prefixListAssociations(PARTNERS.PrefixListId);
    const unknown = await account.prefixListAssociations('pl-0000000000000dead');

    // Assess
    expect(associations).toEqual([
      { resourceId: 'rtb-0ca5e00000000a001', resourceOwner: '123456789012' },
      { resourceId: 'sg-0ca5e00000000b001', resourceOwner: '444455556666' },
    ]);
    expect(unknown).toBeNull();
  });

  it('fails denied associations with UnauthorizedOperation naming GetManagedPrefixListAssociations', async () => {
    // Prepare
    const account = anAccount({
      prefixLists: [PARTNERS],
      denied: { prefixListAssociations: [PARTNERS.PrefixListId] },
    });

    // Act
    const error = await account.prefixListAssociations(PARTNERS.PrefixListId).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({
      operation: 'GetManagedPrefixListAssociations',
      awsErrorName: 'UnauthorizedOperation',
    });
  });

  it('refuses to load an entry without its CIDR, naming where it is', () => {
    // Act
    const load = () => anAccount({ prefixLists: [{ ...PARTNERS, Entries: [{ Description: 'no cidr' }] }] });

    // Assess
    expect(load).toThrow(/prefixLists\[0\]/);
  });
});

describe('RecordedAccount as KeyReader', () => {
  it.each([
    ['its key id', KEY_ID],
    ['its ARN', KEY_ARN],
    ['its alias', 'alias/orders-mq'],
    ['its alias ARN', 'arn:aws:kms:us-east-1:123456789012:alias/orders-mq'],
  ])('finds a key by %s', async (_case, keyId) => {
    // Prepare
    const account = anAccount();

    // Act
    const key = await account.describeKey(keyId);

    // Assess
    expect(key).toEqual({
      status: 'found',
      keyId: KEY_ID,
      arn: KEY_ARN,
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
    });
  });

  it('answers unreadable (NotFoundException) for a key it does not hold', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const key = await account.describeKey('arn:aws:kms:us-east-1:111122223333:key/0000');

    // Assess
    expect(key).toEqual({
      status: 'unreadable',
      keyId: 'arn:aws:kms:us-east-1:111122223333:key/0000',
      reason: "NotFoundException: Key 'arn:aws:kms:us-east-1:111122223333:key/0000' does not exist",
    });
  });

  it('answers unreadable (AccessDeniedException) for a denied key, even when asked by its ARN', async () => {
    // Prepare
    const account = anAccount({ kmsKeys: [aKeyItem()], denied: { kms: [KEY_ID] } });

    // Act
    const key = await account.describeKey(KEY_ARN);

    // Assess
    expect(key).toMatchObject({ status: 'unreadable', keyId: KEY_ARN });
    expect(key.status === 'unreadable' && key.reason).toMatch(/^AccessDeniedException: /);
    expect(account.readCounts()).toEqual({ DescribeKey: 1 });
  });
});

describe('RecordedAccount as IngressWriter', () => {
  it('authorizes a permission as a new rule with a deterministic id and logs the exact SDK input', async () => {
    // Prepare
    const account = anAccount();
    const request = openWire({ tags: { 'mq-guardian:narrowed-from': 'sgr-0a1b2c3d4e5f60004' } });

    // Act
    const result = await account.authorizeIngress(request);

    // Assess
    expect(result).toEqual({ ruleIds: ['sgr-00000000000000001'], alreadyExisted: false });
    expect(account.writes()).toEqual([
      { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', input: toAuthorizeIngressInput(request) },
    ]);
    const rules = await account.describeRulesById(['sgr-00000000000000001']);
    expect(rules).toEqual([
      {
        ruleId: 'sgr-00000000000000001',
        groupId: GROUP_ID,
        protocol: 'tcp',
        fromPort: 61617,
        toPort: 61617,
        source: { kind: 'cidrIpv4', cidr: '10.20.0.0/16' },
        description: 'OpenWire from the VPC',
        tags: { 'mq-guardian:narrowed-from': 'sgr-0a1b2c3d4e5f60004' },
      },
    ]);
  });

  it('numbers new rules one after the other', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const first = await account.authorizeIngress(openWire());
    const second = await account.authorizeIngress(openWire({ fromPort: 8162, toPort: 8162 }));

    // Assess
    expect([...first.ruleIds, ...second.ruleIds]).toEqual(['sgr-00000000000000001', 'sgr-00000000000000002']);
  });

  it('answers alreadyExisted for a duplicate permission and creates nothing, as EC2 does', async () => {
    // Prepare
    const account = anAccount();
    const before = await account.describeIngressRules([GROUP_ID]);
    const duplicate = openWire({
      source: { kind: 'cidrIpv4', cidr: '203.0.113.0/24' },
      description: 'other text',
    });

    // Act
    const result = await account.authorizeIngress(duplicate);

    // Assess
    expect(result).toEqual({ ruleIds: [], alreadyExisted: true });
    expect(await account.describeIngressRules([GROUP_ID])).toEqual(before);
    expect(account.writes()).toHaveLength(1);
  });

  it('writes once when the same event is replayed twice', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const first = await account.authorizeIngress(openWire());
    const second = await account.authorizeIngress(openWire());

    // Assess
    expect(first.alreadyExisted).toBe(false);
    expect(second.alreadyExisted).toBe(true);
    expect(
      (await account.describeIngressRules([GROUP_ID])).filter(
        (r) => r.source.kind === 'cidrIpv4' && r.source.cidr === '10.20.0.0/16',
      ),
    ).toHaveLength(1);
  });

  it('takes all-traffic permissions with different ports for the same one', async () => {
    // Prepare
    const account = anAccount();
    await account.authorizeIngress(openWire({ protocol: '-1', fromPort: -1, toPort: -1 }));

    // Act
    const again = await account.authorizeIngress(openWire({ protocol: '-1', fromPort: 0, toPort: 65535 }));

    // Assess
    expect(again.alreadyExisted).toBe(true);
  });

  it('fails with InvalidGroup.NotFound for a group that does not exist, after logging the attempt', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const error = await account
      .authorizeIngress(openWire({ groupId: 'sg-0000000000000dead' }))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'AuthorizeSecurityGroupIngress',
      awsErrorName: 'InvalidGroup.NotFound',
    });
    expect(account.writes().map((w) => w.operation)).toEqual(['AuthorizeSecurityGroupIngress']);
  });

  it('revokes rules by id and removes them from the account', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const result = await account.revokeIngress(GROUP_ID, ['sgr-01afa97ef3e1bedfc', 'sgr-0000000000000000b']);

    // Assess
    expect(result).toEqual({
      revokedRuleIds: ['sgr-01afa97ef3e1bedfc', 'sgr-0000000000000000b'],
      missingRuleIds: [],
    });
    expect(await account.describeIngressRules([GROUP_ID])).toEqual([]);
    expect(account.writes()).toEqual([
      {
        service: 'ec2',
        operation: 'RevokeSecurityGroupIngress',
        input: {
          GroupId: GROUP_ID,
          SecurityGroupRuleIds: ['sgr-01afa97ef3e1bedfc', 'sgr-0000000000000000b'],
        },
      },
    ]);
  });

  it('reports a rule revoked twice as missing the second time', async () => {
    // Prepare
    const account = anAccount();
    await account.revokeIngress(GROUP_ID, ['sgr-01afa97ef3e1bedfc']);

    // Act
    const again = await account.revokeIngress(GROUP_ID, ['sgr-01afa97ef3e1bedfc']);

    // Assess
    expect(again).toEqual({ revokedRuleIds: [], missingRuleIds: ['sgr-01afa97ef3e1bedfc'] });
  });

  it('retries id by id after a NotFound, as the SDK adapter does, and revokes what exists', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const result = await account.revokeIngress(GROUP_ID, ['sgr-0000000000000dead', 'sgr-01afa97ef3e1bedfc']);

    // Assess
    expect(result).toEqual({
      revokedRuleIds: ['sgr-01afa97ef3e1bedfc'],
      missingRuleIds: ['sgr-0000000000000dead'],
    });
    expect(account.writes().map((w) => w.input.SecurityGroupRuleIds)).toEqual([
      ['sgr-0000000000000dead', 'sgr-01afa97ef3e1bedfc'],
      ['sgr-0000000000000dead'],
      ['sgr-01afa97ef3e1bedfc'],
    ]);
    expect((await account.describeIngressRules([GROUP_ID])).map((r) => r.ruleId)).toEqual([
      'sgr-0000000000000000b',
    ]);
  });

  it.each([
    ['an egress rule', GROUP_ID, 'sgr-0000000000000000e'],
    ['a rule of another group', OTHER_GROUP, 'sgr-01afa97ef3e1bedfc'],
  ])('does not revoke %s through the ingress call', async (_case, groupId, ruleId) => {
    // Prepare
    const account = anAccount({ securityGroups: [aGroupItem(), aGroupItem({ GroupId: OTHER_GROUP })] });

    // Act
    const result = await account.revokeIngress(groupId, [ruleId]);

    // Assess
    expect(result).toEqual({ revokedRuleIds: [], missingRuleIds: [ruleId] });
    expect(account.toJSON().securityGroupRules).toHaveLength(3);
  });

  it('sends nothing for an empty id list', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const result = await account.revokeIngress(GROUP_ID, []);

    // Assess
    expect(result).toEqual({ revokedRuleIds: [], missingRuleIds: [] });
    expect(account.writes()).toEqual([]);
  });
});

describe('RecordedAccount as ComplianceReporter', () => {
  const evaluation: ConfigEvaluation = {
    complianceResourceType: 'AWS::AmazonMQ::Broker',
    complianceResourceId: BROKER_ID,
    complianceType: 'NON_COMPLIANT',
    annotation: 'Broker sadeed-br is publicly accessible.',
    orderingTimestamp: new Date('2026-11-24T12:00:00Z'),
  };

  it('logs PutEvaluations as the SDK input and refuses nothing', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const failed = await account.putEvaluations('token-1', [evaluation, { ...evaluation, annotation: '' }]);

    // Assess
    expect(failed).toEqual([]);
    expect(account.writes()).toEqual([
      {
        service: 'config',
        operation: 'PutEvaluations',
        input: {
          ResultToken: 'token-1',
          Evaluations: [
            {
              ComplianceResourceType: 'AWS::AmazonMQ::Broker',
              ComplianceResourceId: BROKER_ID,
              ComplianceType: 'NON_COMPLIANT',
              Annotation: 'Broker sadeed-br is publicly accessible.',
              OrderingTimestamp: new Date('2026-11-24T12:00:00Z'),
            },
            {
              ComplianceResourceType: 'AWS::AmazonMQ::Broker',
              ComplianceResourceId: BROKER_ID,
              ComplianceType: 'NON_COMPLIANT',
              OrderingTimestamp: new Date('2026-11-24T12:00:00Z'),
            },
          ],
        },
      },
    ]);
  });

  it('refuses more than 100 evaluations in one call, as the adapter does', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const error = await account
      .putEvaluations(
        't',
        Array.from({ length: 101 }, () => evaluation),
      )
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'AWS_CONFIG_LIMIT' });
    expect(account.writes()).toEqual([]);
  });

  it('logs StartConfigRulesEvaluation and answers started', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const answer = await account.startRulesEvaluation(['mq-guardian-dev-mq-broker-highly-available']);

    // Assess
    expect(answer).toBe('started');
    expect(account.writes()).toEqual([
      {
        service: 'config',
        operation: 'StartConfigRulesEvaluation',
        input: { ConfigRuleNames: ['mq-guardian-dev-mq-broker-highly-available'] },
      },
    ]);
  });

  it('has no configuration history to offer', async () => {
    // Prepare
    const account = anAccount();

    // Act
    const item = await account.getLatestConfigurationItem('AWS::AmazonMQ::Broker', BROKER_ID);

    // Assess
    expect(item).toBeNull();
    expect(account.readCounts()).toEqual({ GetResourceConfigHistory: 1 });
  });

  it('hands out a copy of the write log', async () => {
    // Prepare
    const account = anAccount();
    await account.startRulesEvaluation(['rule-a']);
    account.writes().pop();

    // Act
    const writes = account.writes();

    // Assess
    expect(writes).toHaveLength(1);
  });
});

describe('RecordedAccount loaded twice from the same JSON', () => {
  it('keeps the two copies apart', async () => {
    // Prepare
    const first = anAccount();
    const second = anAccount();

    // Act
    await first.revokeIngress(GROUP_ID, ['sgr-01afa97ef3e1bedfc']);

    // Assess
    expect((await second.describeRulesById(['sgr-01afa97ef3e1bedfc'])).map((r) => r.ruleId)).toEqual([
      'sgr-01afa97ef3e1bedfc',
    ]);
  });
});
