/**
 * Fuzzing of every Lambda handler entry (the parsers themselves are fuzzed in events.test.ts):
 * random values and mutated real-shaped events go into functions/on-broker-event.ts,
 * on-ingress-event.ts, config-rule.ts and sweep.ts, loaded in enforce mode with every SDK client
 * served by a recorded account (test/support/sdk-account.ts), alerting on (SNS and the DynamoDB
 * alert-state table); in a quarter of the runs one AWS operation also fails (throttling, 5xx,
 * timeout, access denied, not found).
 *
 * Properties, per handler, 10 000 seeded runs each:
 * - the handler returns normally or throws a GuardianError, never anything else;
 * - an event the handler's parser rejects is acknowledged (`ignored`, never retried) without a single
 *   AWS call, so in particular without AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress,
 *   PutEvaluations, Invoke or Publish;
 * - whatever the handler acknowledges as ignored made no mutating call.
 *
 * The handlers are loaded once; between runs the account is reset (parsed again only after a write).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GuardianError, InvalidEventError } from '../../shared/errors.ts';
import { parseApiCallEvent } from '../../shared/events/cloudtrail.ts';
import { parseConfigInvocation } from '../../shared/events/config-invocation.ts';
import { isRemediationRequest, parseRemediationRequest } from '../../shared/events/remediation-request.ts';
import { CHECK_IDS } from '../../shared/model/finding.ts';
import {
  ACCOUNT,
  CONTEXTS,
  demoAccountText,
  type Handlers,
  IDS,
  loadHandlers,
  REGION,
  REMEDIATION_ROLE_ARN,
  ROOT,
  remediationRequest,
  run,
  sample,
  scheduledEvent,
} from '../integration/hardening/support.ts';
import { FAULT_KINDS, type FaultKind, SdkAccount } from '../support/sdk-account.ts';

const RUNS = 10_000;
const SEED = 20_250_911;
const settings = { numRuns: RUNS, seed: SEED };

const demo = demoAccountText();
const account = new SdkAccount(demo).install();
let handlers: Handlers;
let locate: typeof import('../../functions/sweep.ts').locate;

/**
 * The sweep reads every broker on every valid run; a two-broker account (one to narrow, one without
 * groups) keeps 10 000 sweeps within the time budget and still goes through every reader.
 */
const sweepAccount = (() => {
  const file = JSON.parse(demo) as { brokers: { BrokerId: string }[] };
  return JSON.stringify({
    ...file,
    brokers: file.brokers.filter((b) =>
      [IDS.billing, 'b-1a2b3c4d-0000-4000-8000-000000000009'].includes(b.BrokerId),
    ),
  });
})();

beforeAll(async () => {
  // The logger returns to POWERTOOLS_LOG_LEVEL at every warm invocation: set it there.
  handlers = await loadHandlers({ POWERTOOLS_LOG_LEVEL: 'SILENT' });
  // Imported after the environment is set, like the handlers.
  ({ locate } = await import('../../functions/sweep.ts'));
  // The executor backs off between throttled EC2 writes through the global setTimeout: no waiting
  // here. (middy imports its own setTimeout from node:timers and is not affected.)
  const realSetTimeout = globalThis.setTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void) =>
    realSetTimeout(callback, 0)) as never);
});

afterAll(() => {
  vi.restoreAllMocks();
  account.restore();
});

// -------------------------------------------------------------------------------------------------
// Inputs

const samples = readdirSync(join(ROOT, 'events'))
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, event: sample(name) }));
const mqSamples = samples.filter(({ name }) => name.startsWith('mq-'));
const ec2Samples = samples.filter(({ name }) => name.startsWith('ec2-') || name.startsWith('negative-'));
const configSamples = samples.filter(({ name }) => name.startsWith('config-'));
const requestSamples = [
  { name: 'request', event: remediationRequest([IDS.billing]) },
  { name: 'request-two', event: remediationRequest([IDS.orders, IDS.inventory], 'event e7a10030') },
  {
    name: 'request-actor',
    event: {
      ...remediationRequest([IDS.billing]),
      detail: {
        brokerIds: [IDS.billing],
        reason: 'event e7a10030-7d1a-4c2b-9f3e-1a2b3c4d0030',
        actor: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session',
          eventTime: '2025-03-10T11:20:05Z',
          eventId: 'e7a10030-7d1a-4c2b-9f3e-1a2b3c4d0030',
          eventName: 'AuthorizeSecurityGroupIngress',
        },
      },
    },
  },
];
const sweepSamples = [{ name: 'scheduled', event: scheduledEvent() }];

