/**
 * createAlertingSink over the in-memory store: the "no storms, no gaps" rules seen from what is
 * published, what the state table holds, and what Security Hub receives.
 */
import { describe, expect, it } from 'vitest';
import { type Alert, findingStateKey, outboxStateKey } from '../../../shared/alerts/alert.ts';
import type { AsffFinding } from '../../../shared/alerts/asff.ts';
import {
  createAlertPreview,
  createMemoryAlertStateStore,
  createRecordingPublisher,
  type MemoryAlertStateStore,
} from '../../../shared/alerts/memory.ts';
import type { AlertPublisher, AlertStateStore, FindingPublisher } from '../../../shared/alerts/ports.ts';
import { AlertPublishError, type AlertLogger, createAlertingSink } from '../../../shared/alerts/sink.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import type { RemediationMode } from '../../../shared/policy/settings.ts';
import { BROKER_ID } from '../../support/snapshot-builder.ts';
import {
  ACCOUNT,
  authorizeActor,
  createBrokerActor,
  EVALUATED_AT,
  evaluate,
  INGRESS_CHECKS,
  ingressSnapshot,
  PUBLIC_CHECKS,
  publicSnapshot,
  REGION,
  remediateWith,
  sshRule,
} from './scenarios.ts';

const PUBLIC_KEY = findingStateKey(ACCOUNT, REGION, 'mq-broker-not-publicly-accessible', BROKER_ID);
const failing = evaluate(publicSnapshot(true), PUBLIC_CHECKS);
const passing = evaluate(publicSnapshot(false), PUBLIC_CHECKS);

const recordingLogger = () => {
  const entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      entries.push({ level, message, fields: Object.assign({}, ...extra) });
  const logger: AlertLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, entries };
};

interface Setup {
  readonly store?: AlertStateStore;
  readonly publisher?: AlertPublisher;
  readonly securityHub?: FindingPublisher;
  readonly mode?: RemediationMode;
  readonly now?: () => Date;
}

const setup = (options: Setup = {}) => {
  const store = (options.store ?? createMemoryAlertStateStore()) as MemoryAlertStateStore;
  const recording = createRecordingPublisher();
  const { logger, entries } = recordingLogger();
  let token = 0;
  const sink = createAlertingSink({
    publisher: options.publisher ?? recording,
    stateStore: store,
    ...(options.securityHub ? { securityHub: options.securityHub } : {}),
    mode: options.mode ?? 'dry-run',
    account: ACCOUNT,
    region: REGION,
    now: options.now ?? (() => EVALUATED_AT),
    logger,
    newToken: () => {
      token += 1;
      return `token-${token}`;
    },
  });
  return { sink, store, published: recording.published, entries };
};

const recordingSecurityHub = (refuse: readonly string[] = []) => {
  const imports: AsffFinding[][] = [];
  let failNext = 0;
  const hub: FindingPublisher & { failNextCalls(n: number): void } = {
    async importFindings(findings) {
      if (failNext > 0) {
        failNext -= 1;
        throw new AwsCallError(
          'BatchImportFindings',
          'InvalidAccessException',
          'Security Hub is not enabled',
        );
      }
      imports.push([...findings]);
      return findings
        .filter((f) => refuse.includes(f.Id))
        .map((f) => ({ id: f.Id, code: 'InvalidInput', message: 'refused' }));
    },
    failNextCalls(n) {
      failNext = n;
    },
  };
  return { hub, imports };
};

