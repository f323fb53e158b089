import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../shared/errors.ts';
import { type EventTarget, MAX_IDS_PER_EVENT, parseApiCallEvent } from '../../../shared/events/cloudtrail.ts';
import {
  BROKER_ORDERS,
  CONFIGURATION_ORDERS,
  detailOf,
  GROUP_INVENTORY,
  GROUP_ORDERS,
  readSampleEvent,
  rule,
  sampleWith,
  setPath,
} from './fixtures.ts';

const AUTHORIZE = 'ec2-authorize-security-group-ingress-world-all-ports.json';
const MODIFY = 'ec2-modify-security-group-rules-world-openwire.json';
const MODIFY_LIST = 'ec2-modify-managed-prefix-list-world.json';
const RESTORE_LIST = 'ec2-restore-managed-prefix-list-version.json';
const PARTNER_LIST = 'pl-0a1b2c3d4e5f60001';
const EC2_TAGS = 'ec2-create-tags-security-group.json';
const MQ_TAGS = 'mq-create-tags-broker.json';
const UPDATE_BROKER = 'mq-update-broker.json';
const CREATE_BROKER = 'mq-create-broker.json';

const many = <T>(count: number, make: (index: number) => T): T[] =>
  Array.from({ length: count }, (_, index) => make(index));
const hex17 = (index: number): string => index.toString(16).padStart(17, '0');

const bareRecord = (file: string): Record<string, unknown> => detailOf(readSampleEvent(file));

