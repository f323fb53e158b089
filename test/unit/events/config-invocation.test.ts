import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../shared/errors.ts';
import {
  type ConfigurationItemStatus,
  isDeletedStatus,
  MAX_INVOKING_EVENT_CHARS,
  parseConfigInvocation,
} from '../../../shared/events/config-invocation.ts';
import { ACCOUNT, BROKER_LEGACY, BROKER_ORDERS, GROUP_ORDERS, readSampleEvent } from './fixtures.ts';

const CHANGE = 'config-change-broker.json';
const OVERSIZED = 'config-oversized-broker.json';
const SCHEDULED = 'config-scheduled.json';

/** A sample invocation whose invokingEvent (parsed) went through `change`. */
const withInvokingEvent = (
  file: string,
  change: (invoking: Record<string, unknown>) => void,
): Record<string, unknown> => {
  const event = readSampleEvent(file);
  const invoking = JSON.parse(event.invokingEvent as string) as Record<string, unknown>;
  change(invoking);
  return { ...event, invokingEvent: JSON.stringify(invoking) };
};

const withItem = (file: string, field: string, value: unknown) =>
  withInvokingEvent(file, (invoking) => {
    const item = (invoking.configurationItem ?? invoking.configurationItemSummary) as Record<string, unknown>;
    if (value === undefined) delete item[field];
    else item[field] = value;
  });

const withField = (file: string, field: string, value: unknown) => {
  const event = readSampleEvent(file);
  if (value === undefined) delete event[field];
  else event[field] = value;
  return event;
};