const interestingStrings = [
  '',
  'null',
  '__proto__',
  'constructor',
  ...Object.values(IDS),
  'b-1a2b3c4d-0000-4000-8000-000000000004',
  'b-1a2b3c4d-0000-4000-8000-000000000009',
  'c-1a2b3c4d-0000-4000-8000-000000000001',
  'c-1a2b3c4d-0000-4000-8000-000000000007',
  'sg-0a1b2c3d4e5f60002',
  'sg-0a1b2c3d4e5f60009',
  'sgr-0a1b2c3d4e5f60001',
  'sgr-0a1b2c3d4e5f60051',
  'mq-legacy-clients',
  'b-123',
  'sg-zzzzzzzz',
  `arn:aws:mq:${REGION}:${ACCOUNT}:broker:billing-legacy:${IDS.billing}`,
  `arn:aws:mq:${REGION}:${ACCOUNT}:configuration:c-1a2b3c4d-0000-4000-8000-000000000001`,
  REMEDIATION_ROLE_ARN,
  'arn:aws:sts::123456789012:assumed-role/mq-guardian-dev-remediator/s',
  'aws.amazonmq',
  'aws.ec2',
  'mq-guardian',
  'Remediation Request',
  'AWS API Call via CloudTrail',
  'amazonmq.amazonaws.com',
  'ec2.amazonaws.com',
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ModifySecurityGroupRules',
  'CreateTags',
  'UpdateBroker',
  'DeleteBroker',
  'AWS::AmazonMQ::Broker',
  'AWS::EC2::SecurityGroup',
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'ScheduledNotification',
  'ResourceDeleted',
  'OK',
  ...CHECK_IDS.map((id) => JSON.stringify({ checkId: id })),
  '2025-03-10T09:00:00Z',
  ACCOUNT,
  REGION,
  'mars-north-1',
  'x'.repeat(3000),
  '\u0000',
  '\ud800',
];

const replacement = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...interestingStrings) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, [], {}) },
);

type Mutation =
  | { readonly op: 'delete' | 'wrap-in-list' | 'stringify'; readonly at: number }
  | {
      readonly op: 'replace' | 'add-key';
      readonly at: number;
      readonly value: unknown;
      readonly key: string;
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete', 'wrap-in-list', 'stringify'), at: fc.nat() }),
  fc.record({
    op: fc.constantFrom('replace', 'add-key'),
    at: fc.nat(),
    value: replacement,
    key: fc.constantFrom(
      'errorCode',
      'brokerId',
      'groupId',
      'groupName',
      'items',
      'detail',
      'source',
      '__proto__',
    ),
  }),
);

type Slot = { readonly parent: Record<string, unknown> | unknown[]; readonly key: string | number };

const slotsOf = (root: unknown): Slot[] => {
  const slots: Slot[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => {
        slots.push({ parent: node, key: index });
        visit(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        slots.push({ parent: node as Record<string, unknown>, key });
        visit(child);
      }
    }
  };
  visit(root);
  return slots;
};