describe('createAlertingSink: no storms', () => {
  it('sends one alert when the same event is delivered twice', async () => {
    // Prepare
    const { sink, published } = setup();

    // Act
    await sink.notify({ evaluation: failing, actor: createBrokerActor });
    await sink.notify({ evaluation: failing, actor: createBrokerActor });

    // Assess
    expect(published.map((a) => [a.action, a.actor?.eventId])).toEqual([
      ['alert', createBrokerActor.eventId],
    ]);
  });

  it('sends one alert for a finding failing across three sweeps, then one resolved when it clears', async () => {
    // Prepare
    const { sink, published } = setup();

    // Act
    for (let sweep = 0; sweep < 3; sweep += 1) await sink.notify({ evaluation: failing });
    await sink.notify({ evaluation: passing });
    await sink.notify({ evaluation: passing });

    // Assess
    expect(published.map((a) => a.action)).toEqual(['alert', 'resolved']);
  });

  it('announces a change once when two invocations evaluate it at the same time', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    let releasePublish: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      releasePublish = resolve;
    });
    const slow = createRecordingPublisher();
    const slowPublisher: AlertPublisher = {
      async publish(alert) {
        await gate;
        await slow.publish(alert);
      },
    };
    const first = setup({ store, publisher: slowPublisher });
    const second = setup({ store });

    // Act
    const firstDone = first.sink.notify({ evaluation: failing, actor: createBrokerActor });
    await new Promise((resolve) => setImmediate(resolve));
    await second.sink.notify({ evaluation: failing, actor: createBrokerActor });
    releasePublish();
    await firstDone;

    // Assess
    expect(slow.published).toHaveLength(1);
    expect(second.published).toEqual([]);
    expect(second.entries.map((e) => e.message)).toContain('Alert left to another invocation');
    expect(store.states().get(PUBLIC_KEY)?.announced?.status).toBe('FAIL');
  });

  it('announces a dry-run plan once however often it is planned again', async () => {
    // Prepare
    const { sink, published } = setup();
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);

    // Act
    for (let run = 0; run < 3; run += 1) {
      await sink.notify({
        evaluation,
        actor: authorizeActor,
        remediation: await remediateWith(evaluation, 'dry-run'),
      });
    }

    // Assess
    expect(published.map((a) => a.action)).toEqual(['would-revoke']);
  });
});

describe('createAlertingSink: no gaps', () => {
  it('fails the invocation and writes no state when the publish fails, so the retry announces', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const failingPublisher: AlertPublisher = {
      async publish() {
        throw new AwsCallError('Publish', 'InternalErrorException', 'Publish failed: InternalErrorException');
      },
    };
    const broken = setup({ store, publisher: failingPublisher });
    const healthy = setup({ store });

    // Act
    const error = await broken.sink.notify({ evaluation: failing }).catch((e: unknown) => e);
    await healthy.sink.notify({ evaluation: failing });

    // Assess
    expect(error).toBeInstanceOf(AlertPublishError);
    expect(healthy.published.map((a) => a.action)).toEqual(['alert']);
  });

  it('publishes again, with the same alert id, when the state could not be written after a publish', async () => {
    // Prepare
    const memory = createMemoryAlertStateStore();
    let commits = 0;
    const flaky: AlertStateStore = {
      ...memory,
      async commit(key, token, write) {
        commits += 1;
        if (commits === 1) throw new AwsCallError('UpdateItem', 'InternalServerError', 'UpdateItem failed');
        return memory.commit(key, token, write);
      },
    };
    const later = new Date(EVALUATED_AT.getTime() + 6 * 60_000);
    const first = setup({ store: flaky });
    const second = setup({ store: flaky, now: () => later });

    // Act
    await first.sink.notify({ evaluation: failing });
    await second.sink.notify({ evaluation: failing });
    await second.sink.notify({ evaluation: failing });

    // Assess
    expect(first.published).toHaveLength(1);
    expect(second.published).toHaveLength(1);
    expect(second.published[0]?.id).toBe(first.published[0]?.id);
    expect(first.entries.find((e) => e.level === 'warn')?.message).toBe(
      'Alert state not written; the alert may be sent again',
    );
  });

  it('waits for the lease of a claim whose holder died, then announces', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    await store.claim(PUBLIC_KEY, {
      expectedVersion: 0,
      token: 'crashed',
      until: new Date(EVALUATED_AT.getTime() + 5 * 60_000),
      now: EVALUATED_AT,
    });
    const during = setup({ store });
    const after = setup({ store, now: () => new Date(EVALUATED_AT.getTime() + 5 * 60_000 + 1) });

    // Act
    await during.sink.notify({ evaluation: failing });
    await after.sink.notify({ evaluation: failing });

    // Assess
    expect(during.published).toEqual([]);
    expect(after.published.map((a) => a.action)).toEqual(['alert']);
  });

  it('still publishes the other alerts of an evaluation when one fails, then throws', async () => {
    // Prepare
    const snapshot = ingressSnapshot([sshRule]);
    const evaluation = evaluate({ ...snapshot, broker: { ...snapshot.broker, publiclyAccessible: true } }, [
      ...PUBLIC_CHECKS,
      ...INGRESS_CHECKS,
    ]);
    const recording = createRecordingPublisher();
    const firstFails: AlertPublisher = {
      async publish(alert) {
        if (alert.checkId === 'mq-broker-not-publicly-accessible') {
          throw new AwsCallError('Publish', 'ThrottledException', 'Publish failed: ThrottledException');
        }
        await recording.publish(alert);
      },
    };
    const { sink } = setup({ publisher: firstFails });

    // Act
    const error = await sink.notify({ evaluation }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AlertPublishError);
    expect(recording.published.map((a) => a.checkId)).toEqual([
      'mq-broker-ingress-limited-to-used-protocols',
    ]);
  });
});

