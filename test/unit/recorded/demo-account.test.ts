/**
 * The demo account (events/accounts/demo-account.json) must keep exercising every check: each broker
 * is there for a reason, and this test says which. Runs the real checks over snapshots read from it.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../../shared/checks/registry.ts';
import type { CheckId, FindingStatus } from '../../../shared/model/finding.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { buildSnapshot } from '../../../shared/use-cases/build-snapshot.ts';
import { evaluateSnapshot } from '../../../shared/use-cases/evaluate.ts';
import { demoAccount } from './account-builder.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const SETTINGS = { ...DEFAULT_SETTINGS, enabledOptInChecks: ['mq-broker-ldap-authentication' as const] };

const statusesOf = async (brokerName: string): Promise<Record<CheckId, FindingStatus>> => {
  const account = demoAccount();
  const summary = (await account.listBrokers()).find((b) => b.name === brokerName);
  if (!summary) throw new Error(`no broker ${brokerName} in the demo account`);
  const readers = { brokers: account, network: account, keys: account };
  const snapshot = await buildSnapshot(summary.id, readers, {
    account: account.accountId,
    region: account.region,
    now: NOW,
  });
  if (!snapshot) throw new Error(`broker ${brokerName} vanished`);
  const { findings } = evaluateSnapshot(snapshot, ALL_CHECKS, { settings: SETTINGS, now: NOW });
  return Object.fromEntries(findings.map((f) => [f.checkId, f.status])) as Record<CheckId, FindingStatus>;
};

describe('the demo account', () => {
  it('holds at least six brokers of both engines in us-east-1 of account 123456789012', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const brokers = await account.listBrokers();

    // Assess
    expect(account.accountId).toBe('123456789012');
    expect(account.region).toBe('us-east-1');
    expect(brokers.length).toBeGreaterThanOrEqual(6);
    expect(new Set(brokers.map((b) => b.engineType))).toEqual(new Set(['ACTIVEMQ', 'RABBITMQ']));
  });

  it('has a RabbitMQ broker with CONFIG_MANAGED authentication and no user list that every check evaluates', async () => {
    // Act
    const statuses = await statusesOf('notifications-prod');

    // Assess
    expect(Object.values(statuses)).toHaveLength(ALL_CHECKS.length);
    expect(Object.values(statuses)).not.toContain('ERROR');
    expect(statuses['mq-broker-ldap-authentication']).toBe('NOT_APPLICABLE');
  });

  it('has a private ActiveMQ broker that passes every check', async () => {
    // Act
    const statuses = await statusesOf('payments-prod');

    // Assess
    expect(Object.values(statuses)).toHaveLength(ALL_CHECKS.length);
    expect(new Set(Object.values(statuses))).toEqual(new Set(['PASS']));
  });

  it.each<[string, Partial<Record<CheckId, FindingStatus>>]>([
    [
      'orders-prod',
      {
        'mq-broker-ingress-limited-to-used-protocols': 'FAIL',
        'mq-broker-ingress-not-open-to-world': 'PASS',
        'mq-broker-ldap-authentication': 'PASS',
        'mq-broker-encrypted-with-customer-key': 'PASS',
      },
    ],
    [
      'inventory-dev',
      {
        'mq-broker-not-publicly-accessible': 'FAIL',
        'mq-broker-authorization-map-configured': 'FAIL',
        'mq-broker-ingress-not-open-to-world': 'FAIL',
        'mq-broker-audit-logging-enabled': 'FAIL',
        'mq-broker-auto-minor-version-upgrade-enabled': 'FAIL',
      },
    ],
    [
      'analytics-staging',
      { 'mq-broker-system-group-configured': 'FAIL', 'mq-broker-no-pii-in-identifiers': 'FAIL' },
    ],
    [
      'billing-legacy',
      {
        'mq-broker-engine-version-supported': 'FAIL',
        'mq-broker-encrypted-with-customer-key': 'FAIL',
        'mq-broker-ingress-not-open-to-world': 'FAIL',
        'mq-broker-highly-available': 'FAIL',
      },
    ],
    [
      'shipping-prod',
      {
        'mq-broker-ingress-limited-to-used-protocols': 'FAIL',
        'mq-broker-encrypted-with-customer-key': 'ERROR',
      },
    ],
    ['reporting-prod', { 'mq-broker-encrypted-with-customer-key': 'FAIL' }],
    [
      'events-public',
      {
        'mq-broker-not-publicly-accessible': 'FAIL',
        'mq-broker-ingress-not-open-to-world': 'NOT_APPLICABLE',
        'mq-broker-audit-logging-enabled': 'FAIL',
      },
    ],
    [
      'notifications-prod',
      {
        'mq-broker-highly-available': 'PASS',
        'mq-broker-ingress-limited-to-used-protocols': 'PASS',
        'mq-broker-audit-logging-enabled': 'PASS',
        'mq-broker-authorization-map-configured': 'NOT_APPLICABLE',
      },
    ],
  ])('has %s for the findings it stands for', async (name, expected) => {
    // Act
    const statuses = await statusesOf(name);

    // Assess
    expect(statuses).toMatchObject(expected);
  });

  it('makes every check fail on at least one broker', async () => {
    // Prepare
    const account = demoAccount();
    const names = (await account.listBrokers()).map((b) => b.name);

    // Act
    const all = await Promise.all(names.map(statusesOf));

    // Assess
    const failing = new Set(
      all.flatMap((statuses) =>
        Object.entries(statuses)
          .filter(([, s]) => s === 'FAIL')
          .map(([id]) => id),
      ),
    );
    expect([...failing].sort()).toEqual(ALL_CHECKS.map((c) => c.meta.id).sort());
  });

  it('exempts the rule tagged mq-guardian:allow on billing-legacy', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const [rule] = await account.describeRulesById(['sgr-0a1b2c3d4e5f60051']);

    // Assess
    expect(rule?.tags).toHaveProperty('mq-guardian:allow');
    expect(rule).toMatchObject({ fromPort: 5671, toPort: 5671 });
  });

  it('has a security group no broker and no interface uses', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const [interfaces, ids] = await Promise.all([
      account.describeNetworkInterfaces(['sg-0a1b2c3d4e5f60009']),
      account.findSecurityGroupIdsByName('mq-legacy-clients'),
    ]);

    // Assess
    expect(interfaces).toEqual([]);
    expect(ids).toEqual(['sg-0a1b2c3d4e5f60009']);
  });
});
