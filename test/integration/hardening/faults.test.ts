/**
 * Fault injection at the SDK boundary, for every AWS call every handler makes: each scenario is run
 * once cleanly to learn its calls, then once per call and per fault kind with that call failing
 * (throttling, 5xx, a timeout, access denied, not found). The failure is sticky: that call and every
 * later call of the same operation fail, as in an outage, so no retry inside the code can hide it.
 *
 * What must hold for every run:
 * - the handler returns or throws a GuardianError, nothing else;
 * - no EC2 write follows a failed read (no action on incomplete information);
 * - a wide rule is never revoked when an authorize that narrows it failed (clients keep access);
 * - a failure that is not an answer (anything but the "not found" / "access denied" answers the
 *   adapters turn into values) makes the invocation throw, so that Lambda retries it, unless the
 *   run's effects are exactly those of the clean run (nothing was lost);
 * - a run that threw, retried without the fault, ends in the clean run's state and repeats no write
 *   that had succeeded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GuardianError } from '../../../shared/errors.ts';
import { NARROWED_FROM_TAG } from '../../../shared/remediation/plan.ts';
import { FAULT_KINDS, type FaultKind, type Item, type SdkCall } from '../../support/sdk-account.ts';
import {
  accessOf,
  CONTEXTS,
  type Handlers,
  IDS,
  type Outcome,
  remediationRequest,
  run,
  sample,
  scheduledEvent,
  useDemoStack,
} from './support.ts';

// The logger returns to POWERTOOLS_LOG_LEVEL at every warm invocation: set it there. The executor's
// throttling back-off sleeps through the global setTimeout: run those at once.
const { account, handlers } = useDemoStack({ POWERTOOLS_LOG_LEVEL: 'SILENT' }, { immediateTimeouts: true });

// -------------------------------------------------------------------------------------------------
// Scenarios: one per handler and kind of work

interface Scenario {
  readonly name: string;
  readonly handler: keyof Handlers;
  readonly event: () => unknown;
  /** Groups whose ingress the scenario may change. */
  readonly groups: readonly string[];
  /** Whether the clean run writes to EC2 (so that the retry properties are not vacuous). */
  readonly writes: boolean;
}

/** An AuthorizeSecurityGroupIngress event for a group, recorded without rule ids (older events). */
const authorizeOnGroup = (groupId: string): Record<string, unknown> => {
  const event = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
  const detail = event.detail as { requestParameters: { groupId: string }; responseElements: unknown };
  detail.requestParameters.groupId = groupId;
  detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };
  return event;
};

const periodicIngressInvocation = (): Record<string, unknown> => ({
  ...sample('config-scheduled.json'),
  ruleParameters: JSON.stringify({ checkId: 'mq-broker-ingress-limited-to-used-protocols' }),
  configRuleName: 'mq-guardian-dev-mq-broker-ingress-limited-to-used-protocols',
});

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'on-ingress-event narrowing a world-open 0-65535 rule',
    handler: 'onIngressEvent',
    event: () => sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
    groups: [IDS.billingGroup],
    writes: true,
  },
  {
    name: 'on-ingress-event revoking all TCP from the VPC (customer key read too)',
    handler: 'onIngressEvent',
    event: () => sample('ec2-authorize-security-group-ingress-all-tcp-private.json'),
    groups: [IDS.ordersGroup],
    writes: true,
  },
  {
    name: 'on-ingress-event handling a remediation request',
    handler: 'onIngressEvent',
    event: () => remediationRequest([IDS.billing, IDS.orders]),
    groups: [IDS.billingGroup, IDS.ordersGroup],
    writes: true,
  },
  {
    name: 'on-ingress-event leaving a shared group alone',
    handler: 'onIngressEvent',
    event: () => sample('ec2-authorize-security-group-ingress-shared-group-ssh.json'),
    groups: [IDS.shippingGroup],
    writes: false,
  },
  {
    name: 'on-ingress-event finding the broker by listing',
    handler: 'onIngressEvent',
    event: () => authorizeOnGroup(IDS.notificationsGroup),
    groups: [IDS.notificationsGroup],
    writes: false,
  },
  {
    name: 'on-broker-event handing a broker to the remediator',
    handler: 'onBrokerEvent',
    event: () => sample('mq-update-broker.json'),
    groups: [IDS.ordersGroup],
    writes: false,
  },
  {
    name: 'on-broker-event describing every broker for a configuration change',
    handler: 'onBrokerEvent',
    event: () => sample('mq-update-configuration.json'),
    groups: [IDS.ordersGroup],
    writes: false,
  },
  {
    name: 'config-rule on a security-group change',
    handler: 'configRule',
    event: () => sample('config-change-security-group.json'),
    groups: [IDS.ordersGroup],
    writes: false,
  },
  {
    name: 'config-rule on a broker change',
    handler: 'configRule',
    event: () => sample('config-change-broker.json'),
    groups: [IDS.ordersGroup],
    writes: false,
  },
  {
    name: 'config-rule periodic run of an ingress check',
    handler: 'configRule',
    event: periodicIngressInvocation,
    groups: [],
    writes: false,
  },
  {
    name: 'sweep',
    handler: 'sweep',
    event: scheduledEvent,
    groups: [],
    writes: false,
  },
];

