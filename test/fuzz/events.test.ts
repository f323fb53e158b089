import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidEventError } from '../../shared/errors.ts';
import {
  type ApiCallEvent,
  EC2_EVENT_NAMES,
  MAX_IDS_PER_EVENT,
  MQ_EVENT_NAMES,
  parseApiCallEvent,
} from '../../shared/events/cloudtrail.ts';
import {
  CONFIG_MESSAGE_TYPES,
  CONFIGURATION_ITEM_STATUSES,
  type ConfigInvocation,
  parseConfigInvocation,
} from '../../shared/events/config-invocation.ts';
import { detectEventKind, parseEventJson } from '../../shared/events/detect.ts';
import {
  ACCOUNT_ID_PATTERN,
  BROKER_ID_PATTERN,
  CONFIGURATION_ID_PATTERN,
  PREFIX_LIST_ID_PATTERN,
  REGION_PATTERN,
  SECURITY_GROUP_ID_PATTERN,
  SECURITY_GROUP_NAME_PATTERN,
  SECURITY_GROUP_RULE_ID_PATTERN,
} from '../../shared/events/ids.ts';
import { CHECK_IDS } from '../../shared/model/finding.ts';

// Every property: the parser either returns a value of the promised shape or throws an
// InvalidEventError; any other exception fails the property (it is rethrown, not swallowed).

const RUNS = 10_000;
const SEED = 20_250_310;
const settings = { numRuns: RUNS, seed: SEED };

const EVENTS_DIR = new URL('../../events/', import.meta.url);
const samples = readdirSync(EVENTS_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({
    name,
    event: JSON.parse(readFileSync(new URL(name, EVENTS_DIR), 'utf8')) as Record<string, unknown>,
  }));
const apiCallSamples = samples.filter(({ name }) => !name.startsWith('config-'));
const configSamples = samples.filter(({ name }) => name.startsWith('config-'));

// ---------------------------------------------------------------------------------------------
// What a successful parse must look like

const id = (pattern: RegExp) => z.string().regex(pattern);
const ids = (pattern: RegExp, min: number) =>
  z
    .array(id(pattern))
    .min(min)
    .max(MAX_IDS_PER_EVENT)
    .refine((list) => new Set(list).size === list.length, 'ids repeat');
const isoTime = z.iso.datetime();
const text = (max: number) => z.string().max(max).optional();

const ActorShape = z.strictObject({
  type: z.string().min(1).max(64),
  arn: text(2048),
  roleArn: text(2048),
  invokedBy: text(256),
  sourceIpAddress: text(256),
  userAgent: text(1024),
  eventTime: isoTime,
  eventId: z.string().min(1).max(128),
  eventName: z.string(),
  /** Rules the call tagged mq-guardian:allow: always rules the target names. */
  exemptedRuleIds: ids(SECURITY_GROUP_RULE_ID_PATTERN, 1).optional(),
  /** Groups the call tagged with an opting-out mq-guardian:remediation: always groups the target names. */
  optedOutGroupIds: ids(SECURITY_GROUP_ID_PATTERN, 1).optional(),
  /** The broker the call tagged (or created) with an opting-out mq-guardian:remediation: always the target. */
  optedOutBrokerIds: ids(BROKER_ID_PATTERN, 1).optional(),
});

const TargetShape = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('broker'), brokerId: id(BROKER_ID_PATTERN) }),
  z.strictObject({ kind: z.literal('broker-deleted'), brokerId: id(BROKER_ID_PATTERN) }),
  z.strictObject({ kind: z.literal('configuration'), configurationId: id(CONFIGURATION_ID_PATTERN) }),
  z.strictObject({ kind: z.literal('security-groups'), groupIds: ids(SECURITY_GROUP_ID_PATTERN, 1) }),
  z.strictObject({ kind: z.literal('security-group-name'), groupName: id(SECURITY_GROUP_NAME_PATTERN) }),
  z.strictObject({
    kind: z.literal('security-group-rules'),
    ruleIds: ids(SECURITY_GROUP_RULE_ID_PATTERN, 1),
    groupIds: ids(SECURITY_GROUP_ID_PATTERN, 0),
  }),
  z.strictObject({ kind: z.literal('prefix-list'), prefixListId: id(PREFIX_LIST_ID_PATTERN) }),
  z.strictObject({ kind: z.literal('ignored'), reason: z.string().min(1) }),
]);

