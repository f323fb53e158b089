import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../shared/errors.ts';
import { type EventTarget, parseApiCallEvent } from '../../../shared/events/cloudtrail.ts';
import { type ConfigInvocation, parseConfigInvocation } from '../../../shared/events/config-invocation.ts';
import { detectEventKind } from '../../../shared/events/detect.ts';
import {
  ACCOUNT,
  BROKER_INVENTORY,
  BROKER_LEGACY,
  BROKER_ORDERS,
  CONFIGURATION_ORDERS,
  detailOf,
  GROUP_INVENTORY,
  GROUP_ORDERS,
  listSampleEvents,
  readSampleEvent,
  rule,
} from './fixtures.ts';

const ADMIN = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session',
  roleArn: 'arn:aws:iam::123456789012:role/PlatformAdmin',
  sourceIpAddress: '203.0.113.45',
  userAgent: 'AWS Internal',
};
const CLI = {
  type: 'IAMUser',
  arn: 'arn:aws:iam::123456789012:user/ci-deployer',
  sourceIpAddress: '198.51.100.23',
  userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79 exe/x86_64.amzn.2023 prompt/off',
};
const CLOUDFORMATION = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::123456789012:assumed-role/DeployRole-InventoryStack/AWSCloudFormation',
  roleArn: 'arn:aws:iam::123456789012:role/DeployRole-InventoryStack',
  invokedBy: 'cloudformation.amazonaws.com',
  sourceIpAddress: 'AWS Internal',
  userAgent: 'AWS Internal',
};
const REMEDIATOR = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-dev-remediator/mq-guardian-remediation',
  roleArn: 'arn:aws:iam::123456789012:role/mq-guardian-dev-remediator',
  sourceIpAddress: '192.0.2.10',
  userAgent:
    'aws-sdk-js/3.1169.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#22.14.0 api/ec2#3.1169.0 exec-env/AWS_Lambda_nodejs22.x',
};

/** Who acted; `exemptedRuleIds` when the call tagged rules mq-guardian:allow. */
type Who = (typeof ADMIN | typeof CLI | typeof CLOUDFORMATION | typeof REMEDIATOR) & {
  readonly exemptedRuleIds?: readonly string[];
};