// -------------------------------------------------------------------------------------------------
// What a run did

interface Run {
  readonly outcome: Outcome;
  readonly calls: readonly SdkCall[];
  readonly access: readonly string[];
}

const invoke = async (scenario: Scenario): Promise<Run> => {
  const outcome = await run(handlers[scenario.handler], scenario.event(), CONTEXTS[scenario.handler]);
  return { outcome, calls: [...account.calls], access: accessOf(account, scenario.groups) };
};

const isEc2Write = (call: SdkCall): boolean =>
  call.service === 'ec2' && /^(Authorize|Revoke|Modify)/.test(call.operation);
const isRead = (call: SdkCall): boolean => /^(Describe|List|Get)/.test(call.operation);

/**
 * The effects of a run: its mutating calls and their exact inputs. Alert-state bookkeeping
 * (DynamoDB: claim tokens, clock times) is left out; an alert counts by its subject and attributes
 * (its body carries the time it was sent).
 */
/**
 * The writes of a run: EC2 writes in their order (authorize before revoke matters), the other writes
 * as a set (a sweep evaluates brokers concurrently, so their alerts may interleave differently).
 */
const effects = (calls: readonly SdkCall[]) => {
  const all = calls
    .filter((c) => !isRead(c) && c.service !== 'dynamodb')
    .map((c) => ({
      call: `${c.service}:${c.operation}`,
      input:
        c.operation === 'Publish'
          ? { Subject: c.input.Subject, MessageAttributes: c.input.MessageAttributes }
          : c.input,
    }));
  const others = all.filter((e) => !e.call.startsWith('ec2:')).map((e) => JSON.stringify(e));
  return { ec2: all.filter((e) => e.call.startsWith('ec2:')), others: others.sort() };
};

/**
 * Failures the adapters turn into answers (shared/aws/*: ToleratedErrors), by fault kind. Any failure
 * of DescribeConfiguration is one too: the snapshot keeps it as fields not read (the data-protection
 * check reports ERROR naming them), and nothing else depends on it.
 */
const isAnswer = (kind: FaultKind, call: SdkCall): boolean => {
  const key = `${call.service}:${call.operation}`;
  if (key === 'mq:DescribeConfiguration') return true;
  if (kind === 'not-found') {
    return [
      'mq:DescribeBroker',
      'mq:DescribeConfigurationRevision',
      'kms:DescribeKey',
      'ec2:RevokeSecurityGroupIngress',
      'config-service:GetResourceConfigHistory',
    ].includes(key);
  }
  return kind === 'access-denied' && key === 'kms:DescribeKey';
};

const narrowedFrom = (call: SdkCall): string | undefined => {
  const specs = (call.input.TagSpecifications as Item[] | undefined) ?? [];
  const tag = specs
    .flatMap((s) => (s.Tags as Item[] | undefined) ?? [])
    .find((t) => t.Key === NARROWED_FROM_TAG);
  return tag ? String(tag.Value) : undefined;
};