const mutate = (root: Record<string, unknown>, change: Mutation): void => {
  const slots = slotsOf(root);
  const slot = slots[change.at % Math.max(slots.length, 1)];
  if (slot === undefined) return;
  const parent = slot.parent as Record<string | number, unknown>;
  const current = parent[slot.key];
  switch (change.op) {
    case 'delete':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete parent[slot.key];
      return;
    case 'wrap-in-list':
      parent[slot.key] = [current];
      return;
    case 'stringify':
      parent[slot.key] = JSON.stringify(current) ?? 'undefined';
      return;
    case 'replace':
      parent[slot.key] = structuredClone(change.value);
      return;
    case 'add-key':
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        Object.defineProperty(current, change.key, {
          value: structuredClone(change.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return;
  }
};

/** Real-shaped events, unchanged (a fifth of the time) or with one to three mutations. */
const mutatedFrom = (pool: readonly { event: Record<string, unknown> }[], nested: readonly string[] = []) =>
  fc
    .record({
      sample: fc.constantFrom(...pool),
      bare: fc.boolean(),
      field: fc.constantFrom('top', ...nested),
      mutations: fc.oneof(
        { weight: 1, arbitrary: fc.constant([] as Mutation[]) },
        { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
      ),
    })
    .map(({ sample: picked, bare, field, mutations }) => {
      const event = structuredClone(picked.event);
      if (field !== 'top' && typeof event[field] === 'string') {
        // Config invocations nest JSON in strings: mutate inside them too.
        const inner = { value: JSON.parse(event[field] as string) as unknown };
        for (const change of mutations) mutate(inner, change);
        event[field] = JSON.stringify(inner.value) ?? '';
        return event;
      }
      const root =
        bare && typeof event.detail === 'object' && event.detail !== null
          ? (event.detail as Record<string, unknown>)
          : event;
      for (const change of mutations) mutate(root, change);
      return root;
    });

const anyInput = fc.anything({
  maxDepth: 3,
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
    'eventLeftScope',
    'account',
    'region',
  ),
  replacement,
);

const inputs = (pool: readonly { event: Record<string, unknown> }[], nested: readonly string[] = []) =>
  fc.oneof(
    { weight: 6, arbitrary: mutatedFrom(pool, nested) },
    { weight: 1, arbitrary: anyInput },
    { weight: 1, arbitrary: objectLike },
  );

const OPERATIONS = [
  'mq:DescribeBroker',
  'mq:ListBrokers',
  'mq:DescribeConfigurationRevision',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkInterfaces',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupIngress',
  'kms:DescribeKey',
  'config-service:PutEvaluations',
  'config-service:GetResourceConfigHistory',
  'lambda:Invoke',
  'sns:Publish',
  'dynamodb:BatchGetItem',
  'dynamodb:UpdateItem',
] as const;

/** No fault three times out of four; otherwise one operation fails from its n-th call on. */
const faults = fc.option(
  fc.record({
    on: fc.constantFrom(...OPERATIONS),
    kind: fc.constantFrom(...FAULT_KINDS),
    skip: fc.nat({ max: 3 }),
  }),
  { freq: 3 },
);

// -------------------------------------------------------------------------------------------------
// The property

type Verdict = 'valid' | 'invalid';

/** What the handler's own parser says about the input; anything but InvalidEventError escapes. */
const verdictOf = (parse: () => unknown): Verdict => {
  try {
    parse();
    return 'valid';
  } catch (error) {
    if (error instanceof InvalidEventError) return 'invalid';
    throw error;
  }
};

interface Tally {
  valid: number;
  invalid: number;
  threw: number;
  mutated: number;
}

const holds = async (
  handler: Handler,
  input: unknown,
  context: Context,
  verdict: Verdict,
  fault: { on: string; kind: FaultKind; skip: number } | null,
  tally: Tally,
): Promise<void> => {
  account.reset();
  if (fault) account.fail({ on: fault.on, skip: fault.skip, error: fault.kind });

  const outcome = await run(handler, input, context);

  tally[verdict] += 1;
  if (!outcome.ok) {
    tally.threw += 1;
    if (!(outcome.error instanceof GuardianError)) throw outcome.error;
  }
  if (account.mutatingCalls().length > 0) tally.mutated += 1;
  if (verdict === 'invalid') {
    expect(outcome).toEqual({ ok: true, value: { status: 'ignored', reason: expect.any(String) } });
    expect(account.operations()).toEqual([]);
  }
  if (outcome.ok && (outcome.value as { status?: unknown } | null)?.status === 'ignored') {
    expect(account.mutatingCalls()).toEqual([]);
  }
};

type Handler = Handlers[keyof Handlers];

const newTally = (): Tally => ({ valid: 0, invalid: 0, threw: 0, mutated: 0 });

/** Not vacuous: both verdicts are reached, and some valid runs get as far as a mutating call. */
const assertReached = (tally: Tally): void => {
  expect(tally.valid).toBeGreaterThan(RUNS / 10);
  expect(tally.invalid).toBeGreaterThan(RUNS / 10);
  expect(tally.mutated).toBeGreaterThan(RUNS / 100);
  expect(tally.threw).toBeGreaterThan(0);
};

describe('handlers under fuzzing', () => {
  it('on-broker-event returns or throws a GuardianError, and never calls AWS for an event it rejects', async () => {
    // Prepare
    const tally = newTally();
    account.useFile(demo);

    // Act
    await fc.assert(
      fc.asyncProperty(inputs([...mqSamples, ...ec2Samples.slice(0, 2)]), faults, async (input, fault) => {
        const verdict = verdictOf(() => parseApiCallEvent(input));
        await holds(handlers.onBrokerEvent, input, CONTEXTS.onBrokerEvent, verdict, fault, tally);
      }),
      settings,
    );

    // Assess
    assertReached(tally);
  });

  it('on-ingress-event returns or throws a GuardianError, and never calls AWS for an event it rejects', async () => {
    // Prepare
    const tally = newTally();
    account.useFile(demo);

    // Act
    await fc.assert(
      fc.asyncProperty(inputs([...ec2Samples, ...requestSamples]), faults, async (input, fault) => {
        const verdict = verdictOf(() =>
          isRemediationRequest(input) ? parseRemediationRequest(input) : parseApiCallEvent(input),
        );
        await holds(handlers.onIngressEvent, input, CONTEXTS.onIngressEvent, verdict, fault, tally);
      }),
      settings,
    );

    // Assess
    assertReached(tally);
  });

  it('config-rule returns or throws a GuardianError, and never calls AWS for an invocation it rejects', async () => {
    // Prepare
    const tally = newTally();
    account.useFile(demo);

    // Act
    await fc.assert(
      fc.asyncProperty(
        inputs(configSamples, ['invokingEvent', 'ruleParameters']),
        faults,
        async (input, fault) => {
          const verdict = verdictOf(() => parseConfigInvocation(input));
          await holds(handlers.configRule, input, CONTEXTS.configRule, verdict, fault, tally);
        },
      ),
      settings,
    );

    // Assess
    assertReached(tally);
  });

  it('sweep returns or throws a GuardianError, never writes to EC2, and calls nothing when it cannot tell where it runs', async () => {
    // Prepare
    const tally = newTally();
    account.useFile(sweepAccount);
    const arn = fc.oneof(
      fc.constant(CONTEXTS.sweep.invokedFunctionArn),
      fc.constant(''),
      fc.constantFrom(...interestingStrings),
      fc.string({ maxLength: 60 }),
    );

    // Act
    await fc.assert(
      fc.asyncProperty(
        inputs(sweepSamples),
        fc.option(arn, { freq: 2 }),
        faults,
        async (input, functionArn, fault) => {
          const context = {
            ...CONTEXTS.sweep,
            invokedFunctionArn: functionArn ?? (undefined as unknown as string),
          };
          let located = true;
          try {
            locate(input, functionArn ?? undefined);
          } catch (error) {
            if (!(error instanceof GuardianError)) throw error;
            located = false;
          }
          account.reset();
          if (fault) account.fail({ on: fault.on, skip: fault.skip, error: fault.kind });

          const outcome = await run(handlers.sweep, input, context);

          tally[located ? 'valid' : 'invalid'] += 1;
          if (!outcome.ok) {
            tally.threw += 1;
            if (!(outcome.error instanceof GuardianError)) throw outcome.error;
          }
          if (account.mutatingCalls().length > 0) tally.mutated += 1;
          expect(account.ec2Writes()).toEqual([]);
          if (!located) {
            expect(outcome).toMatchObject({ ok: false, error: { code: 'CONFIGURATION' } });
            expect(account.operations()).toEqual([]);
          }
        },
      ),
      settings,
    );

    // Assess
    assertReached(tally);
  });
});
