import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type EventPattern, matchesEventPattern, UnsupportedPatternError } from '../support/event-pattern.ts';

// Events and patterns below are the examples of the Amazon EventBridge user guide (pages "Event
// patterns", "Arrays in event patterns", "Matching null values and empty strings", "Content
// filtering"), trimmed to the fields that matter.

const ec2StateChange = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const autoScalingLaunch = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieAlert = {
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
};

const withDetail = (detail: Record<string, unknown>) => ({ ...ec2StateChange, detail });

const readEvent = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../events/${name}`, import.meta.url), 'utf8'));

describe('matchesEventPattern', () => {
  describe('values and structure', () => {
    it.each<[string, EventPattern, unknown, boolean]>([
      [
        'matches source, detail-type and a nested field together',
        {
          source: ['aws.ec2'],
          'detail-type': ['EC2 Instance State-change Notification'],
          detail: { state: ['terminated'] },
        },
        ec2StateChange,
        true,
      ],
      [
        'rejects the event when one nested field differs',
        { source: ['aws.ec2'], detail: { state: ['running'] } },
        ec2StateChange,
        false,
      ],
      [
        'matches when any listed value equals the field (OR)',
        { source: ['aws.ec2', 'aws.fargate'] },
        ec2StateChange,
        true,
      ],
      [
        'rejects when no listed value equals the field',
        { source: ['aws.fargate', 'aws.ecs'] },
        ec2StateChange,
        false,
      ],
      ['compares strings exactly, without case folding', { source: ['AWS.EC2'] }, ec2StateChange, false],
      [
        'requires every field of the pattern to be present',
        { detail: { 'c-count': [5] } },
        ec2StateChange,
        false,
      ],
      [
        'matches nested numbers on several levels (AND)',
        { source: ['aws.macie'], detail: { 'risk-score': [80], trigger: { risk: [8] } } },
        macieAlert,
        true,
      ],
      [
        'rejects when a deeper nested number differs',
        { detail: { 'risk-score': [80], trigger: { risk: [9] } } },
        macieAlert,
        false,
      ],
      ['matches an empty string with ""', { detail: { eventVersion: [''] } }, autoScalingLaunch, true],
      ['matches a null value with null', { detail: { responseElements: [null] } }, autoScalingLaunch, true],
      ['does not match null with ""', { detail: { responseElements: [''] } }, autoScalingLaunch, false],
      ['does not match "" with null', { detail: { eventVersion: [null] } }, autoScalingLaunch, false],
      ['does not match a number with its text', { detail: { 'risk-score': ['80'] } }, macieAlert, false],
      ['matches booleans exactly', { detail: { readOnly: [false] } }, withDetail({ readOnly: false }), true],
    ])('%s', (_name, pattern, event, expected) => {
      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('arrays in events', () => {
    it('matches when the pattern list and the event list share one value', () => {
      // Prepare
      const pattern = {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      };
      const event = {
        resources: [
          'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        ],
      };

      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(true);
    });

    it('rejects when the pattern list and the event list share no value', () => {
      // Act
      const matched = matchesEventPattern(
        { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-00000000'] },
        { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
      );

      // Assess
      expect(matched).toBe(false);
    });

    it('matches one element of a list of strings in detail', () => {
      // Act
      const matched = matchesEventPattern({ detail: { tags: ['Insider'] } }, macieAlert);

      // Assess
      expect(matched).toBe(true);
    });

    it('matches a nested pattern against any object of an event list', () => {
      // Prepare
      const event = { detail: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2', isEgress: false }] } };

      // Act
      const matches = [
        matchesEventPattern({ detail: { items: { groupId: ['sg-2'], isEgress: [false] } } }, event),
        matchesEventPattern({ detail: { items: { groupId: ['sg-1'], isEgress: [false] } } }, event),
      ];

      // Assess
      expect(matches).toEqual([true, false]);
    });
  });

  describe('prefix, suffix, equals-ignore-case and wildcard', () => {
    it.each<[string, EventPattern, unknown, boolean]>([
      [
        'matches a prefix of time',
        { time: [{ prefix: '2017-10-02' }] },
        { time: '2017-10-02T18:43:48Z' },
        true,
      ],
      ['rejects another day', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' }, false],
      ['matches European regions by prefix', { region: [{ prefix: 'eu-' }] }, { region: 'eu-west-1' }, true],
      ['prefix does not match numbers', { count: [{ prefix: '1' }] }, { count: 12 }, false],
      [
        'prefix with equals-ignore-case folds case',
        { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
        { detail: { service: 'eventbridge' } },
        true,
      ],
      ['matches a suffix', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
      ['rejects a different suffix', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.jpg' }, false],
      [
        'equals-ignore-case matches any casing',
        { state: [{ 'equals-ignore-case': 'RUNNING' }] },
        { state: 'Running' },
        true,
      ],
      [
        'wildcard matches a path segment',
        { FilePath: [{ wildcard: '*/lib/*' }] },
        { FilePath: '/usr/lib/x.so' },
        true,
      ],
      [
        'wildcard must match the whole value',
        { FilePath: [{ wildcard: 'lib/*' }] },
        { FilePath: '/usr/lib/x.so' },
        false,
      ],
      ['escaped star in a wildcard is literal', { name: [{ wildcard: 'a\\*b' }] }, { name: 'axb' }, false],
      ['escaped star matches a star', { name: [{ wildcard: 'a\\*b' }] }, { name: 'a*b' }, true],
      ['wildcard treats dots literally', { name: [{ wildcard: 'a.b*' }] }, { name: 'aXb' }, false],
    ])('%s', (_name, pattern, event, expected) => {
      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('anything-but', () => {
    it.each<[string, EventPattern, unknown, boolean]>([
      [
        'matches another string',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        withDetail({ state: 'running' }),
        true,
      ],
      [
        'rejects the excluded string',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        withDetail({ state: 'initializing' }),
        false,
      ],
      [
        'matches another number',
        { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
        withDetail({ 'x-limit': 124 }),
        true,
      ],
      [
        'rejects the excluded number',
        { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
        withDetail({ 'x-limit': 123 }),
        false,
      ],
      [
        'rejects a string of an excluded list',
        { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
        withDetail({ state: 'overloaded' }),
        false,
      ],
      [
        'matches a string outside an excluded list',
        { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
        withDetail({ state: 'running' }),
        true,
      ],
      [
        'rejects a number of an excluded list',
        { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
        withDetail({ 'x-limit': 200 }),
        false,
      ],
      [
        'rejects a value with the excluded prefix',
        { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
        withDetail({ state: 'initializing' }),
        false,
      ],
      [
        'matches a value without the excluded prefix',
        { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
        withDetail({ state: 'running' }),
        true,
      ],
      [
        'excludes CloudTrail API calls by detail-type',
        { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
        { 'detail-type': 'AWS API Call via CloudTrail' },
        false,
      ],
      [
        'does not match a missing field',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        withDetail({}),
        false,
      ],
      [
        'matches a list in the event when one element is not excluded',
        { detail: { state: [{ 'anything-but': 'initializing' }] } },
        withDetail({ state: ['initializing', 'running'] }),
        true,
      ],
      [
        'rejects a list in the event whose elements are all excluded',
        { detail: { state: [{ 'anything-but': ['initializing', 'stopped'] }] } },
        withDetail({ state: ['initializing', 'stopped'] }),
        false,
      ],
    ])('%s', (_name, pattern, event, expected) => {
      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('exists', () => {
    const hasState = { detail: { state: [{ exists: true }] } };
    const noCount = { detail: { 'c-count': [{ exists: false }] } };

    it.each<[string, EventPattern, unknown, boolean]>([
      [
        'exists:true matches a present field',
        hasState,
        { detail: { 'instance-id': 'i-abcd1111', state: 'pending' } },
        true,
      ],
      ['exists:true rejects an absent field', hasState, { detail: { 'c-count': { c1: 100 } } }, false],
      [
        'exists:true rejects an object (not a leaf)',
        hasState,
        { detail: { state: { name: 'pending' } } },
        false,
      ],
      ['exists:true matches a null value', hasState, { detail: { state: null } }, true],
      ['exists:true rejects an empty list', hasState, { detail: { state: [] } }, false],
      [
        'exists:false matches an absent field',
        noCount,
        { detail: { state: ['initializing', 'running'] } },
        true,
      ],
      ['exists:false rejects a present field', noCount, { detail: { 'c-count': 3 } }, false],
      [
        'exists:false matches an object at that field (only leaves exist)',
        noCount,
        { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } },
        true,
      ],
      ['exists:false matches when the parent object is absent', noCount, { source: 'aws.ec2' }, true],
      ['exists:false matches when the parent is not an object', noCount, { detail: 'text' }, true],
    ])('%s', (_name, pattern, event, expected) => {
      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(expected);
    });
  });

  describe('numeric', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };

    it('matches when every numeric condition holds', () => {
      // Act
      const matched = matchesEventPattern(pattern, {
        detail: { 'c-count': 5, 'd-count': 9, 'x-limit': 301.8 },
      });

      // Assess
      expect(matched).toBe(true);
    });

    it.each([
      [{ 'c-count': 0, 'd-count': 9, 'x-limit': 301.8 }],
      [{ 'c-count': 6, 'd-count': 9, 'x-limit': 301.8 }],
      [{ 'c-count': 3, 'd-count': 10, 'x-limit': 301.8 }],
      [{ 'c-count': 3, 'd-count': 9, 'x-limit': 301 }],
      [{ 'c-count': '3', 'd-count': 9, 'x-limit': 301.8 }],
    ])('rejects %j', (detail) => {
      // Act
      const matched = matchesEventPattern(pattern, { detail });

      // Assess
      expect(matched).toBe(false);
    });
  });

  describe('the complex example of the user guide', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    const event = {
      time: '2017-10-02T18:43:48Z',
      detail: { state: 'running', 'c-count': 2, 'd-count': 1, 'x-limit': 150 },
    };

    it('matches an event that meets every condition', () => {
      // Act
      const matched = matchesEventPattern(pattern, event);

      // Assess
      expect(matched).toBe(true);
    });

    it('rejects it when one condition fails', () => {
      // Act
      const matched = matchesEventPattern(pattern, { ...event, detail: { ...event.detail, 'x-limit': 200 } });

      // Assess
      expect(matched).toBe(false);
    });
  });

  describe('patterns it does not understand', () => {
    it.each<[string, EventPattern]>([
      ['cidr', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }],
      ['$or', { $or: [{ source: ['aws.ec2'] }, { source: ['aws.s3'] }] }],
      ['a bare string value', { source: 'aws.ec2' }],
      ['an empty list', { source: [] }],
      ['an empty object', { detail: {} }],
      ['an operator with two keys', { source: [{ prefix: 'aws.', suffix: 'ec2' }] }],
      ['exists with a string', { source: [{ exists: 'yes' }] }],
      ['anything-but with a mixed list', { source: [{ 'anything-but': ['a', 1] }] }],
      ['numeric with an unknown operator', { count: [{ numeric: ['!=', 1] }] }],
    ])('throws on %s', (_name, pattern) => {
      // Act
      const act = () =>
        matchesEventPattern(pattern, {
          source: 'aws.ec2',
          count: 1,
          detail: { sourceIPAddress: '10.0.0.1' },
        });

      // Assess
      expect(act).toThrow(UnsupportedPatternError);
    });
  });

  describe('with mq-guardian sample events', () => {
    const ingressPattern = {
      source: ['aws.ec2'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['ec2.amazonaws.com'],
        eventName: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'],
        errorCode: [{ exists: false }],
      },
    };

    it.each([
      ['ec2-authorize-security-group-ingress-world-all-ports.json', true],
      ['ec2-modify-security-group-rules-world-openwire.json', true],
      ['negative-ec2-authorize-failed-call.json', false],
      ['ec2-create-tags-security-group.json', false],
      ['mq-create-broker.json', false],
    ])('%s matches the ingress pattern: %s', (file, expected) => {
      // Act
      const matched = matchesEventPattern(ingressPattern, readEvent(file));

      // Assess
      expect(matched).toBe(expected);
    });
  });
});