const API_CALLS: readonly [file: string, eventName: string, target: EventTarget, who: Who][] = [
  ['mq-create-broker.json', 'CreateBroker', { kind: 'broker', brokerId: BROKER_INVENTORY }, CLI],
  ['mq-update-broker.json', 'UpdateBroker', { kind: 'broker', brokerId: BROKER_ORDERS }, ADMIN],
  ['mq-reboot-broker.json', 'RebootBroker', { kind: 'broker', brokerId: BROKER_ORDERS }, ADMIN],
  ['mq-delete-broker.json', 'DeleteBroker', { kind: 'broker-deleted', brokerId: BROKER_LEGACY }, CLI],
  [
    'mq-create-configuration.json',
    'CreateConfiguration',
    {
      kind: 'ignored',
      reason: 'new configuration c-1a2b3c4d-0000-4000-8000-000000000002 is not used by any broker yet',
    },
    CLI,
  ],
  [
    'mq-update-configuration.json',
    'UpdateConfiguration',
    { kind: 'configuration', configurationId: CONFIGURATION_ORDERS },
    ADMIN,
  ],
  ['mq-create-user.json', 'CreateUser', { kind: 'broker', brokerId: BROKER_ORDERS }, CLI],
  ['mq-update-user.json', 'UpdateUser', { kind: 'broker', brokerId: BROKER_ORDERS }, ADMIN],
  ['mq-delete-user.json', 'DeleteUser', { kind: 'broker', brokerId: BROKER_ORDERS }, ADMIN],
  ['mq-create-tags-broker.json', 'CreateTags', { kind: 'broker', brokerId: BROKER_ORDERS }, CLI],
  ['mq-delete-tags-broker.json', 'DeleteTags', { kind: 'broker', brokerId: BROKER_ORDERS }, CLI],
  [
    'mq-create-tags-configuration.json',
    'CreateTags',
    { kind: 'configuration', configurationId: CONFIGURATION_ORDERS },
    CLI,
  ],
  [
    'ec2-authorize-security-group-ingress-world-all-ports.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: [rule(1), rule(2)], groupIds: [GROUP_INVENTORY] },
    CLI,
  ],
  [
    'ec2-authorize-security-group-ingress-world-tcp-all-ports.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: ['sgr-0a1b2c3d4e5f60050'], groupIds: ['sg-0a1b2c3d4e5f60005'] },
    ADMIN,
  ],
  [
    'ec2-authorize-security-group-ingress-shared-group-ssh.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: ['sgr-0a1b2c3d4e5f60061'], groupIds: ['sg-0a1b2c3d4e5f60006'] },
    ADMIN,
  ],
  [
    'ec2-authorize-security-group-ingress-web-console-cidr.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: [rule(3)], groupIds: [GROUP_ORDERS] },
    ADMIN,
  ],
  [
    'ec2-authorize-security-group-ingress-all-tcp-private.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: [rule(4)], groupIds: [GROUP_ORDERS] },
    CLI,
  ],
  [
    'ec2-authorize-security-group-ingress-sgref-cfn.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-rules', ruleIds: [rule(5)], groupIds: [GROUP_ORDERS] },
    CLOUDFORMATION,
  ],
  [
    'ec2-authorize-security-group-ingress-group-name.json',
    'AuthorizeSecurityGroupIngress',
    { kind: 'security-group-name', groupName: 'mq-legacy-clients' },
    CLI,
  ],
  [
    'ec2-revoke-security-group-ingress-by-remediator.json',
    'RevokeSecurityGroupIngress',
    { kind: 'security-groups', groupIds: [GROUP_ORDERS] },
    REMEDIATOR,
  ],
  [
    'ec2-modify-security-group-rules-world-openwire.json',
    'ModifySecurityGroupRules',
    { kind: 'security-group-rules', ruleIds: [rule(4)], groupIds: [GROUP_ORDERS] },
    ADMIN,
  ],
  [
    'ec2-modify-managed-prefix-list-world.json',
    'ModifyManagedPrefixList',
    { kind: 'prefix-list', prefixListId: 'pl-0a1b2c3d4e5f60001' },
    ADMIN,
  ],
  [
    'ec2-restore-managed-prefix-list-version.json',
    'RestoreManagedPrefixListVersion',
    { kind: 'prefix-list', prefixListId: 'pl-0a1b2c3d4e5f60001' },
    ADMIN,
  ],
  [
    'ec2-create-tags-security-group.json',
    'CreateTags',
    { kind: 'security-groups', groupIds: [GROUP_ORDERS] },
    CLI,
  ],
  [
    'ec2-delete-tags-security-group.json',
    'DeleteTags',
    { kind: 'security-groups', groupIds: [GROUP_ORDERS] },
    CLI,
  ],
  [
    'ec2-create-tags-security-group-rule.json',
    'CreateTags',
    { kind: 'security-group-rules', ruleIds: [rule(5)], groupIds: [] },
    // It tags the rule mq-guardian:allow: its alert names who exempted which rule.
    { ...ADMIN, exemptedRuleIds: [rule(5)] },
  ],
  [
    'ec2-create-tags-instance.json',
    'CreateTags',
    {
      kind: 'ignored',
      reason: 'tags changed on 1 resource, none of them a security group or security-group rule',
    },
    CLI,
  ],
];

const REJECTED: readonly [file: string, message: RegExp][] = [
  [
    'negative-ec2-authorize-failed-call.json',
    /^Failed call AuthorizeSecurityGroupIngress .*Client\.InvalidPermission\.Duplicate.*ignored$/,
  ],
  ['negative-s3-create-bucket.json', /source "aws\.s3"; only aws\.amazonmq and aws\.ec2/],
];

type ExpectedInvocation = {
  checkId: string;
  messageType: ConfigInvocation['messageType'];
  resource?: { resourceType: string; resourceId: string; status: string };
};

