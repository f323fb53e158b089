/**
 * An ActiveMQ broker always has a current configuration once created (Amazon MQ gives it a default one
 * when none is named): a DescribeBroker answer without `Configurations.Current` for a running broker is a
 * field not read, so the configuration checks report ERROR, never NOT_APPLICABLE.
 */
import { describe, expect, it } from 'vitest';
import { check as authorizationMap } from '../../../shared/checks/mq-broker-authorization-map-configured.ts';
import { check as systemGroup } from '../../../shared/checks/mq-broker-system-group-configured.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { AccountReaders } from '../../../shared/ports.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { buildSnapshot } from '../../../shared/use-cases/build-snapshot.ts';
import { aBrokerItem, anAccount, BROKER_ID } from '../recorded/account-builder.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const OPTIONS = { account: '123456789012', region: 'us-east-1', now: NOW };
const readersOf = (account: RecordedAccount): AccountReaders => ({
  brokers: account,
  network: account,
  keys: account,
});

const snapshotOf = async (state: string) => {
  const account = anAccount({
    brokers: [aBrokerItem({ BrokerState: state, Configurations: { History: [] } })],
  });
  const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);
  if (snapshot === null) throw new Error('broker not found');
  return snapshot;
};

describe('an ActiveMQ broker whose DescribeBroker answer has no current configuration', () => {
  it.each(['RUNNING', 'REBOOT_IN_PROGRESS', 'CRITICAL_ACTION_REQUIRED'])(
    'is an ERROR for both configuration checks when %s',
    async (state) => {
      // Prepare
      const snapshot = await snapshotOf(state);

      // Act
      const findings = [authorizationMap, systemGroup].map((c) =>
        c.evaluate(snapshot, { settings: DEFAULT_SETTINGS, now: NOW }),
      );

      // Assess
      expect(findings.map((f) => f.status)).toEqual(['ERROR', 'ERROR']);
    },
  );

  it('is not applicable while its creation failed', async () => {
    // Prepare
    const snapshot = await snapshotOf('CREATION_FAILED');

    // Act
    const finding = authorizationMap.evaluate(snapshot, { settings: DEFAULT_SETTINGS, now: NOW });

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
  });
});
