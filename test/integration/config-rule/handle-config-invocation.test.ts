/**
 * The Config-rule use case over a recorded account: the sample invocations of events/ against live
 * state, with the PutEvaluations writes the recorded account logs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { AwsCallError, InvalidEventError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { parseConfigInvocation } from '../../../shared/events/config-invocation.ts';
import { logger } from '../../../shared/logger.ts';
import type { BrokerSummary } from '../../../shared/model/types.ts';
import type { BrokerReader, ComplianceReporter, ConfigEvaluation } from '../../../shared/ports.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { lazyAdapter } from '../../../shared/runtime/lazy-adapter.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { type ConfigRuleDeps, handleConfigInvocation } from '../../../shared/use-cases/config-rule.ts';
import { BrokerFailuresError } from '../../../shared/use-cases/sweep.ts';
import {
  brokerId,
  CLIENTS_GROUP_ID,
  describeBroker,
  ingressRule,
  ORDERS_BROKER_ID,
  ORDERS_GROUP_ID,
  REGION,
  REPLICA_BROKER_ID,
  readEvent,
  recordedAccount,
  twoBrokersSharingAGroup,
  UNUSED_GROUP_ID,
} from './recorded-fixtures.ts';

const NOW = new Date('2025-03-10T10:00:05.000Z');
const BROKER_TYPE = 'AWS::AmazonMQ::Broker';
const GROUP_TYPE = 'AWS::EC2::SecurityGroup';

type EventJson = Record<string, unknown> & { invokingEvent: string };

/** A sample invocation, its invoking event edited and its top-level fields overridden. */
const sample = (
  file: string,
  edit: (invoking: Record<string, unknown>) => void = () => undefined,
  top: Record<string, unknown> = {},
) => {
  const event = readEvent(file) as EventJson;
  const invoking = JSON.parse(event.invokingEvent) as Record<string, unknown>;
  edit(invoking);
  return parseConfigInvocation({ ...event, invokingEvent: JSON.stringify(invoking), ...top });
};
const withCheck = (checkId: string) => ({ ruleParameters: JSON.stringify({ checkId }) });
const item = (invoking: Record<string, unknown>) => invoking.configurationItem as Record<string, unknown>;

const depsFor = (account: RecordedAccount, overrides: Partial<ConfigRuleDeps> = {}): ConfigRuleDeps => ({
  readers: { brokers: account, network: account, keys: account },
  compliance: account,
  settings: DEFAULT_SETTINGS,
  checks: enabledChecks(DEFAULT_SETTINGS),
  region: REGION,
  now: () => NOW,
  ...overrides,
});

/** The Evaluations of every PutEvaluations call the account recorded, one list per call. */
const putCalls = (account: RecordedAccount) =>
  account
    .writes()
    .filter((w) => w.operation === 'PutEvaluations')
    .map((w) => w.input as { ResultToken: string; Evaluations: Record<string, unknown>[] });

/** The account's Amazon MQ reader, whose listing also shows `extra`, a broker DescribeBroker does not find. */
const listingAlso = (account: RecordedAccount, extra: Omit<BrokerSummary, 'arn'>): BrokerReader => ({
  listBrokers: async () => [
    ...(await account.listBrokers()),
    { ...extra, arn: `arn:aws:mq:us-east-1:123456789012:broker:${extra.name}:${extra.id}` },
  ],
  describeBroker: (id) => account.describeBroker(id),
  describeConfigurationRevision: (ref) => account.describeConfigurationRevision(ref),
  describeConfiguration: (id) => account.describeConfiguration(id),
  describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
});

const brief = (e: ConfigEvaluation) => [e.complianceResourceType, e.complianceResourceId, e.complianceType];