/** The checks every run must pass, faulted or not. */
const assertSafe = (result: Run, failedReads: (call: SdkCall) => boolean): void => {
  const { outcome, calls } = result;
  if (!outcome.ok) expect(outcome.error).toBeInstanceOf(GuardianError);

  // No EC2 write after a read that failed with anything but an answer.
  const firstFailedRead = calls.find((c) => c.error !== undefined && isRead(c) && failedReads(c));
  if (firstFailedRead) {
    const later = calls.filter((c) => c.index > firstFailedRead.index && isEc2Write(c));
    expect(later, `EC2 writes after ${firstFailedRead.operation} failed`).toEqual([]);
  }

  // A rule is revoked only once every authorize narrowing it went through.
  const failedNarrowings = new Set(
    calls
      .filter(
        (c) =>
          c.operation === 'AuthorizeSecurityGroupIngress' &&
          c.error !== undefined &&
          c.error !== 'InvalidPermission.Duplicate',
      )
      .map(narrowedFrom)
      .filter((id): id is string => id !== undefined),
  );
  const revoked = calls
    .filter((c) => c.operation === 'RevokeSecurityGroupIngress')
    .flatMap((c) => (c.input.SecurityGroupRuleIds as string[] | undefined) ?? []);
  expect(revoked.filter((id) => failedNarrowings.has(id))).toEqual([]);
};

/** Brokers of the account whose snapshot needs what `call` reads. */
const brokersReadBy = (call: SdkCall): string[] => {
  const brokers = account.state.brokers;
  const filterValues = ((call.input.Filters as Item[] | undefined) ?? []).flatMap(
    (f) => (f.Values as string[] | undefined) ?? [],
  );
  const ids = (keep: (broker: Item) => boolean) => brokers.filter(keep).map((b) => String(b.BrokerId));
  switch (`${call.service}:${call.operation}`) {
    case 'mq:ListBrokers':
      return ids(() => true);
    case 'mq:DescribeBroker':
      return [String(call.input.BrokerId)];
    case 'mq:DescribeConfigurationRevision':
      return ids((b) => {
        const { Current, Pending } = (b.Configurations ?? {}) as { Current?: Item; Pending?: Item };
        return [Current?.Id, Pending?.Id].includes(call.input.ConfigurationId as string);
      });
    case 'ec2:DescribeSecurityGroupRules':
    case 'ec2:DescribeSecurityGroups':
      return ids((b) =>
        ((b.SecurityGroups as string[] | undefined) ?? []).some((g) => filterValues.includes(g)),
      );
    case 'kms:DescribeKey':
      return ids((b) => (b.EncryptionOptions as Item | undefined)?.KmsKeyId === call.input.KeyId);
    default:
      return [];
  }
};

/**
 * What a failed run reports: no Config evaluation of a broker it could not read, none of a group
 * (judged from every broker using it), and no hand-over of a broker it could not read.
 */
const assertNothingReportedUnread = (result: Run): void => {
  const unread = new Set(
    result.calls.filter((c) => c.injected && isRead(c)).flatMap((c) => brokersReadBy(c)),
  );
  if (unread.size === 0 || result.outcome.ok) return;
  const posted = result.calls
    .filter((c) => c.operation === 'PutEvaluations')
    .flatMap((c) => c.input.Evaluations as Item[]);
  expect(posted.filter((e) => e.ComplianceResourceType === 'AWS::EC2::SecurityGroup')).toEqual([]);
  expect(posted.filter((e) => unread.has(String(e.ComplianceResourceId)))).toEqual([]);
  const handedOn = result.calls
    .filter((c) => c.operation === 'Invoke')
    .flatMap(
      (c) =>
        (
          JSON.parse(new TextDecoder().decode(c.input.Payload as unknown as Uint8Array)) as {
            detail: { brokerIds: string[] };
          }
        ).detail.brokerIds,
    );
  expect(handedOn.filter((id) => unread.has(id))).toEqual([]);
};