describe('parseConfigInvocation', () => {
  describe('parses a configuration change', () => {
    it('keeps the item, its PascalCase broker configuration and its relationships', () => {
      // Act
      const parsed = parseConfigInvocation(readSampleEvent(CHANGE));

      // Assess
      expect(parsed.messageType).toBe('ConfigurationItemChangeNotification');
      if (parsed.messageType !== 'ConfigurationItemChangeNotification') return;
      const item = parsed.configurationItem;
      expect(item).toMatchObject({
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER_ORDERS,
        resourceName: 'orders-prod',
        arn: `arn:aws:mq:us-east-1:123456789012:broker:orders-prod:${BROKER_ORDERS}`,
        awsRegion: 'us-east-1',
        awsAccountId: ACCOUNT,
        captureTime: '2025-03-10T09:11:02.318Z',
        status: 'OK',
        tags: { team: 'orders' },
      });
      expect(item.configuration).toMatchObject({
        PubliclyAccessible: false,
        SecurityGroups: [GROUP_ORDERS],
        Logs: { Audit: true },
      });
      expect(item.relationships).toEqual([
        {
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: GROUP_ORDERS,
          name: 'Is associated with SecurityGroup',
        },
      ]);
    });

    it('leaves out the configuration of a deleted broker (null in the item)', () => {
      // Act
      const parsed = parseConfigInvocation(readSampleEvent('config-change-broker-deleted.json'));

      // Assess
      if (parsed.messageType !== 'ConfigurationItemChangeNotification') throw new Error('wrong message type');
      expect(parsed.configurationItem.resourceId).toBe(BROKER_LEGACY);
      expect(parsed.configurationItem.status).toBe('ResourceDeleted');
      expect(parsed.configurationItem).not.toHaveProperty('configuration');
      expect(parsed.configurationItem.relationships).toEqual([]);
    });

    it('parses the example event of the AWS Config developer guide once it names a check', () => {
      // Prepare (AWS's example, with checkId added to its rule parameters)
      const event = {
        invokingEvent:
          '{"configurationItem":{"configurationItemCaptureTime":"2016-02-17T01:36:34.043Z","awsAccountId":"123456789012","configurationItemStatus":"OK","resourceId":"i-00000000","ARN":"arn:aws:ec2:us-east-2:123456789012:instance/i-00000000","awsRegion":"us-east-2","availabilityZone":"us-east-2a","resourceType":"AWS::EC2::Instance","tags":{"Foo":"Bar"},"relationships":[{"resourceId":"eipalloc-00000000","resourceType":"AWS::EC2::EIP","name":"Is attached to ElasticIp"}],"configuration":{"foo":"bar"}},"messageType":"ConfigurationItemChangeNotification"}',
        ruleParameters: '{"myParameterKey":"myParameterValue","checkId":"mq-broker-highly-available"}',
        resultToken: 'myResultToken',
        eventLeftScope: false,
        executionRoleArn: 'arn:aws:iam::123456789012:role/config-role',
        configRuleArn: 'arn:aws:config:us-east-2:123456789012:config-rule/config-rule-0123456',
        configRuleName: 'change-triggered-config-rule',
        configRuleId: 'config-rule-0123456',
        accountId: '123456789012',
        version: '1.0',
      };

      // Act
      const parsed = parseConfigInvocation(event);

      // Assess
      expect(parsed).toEqual({
        configRuleName: 'change-triggered-config-rule',
        configRuleArn: 'arn:aws:config:us-east-2:123456789012:config-rule/config-rule-0123456',
        accountId: '123456789012',
        resultToken: 'myResultToken',
        eventLeftScope: false,
        checkId: 'mq-broker-highly-available',
        ruleParameters: { myParameterKey: 'myParameterValue', checkId: 'mq-broker-highly-available' },
        messageType: 'ConfigurationItemChangeNotification',
        configurationItem: {
          resourceType: 'AWS::EC2::Instance',
          resourceId: 'i-00000000',
          arn: 'arn:aws:ec2:us-east-2:123456789012:instance/i-00000000',
          awsRegion: 'us-east-2',
          awsAccountId: '123456789012',
          captureTime: '2016-02-17T01:36:34.043Z',
          status: 'OK',
          configuration: { foo: 'bar' },
          relationships: [
            {
              resourceType: 'AWS::EC2::EIP',
              resourceId: 'eipalloc-00000000',
              name: 'Is attached to ElasticIp',
            },
          ],
          tags: { Foo: 'Bar' },
        },
      });
    });

    it('passes eventLeftScope through', () => {
      // Act
      const parsed = parseConfigInvocation(withField(CHANGE, 'eventLeftScope', true));

      // Assess
      expect(parsed.eventLeftScope).toBe(true);
    });
  });

  it('parses an oversized change as a summary', () => {
    // Prepare
    const event = withItem(OVERSIZED, 'resourceName', null);

    // Act
    const parsed = parseConfigInvocation(event);

    // Assess
    expect(parsed).toMatchObject({
      messageType: 'OversizedConfigurationItemChangeNotification',
      checkId: 'mq-broker-authorization-map-configured',
      summary: {
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: BROKER_ORDERS,
        captureTime: '2025-03-10T09:15:07.661Z',
        status: 'OK',
        changeType: 'UPDATE',
      },
    });
    if (parsed.messageType === 'OversizedConfigurationItemChangeNotification') {
      expect(parsed.summary).not.toHaveProperty('resourceName');
    }
  });

  it('parses a periodic invocation with its notification time', () => {
    // Act
    const parsed = parseConfigInvocation(readSampleEvent(SCHEDULED));

    // Assess
    expect(parsed).toMatchObject({
      messageType: 'ScheduledNotification',
      notificationCreationTime: '2025-03-10T10:00:00.373Z',
      checkId: 'mq-broker-engine-version-supported',
    });
  });

  describe('rejects malformed invocations with an InvalidEventError naming the field', () => {
    it.each<[string, () => unknown, RegExp]>([
      ['null', () => null, /expected a JSON object/],
      ['a list', () => [readSampleEvent(CHANGE)], /expected a JSON object/],
      [
        'no invokingEvent',
        () => withField(CHANGE, 'invokingEvent', undefined),
        /invokingEvent: expected a JSON string/,
      ],
      [
        'an invokingEvent object instead of a string',
        () => withField(CHANGE, 'invokingEvent', { messageType: 'x' }),
        /invokingEvent: expected a JSON string/,
      ],
      [
        'an invokingEvent that is not JSON',
        () => withField(CHANGE, 'invokingEvent', '{"configurationItem":'),
        /invokingEvent is not valid JSON/,
      ],
      [
        'an invokingEvent that is a JSON list',
        () => withField(CHANGE, 'invokingEvent', '[]'),
        /invokingEvent is not a JSON object/,
      ],
      [
        'an invokingEvent beyond the size limit',
        () => withField(CHANGE, 'invokingEvent', ' '.repeat(MAX_INVOKING_EVENT_CHARS + 1)),
        /invokingEvent: longer than/,
      ],
      [
        'an unknown messageType',
        () =>
          withInvokingEvent(CHANGE, (invoking) =>
            Object.assign(invoking, { messageType: 'ComplianceChangeNotification' }),
          ),
        /invokingEvent\.messageType "ComplianceChangeNotification" is not one of ConfigurationItemChangeNotification/,
      ],
      [
        'no messageType',
        () => withInvokingEvent(SCHEDULED, (invoking) => delete invoking.messageType),
        /invokingEvent\.messageType is missing/,
      ],
      [
        'no ruleParameters',
        () => withField(CHANGE, 'ruleParameters', undefined),
        /ruleParameters is missing: it must hold checkId/,
      ],
      [
        'ruleParameters that are not JSON',
        () => withField(CHANGE, 'ruleParameters', 'checkId=x'),
        /ruleParameters is not valid JSON/,
      ],
      [
        'ruleParameters that are a JSON list',
        () => withField(CHANGE, 'ruleParameters', '["checkId"]'),
        /ruleParameters: /,
      ],
      [
        'ruleParameters without checkId',
        () => withField(CHANGE, 'ruleParameters', '{"myParameterKey":"v"}'),
        /ruleParameters\.checkId is missing/,
      ],
      [
        'an unknown checkId',
        () => withField(CHANGE, 'ruleParameters', '{"checkId":"mq-broker-is-fast"}'),
        /ruleParameters\.checkId "mq-broker-is-fast" is not a known check id/,
      ],
      [
        'a checkId that is not a string',
        () => withField(CHANGE, 'ruleParameters', '{"checkId":3}'),
        /ruleParameters\.checkId: expected a string value/,
      ],
      ['an empty resultToken', () => withField(CHANGE, 'resultToken', ''), /resultToken: /],
      ['eventLeftScope as text', () => withField(CHANGE, 'eventLeftScope', 'false'), /eventLeftScope: /],
      [
        'an account id that is not 12 digits',
        () => withField(CHANGE, 'accountId', 'x'),
        /accountId: expected a 12-digit account id/,
      ],
      ['no configRuleName', () => withField(CHANGE, 'configRuleName', undefined), /configRuleName: /],
      [
        'a change without configurationItem',
        () => withInvokingEvent(CHANGE, (invoking) => delete invoking.configurationItem),
        /invokingEvent\.configurationItem: /,
      ],
      [
        'an unknown item status',
        () => withItem(CHANGE, 'configurationItemStatus', 'Deleted'),
        /invokingEvent\.configurationItem\.configurationItemStatus: expected one of OK, ResourceDiscovered/,
      ],
      [
        'an item without capture time',
        () => withItem(CHANGE, 'configurationItemCaptureTime', undefined),
        /configurationItem\.configurationItemCaptureTime: /,
      ],
      [
        'a resource type that is not one',
        () => withItem(CHANGE, 'resourceType', 'AmazonMQ Broker'),
        /configurationItem\.resourceType: expected a resource type/,
      ],
      ['an empty resource id', () => withItem(CHANGE, 'resourceId', ''), /configurationItem\.resourceId: /],
      [
        'a configuration that is text',
        () => withItem(CHANGE, 'configuration', '{"PubliclyAccessible":true}'),
        /configurationItem\.configuration: expected an object or null/,
      ],
      [
        'more relationships than allowed',
        () =>
          withItem(
            CHANGE,
            'relationships',
            Array.from({ length: 1001 }, () => ({ resourceType: 'AWS::EC2::SecurityGroup' })),
          ),
        /configurationItem\.relationships: /,
      ],
      [
        'a relationship without resource type',
        () => withItem(CHANGE, 'relationships', [{ resourceId: GROUP_ORDERS }]),
        /configurationItem\.relationships\[0\]\.resourceType: /,
      ],
      [
        'an oversized summary without resource id',
        () => withItem(OVERSIZED, 'resourceId', undefined),
        /configurationItemSummary\.resourceId: /,
      ],
      [
        'a periodic invocation with a bad notification time',
        () =>
          withInvokingEvent(SCHEDULED, (invoking) =>
            Object.assign(invoking, { notificationCreationTime: 'now' }),
          ),
        /invokingEvent\.notificationCreationTime: expected an ISO 8601/,
      ],
    ])('%s', (_name, make, message) => {
      // Act
      const act = () => parseConfigInvocation(make());

      // Assess
      expect(act).toThrow(InvalidEventError);
      expect(act).toThrow(message);
    });
  });
});

describe('isDeletedStatus', () => {
  it.each<[ConfigurationItemStatus, boolean]>([
    ['OK', false],
    ['ResourceDiscovered', false],
    ['ResourceNotRecorded', false],
    ['ResourceDeleted', true],
    ['ResourceDeletedNotRecorded', true],
  ])('%s is deleted: %s', (status, deleted) => {
    // Act
    const result = isDeletedStatus(status);

    // Assess
    expect(result).toBe(deleted);
  });
});