/** A reporter over the account whose GetResourceConfigHistory answers `latest`. */
const withHistory = (
  account: RecordedAccount,
  latest: Record<string, unknown> | null,
): ComplianceReporter => ({
  putEvaluations: (token, evaluations) => account.putEvaluations(token, evaluations),
  startRulesEvaluation: (names) => account.startRulesEvaluation(names),
  getLatestConfigurationItem: async () => latest,
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('handleConfigInvocation', () => {
  describe('broker change', () => {
    it('evaluates the changed broker for the rule check only and posts it at the capture time', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      const result = await handleConfigInvocation(sample('config-change-broker.json'), depsFor(account));

      // Assess
      expect(result.failed).toEqual([]);
      expect(putCalls(account)).toEqual([
        {
          ResultToken: 'example-result-token-a1b2c3',
          Evaluations: [
            {
              ComplianceResourceType: BROKER_TYPE,
              ComplianceResourceId: ORDERS_BROKER_ID,
              ComplianceType: 'COMPLIANT',
              Annotation: `Broker orders-prod (${ORDERS_BROKER_ID}) publishes general and audit logs to CloudWatch Logs.`,
              OrderingTimestamp: new Date('2025-03-10T09:11:02.318Z'),
            },
          ],
        },
      ]);
      expect(account.readCounts().DescribeBroker).toBe(1);
    });

    it('reads no security group, rule or network interface for a check that does not depend on them', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      await handleConfigInvocation(sample('config-change-broker.json'), depsFor(account));

      // Assess
      const counts = account.readCounts();
      expect(
        ['DescribeSecurityGroupRules', 'DescribeSecurityGroups', 'DescribeNetworkInterfaces'].map(
          (operation) => counts[operation] ?? 0,
        ),
      ).toEqual([0, 0, 0]);
    });

    it('reads the groups of the broker for an ingress check', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      await handleConfigInvocation(
        sample(
          'config-change-broker.json',
          () => undefined,
          withCheck('mq-broker-ingress-not-open-to-world'),
        ),
        depsFor(account),
      );

      // Assess
      expect(account.readCounts().DescribeSecurityGroupRules).toBeGreaterThan(0);
    });

    it('judges live state, not the configuration item', async () => {
      // Prepare: the item says audit logs are on; DescribeBroker says they are off.
      const broker = {
        ...describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod' }),
        Logs: { Audit: false, General: true },
      };
      const account = recordedAccount({ brokers: [broker] });

      // Act
      const result = await handleConfigInvocation(sample('config-change-broker.json'), depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[BROKER_TYPE, ORDERS_BROKER_ID, 'NON_COMPLIANT']]);
      expect(result.evaluations[0]?.annotation).toContain('audit');
    });

    it('reports a broker that no longer exists as NOT_APPLICABLE', async () => {
      // Prepare
      const account = recordedAccount({ brokers: [describeBroker(REPLICA_BROKER_ID)] });

      // Act
      const result = await handleConfigInvocation(sample('config-change-broker.json'), depsFor(account));

      // Assess
      expect(result.evaluations).toEqual([
        {
          complianceResourceType: BROKER_TYPE,
          complianceResourceId: ORDERS_BROKER_ID,
          complianceType: 'NOT_APPLICABLE',
          annotation: `Broker ${ORDERS_BROKER_ID} no longer exists.`,
          orderingTimestamp: new Date('2025-03-10T09:11:02.318Z'),
        },
      ]);
    });

    it('keeps an annotation about many offending rules within 256 characters, rule ids first', async () => {
      // Prepare
      const rules = Array.from({ length: 30 }, (_, i) =>
        ingressRule(`sgr-0a1b2c3d4e5f6${(0x100 + i).toString(16)}`, { from: 1000 + i, cidr: '10.20.0.0/16' }),
      );
      const account = recordedAccount({
        brokers: [describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod' })],
        rules,
      });
      const invocation = sample(
        'config-change-broker.json',
        undefined,
        withCheck('mq-broker-ingress-limited-to-used-protocols'),
      );

      // Act
      const result = await handleConfigInvocation(invocation, depsFor(account));

      // Assess
      const annotation = result.evaluations[0]?.annotation ?? '';
      expect(result.evaluations[0]?.complianceType).toBe('NON_COMPLIANT');
      expect(annotation.length).toBeLessThanOrEqual(256);
      expect(annotation.startsWith('sgr-0a1b2c3d4e5f6100, sgr-0a1b2c3d4e5f6101')).toBe(true);
      expect(putCalls(account)[0]?.Evaluations[0]?.Annotation).toBe(annotation);
    });

    it('refuses a broker resource id that is not a broker id, before any read', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const invocation = sample('config-change-broker.json', (invoking) => {
        item(invoking).resourceId = 'orders-prod';
      });

      // Act
      const run = handleConfigInvocation(invocation, depsFor(account));

      // Assess
      await expect(run).rejects.toThrow(InvalidEventError);
      expect(account.readCounts()).toEqual({});
      expect(account.writes()).toEqual([]);
    });
  });

  describe('oversized change', () => {
    it('reads the item from the configuration history and falls back to the summary when Config has none', async () => {
      // Prepare: revision 1 is the default configuration, without an authorization map.
      const account = recordedAccount({
        brokers: [describeBroker(ORDERS_BROKER_ID, { name: 'orders-prod', revision: 1 })],
      });

      // Act
      const result = await handleConfigInvocation(sample('config-oversized-broker.json'), depsFor(account));

      // Assess
      expect(account.readCounts().GetResourceConfigHistory).toBe(1);
      expect(result.evaluations.map(brief)).toEqual([[BROKER_TYPE, ORDERS_BROKER_ID, 'NON_COMPLIANT']]);
      expect(result.evaluations[0]?.orderingTimestamp).toEqual(new Date('2025-03-10T09:15:07.661Z'));
      expect(putCalls(account)[0]?.ResultToken).toBe('example-result-token-b2c3d4');
    });

    it('takes a newer deletion from the history item and reads nothing else', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const latest = {
        resourceType: BROKER_TYPE,
        resourceId: ORDERS_BROKER_ID,
        configurationItemStatus: 'ResourceDeleted',
        configurationItemCaptureTime: '2025-03-10T09:20:00.000Z',
        configuration: null,
      };

      // Act
      const result = await handleConfigInvocation(
        sample('config-oversized-broker.json'),
        depsFor(account, { compliance: withHistory(account, latest) }),
      );

      // Assess
      expect(result.evaluations).toEqual([
        {
          complianceResourceType: BROKER_TYPE,
          complianceResourceId: ORDERS_BROKER_ID,
          complianceType: 'NOT_APPLICABLE',
          annotation: `Broker ${ORDERS_BROKER_ID} was deleted.`,
          orderingTimestamp: new Date('2025-03-10T09:20:00.000Z'),
        },
      ]);
      expect(account.readCounts().DescribeBroker).toBeUndefined();
    });

    it('keeps the summary when the history item is older than the notification', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const latest = {
        resourceType: BROKER_TYPE,
        resourceId: ORDERS_BROKER_ID,
        configurationItemStatus: 'ResourceDeleted',
        configurationItemCaptureTime: '2025-03-01T00:00:00.000Z',
      };

      // Act
      const result = await handleConfigInvocation(
        sample('config-oversized-broker.json'),
        depsFor(account, { compliance: withHistory(account, latest) }),
      );

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[BROKER_TYPE, ORDERS_BROKER_ID, 'COMPLIANT']]);
      expect(result.evaluations[0]?.orderingTimestamp).toEqual(new Date('2025-03-10T09:15:07.661Z'));
    });

    it.each([
      ['another resource', { resourceId: REPLICA_BROKER_ID }],
      ['an unknown status', { configurationItemStatus: 'Gone' }],
      ['no capture time', { configurationItemCaptureTime: undefined }],
    ])('refuses a history item naming %s and posts nothing', async (_case, change) => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const latest = {
        resourceType: BROKER_TYPE,
        resourceId: ORDERS_BROKER_ID,
        configurationItemStatus: 'OK',
        configurationItemCaptureTime: '2025-03-10T09:20:00.000Z',
        ...change,
      };

      // Act
      const run = handleConfigInvocation(
        sample('config-oversized-broker.json'),
        depsFor(account, { compliance: withHistory(account, latest) }),
      );

      // Assess
      await expect(run).rejects.toThrow(UnexpectedShapeError);
      expect(account.writes()).toEqual([]);
    });
  });

  describe('security-group change', () => {
    it('evaluates both brokers using the group and the group itself, in one call', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      const result = await handleConfigInvocation(
        sample('config-change-security-group.json'),
        depsFor(account),
      );

      // Assess
      expect(result.evaluations.map(brief)).toEqual([
        [BROKER_TYPE, ORDERS_BROKER_ID, 'NON_COMPLIANT'],
        [BROKER_TYPE, REPLICA_BROKER_ID, 'NON_COMPLIANT'],
        [GROUP_TYPE, ORDERS_GROUP_ID, 'NON_COMPLIANT'],
      ]);
      expect(result.evaluations[2]?.annotation).toBe(
        `Security group ${ORDERS_GROUP_ID}: rule sgr-0a1b2c3d4e5f60004 breaks mq-broker-ingress-limited-to-used-protocols for orders-prod (${ORDERS_BROKER_ID}), orders-replica (${REPLICA_BROKER_ID}).`,
      );
      expect(
        result.evaluations.every((e) => e.orderingTimestamp.toISOString() === '2025-03-10T09:23:30.104Z'),
      ).toBe(true);
      expect(putCalls(account)).toHaveLength(1);
      expect(putCalls(account)[0]?.Evaluations).toHaveLength(3);
    });

    it('names only the broker whose protocols the group rule exceeds', async () => {
      // Prepare: AMQP (5671) from 10.20.0.0/16; one broker uses AMQP, the other only OpenWire.
      const account = recordedAccount({
        brokers: [
          describeBroker(ORDERS_BROKER_ID, {
            name: 'orders-prod',
            tags: { 'mq-guardian:protocols': 'openwire,amqp' },
          }),
          describeBroker(REPLICA_BROKER_ID, {
            name: 'orders-replica',
            tags: { 'mq-guardian:protocols': 'openwire' },
          }),
        ],
        rules: [ingressRule('sgr-0a1b2c3d4e5f60006', { from: 5671 })],
      });

      // Act
      const result = await handleConfigInvocation(
        sample('config-change-security-group.json'),
        depsFor(account),
      );

      // Assess
      expect(result.evaluations.map(brief)).toEqual([
        [BROKER_TYPE, ORDERS_BROKER_ID, 'COMPLIANT'],
        [BROKER_TYPE, REPLICA_BROKER_ID, 'NON_COMPLIANT'],
        [GROUP_TYPE, ORDERS_GROUP_ID, 'NON_COMPLIANT'],
      ]);
      expect(result.evaluations[2]?.annotation).toContain(`orders-replica (${REPLICA_BROKER_ID})`);
      expect(result.evaluations[2]?.annotation).not.toContain('orders-prod');
    });

    it('gives the group COMPLIANT when every broker using it passes', async () => {
      // Prepare
      const account = recordedAccount({
        brokers: [describeBroker(ORDERS_BROKER_ID), describeBroker(REPLICA_BROKER_ID)],
        rules: [ingressRule('sgr-0a1b2c3d4e5f60005', { from: 61617, sourceGroupId: CLIENTS_GROUP_ID })],
      });

      // Act
      const result = await handleConfigInvocation(
        sample('config-change-security-group.json'),
        depsFor(account),
      );

      // Assess
      expect(result.evaluations.map((e) => e.complianceType)).toEqual([
        'COMPLIANT',
        'COMPLIANT',
        'COMPLIANT',
      ]);
    });

    it('gives a group no broker uses NOT_APPLICABLE and describes no broker', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const invocation = sample('config-change-security-group.json', (invoking) => {
        item(invoking).resourceId = UNUSED_GROUP_ID;
      });

      // Act
      const result = await handleConfigInvocation(invocation, depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[GROUP_TYPE, UNUSED_GROUP_ID, 'NOT_APPLICABLE']]);
      expect(account.readCounts().DescribeBroker).toBeUndefined();
    });

    it('gives the group NOT_APPLICABLE for a check that does not read groups, and reads nothing', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const invocation = sample(
        'config-change-security-group.json',
        undefined,
        withCheck('mq-broker-not-publicly-accessible'),
      );

      // Act
      const result = await handleConfigInvocation(invocation, depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[GROUP_TYPE, ORDERS_GROUP_ID, 'NOT_APPLICABLE']]);
      expect(account.readCounts()).toEqual({});
    });
  });

  describe('deleted resources and scope', () => {
    it.each([
      [
        'a deleted broker',
        'config-change-broker-deleted.json',
        () => undefined,
        {},
        brokerId(4),
        'was deleted',
      ],
      [
        'a broker deleted while not recorded',
        'config-change-broker.json',
        (invoking: Record<string, unknown>) => {
          item(invoking).configurationItemStatus = 'ResourceDeletedNotRecorded';
          item(invoking).configuration = null;
        },
        {},
        ORDERS_BROKER_ID,
        'was deleted',
      ],
      [
        'a deleted security group',
        'config-change-security-group.json',
        (invoking: Record<string, unknown>) => {
          item(invoking).configurationItemStatus = 'ResourceDeleted';
          item(invoking).configuration = null;
        },
        {},
        ORDERS_GROUP_ID,
        'was deleted',
      ],
      [
        'a broker that left the rule scope',
        'config-change-broker.json',
        () => undefined,
        { eventLeftScope: true },
        ORDERS_BROKER_ID,
        'no longer in the scope',
      ],
    ])(
      'reports %s as NOT_APPLICABLE without reading anything',
      async (_case, file, edit, top, resourceId, text) => {
        // Prepare
        const account = twoBrokersSharingAGroup();

        // Act
        const result = await handleConfigInvocation(sample(file, edit, top), depsFor(account));

        // Assess
        expect(result.evaluations).toHaveLength(1);
        expect(result.evaluations[0]?.complianceResourceId).toBe(resourceId);
        expect(result.evaluations[0]?.complianceType).toBe('NOT_APPLICABLE');
        expect(result.evaluations[0]?.annotation).toContain(text);
        expect(account.readCounts()).toEqual({});
        expect(putCalls(account)).toHaveLength(1);
      },
    );
  });

  describe('periodic run', () => {
    it('evaluates every listed broker at the notification time', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      const result = await handleConfigInvocation(sample('config-scheduled.json'), depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([
        [BROKER_TYPE, ORDERS_BROKER_ID, 'COMPLIANT'],
        [BROKER_TYPE, REPLICA_BROKER_ID, 'COMPLIANT'],
      ]);
      expect(
        result.evaluations.every((e) => e.orderingTimestamp.toISOString() === '2025-03-10T10:00:00.373Z'),
      ).toBe(true);
    });

    it('reports a broker that disappeared after the listing NOT_APPLICABLE and evaluates the others', async () => {
      // Prepare: brokerId(5) is listed but deleted by the time it is described; brokerId(4) was
      // deleted before the run and is not listed at all (its ResourceDeleted notification covers it).
      const account = twoBrokersSharingAGroup();
      const brokers = listingAlso(account, {
        id: brokerId(5),
        name: 'short-lived',
        engineType: 'ACTIVEMQ',
        state: 'DELETION_IN_PROGRESS',
        deploymentMode: 'SINGLE_INSTANCE',
      });

      // Act
      const result = await handleConfigInvocation(
        sample('config-scheduled.json'),
        depsFor(account, { readers: { brokers, network: account, keys: account } }),
      );

      // Assess
      expect(result.evaluations.map(brief)).toEqual([
        [BROKER_TYPE, ORDERS_BROKER_ID, 'COMPLIANT'],
        [BROKER_TYPE, REPLICA_BROKER_ID, 'COMPLIANT'],
        [BROKER_TYPE, brokerId(5), 'NOT_APPLICABLE'],
      ]);
      expect(result.evaluations[2]?.annotation).toBe(`Broker ${brokerId(5)} no longer exists.`);
      expect(result.evaluations.map((e) => e.complianceResourceId)).not.toContain(brokerId(4));
    });

    it('also evaluates every group the brokers use for an ingress check', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const invocation = sample(
        'config-scheduled.json',
        undefined,
        withCheck('mq-broker-ingress-limited-to-used-protocols'),
      );

      // Act
      const result = await handleConfigInvocation(invocation, depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([
        [BROKER_TYPE, ORDERS_BROKER_ID, 'NON_COMPLIANT'],
        [BROKER_TYPE, REPLICA_BROKER_ID, 'NON_COMPLIANT'],
        [GROUP_TYPE, ORDERS_GROUP_ID, 'NON_COMPLIANT'],
        [GROUP_TYPE, CLIENTS_GROUP_ID, 'COMPLIANT'],
      ]);
    });

    it.each([
      [100, [100]],
      [101, [100, 1]],
      [250, [100, 100, 50]],
    ])('posts %i brokers in PutEvaluations calls of %j', async (count, sizes) => {
      // Prepare
      const account = recordedAccount({
        brokers: Array.from({ length: count }, (_, i) => describeBroker(brokerId(0x100 + i))),
      });

      // Act
      const result = await handleConfigInvocation(sample('config-scheduled.json'), depsFor(account));

      // Assess
      expect(result.evaluations).toHaveLength(count);
      expect(putCalls(account).map((call) => call.Evaluations.length)).toEqual(sizes);
      expect(
        new Set(putCalls(account).flatMap((call) => call.Evaluations.map((e) => e.ComplianceResourceId)))
          .size,
      ).toBe(count);
      // One revision shared by every broker: read once.
      expect(account.readCounts().DescribeConfigurationRevision).toBe(1);
    });

    it('fails for a listed broker DescribeBroker does not find while the listing shows it running, after posting the others', async () => {
      // Prepare: one answer lags the other; the broker exists, so it is not reported as gone.
      const account = twoBrokersSharingAGroup();
      const brokers = listingAlso(account, {
        id: brokerId(6),
        name: 'new-one',
        engineType: 'RABBITMQ',
        state: 'RUNNING',
        deploymentMode: 'SINGLE_INSTANCE',
      });

      // Act
      const run = handleConfigInvocation(
        sample('config-scheduled.json'),
        depsFor(account, { readers: { brokers, network: account, keys: account } }),
      );

      // Assess
      await expect(run).rejects.toThrow(BrokerFailuresError);
      await expect(run).rejects.toMatchObject({
        failures: [{ brokerId: brokerId(6), error: expect.any(UnexpectedShapeError) }],
      });
      expect(putCalls(account).map((call) => call.Evaluations.map((e) => e.ComplianceResourceId))).toEqual([
        [ORDERS_BROKER_ID, REPLICA_BROKER_ID],
      ]);
    });

    it('posts the brokers it could read, leaves out the groups, then fails for the one it could not', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const brokers: BrokerReader = {
        listBrokers: () => account.listBrokers(),
        describeBroker: async (id) => {
          if (id === REPLICA_BROKER_ID)
            throw new AwsCallError('DescribeBroker', 'TooManyRequestsException', 'throttled');
          return account.describeBroker(id);
        },
        describeConfigurationRevision: (ref) => account.describeConfigurationRevision(ref),
        describeConfiguration: (id) => account.describeConfiguration(id),
        describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
      };
      const invocation = sample(
        'config-scheduled.json',
        undefined,
        withCheck('mq-broker-ingress-not-open-to-world'),
      );

      // Act
      const run = handleConfigInvocation(
        invocation,
        depsFor(account, { readers: { brokers, network: account, keys: account } }),
      );

      // Assess
      await expect(run).rejects.toThrow(BrokerFailuresError);
      await expect(run).rejects.toMatchObject({ failures: [{ brokerId: REPLICA_BROKER_ID }] });
      expect(putCalls(account).map((call) => call.Evaluations.map((e) => e.ComplianceResourceId))).toEqual([
        [ORDERS_BROKER_ID],
      ]);
    });
  });

  describe('disabled checks', () => {
    it('reports a check the settings do not switch on as NOT_APPLICABLE and reads nothing', async () => {
      // Prepare: mq-broker-ldap-authentication is opt-in, off by default.
      const account = twoBrokersSharingAGroup();
      const invocation = sample(
        'config-change-broker.json',
        undefined,
        withCheck('mq-broker-ldap-authentication'),
      );

      // Act
      const result = await handleConfigInvocation(invocation, depsFor(account));

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[BROKER_TYPE, ORDERS_BROKER_ID, 'NOT_APPLICABLE']]);
      expect(result.evaluations[0]?.annotation).toBe(
        'Check mq-broker-ldap-authentication is disabled in the mq-guardian settings.',
      );
      expect(account.readCounts()).toEqual({});
    });

    it('evaluates the check once the settings enable it', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();
      const settings = {
        ...DEFAULT_SETTINGS,
        enabledOptInChecks: ['mq-broker-ldap-authentication' as const],
      };
      const invocation = sample(
        'config-change-broker.json',
        undefined,
        withCheck('mq-broker-ldap-authentication'),
      );

      // Act
      const result = await handleConfigInvocation(
        invocation,
        depsFor(account, { settings, checks: enabledChecks(settings) }),
      );

      // Assess
      expect(result.evaluations.map(brief)).toEqual([[BROKER_TYPE, ORDERS_BROKER_ID, 'NON_COMPLIANT']]);
    });
  });

  describe('refused evaluations', () => {
    const refusing = (account: RecordedAccount, times: number): ComplianceReporter => {
      let calls = 0;
      return {
        async putEvaluations(token, evaluations) {
          await account.putEvaluations(token, evaluations);
          calls += 1;
          return calls <= times
            ? evaluations.filter((e) => e.complianceResourceId === REPLICA_BROKER_ID)
            : [];
        },
        startRulesEvaluation: (names) => account.startRulesEvaluation(names),
        getLatestConfigurationItem: (type, id) => account.getLatestConfigurationItem(type, id),
      };
    };

    it('sends an evaluation Config refused once more, alone', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      const result = await handleConfigInvocation(
        sample('config-scheduled.json'),
        depsFor(account, { compliance: refusing(account, 1) }),
      );

      // Assess
      expect(result.failed).toEqual([]);
      expect(putCalls(account).map((call) => call.Evaluations.map((e) => e.ComplianceResourceId))).toEqual([
        [ORDERS_BROKER_ID, REPLICA_BROKER_ID],
        [REPLICA_BROKER_ID],
      ]);
    });

    it('returns what Config refuses twice', async () => {
      // Prepare
      const account = twoBrokersSharingAGroup();

      // Act
      const result = await handleConfigInvocation(
        sample('config-scheduled.json'),
        depsFor(account, { compliance: refusing(account, 2) }),
      );

      // Assess
      expect(result.failed.map(brief)).toEqual([[BROKER_TYPE, REPLICA_BROKER_ID, 'COMPLIANT']]);
      expect(putCalls(account)).toHaveLength(2);
    });
  });

  describe('a Config client loaded on first use', () => {
    /** The account's reporter behind lazyAdapter, as the function builds it; `events` records the load. */
    const lazyReporter = (account: RecordedAccount, events: string[]): ComplianceReporter =>
      lazyAdapter(
        async () => {
          events.push('Config client load started');
          return withHistory(account, null);
        },
        { putEvaluations: true, startRulesEvaluation: true, getLatestConfigurationItem: true },
      );

    /** The account's brokers, recording when ListBrokers and DescribeBroker answer. */
    const recordingBrokers = (account: RecordedAccount, events: string[]): BrokerReader => ({
      describeBroker: async (id) => {
        const broker = await account.describeBroker(id);
        events.push('DescribeBroker answered');
        return broker;
      },
      listBrokers: async () => {
        const brokers = await account.listBrokers();
        events.push('ListBrokers answered');
        return brokers;
      },
      describeConfigurationRevision: (ref) => account.describeConfigurationRevision(ref),
      describeConfiguration: (id) => account.describeConfiguration(id),
      describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
    });

    it.each([
      ['a broker change', 'config-change-broker.json', 'DescribeBroker answered'],
      ['a periodic run', 'config-scheduled.json', 'ListBrokers answered'],
    ])(
      'starts loading it before the first Amazon MQ read of %s is answered',
      async (_, file, firstAnswer) => {
        // Prepare
        const account = twoBrokersSharingAGroup();
        const events: string[] = [];
        const deps = depsFor(account, {
          readers: { brokers: recordingBrokers(account, events), network: account, keys: account },
          compliance: lazyReporter(account, events),
        });

        // Act
        const result = await handleConfigInvocation(sample(file), deps);

        // Assess
        expect(result.failed).toEqual([]);
        expect(putCalls(account)).toHaveLength(1);
        expect(events.indexOf('Config client load started')).toBeGreaterThanOrEqual(0);
        expect(events.indexOf('Config client load started')).toBeLessThan(events.indexOf(firstAnswer));
      },
    );
  });
});