describe('createAlertingSink: outbox', () => {
  const OUTBOX_KEY = outboxStateKey(ACCOUNT, REGION, BROKER_ID);
  const unavailable: AlertPublisher = {
    async publish() {
      throw new AwsCallError('Publish', 'InternalErrorException', 'Publish failed: InternalErrorException');
    },
  };

  it('keeps a revoke it could not announce and announces it at the next evaluation, when the rule is gone', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');
    const broken = setup({ store, publisher: unavailable, mode: 'enforce' });
    const healthy = setup({ store, mode: 'enforce' });
    const afterRevoke = evaluate(ingressSnapshot([]), INGRESS_CHECKS, 'enforce');

    // Act
    const error = await broken.sink
      .notify({ evaluation, actor: authorizeActor, remediation })
      .catch((e: unknown) => e);
    const kept = store
      .states()
      .get(OUTBOX_KEY)
      ?.pending?.map((p) => p.alert.action);
    await healthy.sink.notify({ evaluation: afterRevoke, actor: authorizeActor });

    // Assess
    expect(error).toBeInstanceOf(AlertPublishError);
    expect(kept).toEqual(['revoked']);
    expect(healthy.published.map((a) => a.action)).toEqual(['revoked', 'resolved']);
    expect(healthy.published[0]?.remediation.undo[0]).toMatch(/^aws ec2 authorize-security-group-ingress /);
    expect(store.states().get(OUTBOX_KEY)?.pending).toBeUndefined();
  });

  it('keeps an alert once however often its publish fails', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const broken = setup({ store, publisher: unavailable });

    // Act
    await broken.sink.notify({ evaluation: failing }).catch(() => undefined);
    await broken.sink.notify({ evaluation: failing }).catch(() => undefined);
    const third = await broken.sink.notify({ evaluation: failing }).catch((e: unknown) => e);

    // Assess
    expect(third).toBeInstanceOf(AlertPublishError);
    expect(
      store
        .states()
        .get(OUTBOX_KEY)
        ?.pending?.map((p) => p.alert.action),
    ).toEqual(['alert']);
  });

  it('announces a kept finding alert once: its state is written when the outbox publishes it', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const broken = setup({ store, publisher: unavailable });
    const healthy = setup({ store });

    // Act
    await broken.sink.notify({ evaluation: failing }).catch(() => undefined);
    await healthy.sink.notify({ evaluation: failing });
    await healthy.sink.notify({ evaluation: failing });

    // Assess
    expect(healthy.published.map((a) => a.action)).toEqual(['alert']);
    expect(store.states().get(PUBLIC_KEY)?.announced?.status).toBe('FAIL');
  });
});

describe('createAlertingSink: Security Hub', () => {
  it('imports a failing finding once, not again on later sweeps, and PASSED when it clears', async () => {
    // Prepare
    const { hub, imports } = recordingSecurityHub();
    const { sink } = setup({ securityHub: hub });

    // Act
    await sink.notify({ evaluation: failing });
    await sink.notify({ evaluation: failing });
    await sink.notify({ evaluation: passing });

    // Assess
    expect(imports.map((batch) => batch.map((f) => [f.Id, f.Compliance.Status, f.RecordState]))).toEqual([
      [[PUBLIC_KEY, 'FAILED', 'ACTIVE']],
      [[PUBLIC_KEY, 'PASSED', 'ARCHIVED']],
    ]);
    expect(imports[1]?.[0]?.CreatedAt).toBe(imports[0]?.[0]?.CreatedAt);
  });

  it('never lets a Security Hub failure block or repeat the SNS alert, and retries the import next time', async () => {
    // Prepare
    const { hub, imports } = recordingSecurityHub();
    hub.failNextCalls(1);
    const { sink, published, entries } = setup({ securityHub: hub });

    // Act
    await sink.notify({ evaluation: failing });
    await sink.notify({ evaluation: failing });

    // Assess
    expect(published).toHaveLength(1);
    expect(
      entries.some((e) => e.level === 'error' && e.message.startsWith('Security Hub import failed')),
    ).toBe(true);
    expect(imports.map((batch) => batch.map((f) => f.Compliance.Status))).toEqual([['FAILED']]);
  });

  it('does not record a finding Security Hub refused, so it is sent again', async () => {
    // Prepare
    const { hub, imports } = recordingSecurityHub([PUBLIC_KEY]);
    const { sink, store } = setup({ securityHub: hub });

    // Act
    await sink.notify({ evaluation: failing });
    await sink.notify({ evaluation: failing });

    // Assess
    expect(imports).toHaveLength(2);
    expect(store.states().get(PUBLIC_KEY)?.securityHub).toBeUndefined();
  });
});

