import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../shared/errors.ts';
import { detectEventKind, MAX_EVENT_JSON_CHARS, parseEventJson } from '../../../shared/events/detect.ts';
import { detailOf, readSampleEvent } from './fixtures.ts';

describe('detectEventKind', () => {
  it.each<[string, () => unknown, string]>([
    ['an EventBridge API call', () => readSampleEvent('mq-update-broker.json'), 'api-call'],
    ['a bare CloudTrail record', () => detailOf(readSampleEvent('mq-update-broker.json')), 'api-call'],
    [
      'an API call of another service (the parser refuses it later)',
      () => readSampleEvent('negative-s3-create-bucket.json'),
      'api-call',
    ],
    ['an AWS Config invocation', () => readSampleEvent('config-scheduled.json'), 'config-invocation'],
  ])('recognises %s', (_name, make, kind) => {
    // Act
    const detected = detectEventKind(make());

    // Assess
    expect(detected).toBe(kind);
  });

  it.each<[string, unknown, RegExp]>([
    ['null', null, /expected a JSON object, got null/],
    ['a list', [], /expected a JSON object, got an array/],
    ['text', 'CreateBroker', /expected a JSON object, got string/],
    [
      'a scheduled EventBridge event',
      { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} },
      /detail-type "Scheduled Event" is not "AWS API Call via CloudTrail"/,
    ],
    ['an S3 notification', { Records: [{ eventSource: 'aws:s3' }] }, /top-level keys: "Records"/],
    ['an empty object', {}, /top-level keys: none/],
    [
      'a Config invocation without result token',
      { invokingEvent: '{}', ruleParameters: '{}' },
      /neither an EventBridge API call, a CloudTrail record nor an AWS Config invocation/,
    ],
    [
      'a record whose eventName is not text',
      { eventSource: 'ec2.amazonaws.com', eventName: 1 },
      /top-level keys: "eventSource", "eventName"/,
    ],
  ])('refuses %s', (_name, input, message) => {
    // Act
    const act = () => detectEventKind(input);

    // Assess
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow(message);
  });

  it('lists at most eight keys of an unknown object', () => {
    // Prepare
    const input = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`key${index}`, index]));

    // Act
    const act = () => detectEventKind(input);

    // Assess
    expect(act).toThrow(/"key7", …\)$/);
  });
});

describe('parseEventJson', () => {
  it('parses JSON text', () => {
    // Act
    const value = parseEventJson('{"detail-type":"AWS API Call via CloudTrail","detail":{}}');

    // Assess
    expect(value).toEqual({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} });
  });

  it('refuses text that is not JSON, keeping the parser error as cause', () => {
    // Act
    let caught: unknown;
    try {
      parseEventJson('{"detail":');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidEventError);
    expect((caught as InvalidEventError).message).toMatch(/^Invalid event JSON: /);
    expect((caught as InvalidEventError).cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses text longer than the limit before parsing it', () => {
    // Act
    const act = () => parseEventJson(`"${'x'.repeat(99)}"`, 100);

    // Assess
    expect(act).toThrow(InvalidEventError);
    expect(act).toThrow('Invalid event JSON: 101 characters, more than the limit of 100');
  });

  it('accepts text exactly at the limit', () => {
    // Act
    const value = parseEventJson(`"${'x'.repeat(98)}"`, 100);

    // Assess
    expect(value).toBe('x'.repeat(98));
  });

  it('has a default limit of one MiB', () => {
    // Act
    const act = () => parseEventJson(' '.repeat(MAX_EVENT_JSON_CHARS + 1));

    // Assess
    expect(MAX_EVENT_JSON_CHARS).toBe(1_048_576);
    expect(act).toThrow(/more than the limit of 1048576/);
  });

  it('refuses a value that is not text', () => {
    // Act
    const act = () => parseEventJson(Buffer.from('{}') as unknown as string);

    // Assess
    expect(act).toThrow(new InvalidEventError('Invalid event JSON: expected text'));
  });
});