// -------------------------------------------------------------------------------------------------

describe.each(SCENARIOS)('$name under AWS faults', (scenario) => {
  let clean: Run;

  beforeAll(async () => {
    account.reset();
    clean = await invoke(scenario);
  });

  it('succeeds without faults and makes the expected kind of writes', () => {
    // Assess
    expect(clean.outcome).toMatchObject({ ok: true });
    expect(clean.calls.some(isEc2Write)).toBe(scenario.writes);
    if (!scenario.writes) expect(clean.calls.filter(isEc2Write)).toEqual([]);
  });

  it('makes no EC2 write when the same invocation runs again', async () => {
    // Prepare
    account.reset();
    await invoke(scenario);
    account.clearCalls();

    // Act
    const second = await invoke(scenario);

    // Assess
    expect(second.outcome).toMatchObject({ ok: true });
    expect(second.calls.filter(isEc2Write)).toEqual([]);
    expect(second.access).toEqual(clean.access);
  });

  it.each(FAULT_KINDS)('stays safe and fails for retry when a call fails with %s', async (kind) => {
    let threw = 0;
    for (const target of clean.calls) {
      // Prepare: this call and every later call of its operation fail.
      account.reset();
      const earlier = clean.calls.filter(
        (c) => c.index < target.index && c.service === target.service && c.operation === target.operation,
      ).length;
      account.fail({ on: `${target.service}:${target.operation}`, skip: earlier, error: kind });
      const label = `${kind} on call ${target.index} (${target.service}:${target.operation})`;

      // Act
      const faulted = await invoke(scenario);

      // Assess
      const injected = faulted.calls.find((c) => c.injected);
      if (injected === undefined) continue; // the fault changed the path before the call was reached
      assertSafe(faulted, (c) => !(c.injected && isAnswer(kind, c)));
      assertNothingReportedUnread(faulted);
      if (!isAnswer(kind, injected)) {
        if (faulted.outcome.ok) {
          expect(effects(faulted.calls), `${label}: reported success with different effects`).toEqual(
            effects(clean.calls),
          );
          expect(faulted.access, label).toEqual(clean.access);
        } else {
          threw += 1;
          // The retry, without the fault, ends where the clean run ends and repeats nothing done.
          account.clearCalls();
          account.clearFaults();
          const retry = await invoke(scenario);
          expect(retry.outcome, `${label}: retry`).toMatchObject({ ok: true });
          expect(retry.access, `${label}: state after retry`).toEqual(clean.access);
          const repeated = retry.calls.filter(
            (c) => isEc2Write(c) && /Duplicate|NotFound/.test(c.error ?? ''),
          );
          expect(repeated, `${label}: writes repeated by the retry`).toEqual([]);
        }
      }
    }
    // Assess: the faults reached the code (not vacuous)
    if (kind !== 'not-found') expect(threw).toBeGreaterThan(0);
  });
});

describe('a remediation request whose network-interface read fails', () => {
  // Production gap: shared/use-cases/build-snapshot.ts (readSecurityGroups) turns a failed
  // DescribeNetworkInterfaces into `otherUsers: null`; the planner then skips the group ("treated as
  // shared") and the remediation request returns `remediated` with nothing done. Safe (no revoke),
  // but the request is not retried: the disallowed ingress stays until the next sweep.
  it('fails the invocation, so that Lambda retries the request', async () => {
    // Prepare
    account.reset();
    account.fail({ on: 'DescribeNetworkInterfaces', error: 'throttling' });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing]),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(account.calls.some((c) => c.injected)).toBe(true);
    expect(account.ec2Writes()).toEqual([]);
    expect(result.ok).toBe(false);
  });

  it('never writes to EC2 while the interfaces are unknown', async () => {
    // Prepare
    account.reset();
    account.fail({ on: 'DescribeNetworkInterfaces', error: 'server-error' });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing]),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(account.calls.filter((c) => c.injected).map((c) => c.operation)).toEqual([
      'DescribeNetworkInterfaces',
    ]);
    expect(account.ec2Writes()).toEqual([]);
    expect(accessOf(account, [IDS.billingGroup])).toContain(`${IDS.billingGroup} tcp 0-65535 0.0.0.0/0`);
    if (!result.ok) expect(result.error).toBeInstanceOf(GuardianError);
  });
});