describe('createAlertPreview', () => {
  it('collects the alerts the deployed sink would send, deduplicated the same way', async () => {
    // Prepare
    const preview = createAlertPreview({
      mode: 'enforce',
      account: ACCOUNT,
      region: REGION,
      now: () => EVALUATED_AT,
    });
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');

    // Act
    await preview.sink.notify({ evaluation, actor: authorizeActor, remediation });
    await preview.sink.notify({ evaluation, actor: authorizeActor, remediation });

    // Assess
    expect(preview.alerts().map((a) => a.action)).toEqual(['revoked']);
  });
});

describe('createMemoryAlertStateStore', () => {
  const claim = (token: string, expectedVersion = 0, now = EVALUATED_AT) => ({
    expectedVersion,
    token,
    until: new Date(now.getTime() + 60_000),
    now,
  });

  it('settles an outbox by index, keeping what was stashed while it was being published', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => ({
      alert: { id } as unknown as Alert,
      commits: [],
    }));
    await store.stash('outbox', [a!, b!], 2_000_000_000);
    await store.claim('outbox', claim('t'));
    await store.stash('outbox', [c!], 2_000_000_000);

    // Act
    const settled = await store.settleOutbox('outbox', 't', [0, 1]);

    // Assess
    expect(settled).toBe(true);
    expect(
      store
        .states()
        .get('outbox')
        ?.pending?.map((p) => p.alert.id),
    ).toEqual(['c']);
  });

  it('lets one claim win, and only its holder commit', async () => {
    // Prepare
    const store = createMemoryAlertStateStore();
    const write = {
      announced: {
        kind: 'finding' as const,
        status: 'FAIL',
        items: [],
        announcedAt: EVALUATED_AT.toISOString(),
      },
      seenAt: EVALUATED_AT.toISOString(),
      expiresAt: 2_000_000_000,
    };

    // Act
    const a = await store.claim('k', claim('a'));
    const b = await store.claim('k', claim('b'));
    const wrongCommit = await store.commit('k', 'b', write);
    const rightCommit = await store.commit('k', 'a', write);
    const stale = await store.claim('k', claim('c', 0));

    // Assess
    expect([a, b, wrongCommit, rightCommit, stale]).toEqual([true, false, false, true, false]);
    expect(store.states().get('k')?.version).toBe(1);
  });
});

describe('createAlertingSink concurrency', () => {
  it('publishes alerts with disjoint state keys together, each exactly once', async () => {
    // Prepare: a world-open ssh rule fails both ingress checks: two independent finding alerts.
    let inFlight = 0;
    let maxInFlight = 0;
    const published: Alert[] = [];
    const slowPublisher: AlertPublisher = {
      async publish(alert) {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        published.push(alert);
        inFlight -= 1;
      },
    };
    const { sink } = setup({ publisher: slowPublisher });
    const worldSsh = { ...sshRule, source: { kind: 'cidrIpv4' as const, cidr: '0.0.0.0/0' } };
    const evaluation = evaluate(ingressSnapshot([worldSsh]), INGRESS_CHECKS, 'dry-run');

    // Act
    await sink.notify({ evaluation });
    await sink.notify({ evaluation });

    // Assess
    expect(published).toHaveLength(2);
    expect(new Set(published.map((a) => a.id)).size).toBe(published.length);
    expect(maxInFlight).toBe(published.length);
  });
});
