import { describe, expect, it } from 'vitest';
import { UnexpectedShapeError } from '../../../shared/errors.ts';
import {
  brokerIdFromInterfaceDescription,
  type DescribeBrokerShape,
  mapBroker,
  mapBrokerSummary,
  mapKeyMetadata,
  mapNetworkInterface,
  mapSecurityGroup,
  mapSecurityGroupRule,
  mapTags,
  type SecurityGroupRuleShape,
} from '../../../shared/model/mappers.ts';
import authorizeCidr from '../../fixtures/aws/ec2-authorize-ingress-cidr.json' with { type: 'json' };
import authorizeIcmpv6 from '../../fixtures/aws/ec2-authorize-ingress-icmpv6-any.json' with { type: 'json' };
import authorizePrefixList from '../../fixtures/aws/ec2-authorize-ingress-prefixlist.json' with {
  type: 'json',
};
import authorizeSgRef from '../../fixtures/aws/ec2-authorize-ingress-sgref.json' with { type: 'json' };
import describeRules from '../../fixtures/aws/ec2-describe-security-group-rules.json' with { type: 'json' };
import trimmedBrokers from '../../fixtures/aws/mq-describe-broker-trimmed.json' with { type: 'json' };

const [creatingSample, runningSample] = trimmedBrokers as unknown as [
  DescribeBrokerShape,
  DescribeBrokerShape,
];

/** The RUNNING sample with the fields its authors trimmed put back (values made up). */
const completeSample = (overrides: Record<string, unknown> = {}): DescribeBrokerShape =>
  ({
    ...runningSample,
    PubliclyAccessible: false,
    Logs: { Audit: true, General: true },
    SecurityGroups: ['sg-1234567890abcdef0'],
    SubnetIds: ['subnet-0123456789abcdef0'],
    Tags: { team: 'orders' },
    Users: [{ Username: 'orders-app' }],
    ...overrides,
  }) as DescribeBrokerShape;

const without = (shape: object, field: string): DescribeBrokerShape => {
  const copy: Record<string, unknown> = { ...shape };
  delete copy[field];
  return copy as DescribeBrokerShape;
};

const shapeErrorOf = (act: () => unknown): UnexpectedShapeError => {
  try {
    act();
  } catch (error) {
    if (error instanceof UnexpectedShapeError) return error;
    throw error;
  }
  throw new Error('expected an UnexpectedShapeError');
};