const CONFIG_INVOCATIONS: readonly [file: string, expected: ExpectedInvocation][] = [
  [
    'config-change-broker.json',
    {
      checkId: 'mq-broker-audit-logging-enabled',
      messageType: 'ConfigurationItemChangeNotification',
      resource: { resourceType: 'AWS::AmazonMQ::Broker', resourceId: BROKER_ORDERS, status: 'OK' },
    },
  ],
  [
    'config-change-security-group.json',
    {
      checkId: 'mq-broker-ingress-limited-to-used-protocols',
      messageType: 'ConfigurationItemChangeNotification',
      resource: { resourceType: 'AWS::EC2::SecurityGroup', resourceId: GROUP_ORDERS, status: 'OK' },
    },
  ],
  [
    'config-change-broker-deleted.json',
    {
      checkId: 'mq-broker-not-publicly-accessible',
      messageType: 'ConfigurationItemChangeNotification',
      resource: {
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER_LEGACY,
        status: 'ResourceDeleted',
      },
    },
  ],
  [
    'config-oversized-broker.json',
    {
      checkId: 'mq-broker-authorization-map-configured',
      messageType: 'OversizedConfigurationItemChangeNotification',
      resource: { resourceType: 'AWS::AmazonMQ::Broker', resourceId: BROKER_ORDERS, status: 'OK' },
    },
  ],
  [
    'config-scheduled.json',
    { checkId: 'mq-broker-engine-version-supported', messageType: 'ScheduledNotification' },
  ],
];

describe('sample events in events/', () => {
  it('each has an expectation below', () => {
    // Prepare
    const covered = [...API_CALLS, ...REJECTED, ...CONFIG_INVOCATIONS].map(([file]) => file).sort();

    // Act
    const files = listSampleEvents();

    // Assess
    expect(files).toEqual(covered);
  });

  describe('API calls', () => {
    it.each(API_CALLS)('%s parses to %s on the expected target', (file, eventName, target, who) => {
      // Prepare
      const event = readSampleEvent(file);
      const detail = detailOf(event);

      // Act
      const parsed = parseApiCallEvent(event);

      // Assess
      expect(detectEventKind(event)).toBe('api-call');
      expect(parsed).toEqual({
        envelopeId: event.id,
        eventId: detail.eventID,
        eventName,
        eventSource: detail.eventSource,
        eventTime: detail.eventTime,
        account: ACCOUNT,
        region: 'us-east-1',
        actor: { ...who, eventTime: detail.eventTime, eventId: detail.eventID, eventName },
        target,
      });
    });

    it.each(API_CALLS)('%s parses the same without its EventBridge envelope', (file) => {
      // Prepare
      const event = readSampleEvent(file);
      const { envelopeId: _envelopeId, ...expected } = parseApiCallEvent(event);

      // Act
      const parsed = parseApiCallEvent(detailOf(event));

      // Assess
      expect(parsed).toEqual(expected);
      expect(parsed).not.toHaveProperty('envelopeId');
    });
  });

  describe('negative samples', () => {
    it.each(REJECTED)('%s is rejected with an InvalidEventError', (file, message) => {
      // Act
      const act = () => parseApiCallEvent(readSampleEvent(file));

      // Assess
      expect(act).toThrow(InvalidEventError);
      expect(act).toThrow(message);
    });
  });

  describe('AWS Config invocations', () => {
    it.each(CONFIG_INVOCATIONS)('%s parses', (file, expected) => {
      // Prepare
      const event = readSampleEvent(file);

      // Act
      const parsed = parseConfigInvocation(event);

      // Assess
      expect(detectEventKind(event)).toBe('config-invocation');
      expect(parsed).toMatchObject({
        checkId: expected.checkId,
        messageType: expected.messageType,
        accountId: ACCOUNT,
        configRuleName: `mq-guardian-dev-${expected.checkId}`,
        resultToken: event.resultToken,
        eventLeftScope: false,
        ruleParameters: { checkId: expected.checkId },
      });
      if (parsed.messageType === 'ConfigurationItemChangeNotification') {
        expect(parsed.configurationItem).toMatchObject(expected.resource ?? {});
      } else if (parsed.messageType === 'OversizedConfigurationItemChangeNotification') {
        expect(parsed.summary).toMatchObject(expected.resource ?? {});
      } else {
        expect(expected.resource).toBeUndefined();
      }
    });
  });
});