const ApiCallEventShape = z
  .strictObject({
    envelopeId: z.string().min(1).max(128).optional(),
    eventId: z.string().min(1).max(128),
    eventName: z.string(),
    eventSource: z.enum(['amazonmq.amazonaws.com', 'ec2.amazonaws.com']),
    eventTime: isoTime,
    account: id(ACCOUNT_ID_PATTERN),
    region: id(REGION_PATTERN),
    actor: ActorShape,
    target: TargetShape,
  })
  .refine(
    (event) =>
      (event.eventSource === 'amazonmq.amazonaws.com' ? MQ_EVENT_NAMES : EC2_EVENT_NAMES).some(
        (name) => name === event.eventName,
      ),
    'event name not supported for its source',
  )
  .refine(
    (event) =>
      event.actor.eventName === event.eventName &&
      event.actor.eventId === event.eventId &&
      event.actor.eventTime === event.eventTime,
    'actor does not describe the event',
  )
  .refine(
    (event) =>
      event.actor.exemptedRuleIds === undefined ||
      (event.target.kind === 'security-group-rules' &&
        event.actor.exemptedRuleIds.every((r) =>
          (event.target as { ruleIds: readonly string[] }).ruleIds.includes(r),
        )),
    'exempted rules are not rules the event names',
  )
  .refine(
    (event) =>
      event.actor.optedOutGroupIds === undefined ||
      (event.target.kind === 'security-groups' &&
        event.actor.optedOutGroupIds.every((g) =>
          (event.target as { groupIds: readonly string[] }).groupIds.includes(g),
        )),
    'opted-out groups are not groups the event names',
  )
  .refine(
    (event) =>
      event.actor.optedOutBrokerIds === undefined ||
      (event.target.kind === 'broker' &&
        event.actor.optedOutBrokerIds.every((b) => b === (event.target as { brokerId: string }).brokerId)),
    'opted-out brokers are not the broker the event names',
  );

const statuses = z.enum(CONFIGURATION_ITEM_STATUSES);
const common = {
  configRuleName: z.string().min(1).max(128),
  configRuleArn: text(2048),
  accountId: id(ACCOUNT_ID_PATTERN),
  resultToken: z.string().min(1),
  eventLeftScope: z.boolean(),
  checkId: z.enum(CHECK_IDS),
  ruleParameters: z.record(z.string(), z.string()),
};
const ConfigInvocationShape = z
  .discriminatedUnion('messageType', [
    z.strictObject({
      ...common,
      messageType: z.literal('ConfigurationItemChangeNotification'),
      configurationItem: z.strictObject({
        resourceType: z.string().startsWith('AWS::'),
        resourceId: z.string().min(1),
        resourceName: text(768),
        arn: text(2048),
        awsRegion: id(REGION_PATTERN).optional(),
        awsAccountId: id(ACCOUNT_ID_PATTERN).optional(),
        captureTime: isoTime,
        status: statuses,
        configuration: z.record(z.string(), z.unknown()).optional(),
        relationships: z
          .array(
            z.strictObject({
              resourceType: z.string().startsWith('AWS::'),
              resourceId: text(768),
              resourceName: text(768),
              name: text(256),
            }),
          )
          .optional(),
        tags: z.record(z.string(), z.string()).optional(),
      }),
    }),
    z.strictObject({
      ...common,
      messageType: z.literal('OversizedConfigurationItemChangeNotification'),
      summary: z.strictObject({
        resourceType: z.string().startsWith('AWS::'),
        resourceId: z.string().min(1),
        resourceName: text(768),
        arn: text(2048),
        awsRegion: id(REGION_PATTERN).optional(),
        captureTime: isoTime,
        status: statuses,
        changeType: text(32),
      }),
    }),
    z.strictObject({
      ...common,
      messageType: z.literal('ScheduledNotification'),
      notificationCreationTime: isoTime,
    }),
  ])
  .refine(
    (invocation) => invocation.ruleParameters.checkId === invocation.checkId,
    'checkId not from ruleParameters',
  );

// ---------------------------------------------------------------------------------------------
// Outcomes

type Outcome<T> = { readonly value: T } | { readonly error: InvalidEventError };

/** Runs a parser; an InvalidEventError is an expected outcome, anything else escapes and fails the property. */
const attempt = <T>(parse: () => T): Outcome<T> => {
  try {
    return { value: parse() };
  } catch (error) {
    if (error instanceof InvalidEventError) {
      expect(error.code).toBe('INVALID_EVENT');
      expect(error.message.length).toBeGreaterThan(0);
      return { error };
    }
    throw error;
  }
};

const holdsApiCall = (input: unknown): Outcome<ApiCallEvent> => {
  const outcome = attempt(() => parseApiCallEvent(input));
  if ('value' in outcome) ApiCallEventShape.parse(outcome.value);
  return outcome;
};

const holdsConfigInvocation = (input: unknown): Outcome<ConfigInvocation> => {
  const outcome = attempt(() => parseConfigInvocation(input));
  if ('value' in outcome) ConfigInvocationShape.parse(outcome.value);
  return outcome;
};