describe('mapBroker', () => {
  it('maps the DescribeBroker sample with its trimmed fields restored', () => {
    // Act
    const broker = mapBroker(completeSample());

    // Assess
    expect(broker).toEqual({
      id: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      arn: 'arn:aws:mq:us-east-1:000011112222:broker:sadeed-br:b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      name: 'sadeed-br',
      engineType: 'ACTIVEMQ',
      engineVersion: '5.16.3',
      deploymentMode: 'SINGLE_INSTANCE',
      state: 'RUNNING',
      publiclyAccessible: false,
      autoMinorVersionUpgrade: true,
      authenticationStrategy: 'SIMPLE',
      encryption: {
        useAwsOwnedKey: false,
        kmsKeyId: 'arn:aws:kms:us-east-1:000011112222:key/c4750c1a-72e5-4d16-bc72-0e7b559e0250',
      },
      logs: { audit: true, general: true },
      configurations: { current: { id: 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a', revision: 1 } },
      users: [{ username: 'orders-app' }],
      securityGroupIds: ['sg-1234567890abcdef0'],
      subnetIds: ['subnet-0123456789abcdef0'],
      tags: { team: 'orders' },
      hostInstanceType: 'mq.t3.micro',
      created: '2021-11-15T08:21:57.182Z',
    });
  });

  it('keeps the security groups an UpdateBroker left pending until the next reboot', () => {
    // Act
    const broker = mapBroker({ ...completeSample(), PendingSecurityGroups: ['sg-0fedcba9876543210'] });

    // Assess
    expect(broker.securityGroupIds).toEqual(['sg-1234567890abcdef0']);
    expect(broker.pendingSecurityGroupIds).toEqual(['sg-0fedcba9876543210']);
  });

  it('refuses the trimmed sample, naming PubliclyAccessible, rather than guessing it', () => {
    // Act
    const error = shapeErrorOf(() => mapBroker(runningSample));

    // Assess
    expect(error.message).toBe(
      'DescribeBroker b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4: PubliclyAccessible is missing',
    );
  });

  it('keeps a pending configuration of a broker still being created', () => {
    // Act
    const broker = mapBroker({ ...completeSample(), ...creatingSample, PubliclyAccessible: true });

    // Assess
    expect(broker.state).toBe('CREATION_IN_PROGRESS');
    expect(broker.configurations).toEqual({
      pending: { id: 'c-7bee92e4-afc7-41aa-ad97-22a48d3ef090', revision: 1 },
    });
  });

  it.each([
    ['ActiveMQ', 'ACTIVEMQ'],
    ['ACTIVEMQ', 'ACTIVEMQ'],
    ['RabbitMQ', 'RABBITMQ'],
    ['RABBITMQ', 'RABBITMQ'],
  ])('normalises EngineType %s to %s', (given, expected) => {
    // Act
    const broker = mapBroker(completeSample({ EngineType: given }));

    // Assess
    expect(broker.engineType).toBe(expected);
  });

  it.each([
    ['simple', 'SIMPLE'],
    ['SIMPLE', 'SIMPLE'],
    ['LDAP', 'LDAP'],
    ['ldap', 'LDAP'],
    ['CONFIG_MANAGED', 'CONFIG_MANAGED'],
    [undefined, 'SIMPLE'],
  ])('reads AuthenticationStrategy %s as %s', (given, expected) => {
    // Act
    const broker = mapBroker(completeSample({ AuthenticationStrategy: given }));

    // Assess
    expect(broker.authenticationStrategy).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an engine type that is not text', { EngineType: 7 }, 'EngineType is not a non-empty string'],
    ['a missing deployment mode', { DeploymentMode: undefined }, 'DeploymentMode is missing'],
    ['a missing ARN', { BrokerArn: undefined }, 'BrokerArn is missing'],
    ['a user list that is not a list', { Users: 'admin' }, 'Users is not a list'],
    ['a user without a name', { Users: [{ PendingChange: 'CREATE' }] }, 'Users[0].Username is missing'],
    [
      'a configuration without revision',
      { Configurations: { Current: { Id: 'c-1' } } },
      'Configurations.Current.Revision',
    ],
    [
      'a customer key without id',
      { EncryptionOptions: { UseAwsOwnedKey: false } },
      'EncryptionOptions.KmsKeyId',
    ],
    [
      'a non-boolean PubliclyAccessible',
      { PubliclyAccessible: 'false' },
      'PubliclyAccessible is not a boolean',
    ],
    ['a security group that is not a string', { SecurityGroups: [42] }, 'SecurityGroups[0]'],
    ['an unreadable creation time', { Created: 'yesterday' }, 'Created is not a time'],
  ])('throws UnexpectedShapeError for %s', (_case, overrides, detail) => {
    // Act
    const error = shapeErrorOf(() => mapBroker(completeSample(overrides)));

    // Assess
    expect(error.message).toContain(detail);
    expect(error.code).toBe('UNEXPECTED_AWS_SHAPE');
  });

  it.each<[string, string, keyof ReturnType<typeof mapBroker>]>([
    ['EngineType', 'KAFKA', 'engineType'],
    ['DeploymentMode', 'MULTI_REGION_ACTIVE', 'deploymentMode'],
    ['AuthenticationStrategy', 'PASSKEY', 'authenticationStrategy'],
    ['StorageType', 'S3_EXPRESS', 'storageType'],
  ])('carries an unseen %s value (%s) as AWS returned it', (field, value, property) => {
    // Act
    const broker = mapBroker(completeSample({ [field]: value }));

    // Assess
    expect(broker[property]).toBe(value);
  });

  it('reads StorageType in its canonical spelling whatever the case', () => {
    // Act
    const broker = mapBroker(completeSample({ StorageType: 'efs' }));

    // Assess
    expect(broker.storageType).toBe('EFS');
  });

  it('maps a broker without a user list (Amazon MQ returns none for RabbitMQ) without inventing users', () => {
    // Act
    const broker = mapBroker(without(completeSample(), 'Users'));

    // Assess
    expect(broker.users).toBeUndefined();
  });

  it('throws naming BrokerId when the output has none', () => {
    // Act
    const error = shapeErrorOf(() => mapBroker(without(completeSample(), 'BrokerId')));

    // Assess
    expect(error.message).toBe('DescribeBroker: BrokerId is missing');
  });

  it('maps a public RabbitMQ broker: no groups, no subnets, no audit log', () => {
    // Prepare
    const output = completeSample({
      EngineType: 'RabbitMQ',
      EngineVersion: '3.13',
      PubliclyAccessible: true,
      EncryptionOptions: { UseAwsOwnedKey: true },
      Logs: { General: true },
      SecurityGroups: undefined,
      SubnetIds: undefined,
    });

    // Act
    const broker = mapBroker(output);

    // Assess
    expect(broker.logs).toEqual({ general: true });
    expect(broker.securityGroupIds).toEqual([]);
    expect(broker.subnetIds).toEqual([]);
    expect(broker.encryption).toEqual({ useAwsOwnedKey: true });
  });

  it('reads missing log flags as off and an ActiveMQ audit flag as false, never as on', () => {
    // Act
    const broker = mapBroker(completeSample({ Logs: undefined }));

    // Assess
    expect(broker.logs).toEqual({ audit: false, general: false });
  });

  it('keeps pending log settings, the pending authentication strategy and user changes', () => {
    // Act
    const broker = mapBroker(
      completeSample({
        Logs: { Audit: false, General: true, Pending: { Audit: true } },
        PendingAuthenticationStrategy: 'SIMPLE',
        Users: [{ Username: 'ops', PendingChange: 'DELETE' }],
      }),
    );

    // Assess
    expect(broker.pendingLogs).toEqual({ audit: true });
    expect(broker.pendingAuthenticationStrategy).toBe('SIMPLE');
    expect(broker.users).toEqual([{ username: 'ops', pendingChange: 'DELETE' }]);
  });

  it('leaves the pending authentication strategy out when DescribeBroker names none', () => {
    // Act
    const broker = mapBroker(completeSample({ PendingAuthenticationStrategy: undefined }));

    // Assess
    expect(broker).not.toHaveProperty('pendingAuthenticationStrategy');
  });

  it('takes a missing EncryptionOptions for the AWS owned key', () => {
    // Act
    const broker = mapBroker(completeSample({ EncryptionOptions: undefined }));

    // Assess
    expect(broker.encryption).toEqual({ useAwsOwnedKey: true });
  });

  it('turns a Date creation time (SDK) into an ISO string', () => {
    // Act
    const broker = mapBroker(completeSample({ Created: new Date('2021-11-15T08:21:57.182Z') }));

    // Assess
    expect(broker.created).toBe('2021-11-15T08:21:57.182Z');
  });
});

describe('mapBrokerSummary', () => {
  it('maps a ListBrokers summary built from the sample', () => {
    // Prepare
    const { BrokerId, BrokerArn, BrokerName, BrokerState, DeploymentMode, EngineType } = runningSample;

    // Act
    const summary = mapBrokerSummary({
      BrokerId,
      BrokerArn,
      BrokerName,
      BrokerState,
      DeploymentMode,
      EngineType,
    });

    // Assess
    expect(summary).toEqual({
      id: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      arn: runningSample.BrokerArn,
      name: 'sadeed-br',
      engineType: 'ACTIVEMQ',
      state: 'RUNNING',
      deploymentMode: 'SINGLE_INSTANCE',
    });
  });

  it('throws naming the field when the engine is missing', () => {
    // Act
    const error = shapeErrorOf(() =>
      mapBrokerSummary({
        BrokerId: 'b-1',
        BrokerArn: 'arn',
        BrokerName: 'x',
        BrokerState: 'RUNNING',
        DeploymentMode: 'SINGLE_INSTANCE',
      }),
    );

    // Assess
    expect(error.message).toBe('ListBrokers summary b-1: EngineType is missing');
  });
});

describe('mapSecurityGroupRule', () => {
  it('maps the self-referencing ingress rule of the DescribeSecurityGroupRules example and drops its egress rules', () => {
    // Act
    const rules = describeRules.SecurityGroupRules.map((rule) => mapSecurityGroupRule(rule));

    // Assess
    expect(rules).toEqual([
      {
        ruleId: 'sgr-abcdef01234567890',
        groupId: 'sg-1234567890abcdef0',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: { kind: 'securityGroup', groupId: 'sg-1234567890abcdef0', userId: '111122223333' },
        tags: {},
      },
      null,
      null,
    ]);
  });

  it.each<[string, SecurityGroupRuleShape, object]>([
    [
      'an IPv4 CIDR',
      authorizeCidr.SecurityGroupRules[0]!,
      { protocol: 'tcp', fromPort: 22, toPort: 22, source: { kind: 'cidrIpv4', cidr: '203.0.113.0/24' } },
    ],
    [
      'another security group',
      authorizeSgRef.SecurityGroupRules[0]!,
      {
        protocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        source: { kind: 'securityGroup', groupId: 'sg-1a2b3c4d', userId: '123456789012' },
      },
    ],
    [
      'the IPv6 world',
      authorizeIcmpv6.SecurityGroupRules[0]!,
      { protocol: 'icmpv6', fromPort: -1, toPort: -1, source: { kind: 'cidrIpv6', cidr: '::/0' } },
    ],
    [
      'a prefix list',
      authorizePrefixList.SecurityGroupRules[0]!,
      {
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: { kind: 'prefixList', prefixListId: 'pl-0721453c7ac4ec009' },
      },
    ],
  ])('maps an AuthorizeSecurityGroupIngress rule from %s', (_case, rule, expected) => {
    // Act
    const mapped = mapSecurityGroupRule(rule);

    // Assess
    expect(mapped).toMatchObject({
      ruleId: rule.SecurityGroupRuleId,
      groupId: 'sg-1234567890abcdef0',
      ...expected,
    });
  });

  it('lower-cases the protocol and turns the tag list into a map', () => {
    // Prepare
    const rule = {
      ...authorizeCidr.SecurityGroupRules[0]!,
      IpProtocol: 'TCP',
      Description: 'SSH from the office',
      Tags: [{ Key: 'mq-guardian:allow', Value: 'bastion' }, { Key: 'owner' }],
    };

    // Act
    const mapped = mapSecurityGroupRule(rule);

    // Assess
    expect(mapped).toMatchObject({
      protocol: 'tcp',
      description: 'SSH from the office',
      tags: { 'mq-guardian:allow': 'bastion', owner: '' },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['two sources', { CidrIpv6: '::/0' }, 'must name exactly one source (found 2)'],
    ['no source', { CidrIpv4: undefined }, 'must name exactly one source (found 0)'],
    ['no IsEgress', { IsEgress: undefined }, 'IsEgress is missing'],
    ['no protocol', { IpProtocol: undefined }, 'IpProtocol is missing'],
    ['no ports on a tcp rule', { FromPort: undefined }, 'FromPort is missing'],
    [
      'a referenced group without id',
      { CidrIpv4: undefined, ReferencedGroupInfo: { UserId: '1' } },
      'ReferencedGroupInfo.GroupId',
    ],
  ])('throws UnexpectedShapeError for a rule with %s', (_case, overrides, detail) => {
    // Prepare
    const rule = { ...authorizeCidr.SecurityGroupRules[0]!, ...overrides };

    // Act
    const error = shapeErrorOf(() => mapSecurityGroupRule(rule));

    // Assess
    expect(error.message).toContain('SecurityGroupRule sgr-01afa97ef3e1bedfc');
    expect(error.message).toContain(detail);
  });

  it('takes missing ports of an all-traffic rule as -1, where EC2 ignores them', () => {
    // Act
    const mapped = mapSecurityGroupRule({
      SecurityGroupRuleId: 'sgr-1',
      GroupId: 'sg-1',
      IsEgress: false,
      IpProtocol: '-1',
      CidrIpv4: '10.0.0.0/8',
    });

    // Assess
    expect(mapped).toMatchObject({ fromPort: -1, toPort: -1 });
  });
});

describe('mapSecurityGroup', () => {
  it('maps id, name, VPC and tags', () => {
    // Act
    const group = mapSecurityGroup({
      GroupId: 'sg-1234567890abcdef0',
      GroupName: 'orders-broker',
      VpcId: 'vpc-1a2b3c4d',
      Tags: [{ Key: 'mq-guardian:remediation', Value: 'off' }],
    });

    // Assess
    expect(group).toEqual({
      groupId: 'sg-1234567890abcdef0',
      groupName: 'orders-broker',
      vpcId: 'vpc-1a2b3c4d',
      tags: { 'mq-guardian:remediation': 'off' },
    });
  });

  it('throws when the group has no id', () => {
    // Act
    const error = shapeErrorOf(() => mapSecurityGroup({ GroupName: 'orphan' }));

    // Assess
    expect(error.message).toBe('SecurityGroup: GroupId is missing');
  });
});

describe('mapNetworkInterface', () => {
  it('reads the broker id from an Amazon MQ interface description', () => {
    // Act
    const eni = mapNetworkInterface({
      NetworkInterfaceId: 'eni-0b8e1b3b2c0d1a2b3',
      Description: 'Amazon MQ network interface for broker b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      InterfaceType: 'interface',
      RequesterId: 'AROAEXAMPLEMQSERVICE',
      RequesterManaged: true,
      Groups: [{ GroupId: 'sg-1234567890abcdef0', GroupName: 'orders-broker' }],
    });

    // Assess
    expect(eni).toEqual({
      networkInterfaceId: 'eni-0b8e1b3b2c0d1a2b3',
      description: 'Amazon MQ network interface for broker b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      brokerId: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      describedBrokerId: 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
      interfaceType: 'interface',
      requesterId: 'AROAEXAMPLEMQSERVICE',
      requesterManaged: true,
      groupIds: ['sg-1234567890abcdef0'],
    });
  });

  it('maps an EC2 instance interface with its instance id and no broker', () => {
    // Act
    const eni = mapNetworkInterface({
      NetworkInterfaceId: 'eni-0c9f2c4c3d1e2b3c4',
      Description: '',
      InterfaceType: 'interface',
      RequesterManaged: false,
      Attachment: { InstanceId: 'i-0123456789abcdef0' },
      Groups: [{ GroupId: 'sg-1234567890abcdef0' }, { GroupId: 'sg-0fedcba9876543210' }],
    });

    // Assess
    expect(eni.brokerId).toBeUndefined();
    expect(eni.instanceId).toBe('i-0123456789abcdef0');
    expect(eni.groupIds).toEqual(['sg-1234567890abcdef0', 'sg-0fedcba9876543210']);
  });

  it('throws when Groups is missing: membership is the whole point of the read', () => {
    // Act
    const error = shapeErrorOf(() => mapNetworkInterface({ NetworkInterfaceId: 'eni-1', Description: '' }));

    // Assess
    expect(error.message).toBe('NetworkInterface eni-1: Groups is missing');
  });
});

describe('brokerIdFromInterfaceDescription', () => {
  it.each([
    [
      'Amazon MQ network interface for broker b-03a68f4f-b3f4-43d9-8b61-bcfde3d37c3c',
      'b-03a68f4f-b3f4-43d9-8b61-bcfde3d37c3c',
    ],
    [
      'Amazon MQ network interface for broker b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9',
      'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9',
    ],
    [
      'amazon mq network interface for broker B-03A68F4F-B3F4-43D9-8B61-BCFDE3D37C3C ',
      'b-03a68f4f-b3f4-43d9-8b61-bcfde3d37c3c',
    ],
    ['Amazon MQ network interface for broker', undefined],
    ['Primary network interface', undefined],
    ['VPC Endpoint Interface vpce-0a1b2c3d4e5f6000a', undefined],
    ['My copy of Amazon MQ network interface for broker b-03a68f4f-b3f4-43d9-8b61-bcfde3d37c3c', undefined],
  ])('reads %j as %s', (description, expected) => {
    // Act
    const brokerId = brokerIdFromInterfaceDescription(description);

    // Assess
    expect(brokerId).toBe(expected);
  });
});

describe('mapKeyMetadata', () => {
  it('maps a customer key pending deletion with its deletion date', () => {
    // Act
    const key = mapKeyMetadata({
      KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      Arn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      KeyManager: 'CUSTOMER',
      KeyState: 'PendingDeletion',
      DeletionDate: new Date('2026-12-15T00:00:00Z'),
    });

    // Assess
    expect(key).toEqual({
      status: 'found',
      keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      arn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      keyManager: 'CUSTOMER',
      keyState: 'PendingDeletion',
      deletionDate: '2026-12-15T00:00:00.000Z',
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a key manager that is not text', { KeyManager: 3 }, 'KeyManager is not a non-empty string'],
    ['no key state', { KeyState: undefined }, 'KeyState is missing'],
    ['no ARN', { Arn: undefined }, 'Arn is missing'],
  ])('throws for %s', (_case, overrides, detail) => {
    // Prepare
    const meta = {
      KeyId: 'k-1',
      Arn: 'arn:aws:kms:us-east-1:123456789012:key/k-1',
      KeyManager: 'AWS',
      KeyState: 'Enabled',
    };

    // Act
    const error = shapeErrorOf(() => mapKeyMetadata({ ...meta, ...overrides }));

    // Assess
    expect(error.message).toBe(`KeyMetadata k-1: ${detail}`);
  });
});

describe('mapTags', () => {
  it.each<[string, Parameters<typeof mapTags>[0], Record<string, string>]>([
    [
      'an EC2 tag list',
      [
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '' },
      ],
      { a: '1', b: '' },
    ],
    [
      'an Amazon MQ tag map',
      { 'mq-guardian:protocols': 'openwire,console' },
      { 'mq-guardian:protocols': 'openwire,console' },
    ],
    ['nothing', undefined, {}],
    ['an empty list', [], {}],
  ])('maps %s', (_case, tags, expected) => {
    // Act
    const mapped = mapTags(tags);

    // Assess
    expect(mapped).toEqual(expected);
  });

  it('throws for a tag without a key', () => {
    // Act
    const error = shapeErrorOf(() => mapTags([{ Value: 'orphan' }]));

    // Assess
    expect(error.message).toBe('Tags: [0].Key is missing');
  });

  it('throws for a map value that is not a string', () => {
    // Act
    const error = shapeErrorOf(() => mapTags({ count: 3 } as unknown as Record<string, string>));

    // Assess
    expect(error.message).toBe('Tags.count is not a string');
  });
});
