/**
 * Builders for snapshots and their parts, with safe, compliant-looking defaults taken from the
 * public samples (ids from the AWS CLI examples, documentation address ranges). Each builder takes
 * overrides so a test states only what it is about.
 */
import type {
  Broker,
  BrokerSnapshot,
  IngressRule,
  NetworkInterfaceUse,
  RuleSource,
  SecurityGroupState,
} from '../../shared/model/types.ts';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const BROKER_ID = 'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9';
export const GROUP_ID = 'sg-1234567890abcdef0';

export const cidrIpv4 = (cidr: string): RuleSource => ({ kind: 'cidrIpv4', cidr });
export const cidrIpv6 = (cidr: string): RuleSource => ({ kind: 'cidrIpv6', cidr });
export const prefixList = (prefixListId: string): RuleSource => ({ kind: 'prefixList', prefixListId });
export const groupRef = (groupId: string, userId?: string): RuleSource =>
  userId === undefined ? { kind: 'securityGroup', groupId } : { kind: 'securityGroup', groupId, userId };

export const aBroker = (overrides: Partial<Broker> = {}): Broker => ({
  id: BROKER_ID,
  arn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:orders-prod:${BROKER_ID}`,
  name: 'orders-prod',
  engineType: 'ACTIVEMQ',
  engineVersion: '5.18',
  deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
  state: 'RUNNING',
  publiclyAccessible: false,
  autoMinorVersionUpgrade: true,
  authenticationStrategy: 'SIMPLE',
  encryption: {
    useAwsOwnedKey: false,
    kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  },
  logs: { audit: true, general: true },
  configurations: { current: { id: 'c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9', revision: 1 } },
  users: [{ username: 'app' }],
  securityGroupIds: [GROUP_ID],
  subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  tags: {},
  ...overrides,
});

export const anIngressRule = (overrides: Partial<IngressRule> = {}): IngressRule => ({
  ruleId: 'sgr-01afa97ef3e1bedfc',
  groupId: GROUP_ID,
  protocol: 'tcp',
  fromPort: 61617,
  toPort: 61617,
  source: cidrIpv4('203.0.113.0/24'),
  tags: {},
  ...overrides,
});

export const aNetworkInterface = (overrides: Partial<NetworkInterfaceUse> = {}): NetworkInterfaceUse => ({
  networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
  description: 'Primary network interface',
  interfaceType: 'interface',
  instanceId: 'i-1234567890abcdef0',
  groupIds: [GROUP_ID],
  ...overrides,
});

export const aSecurityGroup = (overrides: Partial<SecurityGroupState> = {}): SecurityGroupState => ({
  groupId: GROUP_ID,
  groupName: 'orders-prod-broker',
  vpcId: 'vpc-1a2b3c4d',
  tags: {},
  ingressRules: [],
  otherUsers: [],
  otherBrokers: [],
  unread: [],
  ...overrides,
});

export const aSnapshot = (overrides: Partial<BrokerSnapshot> = {}): BrokerSnapshot => {
  const broker = overrides.broker ?? aBroker();
  return {
    account: ACCOUNT,
    region: REGION,
    broker,
    configuration: {
      status: 'parsed',
      ref: broker.configurations.current ?? { id: 'c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9', revision: 1 },
      configuration: { authorizationPluginPresent: false, authorizationMap: null },
    },
    securityGroups: broker.securityGroupIds.map((groupId) => aSecurityGroup({ groupId })),
    configurationText:
      broker.configurations.current === undefined
        ? { fields: [], unread: [] }
        : {
            ref: broker.configurations.current,
            fields: [{ path: 'configuration.Name', value: 'broker-configuration' }],
            unread: [],
            tags: {},
          },
    capturedAt: '2025-01-15T10:00:00.000Z',
    ...overrides,
  };
};