// ---------------------------------------------------------------------------------------------
// Mutations of real-shaped events

const B = 'b-1a2b3c4d-0000-4000-8000-000000000001';
const C = 'c-1a2b3c4d-0000-4000-8000-000000000001';
const interestingStrings = [
  '',
  ' ',
  'null',
  '__proto__',
  'constructor',
  'toString',
  B,
  B.toUpperCase(),
  'b-123',
  C,
  'sg-0a1b2c3d4e5f60001',
  'sg-1a2b3c4d',
  'sg-',
  'sg-zzzzzzzz',
  `sg-${'0'.repeat(18)}`,
  'sgr-0a1b2c3d4e5f60009',
  'sgr-',
  'i-0a1b2c3d4e5f60001',
  `arn:aws:mq:us-east-1:123456789012:broker:orders-prod:${B}`,
  `arn:aws:mq:us-east-1:123456789012:configuration:${C}`,
  'arn:aws:mq:us-east-1:123456789012:broker:orders-prod',
  'aws.amazonmq',
  'aws.ec2',
  'aws.mq',
  'amazonmq.amazonaws.com',
  'ec2.amazonaws.com',
  'AWS API Call via CloudTrail',
  ...MQ_EVENT_NAMES,
  ...EC2_EVENT_NAMES,
  'RunInstances',
  '2025-03-10T09:00:00Z',
  '2025-03-10T09:00:00.123Z',
  '2025-13-40T99:00:00Z',
  '123456789012',
  '12345678901',
  'us-east-1',
  'mars-north-1',
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  ...CONFIG_MESSAGE_TYPES,
  ...CONFIGURATION_ITEM_STATUSES,
  ...CHECK_IDS,
  'AWS::AmazonMQ::Broker',
  'AWS::EC2::SecurityGroup',
  '{"checkId":"mq-broker-highly-available"}',
  '{"checkId":"unknown"}',
  '{}',
  '[]',
  '{',
];

const replacement = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...interestingStrings) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, [], {}) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

type Mutation =
  | {
      readonly op: 'delete' | 'huge-array' | 'stringify' | 'wrap-in-list' | 'items-wrapper';
      readonly at: number;
    }
  | {
      readonly op: 'replace' | 'add-key';
      readonly at: number;
      readonly value: unknown;
      readonly key?: string;
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constantFrom('delete', 'huge-array', 'stringify', 'wrap-in-list', 'items-wrapper'),
    at: fc.nat(),
  }),
  fc.record({ op: fc.constant('replace'), at: fc.nat(), value: replacement }),
  fc.record({
    op: fc.constant('add-key'),
    at: fc.nat(),
    value: replacement,
    key: fc.constantFrom(
      'errorCode',
      'brokerId',
      'broker-id',
      'groupId',
      'groupName',
      'items',
      'detail',
      'eventSource',
      '__proto__',
    ),
  }),
);

type Json = unknown;
type Slot = { readonly parent: Record<string, Json> | Json[]; readonly key: string | number };

/** Every place in the tree a value sits, parents before children. */
const slotsOf = (root: Json): Slot[] => {
  const slots: Slot[] = [];
  const visit = (node: Json) => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        slots.push({ parent: node, key: index });
        visit(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, Json>, key });
        visit(child);
      }
    }
  };
  visit(root);
  return slots;
};

const read = (slot: Slot): Json => (slot.parent as Record<string | number, Json>)[slot.key];
const write = (slot: Slot, value: Json): void => {
  (slot.parent as Record<string | number, Json>)[slot.key] = value;
};

