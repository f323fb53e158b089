/**
 * A fact not read fails the remediating invocation (so that it is retried) with an error that names
 * the read whose answer was incomplete, and writes nothing. A broker that cannot be read at all is
 * announced once as an error (naming it and the reason), also when it was failing before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAlertPreview,
  createMemoryAlertStateStore,
  type MemoryAlertStateStore,
} from '../../../shared/alerts/memory.ts';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import type { RecordedAccountFile } from '../../../shared/recorded/account-file.ts';
import { type RecordedAccount, recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { evaluateBroker } from '../../../shared/use-cases/evaluate-broker.ts';

const ACCOUNT_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'events',
  'accounts',
  'shared-group-two-activemq.json',
);
const BROKER = 'b-5afe0002-0000-4000-8000-0000000000b1';
const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };
const DRY_RUN: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'dry-run' };
const NOW = new Date('2026-12-05T12:00:00Z');

const accountFailing = (failing: string[]) => {
  const file = JSON.parse(readFileSync(ACCOUNT_FILE, 'utf8')) as RecordedAccountFile;
  return recordedAccountFrom({
    ...file,
    unanswered: { securityGroups: [], brokers: [], failing },
  } as RecordedAccountFile);
};

/** What the remediating function passes evaluateBroker, over the recorded account. */
const depsOf = (account: RecordedAccount) => ({
  readers: { brokers: account, network: account, keys: account },
  writer: account,
  settings: ENFORCE,
  checks: enabledChecks(ENFORCE),
  account: account.accountId,
  region: account.region,
  now: () => NOW,
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('evaluateBroker with a read that fails', () => {
  it.each([
    ['DescribeNetworkInterfaces', 'DescribeNetworkInterfaces'],
    ['DescribeSecurityGroups', 'DescribeSecurityGroups'],
    ['ListBrokers', 'ListBrokers'],
  ])('when %s fails, throws IncompleteRead naming %s and writes nothing', async (failing, named) => {
    // Prepare
    const account = accountFailing([failing]);

    // Act
    const result = evaluateBroker(BROKER, depsOf(account));

    // Assess
    await expect(result).rejects.toMatchObject({ operation: named, awsErrorName: 'IncompleteRead' });
    expect(account.writes()).toEqual([]);
  });
});

describe('evaluateBroker for a broker that cannot be read', () => {
  const deps = (account: RecordedAccount, store: MemoryAlertStateStore) => {
    const preview = createAlertPreview({
      mode: 'enforce',
      account: account.accountId,
      region: account.region,
      now: () => NOW,
      store,
    });
    return { preview, deps: { ...depsOf(account), findingsSink: preview.sink } };
  };

  it('announces one error naming the broker and the reason, fails for retry, and stays quiet on the retries', async () => {
    // Prepare
    const account = accountFailing(['DescribeBroker']);
    const store = createMemoryAlertStateStore();

    // Act
    const attempts = [];
    for (let i = 0; i < 3; i += 1) {
      const { preview, deps: d } = deps(account, store);
      const failure = await evaluateBroker(BROKER, d).catch((error: unknown) => error);
      attempts.push({ failure, alerts: preview.alerts() });
    }

    // Assess
    for (const attempt of attempts) expect(attempt.failure).toMatchObject({ operation: 'DescribeBroker' });
    expect(attempts.map((a) => a.alerts.length)).toEqual([1, 0, 0]);
    const alert = attempts[0]?.alerts[0];
    expect(alert).toMatchObject({
      kind: 'finding',
      action: 'error',
      broker: { id: BROKER, name: 'orders-mq' },
    });
    expect(alert?.summary).toContain(
      `Broker orders-mq (${BROKER}) could not be evaluated: DescribeBroker failed`,
    );
    expect(alert?.checkIds).toEqual(enabledChecks(ENFORCE).map((c) => c.meta.id));
    expect(alert?.title).toBe('No check of the broker could be judged');
    expect(alert?.remediation.autoRemediable).toBe(false);
    expect(account.writes()).toEqual([]);
  });

  it('announces that a failing broker can no longer be judged, saying what failed before', async () => {
    // Prepare: the broker is judged once (its group is too wide), then its DescribeBroker starts failing.
    const store = createMemoryAlertStateStore();
    const readable = accountFailing([]);
    await evaluateBroker(BROKER, { ...deps(readable, store).deps, settings: DRY_RUN, writer: undefined });
    const unreadable = accountFailing(['DescribeBroker']);
    const { preview, deps: d } = deps(unreadable, store);

    // Act
    const failure = await evaluateBroker(BROKER, d).catch((error: unknown) => error);

    // Assess
    expect(failure).toMatchObject({ operation: 'DescribeBroker' });
    const [alert] = preview.alerts();
    expect(alert?.action).toBe('error');
    expect(alert?.finding.details).toContainEqual(
      expect.stringMatching(
        /^mq-broker-ingress-limited-to-used-protocols: cannot be judged; it was failing: /,
      ),
    );
  });
});