describe('parseApiCallEvent', () => {
  describe('rejects malformed input with an InvalidEventError naming the problem', () => {
    it.each<[string, () => unknown, RegExp]>([
      ['null', () => null, /expected a JSON object/],
      ['a number', () => 42, /expected a JSON object/],
      ['a string', () => 'AuthorizeSecurityGroupIngress', /expected a JSON object/],
      ['an array', () => [readSampleEvent(AUTHORIZE)], /expected a JSON object/],
      ['an empty object', () => ({}), /neither an EventBridge event .* nor a CloudTrail record/],
      [
        'another detail-type',
        () => sampleWith(AUTHORIZE, 'detail-type', 'AWS Service Event via CloudTrail'),
        /detail-type is "AWS Service Event via CloudTrail", expected "AWS API Call via CloudTrail"/,
      ],
      [
        'an envelope without detail-type',
        () => sampleWith(AUTHORIZE, 'detail-type', undefined),
        /detail-type is missing/,
      ],
      [
        'a detail-type of the wrong type',
        () => sampleWith(AUTHORIZE, 'detail-type', 7),
        /detail-type is "7"/,
      ],
      [
        'an unsupported EventBridge source',
        () => sampleWith(AUTHORIZE, 'source', 'aws.mq'),
        /source "aws.mq"; only aws\.amazonmq/,
      ],
      [
        'a source that contradicts eventSource',
        () => sampleWith(AUTHORIZE, 'source', 'aws.amazonmq'),
        /source "aws.amazonmq" does not match detail\.eventSource "ec2\.amazonaws\.com"/,
      ],
      [
        'an account that is not 12 digits',
        () => sampleWith(AUTHORIZE, 'account', '12345'),
        /account: expected a 12-digit account id/,
      ],
      [
        'a numeric account',
        () => sampleWith(AUTHORIZE, 'account', 123456789012),
        /account: expected a 12-digit account id/,
      ],
      [
        'a region that is not one',
        () => sampleWith(AUTHORIZE, 'region', 'US East'),
        /region: expected a region name/,
      ],
      [
        'an envelope without id',
        () => sampleWith(AUTHORIZE, 'id', undefined),
        /Invalid EventBridge event: id:/,
      ],
      [
        'an envelope time that is not ISO',
        () => sampleWith(AUTHORIZE, 'time', 'yesterday'),
        /time: expected an ISO 8601/,
      ],
      ['a detail that is a string', () => sampleWith(AUTHORIZE, 'detail', '{}'), /detail: /],
      [
        'more resources than allowed',
        () =>
          sampleWith(
            AUTHORIZE,
            'resources',
            many(MAX_IDS_PER_EVENT + 1, () => 'arn:aws:ec2:::x'),
          ),
        /resources: /,
      ],
      [
        'a record without eventSource',
        () => sampleWith(AUTHORIZE, 'detail.eventSource', undefined),
        /detail\.eventSource: expected the name/,
      ],
      [
        'an eventName that is a number',
        () => sampleWith(AUTHORIZE, 'detail.eventName', 12),
        /detail\.eventName: expected the API call name/,
      ],
      [
        'an unknown EC2 call',
        () => sampleWith(AUTHORIZE, 'detail.eventName', 'RunInstances'),
        /Unsupported event: ec2\.amazonaws\.com "RunInstances" is not handled/,
      ],
      [
        'an Amazon MQ call name under EC2',
        () => sampleWith(AUTHORIZE, 'detail.eventName', 'CreateBroker'),
        /ec2\.amazonaws\.com "CreateBroker" is not handled/,
      ],
      [
        'a read-only Amazon MQ call',
        () => sampleWith(UPDATE_BROKER, 'detail.eventName', 'DescribeBroker'),
        /amazonmq\.amazonaws\.com "DescribeBroker" is not handled/,
      ],
      [
        'a bare record of another service',
        () => setPath(bareRecord(AUTHORIZE), 'eventSource', 's3.amazonaws.com'),
        /eventSource "s3\.amazonaws\.com" is not Amazon MQ or EC2/,
      ],
      [
        'a failed call (errorCode present)',
        () => sampleWith(UPDATE_BROKER, 'detail.errorCode', 'AccessDenied'),
        /^Failed call UpdateBroker \(errorCode "AccessDenied"\) changed nothing: ignored$/,
      ],
      [
        'a failed call with a null errorCode (EventBridge counts null as present)',
        () => sampleWith(UPDATE_BROKER, 'detail.errorCode', null),
        /^Failed call UpdateBroker/,
      ],
      [
        'a record without userIdentity',
        () => sampleWith(AUTHORIZE, 'detail.userIdentity', undefined),
        /detail\.userIdentity: /,
      ],
      [
        'an identity without type',
        () => sampleWith(AUTHORIZE, 'detail.userIdentity.type', ''),
        /detail\.userIdentity\.type: /,
      ],
      [
        'an eventTime that is not ISO',
        () => sampleWith(AUTHORIZE, 'detail.eventTime', '10/03/2025'),
        /detail\.eventTime: expected an ISO 8601/,
      ],
      [
        'an eventID with odd characters',
        () => sampleWith(AUTHORIZE, 'detail.eventID', '<script>'),
        /detail\.eventID: expected an event id/,
      ],
      [
        'a record region other than the envelope',
        () => sampleWith(AUTHORIZE, 'detail.awsRegion', 'eu-west-1'),
        /detail\.awsRegion differs/,
      ],
      [
        'a recipient account other than the envelope',
        () => sampleWith(AUTHORIZE, 'detail.recipientAccountId', '210987654321'),
        /detail\.recipientAccountId differs from the event account/,
      ],
      [
        'a bare record without recipientAccountId',
        () => setPath(bareRecord(AUTHORIZE), 'recipientAccountId', undefined),
        /recipientAccountId is required in a CloudTrail record without an envelope/,
      ],
      [
        'requestParameters that are a list',
        () => sampleWith(AUTHORIZE, 'detail.requestParameters', []),
        /detail\.requestParameters: expected an object or null/,
      ],
    ])('%s', (_name, make, message) => {
      // Act
      const act = () => parseApiCallEvent(make());

      // Assess
      expect(act).toThrow(InvalidEventError);
      expect(act).toThrow(message);
    });
  });

  describe('rejects targets it cannot identify for sure', () => {
    it.each<[string, () => unknown, RegExp]>([
      [
        'CreateBroker with null responseElements',
        () => sampleWith(CREATE_BROKER, 'detail.responseElements', null),
        /detail\.responseElements\.brokerId is required for CreateBroker \(responseElements is null\)/,
      ],
      [
        'CreateBroker without responseElements',
        () => sampleWith(CREATE_BROKER, 'detail.responseElements', undefined),
        /detail\.responseElements\.brokerId is required for CreateBroker/,
      ],
      [
        'CreateBroker with the placeholder id of the AWS documentation',
        () =>
          sampleWith(
            CREATE_BROKER,
            'detail.responseElements.brokerId',
            'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9',
          ),
        /detail\.responseElements\.brokerId is not a broker id/,
      ],
      [
        'UpdateBroker without brokerId',
        () => sampleWith(UPDATE_BROKER, 'detail.requestParameters.brokerId', undefined),
        /detail\.requestParameters\.brokerId is required for UpdateBroker/,
      ],
      [
        'UpdateBroker with null requestParameters',
        () => sampleWith(UPDATE_BROKER, 'detail.requestParameters', null),
        /requestParameters is missing or null/,
      ],
      [
        'UpdateBroker with an upper-case broker id',
        () => sampleWith(UPDATE_BROKER, 'detail.requestParameters.brokerId', BROKER_ORDERS.toUpperCase()),
        /detail\.requestParameters\.brokerId is not a broker id/,
      ],
      [
        'DeleteBroker with a numeric broker id',
        () => sampleWith('mq-delete-broker.json', 'detail.requestParameters.brokerId', 1),
        /brokerId is not a broker id/,
      ],
      [
        'UpdateConfiguration with a broker id instead of a configuration id',
        () =>
          sampleWith(
            'mq-update-configuration.json',
            'detail.requestParameters.configurationId',
            BROKER_ORDERS,
          ),
        /configurationId is not a configuration id/,
      ],
      [
        'Amazon MQ CreateTags on an ARN of another service',
        () =>
          sampleWith(
            MQ_TAGS,
            'detail.requestParameters.resourceArn',
            'arn:aws:sns:us-east-1:123456789012:alerts',
          ),
        /resourceArn is not an Amazon MQ broker or configuration ARN/,
      ],
      [
        'Amazon MQ CreateTags on a broker ARN with a malformed id',
        () =>
          sampleWith(
            MQ_TAGS,
            'detail.requestParameters.resourceArn',
            'arn:aws:mq:us-east-1:123456789012:broker:orders-prod:b-123',
          ),
        /resourceArn is not an Amazon MQ broker or configuration ARN/,
      ],
      [
        'Amazon MQ CreateTags without resourceArn',
        () => sampleWith(MQ_TAGS, 'detail.requestParameters.resourceArn', undefined),
        /resourceArn is required for CreateTags/,
      ],
      [
        'AuthorizeSecurityGroupIngress with a malformed group id',
        () => sampleWith(AUTHORIZE, 'detail.requestParameters.groupId', 'sg-XYZ'),
        /detail\.requestParameters\.groupId is not a security group id/,
      ],
      [
        'AuthorizeSecurityGroupIngress with a group id that is too long',
        () => sampleWith(AUTHORIZE, 'detail.requestParameters.groupId', `sg-${'a'.repeat(18)}`),
        /groupId is not a security group id/,
      ],
      [
        'AuthorizeSecurityGroupIngress without group id or name',
        () => sampleWith(AUTHORIZE, 'detail.requestParameters.groupId', undefined),
        /detail\.requestParameters\.groupId or detail\.requestParameters\.groupName is required/,
      ],
      [
        'AuthorizeSecurityGroupIngress with a group name that looks like an id',
        () =>
          sampleWith(
            'ec2-authorize-security-group-ingress-group-name.json',
            'detail.requestParameters.groupName',
            'sg-legacy',
          ),
        /groupName is not a security group name/,
      ],
      [
        'a rule set whose items are not a list',
        () => sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet.items', { 0: {} }),
        /securityGroupRuleSet\.items is not a list/,
      ],
      [
        'a rule set larger than allowed',
        () =>
          sampleWith(
            AUTHORIZE,
            'detail.responseElements.securityGroupRuleSet.items',
            many(MAX_IDS_PER_EVENT + 1, (index) => ({
              securityGroupRuleId: `sgr-${hex17(index)}`,
              groupId: GROUP_INVENTORY,
            })),
          ),
        /securityGroupRuleSet\.items holds more than 1000 entries/,
      ],
      [
        'a rule item with a malformed rule id',
        () =>
          sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet.items', [
            { securityGroupRuleId: 'sgr-', groupId: GROUP_INVENTORY },
          ]),
        /securityGroupRuleSet\.items\[0\]\.securityGroupRuleId is not a security group rule id/,
      ],
      [
        'a rule item without group id',
        () =>
          sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet.items', [
            { securityGroupRuleId: rule(1) },
          ]),
        /securityGroupRuleSet\.items\[0\]\.groupId is not a security group id/,
      ],
      [
        'a rule item that is not an object',
        () => sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet.items', [rule(1)]),
        /securityGroupRuleSet\.items\[0\] is not an object/,
      ],
      [
        'ModifySecurityGroupRules without its request wrapper',
        () => sampleWith(MODIFY, 'detail.requestParameters', { SecurityGroupRule: {} }),
        /detail\.requestParameters\.ModifySecurityGroupRulesRequest\.GroupId is required/,
      ],
      [
        'ModifySecurityGroupRules without GroupId',
        () =>
          sampleWith(MODIFY, 'detail.requestParameters.ModifySecurityGroupRulesRequest.GroupId', undefined),
        /ModifySecurityGroupRulesRequest\.GroupId is required/,
      ],
      [
        'ModifySecurityGroupRules with a malformed rule id in a list',
        () =>
          sampleWith(MODIFY, 'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule', [
            { SecurityGroupRuleId: rule(4) },
            { SecurityGroupRuleId: 'sgr-zz' },
          ]),
        /SecurityGroupRule\[1\]\.SecurityGroupRuleId is not a security group rule id/,
      ],
      [
        'ModifySecurityGroupRules with more rules than allowed',
        () =>
          sampleWith(
            MODIFY,
            'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule',
            many(MAX_IDS_PER_EVENT + 1, (index) => ({ SecurityGroupRuleId: `sgr-${hex17(index)}` })),
          ),
        /SecurityGroupRule holds more than 1000 entries/,
      ],
      [
        'ModifyManagedPrefixList without its request wrapper',
        () => sampleWith(MODIFY_LIST, 'detail.requestParameters', { AddEntry: { Cidr: '0.0.0.0/0' } }),
        /detail\.requestParameters\.ModifyManagedPrefixListRequest\.PrefixListId is required for ModifyManagedPrefixList/,
      ],
      [
        'ModifyManagedPrefixList without PrefixListId',
        () =>
          sampleWith(
            MODIFY_LIST,
            'detail.requestParameters.ModifyManagedPrefixListRequest.PrefixListId',
            undefined,
          ),
        /ModifyManagedPrefixListRequest\.PrefixListId is required/,
      ],
      [
        'ModifyManagedPrefixList with a malformed list id',
        () =>
          sampleWith(
            MODIFY_LIST,
            'detail.requestParameters.ModifyManagedPrefixListRequest.PrefixListId',
            'sg-0a1b2c3d',
          ),
        /ModifyManagedPrefixListRequest\.PrefixListId is not a prefix list id/,
      ],
      [
        'RestoreManagedPrefixListVersion with the request of another call',
        () =>
          sampleWith(RESTORE_LIST, 'detail.requestParameters', {
            ModifyManagedPrefixListRequest: { PrefixListId: PARTNER_LIST },
          }),
        /RestoreManagedPrefixListVersionRequest\.PrefixListId is required for RestoreManagedPrefixListVersion/,
      ],
      [
        'RestoreManagedPrefixListVersion whose request is not an object',
        () =>
          sampleWith(RESTORE_LIST, 'detail.requestParameters.RestoreManagedPrefixListVersionRequest', 'pl-x'),
        /RestoreManagedPrefixListVersionRequest\.PrefixListId is required/,
      ],
      [
        'EC2 CreateTags without resources',
        () => sampleWith(EC2_TAGS, 'detail.requestParameters.resourcesSet', undefined),
        /resourcesSet\.items is empty or missing for CreateTags/,
      ],
      [
        'EC2 CreateTags with a malformed group id',
        () =>
          sampleWith(EC2_TAGS, 'detail.requestParameters.resourcesSet.items', [{ resourceId: 'sg-zzzz' }]),
        /resourcesSet\.items\[0\]\.resourceId is not a security group id/,
      ],
      [
        'EC2 CreateTags with a resource id that is not a string',
        () => sampleWith(EC2_TAGS, 'detail.requestParameters.resourcesSet.items', [{ resourceId: 5 }]),
        /resourcesSet\.items\[0\]\.resourceId is not a resource id/,
      ],
      [
        'EC2 CreateTags on more resources than allowed',
        () =>
          sampleWith(
            EC2_TAGS,
            'detail.requestParameters.resourcesSet.items',
            many(MAX_IDS_PER_EVENT + 1, (index) => ({ resourceId: `sg-${hex17(index)}` })),
          ),
        /resourcesSet\.items holds more than 1000 entries/,
      ],
    ])('%s', (_name, make, message) => {
      // Act
      const act = () => parseApiCallEvent(make());

      // Assess
      expect(act).toThrow(InvalidEventError);
      expect(act).toThrow(message);
    });
  });

  describe('finds targets in the shapes AWS records', () => {
    it.each<[string, () => unknown, EventTarget]>([
      [
        'RebootBroker with the wire name broker-id',
        () => sampleWith('mq-reboot-broker.json', 'detail.requestParameters', { 'broker-id': BROKER_ORDERS }),
        { kind: 'broker', brokerId: BROKER_ORDERS },
      ],
      [
        'Amazon MQ DeleteTags with the wire name resource-arn',
        () =>
          sampleWith('mq-delete-tags-broker.json', 'detail.requestParameters', {
            'resource-arn': `arn:aws:mq:us-east-1:123456789012:configuration:${CONFIGURATION_ORDERS}`,
          }),
        { kind: 'configuration', configurationId: CONFIGURATION_ORDERS },
      ],
      [
        'a broker ARN in another partition',
        () =>
          sampleWith(
            MQ_TAGS,
            'detail.requestParameters.resourceArn',
            `arn:aws-us-gov:mq:us-gov-west-1:123456789012:broker:a.b_c~d:${BROKER_ORDERS}`,
          ),
        { kind: 'broker', brokerId: BROKER_ORDERS },
      ],
      [
        'CreateConfiguration without a usable id in the response',
        () => sampleWith('mq-create-configuration.json', 'detail.responseElements', null),
        { kind: 'ignored', reason: 'new configuration is not used by any broker yet' },
      ],
      [
        'AuthorizeSecurityGroupIngress recorded before rule ids existed',
        () => sampleWith(AUTHORIZE, 'detail.responseElements', { _return: true }),
        { kind: 'security-groups', groupIds: [GROUP_INVENTORY] },
      ],
      [
        'AuthorizeSecurityGroupIngress with an empty rule set',
        () => sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet', {}),
        { kind: 'security-groups', groupIds: [GROUP_INVENTORY] },
      ],
      [
        'AuthorizeSecurityGroupIngress by group name whose response names the rules',
        () =>
          sampleWith(
            'ec2-authorize-security-group-ingress-group-name.json',
            'detail.responseElements.securityGroupRuleSet',
            {
              items: [{ securityGroupRuleId: rule(6), groupId: GROUP_INVENTORY }],
            },
          ),
        { kind: 'security-group-rules', ruleIds: [rule(6)], groupIds: [GROUP_INVENTORY] },
      ],
      [
        'a rule set that repeats ids',
        () =>
          sampleWith(AUTHORIZE, 'detail.responseElements.securityGroupRuleSet.items', [
            { securityGroupRuleId: rule(1), groupId: GROUP_INVENTORY },
            { securityGroupRuleId: rule(1), groupId: GROUP_INVENTORY },
          ]),
        { kind: 'security-group-rules', ruleIds: [rule(1)], groupIds: [GROUP_INVENTORY] },
      ],
      [
        'RevokeSecurityGroupIngress by group name',
        () =>
          sampleWith('ec2-revoke-security-group-ingress-by-remediator.json', 'detail.requestParameters', {
            groupName: 'default',
          }),
        { kind: 'security-group-name', groupName: 'default' },
      ],
      [
        'ModifySecurityGroupRules with a list of rules',
        () =>
          sampleWith(MODIFY, 'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule', [
            { SecurityGroupRuleId: rule(4), tag: 1 },
            { SecurityGroupRuleId: rule(5), tag: 2 },
          ]),
        { kind: 'security-group-rules', ruleIds: [rule(4), rule(5)], groupIds: [GROUP_ORDERS] },
      ],
      [
        'ModifySecurityGroupRules without rule entries',
        () =>
          sampleWith(
            MODIFY,
            'detail.requestParameters.ModifySecurityGroupRulesRequest.SecurityGroupRule',
            undefined,
          ),
        { kind: 'security-groups', groupIds: [GROUP_ORDERS] },
      ],
      [
        'ModifySecurityGroupRules with a flat camelCase body',
        () => sampleWith(MODIFY, 'detail.requestParameters', { groupId: GROUP_ORDERS }),
        { kind: 'security-groups', groupIds: [GROUP_ORDERS] },
      ],
      [
        'ModifyManagedPrefixList removing an entry',
        () =>
          sampleWith(MODIFY_LIST, 'detail.requestParameters.ModifyManagedPrefixListRequest', {
            PrefixListId: PARTNER_LIST,
            RemoveEntry: { Cidr: '10.0.0.0/8', tag: 1 },
          }),
        { kind: 'prefix-list', prefixListId: PARTNER_LIST },
      ],
      [
        'ModifyManagedPrefixList adding a list of entries',
        () =>
          sampleWith(MODIFY_LIST, 'detail.requestParameters.ModifyManagedPrefixListRequest.AddEntry', [
            { Cidr: '0.0.0.0/1', tag: 1 },
            { Cidr: '128.0.0.0/1', tag: 2 },
          ]),
        { kind: 'prefix-list', prefixListId: PARTNER_LIST },
      ],
      [
        'ModifyManagedPrefixList with a member it does not know (taken as a change)',
        () =>
          sampleWith(MODIFY_LIST, 'detail.requestParameters.ModifyManagedPrefixListRequest', {
            PrefixListId: PARTNER_LIST,
            IpamPrefixListResolverSyncEnabled: true,
          }),
        { kind: 'prefix-list', prefixListId: PARTNER_LIST },
      ],
      [
        'ModifyManagedPrefixList that only renames and resizes the list',
        () =>
          sampleWith(MODIFY_LIST, 'detail.requestParameters.ModifyManagedPrefixListRequest', {
            PrefixListId: PARTNER_LIST,
            CurrentVersion: 3,
            PrefixListName: 'partner-gateways-eu',
          }),
        {
          kind: 'ignored',
          reason: `prefix list ${PARTNER_LIST} was renamed or resized: no entry was added or removed`,
        },
      ],
      [
        'ModifyManagedPrefixList with a flat camelCase body',
        () => sampleWith(MODIFY_LIST, 'detail.requestParameters', { prefixListId: 'pl-63a5400a' }),
        { kind: 'prefix-list', prefixListId: 'pl-63a5400a' },
      ],
      [
        'EC2 CreateTags on groups, rules and instances at once',
        () =>
          sampleWith(EC2_TAGS, 'detail.requestParameters.resourcesSet.items', [
            { resourceId: 'i-0a1b2c3d4e5f60001' },
            { resourceId: GROUP_ORDERS },
            { resourceId: rule(3) },
            { resourceId: GROUP_ORDERS },
          ]),
        { kind: 'security-group-rules', ruleIds: [rule(3)], groupIds: [GROUP_ORDERS] },
      ],
      [
        'EC2 DeleteTags on an old 8-digit group id',
        () =>
          sampleWith('ec2-delete-tags-security-group.json', 'detail.requestParameters.resourcesSet.items', [
            { resourceId: 'sg-1a2b3c4d' },
          ]),
        { kind: 'security-groups', groupIds: ['sg-1a2b3c4d'] },
      ],
    ])('%s', (_name, make, target) => {
      // Act
      const parsed = parseApiCallEvent(make());

      // Assess
      expect(parsed.target).toEqual(target);
    });
  });

  it('reads a bare record that happens to carry a detail key as a record, not an envelope', () => {
    // Prepare (found by the fuzz test)
    const record = setPath(bareRecord(UPDATE_BROKER), 'detail', { note: 'not an envelope' });

    // Act
    const parsed = parseApiCallEvent(record);

    // Assess
    expect(parsed.target).toEqual({ kind: 'broker', brokerId: BROKER_ORDERS });
    expect(parsed).not.toHaveProperty('envelopeId');
  });

  describe('exempted rules', () => {
    const RULE_TAGS = 'ec2-create-tags-security-group-rule.json';
    const TAGGED_AUTHORIZE = 'ec2-authorize-security-group-ingress-world-tcp-all-ports.json';

    it('names the rules CreateTags tagged mq-guardian:allow, and none for other tags', () => {
      // Prepare
      const other = sampleWith(RULE_TAGS, 'detail.requestParameters.tagSet.items', [
        { key: 'owner', value: 'platform' },
      ]);

      // Act
      const tagged = parseApiCallEvent(readSampleEvent(RULE_TAGS)).actor;
      const untagged = parseApiCallEvent(other).actor;

      // Assess
      expect(tagged.exemptedRuleIds).toEqual([rule(5)]);
      expect(untagged).not.toHaveProperty('exemptedRuleIds');
    });

    it.each([
      ['off', true],
      [' OFF ', true],
      ['disabled', true],
      ['enforce', false],
      ['On', false],
    ])(
      'names the groups CreateTags tagged mq-guardian:remediation=%j as opted out: %s',
      (value, optedOut) => {
        // Prepare
        const event = sampleWith(
          'ec2-create-tags-security-group.json',
          'detail.requestParameters.tagSet.items',
          [{ key: 'mq-guardian:remediation', value }],
        );

        // Act
        const { actor, target } = parseApiCallEvent(event);

        // Assess
        expect(target).toEqual({ kind: 'security-groups', groupIds: ['sg-0a1b2c3d4e5f60001'] });
        expect(actor.optedOutGroupIds).toEqual(optedOut ? ['sg-0a1b2c3d4e5f60001'] : undefined);
      },
    );

    it.each([
      ['off', true],
      [' OFF ', true],
      ['', true],
      ['enforce', false],
      ['On', false],
    ])(
      'names the broker Amazon MQ CreateTags tagged mq-guardian:remediation=%j as opted out: %s',
      (value, optedOut) => {
        // Prepare
        const event = sampleWith('mq-create-tags-broker.json', 'detail.requestParameters.tags', {
          'mq-guardian:remediation': value,
        });

        // Act
        const { actor, target } = parseApiCallEvent(event);

        // Assess
        expect(target).toEqual({ kind: 'broker', brokerId: BROKER_ORDERS });
        expect(actor.optedOutBrokerIds).toEqual(optedOut ? [BROKER_ORDERS] : undefined);
      },
    );

    it('names a broker created with an opting-out mq-guardian:remediation tag as opted out', () => {
      // Prepare
      const event = sampleWith('mq-create-broker.json', 'detail.requestParameters.tags', {
        team: 'orders',
        'mq-guardian:remediation': 'off',
      });

      // Act
      const { actor, target } = parseApiCallEvent(event);

      // Assess
      expect(actor.optedOutBrokerIds).toEqual([(target as { brokerId: string }).brokerId]);
    });

    it('does not name a broker tagged without mq-guardian:remediation as opted out', () => {
      // Act
      const { actor } = parseApiCallEvent(readSampleEvent('mq-create-tags-broker.json'));

      // Assess
      expect(actor).not.toHaveProperty('optedOutBrokerIds');
    });

    it('rejects Amazon MQ tags that are not a map', () => {
      // Prepare
      const event = sampleWith('mq-create-tags-broker.json', 'detail.requestParameters.tags', [
        { key: 'mq-guardian:remediation', value: 'off' },
      ]);

      // Act & Assess
      expect(() => parseApiCallEvent(event)).toThrow(InvalidEventError);
    });

    it('names the rules an authorize created with the tag, as CloudTrail records TagSpecifications', () => {
      // Prepare
      const event = sampleWith(TAGGED_AUTHORIZE, 'detail.requestParameters.tagSpecificationSet', {
        items: [{ resourceType: 'security-group-rule', tags: [{ key: 'mq-guardian:allow', value: 'why' }] }],
      });
      const forInstances = sampleWith(TAGGED_AUTHORIZE, 'detail.requestParameters.tagSpecificationSet', {
        items: [{ resourceType: 'instance', tags: [{ key: 'mq-guardian:allow', value: 'why' }] }],
      });

      // Act
      const { actor, target } = parseApiCallEvent(event);

      // Assess
      expect(target.kind).toBe('security-group-rules');
      expect(actor.exemptedRuleIds).toEqual(target.kind === 'security-group-rules' ? target.ruleIds : []);
      expect(actor.exemptedRuleIds?.length).toBeGreaterThan(0);
      expect(parseApiCallEvent(forInstances).actor).not.toHaveProperty('exemptedRuleIds');
    });

    it.each([
      ['a tag list that is not a list', 'detail.requestParameters.tagSet.items', 'mq-guardian:allow'],
      ['a tag without a key', 'detail.requestParameters.tagSet.items', [{ value: 'why' }]],
    ])('rejects %s rather than guess', (_case, path, value) => {
      // Prepare
      const event = sampleWith(RULE_TAGS, path, value);

      // Act
      const parse = () => parseApiCallEvent(event);

      // Assess
      expect(parse).toThrow(InvalidEventError);
    });
  });

  describe('actor', () => {
    it('keeps only who acted and from where, never keys or session details', () => {
      // Prepare
      const event = readSampleEvent('mq-update-broker.json');

      // Act
      const { actor } = parseApiCallEvent(event);

      // Assess
      expect(Object.keys(actor).sort()).toEqual(
        [
          'arn',
          'eventId',
          'eventName',
          'eventTime',
          'roleArn',
          'sourceIpAddress',
          'type',
          'userAgent',
        ].sort(),
      );
      expect(JSON.stringify(actor)).not.toMatch(/ASIA|AROA|principalId|mfaAuthenticated/);
    });

    it('shortens a very long user agent instead of rejecting the event', () => {
      // Prepare
      const event = sampleWith(AUTHORIZE, 'detail.userAgent', `agent/${'x'.repeat(5000)}`);

      // Act
      const { actor } = parseApiCallEvent(event);

      // Assess
      expect(actor.userAgent).toHaveLength(1024);
      expect(actor.userAgent?.endsWith('…')).toBe(true);
    });

    it('describes an AWS service caller without ARN or role', () => {
      // Prepare
      const event = sampleWith(AUTHORIZE, 'detail.userIdentity', {
        type: 'AWSService',
        invokedBy: 'mq.amazonaws.com',
      });
      setPath(event, 'detail.sourceIPAddress', 'mq.amazonaws.com');
      setPath(event, 'detail.userAgent', undefined);

      // Act
      const { actor } = parseApiCallEvent(event);

      // Assess
      expect(actor).toEqual({
        type: 'AWSService',
        invokedBy: 'mq.amazonaws.com',
        sourceIpAddress: 'mq.amazonaws.com',
        eventTime: '2025-03-10T09:03:27Z',
        eventId: detailOf(event).eventID,
        eventName: 'AuthorizeSecurityGroupIngress',
      });
    });

    it('takes the role of an assumed-role session from the session issuer', () => {
      // Prepare
      const event = sampleWith(
        AUTHORIZE,
        'detail.userIdentity.sessionContext.sessionIssuer.arn',
        'arn:aws:iam::123456789012:role/other',
      );

      // Act
      const { actor } = parseApiCallEvent(event);

      // Assess
      expect(actor.roleArn).toBe('arn:aws:iam::123456789012:role/other');
    });
  });
});