const mutate = (root: Record<string, Json>, change: Mutation): void => {
  const slots = slotsOf(root);
  const slot = slots[change.at % Math.max(slots.length, 1)];
  if (slot === undefined) return;
  const current = read(slot);
  switch (change.op) {
    case 'delete':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return;
    case 'replace':
      write(slot, structuredClone(change.value));
      return;
    case 'add-key':
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        Object.defineProperty(current, change.key ?? 'x', {
          value: structuredClone(change.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return;
    case 'huge-array':
      write(
        slot,
        Array.from({ length: MAX_IDS_PER_EVENT + 1 }, () => structuredClone(current)),
      );
      return;
    case 'stringify':
      write(slot, JSON.stringify(current) ?? 'undefined');
      return;
    case 'wrap-in-list':
      write(slot, [current]);
      return;
    case 'items-wrapper':
      write(slot, { items: Array.isArray(current) ? current : [current] });
      return;
  }
};

const mutatedFrom = (pool: readonly { event: Record<string, unknown> }[]) =>
  fc
    .record({
      sample: fc.constantFrom(...pool),
      bare: fc.boolean(),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    })
    .map(({ sample, bare, mutations }) => {
      const event = structuredClone(sample.event);
      const root =
        bare && typeof event.detail === 'object' && event.detail !== null
          ? (event.detail as Record<string, Json>)
          : event;
      for (const change of mutations) mutate(root, change);
      return root;
    });

/** Config invocations nest JSON in strings: mutate inside invokingEvent / ruleParameters too. */
const mutatedConfigInvocation = fc
  .record({
    sample: fc.constantFrom(...configSamples),
    field: fc.constantFrom('invokingEvent', 'ruleParameters', 'top'),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  })
  .map(({ sample, field, mutations }) => {
    const event = structuredClone(sample.event);
    if (field === 'top') {
      for (const change of mutations) mutate(event, change);
      return event;
    }
    const inner = { value: JSON.parse(event[field] as string) as Json };
    for (const change of mutations) mutate(inner, change);
    event[field] = JSON.stringify(inner.value) ?? '';
    return event;
  });

const anyInput = fc.anything({
  maxDepth: 4,
  withNullPrototype: true,
  withBigInt: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
});

const objectLike = fc.dictionary(
  fc.constantFrom(
    'detail-type',
    'detail',
    'source',
    'eventSource',
    'eventName',
    'invokingEvent',
    'resultToken',
    'ruleParameters',
    'id',
  ),
  replacement,
);

// ---------------------------------------------------------------------------------------------

describe('event parsers under fuzzing', () => {
  it('has real-shaped samples to mutate', () => {
    // Assess
    expect(apiCallSamples.length).toBeGreaterThanOrEqual(20);
    expect(configSamples.length).toBeGreaterThanOrEqual(5);
  });

  it('parseApiCallEvent returns a well-formed event or throws InvalidEventError for any input', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, objectLike), (input) => {
        holdsApiCall(input);
      }),
      settings,
    );
  });

  it('parseApiCallEvent holds on mutated sample events, with or without envelope', () => {
    // Prepare
    const outcomes = { parsed: 0, rejected: 0 };

    // Act
    fc.assert(
      fc.property(mutatedFrom(apiCallSamples), (input) => {
        const outcome = holdsApiCall(input);
        outcomes['value' in outcome ? 'parsed' : 'rejected'] += 1;
      }),
      settings,
    );

    // Assess: the mutations reach both outcomes, so the property is not vacuous
    expect(outcomes.parsed).toBeGreaterThan(RUNS / 10);
    expect(outcomes.rejected).toBeGreaterThan(RUNS / 10);
  });

  it('an event that parses in its envelope parses the same without it', () => {
    fc.assert(
      fc.property(
        mutatedFrom(apiCallSamples.filter(({ name }) => !name.startsWith('negative-'))),
        (input) => {
          const enveloped = holdsApiCall(input);
          const detail = (input as Record<string, unknown>).detail;
          if (!('value' in enveloped) || typeof detail !== 'object' || detail === null) return;
          if (typeof (detail as Record<string, unknown>).recipientAccountId !== 'string') return;
          const bare = holdsApiCall(detail);
          const { envelopeId: _envelopeId, ...expected } = enveloped.value;
          expect(bare).toEqual({ value: expected });
        },
      ),
      settings,
    );
  });

  it('parseConfigInvocation returns a well-formed invocation or throws InvalidEventError for any input', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, objectLike), (input) => {
        holdsConfigInvocation(input);
      }),
      settings,
    );
  });

  it('parseConfigInvocation holds on mutated sample invocations', () => {
    // Prepare
    const outcomes = { parsed: 0, rejected: 0 };

    // Act
    fc.assert(
      fc.property(mutatedConfigInvocation, (input) => {
        const outcome = holdsConfigInvocation(input);
        outcomes['value' in outcome ? 'parsed' : 'rejected'] += 1;
      }),
      settings,
    );

    // Assess
    expect(outcomes.parsed).toBeGreaterThan(RUNS / 10);
    expect(outcomes.rejected).toBeGreaterThan(RUNS / 10);
  });

  it('detectEventKind names a kind or throws InvalidEventError for any input', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, objectLike, mutatedFrom(samples)), (input) => {
        const outcome = attempt(() => detectEventKind(input));
        if ('value' in outcome) expect(['api-call', 'config-invocation']).toContain(outcome.value);
      }),
      settings,
    );
  });

  it('parseEventJson returns what JSON.parse returns or throws InvalidEventError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 })),
        fc.nat({ max: 400 }),
        (textInput, limit) => {
          const outcome = attempt(() => parseEventJson(textInput, limit));
          if ('value' in outcome) {
            expect(textInput.length).toBeLessThanOrEqual(limit);
            expect(outcome.value).toEqual(JSON.parse(textInput));
          }
        },
      ),
      settings,
    );
  });
});