describe.each([
  ['DescribeSecurityGroupRules', 'the ingress rules of'],
  ['DescribeSecurityGroups', 'the group'],
] as const)('an ingress event whose %s read fails', (operation, what) => {
  it('alerts naming what could not be read, writes nothing and fails the invocation for retry', async () => {
    // Prepare: every read of the operation fails, as in an outage.
    account.reset();
    account.fail({ on: operation, error: 'server-error' });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(account.calls.some((c) => c.injected && c.operation === operation)).toBe(true);
    expect(account.ec2Writes()).toEqual([]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBeInstanceOf(GuardianError);
    const alerts = account.calls
      .filter((c) => c.operation === 'Publish' && c.error === undefined)
      .map((c) => String(c.input.Message));
    expect(
      alerts.some((m) => m.includes(`${what} ${IDS.billingGroup}`) && m.includes(`${operation} failed`)),
    ).toBe(true);
  });
});

describe('the sweep when alerts cannot be published', () => {
  // Production gap: shared/use-cases/sweep.ts rethrows only when a broker failed with an
  // AwsCallError (isAwsFailure). The alert sink throws AlertPublishError (a GuardianError whose
  // cause is the AwsCallError of Publish or UpdateItem), so the sweep logs the failure and returns
  // `swept`: the run is not retried and the alerts wait for the next scheduled sweep.
  it.each(['Publish', 'UpdateItem'])('fails the invocation when %s keeps failing', async (operation) => {
    // Prepare
    account.reset();
    account.fail({ on: operation, error: 'server-error' });

    // Act
    const result = await run(handlers.sweep, scheduledEvent(), CONTEXTS.sweep);

    // Assess
    expect(account.calls.some((c) => c.injected)).toBe(true);
    expect(result.ok).toBe(false);
  });

  it.each(['Publish', 'UpdateItem', 'BatchGetItem'])(
    'never writes to EC2 when %s fails',
    async (operation) => {
      // Prepare
      account.reset();
      account.fail({ on: operation, error: 'server-error' });

      // Act
      const result = await run(handlers.sweep, scheduledEvent(), CONTEXTS.sweep);

      // Assess
      expect(account.calls.some((c) => c.injected)).toBe(true);
      expect(account.ec2Writes()).toEqual([]);
      if (!result.ok) expect(result.error).toBeInstanceOf(GuardianError);
    },
  );
});

// -------------------------------------------------------------------------------------------------
// Changes between two calls

describe('changes between two calls', () => {
  it('a broker listed as being deleted and gone when described is reported gone by the sweep, and not handed on', async () => {
    // Prepare
    account.reset();
    account.before('ListBrokers', (_call, acc) => {
      // Listed DELETION_IN_PROGRESS (DeleteBroker is asynchronous), then gone before it is described.
      acc.updateBroker(IDS.orders, (broker) => {
        broker.BrokerState = 'DELETION_IN_PROGRESS';
      });
      queueMicrotask(() => acc.removeBroker(IDS.orders));
    });

    // Act
    const result = await run(handlers.sweep, scheduledEvent(), CONTEXTS.sweep);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { status: 'swept', gone: [IDS.orders] } });
    const described = account.calls.filter(
      (c) => c.operation === 'DescribeBroker' && c.input.BrokerId === IDS.orders,
    );
    expect(described.map((c) => c.error)).toEqual(['NotFoundException']);
    const handedOn = account.calls
      .filter((c) => c.operation === 'Invoke')
      .flatMap(
        (c) =>
          (
            JSON.parse(new TextDecoder().decode(c.input.Payload as unknown as Uint8Array)) as {
              detail: { brokerIds: string[] };
            }
          ).detail.brokerIds,
      );
    expect(handedOn).not.toContain(IDS.orders);
    expect(handedOn.length).toBeGreaterThan(0);
  });

  it('a broker listed as being deleted and gone when described is NOT_APPLICABLE in the periodic Config run', async () => {
    // Prepare
    account.reset();
    account.before('ListBrokers', (_call, acc) => {
      acc.updateBroker(IDS.billing, (broker) => {
        broker.BrokerState = 'DELETION_IN_PROGRESS';
      });
      queueMicrotask(() => acc.removeBroker(IDS.billing));
    });

    // Act
    const result = await run(handlers.configRule, periodicIngressInvocation(), CONTEXTS.configRule);

    // Assess
    expect(result).toMatchObject({ ok: true });
    const posted = account.calls
      .filter((c) => c.operation === 'PutEvaluations')
      .flatMap((c) => c.input.Evaluations as Item[]);
    expect(posted.find((e) => e.ComplianceResourceId === IDS.billing)).toMatchObject({
      ComplianceType: 'NOT_APPLICABLE',
    });
    // Its group is used by no broker any more: not judged on the deleted broker's protocols.
    expect(posted.map((e) => e.ComplianceResourceId)).not.toContain(IDS.billingGroup);
    expect(posted.map((e) => e.ComplianceResourceId)).toContain(IDS.ordersGroup);
  });

  it('a running broker DescribeBroker does not find after ListBrokers is a failure of the sweep, never gone', async () => {
    // Prepare
    account.reset();
    account.before('ListBrokers', (_call, acc) => queueMicrotask(() => acc.removeBroker(IDS.orders)));

    // Act
    const result = await run(handlers.sweep, scheduledEvent(), CONTEXTS.sweep);

    // Assess: the others are swept; the run names the broker it could not evaluate.
    expect(result).toMatchObject({ ok: true, value: { status: 'swept', gone: [] } });
    expect(JSON.stringify(result)).toContain(
      `ListBrokers lists ${IDS.orders} (RUNNING) but DescribeBroker does not find it, so its checks were not evaluated`,
    );
  });

  it('a running broker DescribeBroker does not find after ListBrokers fails the periodic Config run, to be retried, and is never NOT_APPLICABLE', async () => {
    // Prepare
    account.reset();
    account.before('ListBrokers', (_call, acc) => queueMicrotask(() => acc.removeBroker(IDS.billing)));

    // Act
    const result = await run(handlers.configRule, periodicIngressInvocation(), CONTEXTS.configRule);

    // Assess
    expect(result.ok).toBe(false);
    const posted = account.calls
      .filter((c) => c.operation === 'PutEvaluations')
      .flatMap((c) => c.input.Evaluations as Item[]);
    expect(posted.map((e) => e.ComplianceResourceId)).not.toContain(IDS.billing);
    expect(posted.map((e) => e.ComplianceResourceId)).toContain(IDS.orders);
  });

  it('a running broker DescribeBroker no longer finds after ListBrokers is a fact not read when a group is resolved by listing: nothing written, retried, then gone', async () => {
    // Prepare
    account.reset();
    let listings = 0;
    account.before('ListBrokers', (_call, acc) => {
      listings += 1;
      if (listings === 1) queueMicrotask(() => acc.removeBroker(IDS.notifications));
    });

    // Act
    const first = await run(
      handlers.onIngressEvent,
      authorizeOnGroup(IDS.notificationsGroup),
      CONTEXTS.onIngressEvent,
    );
    const retry = await run(
      handlers.onIngressEvent,
      authorizeOnGroup(IDS.notificationsGroup),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(first.ok).toBe(false);
    expect(String((first as { error: unknown }).error)).toContain(
      `ListBrokers lists ${IDS.notifications} (RUNNING) but DescribeBroker does not find it`,
    );
    expect(retry).toMatchObject({ ok: true, value: { brokers: [] } });
    expect(account.ec2Writes()).toEqual([]);
  });

  it('a rule revoked by someone else between the evaluation and the re-read is left alone', async () => {
    // Prepare: a remediation request reads the rules for the evaluation, then the executor re-reads
    // them (the second DescribeSecurityGroupRules) right before writing.
    account.reset();
    let reads = 0;
    account.before('DescribeSecurityGroupRules', (_call, acc) => {
      reads += 1;
      if (reads === 2) acc.removeRule(IDS.billingWideRule);
    });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing]),
      CONTEXTS.onIngressEvent,
    );

    // Assess: nothing to narrow, nothing written
    expect(result).toMatchObject({ ok: true });
    expect(reads).toBe(2);
    expect(account.ec2Writes()).toEqual([]);
  });

  it('on the event path, the rules read with the broker are the last read before writing: a rule revoked by then is left alone', async () => {
    // Prepare: the event path reads the rules once, in the round of DescribeBroker, and writes on
    // that read (it is as fresh as a re-read would be).
    account.reset();
    let reads = 0;
    account.before('DescribeSecurityGroupRules', (_call, acc) => {
      reads += 1;
      acc.removeRule(IDS.billingWideRule);
    });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      CONTEXTS.onIngressEvent,
    );

    // Assess: nothing to narrow, nothing written
    expect(result).toMatchObject({ ok: true });
    expect(reads).toBe(1);
    expect(account.ec2Writes()).toEqual([]);
  });

  it('a rule revoked by someone else between the re-read and the revoke ends as already gone, without a second revoke', async () => {
    // Prepare
    account.reset();
    account.before('RevokeSecurityGroupIngress', (call, acc) => {
      if (account.calls.filter((c) => c.operation === 'RevokeSecurityGroupIngress').length === 1) {
        acc.removeRule(String((call.input.SecurityGroupRuleIds as string[])[0]));
      }
    });

    // Act
    const result = await run(
      handlers.onIngressEvent,
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(result).toMatchObject({
      ok: true,
      value: {
        brokers: [
          {
            remediation: expect.arrayContaining([
              { kind: 'revoke', ruleId: IDS.billingWideRule, status: 'already-gone' },
            ]),
          },
        ],
      },
    });
    const revokes = account.calls.filter((c) => c.operation === 'RevokeSecurityGroupIngress');
    expect(revokes.map((c) => c.error)).toEqual(['InvalidSecurityGroupRuleId.NotFound']);
  });
});

// -------------------------------------------------------------------------------------------------
// AWS Config refusing evaluations

describe('PutEvaluations answering FailedEvaluations', () => {
  const refuseFor = (resourceId: string, times: number) => {
    let refused = 0;
    account.answer('PutEvaluations', (call) => {
      const evaluations = call.input.Evaluations as Item[];
      const mine = evaluations.filter((e) => e.ComplianceResourceId === resourceId);
      if (mine.length === 0 || refused >= times) return { FailedEvaluations: [] };
      refused += 1;
      return {
        FailedEvaluations: mine.map((e) => ({
          ...e,
          OrderingTimestamp: new Date(String(e.OrderingTimestamp)),
        })),
      };
    });
  };

  it('sends the refused evaluation once more and succeeds when Config then takes it', async () => {
    // Prepare
    account.reset();
    refuseFor(IDS.orders, 1);

    // Act
    const result = await run(handlers.configRule, sample('config-change-broker.json'), CONTEXTS.configRule);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { refused: [] } });
    const puts = account.calls.filter((c) => c.operation === 'PutEvaluations');
    expect(puts.map((c) => (c.input.Evaluations as Item[]).map((e) => e.ComplianceResourceId))).toEqual([
      [IDS.orders],
      [IDS.orders],
    ]);
  });

  it('fails the invocation (so it is retried) when Config refuses twice', async () => {
    // Prepare
    account.reset();
    refuseFor(IDS.billingGroup, 2);

    // Act
    const result = await run(handlers.configRule, periodicIngressInvocation(), CONTEXTS.configRule);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ code: 'CONFIG_EVALUATIONS_REFUSED' });
    const puts = account.calls.filter((c) => c.operation === 'PutEvaluations');
    // The retry sends only what was refused.
    expect(((puts.at(-1)?.input.Evaluations ?? []) as Item[]).map((e) => e.ComplianceResourceId)).toEqual([
      IDS.billingGroup,
    ]);
  });
});
