/**
 * The sweep over a recorded account of 200 brokers: the Amazon MQ pace on a fake clock, the cache,
 * remediation hand-over and what happens when single brokers fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { AwsCallError, errorMessage, UnexpectedShapeError } from '../../../shared/errors.ts';
import type { RemediationRequest } from '../../../shared/events/remediation-request.ts';
import { logger } from '../../../shared/logger.ts';
import type { BrokerSummary } from '../../../shared/model/types.ts';
import type { BrokerReader, RemediationRequester } from '../../../shared/ports.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import type { FindingsSink } from '../../../shared/use-cases/handle-api-call.ts';
import {
  AMAZON_MQ_API_QUOTA,
  type Clock,
  createTokenBucket,
  rateLimitedBrokerReader,
  type TokenBucketLimits,
} from '../../../shared/use-cases/rate-limit.ts';
import {
  BrokerFailuresError,
  SWEEP_RATE_LIMIT,
  type SweepDeps,
  summarizeSweep,
  sweep,
} from '../../../shared/use-cases/sweep.ts';
import {
  ACCOUNT,
  brokerId,
  CLIENTS_GROUP_ID,
  describeBroker,
  ingressRule,
  ORDERS_GROUP_ID,
  REGION,
  recordedAccount,
} from '../config-rule/recorded-fixtures.ts';

const NOW = new Date('2025-03-10T11:00:00.000Z');
const BROKERS = 200;
const ids = Array.from({ length: BROKERS }, (_, i) => brokerId(0x1000 + i));
/** Odd brokers also use the clients group, whose rule opens every TCP port. */
const oddIds = ids.filter((_, i) => i % 2 === 1);

/**
 * 200 brokers: all in `sg-…0001` (OpenWire only from the clients group), the odd ones also in
 * `sg-…0003` (tcp 0-65535 from 10.20.0.0/16: failing ingress); revisions 1 and 2 alternate.
 */
const largeAccount = (): RecordedAccount =>
  recordedAccount({
    brokers: ids.map((id, i) =>
      describeBroker(id, {
        revision: (i % 2) + 1,
        groups: i % 2 === 1 ? [ORDERS_GROUP_ID, CLIENTS_GROUP_ID] : [ORDERS_GROUP_ID],
      }),
    ),
    rules: [
      ingressRule('sgr-0a1b2c3d4e5f60005', { from: 61617, sourceGroupId: CLIENTS_GROUP_ID }),
      ingressRule('sgr-0a1b2c3d4e5f60004', { groupId: CLIENTS_GROUP_ID, from: 0, to: 65535 }),
    ],
  });

const fakeClock = (): Clock => {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms) => {
      time += ms;
    },
  };
};

/** The account's MQ reader behind a token bucket on a fake clock, recording when each call reached "AWS". */
const pacedBrokers = (account: RecordedAccount, limits: TokenBucketLimits) => {
  const clock = fakeClock();
  const times: number[] = [];
  const at = <T>(call: () => Promise<T>) => {
    times.push(clock.now());
    return call();
  };
  const recording: BrokerReader = {
    describeBroker: (id) => at(() => account.describeBroker(id)),
    listBrokers: () => at(() => account.listBrokers()),
    describeConfigurationRevision: (ref) => at(() => account.describeConfigurationRevision(ref)),
    describeConfiguration: (id) => at(() => account.describeConfiguration(id)),
    describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
  };
  return { brokers: rateLimitedBrokerReader(recording, createTokenBucket(limits, clock)), times };
};

const busiestWindow = (times: readonly number[], windowMs: number): number => {
  let best = 0;
  for (let start = 0; start < times.length; start += 1) {
    let end = start;
    while (end < times.length && (times[end] as number) < (times[start] as number) + windowMs) end += 1;
    best = Math.max(best, end - start);
  }
  return best;
};

const recordingRequester = (fail?: (request: RemediationRequest, call: number) => Error | undefined) => {
  const requests: RemediationRequest[] = [];
  const requester: RemediationRequester = {
    async requestRemediation(request) {
      requests.push(request);
      const error = fail?.(request, requests.length);
      if (error) throw error;
    },
  };
  return { requester, requests };
};

const recordingSink = () => {
  const notified: string[] = [];
  const sink: FindingsSink = {
    async notify({ evaluation }) {
      notified.push(evaluation.snapshot.broker.id);
    },
  };
  return { sink, notified };
};

const depsFor = (
  account: RecordedAccount,
  overrides: Partial<SweepDeps> = {},
  settings: Settings = DEFAULT_SETTINGS,
): SweepDeps => ({
  readers: { brokers: account, network: account, keys: account },
  settings,
  checks: enabledChecks(settings),
  account: ACCOUNT,
  region: REGION,
  now: () => NOW,
  ...overrides,
});

/** The account's MQ reader, with `fail` deciding which DescribeBroker calls throw. */
const failingBrokers = (account: RecordedAccount, fail: (id: string) => Error | undefined): BrokerReader => ({
  listBrokers: () => account.listBrokers(),
  describeBroker: async (id) => {
    const error = fail(id);
    if (error) throw error;
    return account.describeBroker(id);
  },
  describeConfigurationRevision: (ref) => account.describeConfigurationRevision(ref),
  describeConfiguration: (id) => account.describeConfiguration(id),
  describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('sweep', () => {
  describe('Amazon MQ pace', () => {
    it('makes at most 100 Amazon MQ calls at once and at most 15 a second after that', async () => {
      // Prepare
      const account = largeAccount();
      const { brokers, times } = pacedBrokers(account, AMAZON_MQ_API_QUOTA);

      // Act
      const result = await sweep(
        depsFor(account, { readers: { brokers, network: account, keys: account }, concurrency: 8 }),
      );

      // Assess
      expect(result.outcomes.filter((o) => o.status === 'evaluated')).toHaveLength(BROKERS);
      // ListBrokers, 200 DescribeBroker, 2 revisions, their configuration.
      expect(times).toHaveLength(204);
      expect(busiestWindow(times, 1)).toBe(100);
      expect(busiestWindow(times.slice(100), 1000)).toBeLessThanOrEqual(15);
      expect(times.at(-1)).toBeGreaterThanOrEqual(((204 - 100) / 15) * 1000);
    });

    it('keeps to its own share of the quota by default', async () => {
      // Prepare
      const account = largeAccount();
      const { brokers, times } = pacedBrokers(account, SWEEP_RATE_LIMIT);

      // Act
      await sweep(depsFor(account, { readers: { brokers, network: account, keys: account } }));

      // Assess
      expect(busiestWindow(times, 1)).toBe(SWEEP_RATE_LIMIT.capacity);
      expect(busiestWindow(times.slice(SWEEP_RATE_LIMIT.capacity), 1000)).toBeLessThanOrEqual(
        SWEEP_RATE_LIMIT.refillPerSecond,
      );
    });
  });

  it('reads each shared configuration, its revision, group and key once', async () => {
    // Prepare
    const account = largeAccount();

    // Act
    await sweep(depsFor(account));

    // Assess
    expect(account.readCounts()).toEqual({
      ListBrokers: 1,
      DescribeBroker: BROKERS,
      DescribeConfigurationRevision: 2,
      DescribeConfiguration: 1,
      DescribeSecurityGroupRules: 2,
      DescribeSecurityGroups: 2,
      DescribeNetworkInterfaces: 2,
      DescribeKey: 1,
      DescribeBrokerEngineTypes: 1,
    });
  });

  it('hands the brokers with failing ingress to the remediating function in batches and writes nothing itself', async () => {
    // Prepare
    const account = largeAccount();
    const { requester, requests } = recordingRequester();

    // Act
    const result = await sweep(depsFor(account, { remediationRequester: requester }));

    // Assess
    expect(requests).toHaveLength(10);
    expect(requests[0]).toEqual({
      source: 'mq-guardian',
      'detail-type': 'Remediation Request',
      detail: { brokerIds: oddIds.slice(0, 10), reason: 'sweep' },
    });
    // In listing order, whatever order the concurrent evaluations finished in.
    expect(requests.map((r) => r.detail.brokerIds)).toEqual(
      Array.from({ length: 10 }, (_, i) => oddIds.slice(i * 10, i * 10 + 10)),
    );
    expect(result.remediationRequested).toHaveLength(100);
    expect(account.writes()).toEqual([]);
  });

  it('never writes, even in enforce mode with a writer passed along', async () => {
    // Prepare
    const account = largeAccount();
    const settings: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };
    const { requester, requests } = recordingRequester();
    const wider = { ...depsFor(account, { remediationRequester: requester }, settings), writer: account };

    // Act
    await sweep(wider);

    // Assess
    expect(account.writes()).toEqual([]);
    expect(requests.flatMap((r) => r.detail.brokerIds)).toHaveLength(100);
  });

  it.each([0, 201, 2.5])('refuses a remediation batch size of %d before reading anything', async (size) => {
    // Prepare
    const account = largeAccount();

    // Act
    const run = sweep(depsFor(account, { remediationBatchSize: size }));

    // Assess
    await expect(run).rejects.toThrow(RangeError);
    expect(account.readCounts()).toEqual({});
  });

  it('requests no remediation when remediation is off', async () => {
    // Prepare
    const account = largeAccount();
    const { requester, requests } = recordingRequester();
    const settings: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'off' };

    // Act
    const result = await sweep(depsFor(account, { remediationRequester: requester }, settings));

    // Assess
    expect(requests).toEqual([]);
    expect(result.remediationRequested).toEqual([]);
  });

  it('passes every broker evaluation to the findings sink', async () => {
    // Prepare
    const account = largeAccount();
    const { sink, notified } = recordingSink();

    // Act
    await sweep(depsFor(account, { findingsSink: sink }));

    // Assess
    expect([...notified].sort()).toEqual([...ids].sort());
  });

  it('finishes the other brokers when some fail with AWS errors, then throws for those', async () => {
    // Prepare
    const account = largeAccount();
    const broken = new Set([ids[3], ids[7]]);
    const brokers = failingBrokers(account, (id) =>
      broken.has(id)
        ? new AwsCallError('DescribeBroker', 'TooManyRequestsException', 'Rate exceeded')
        : undefined,
    );
    const { sink, notified } = recordingSink();
    const { requester, requests } = recordingRequester();

    // Act
    const run = sweep(
      depsFor(account, {
        readers: { brokers, network: account, keys: account },
        findingsSink: sink,
        remediationRequester: requester,
      }),
    );

    // Assess
    await expect(run).rejects.toThrow(BrokerFailuresError);
    await expect(run).rejects.toMatchObject({ failures: [{ brokerId: ids[3] }, { brokerId: ids[7] }] });
    // Every broker is announced: the two that could not be read as errors (alerts/plan.ts).
    expect([...notified].sort()).toEqual([...ids].sort());
    expect(requests.flatMap((r) => r.detail.brokerIds)).toHaveLength(98);
  });

  it('returns, without throwing, a failure a retry would not fix', async () => {
    // Prepare
    const account = largeAccount();
    const brokers = failingBrokers(account, (id) =>
      id === ids[5] ? new UnexpectedShapeError('DescribeBroker returned no EngineType') : undefined,
    );

    // Act
    const result = await sweep(depsFor(account, { readers: { brokers, network: account, keys: account } }));

    // Assess
    expect(result.failures).toEqual([{ brokerId: ids[5], error: expect.any(UnexpectedShapeError) }]);
    expect(result.outcomes).toHaveLength(BROKERS - 1);
  });

  describe('a listed broker DescribeBroker does not find', () => {
    /** The account's listing with one more broker, listed in `state`, that DescribeBroker does not know. */
    const listingOneMore = (account: RecordedAccount, state: BrokerSummary['state']): BrokerReader => ({
      ...failingBrokers(account, () => undefined),
      listBrokers: async () => [
        ...(await account.listBrokers()),
        {
          id: brokerId(0x2000),
          arn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:lagging:${brokerId(0x2000)}`,
          name: 'lagging',
          engineType: 'ACTIVEMQ',
          state,
          deploymentMode: 'SINGLE_INSTANCE',
        },
      ],
    });

    it.each(['RUNNING', 'CREATION_IN_PROGRESS', 'REBOOT_IN_PROGRESS'] as const)(
      'is a failure, not a gone broker, when the listing shows it %s',
      async (state) => {
        // Prepare
        const account = largeAccount();
        const brokers = listingOneMore(account, state);

        // Act
        const result = await sweep(
          depsFor(account, { readers: { brokers, network: account, keys: account } }),
        );

        // Assess
        expect(summarizeSweep(result).gone).toEqual([]);
        expect(result.failures).toEqual([
          { brokerId: brokerId(0x2000), error: expect.any(UnexpectedShapeError) },
        ]);
        expect(errorMessage(result.failures[0]?.error)).toBe(
          `ListBrokers lists ${brokerId(0x2000)} (${state}) but DescribeBroker does not find it, so its checks were not evaluated; only a broker being deleted is taken as gone`,
        );
        expect(result.outcomes).toHaveLength(BROKERS);
      },
    );

    it('is gone when the listing shows it being deleted', async () => {
      // Prepare
      const account = largeAccount();
      const brokers = listingOneMore(account, 'DELETION_IN_PROGRESS');

      // Act
      const result = await sweep(depsFor(account, { readers: { brokers, network: account, keys: account } }));

      // Assess
      expect(result.failures).toEqual([]);
      expect(summarizeSweep(result).gone).toEqual([brokerId(0x2000)]);
    });
  });

  it('counts a remediation request that could not be sent as a failure of its brokers', async () => {
    // Prepare
    const account = largeAccount();
    const { requester, requests } = recordingRequester((_request, call) =>
      call === 1 ? new AwsCallError('Invoke', 'TooManyRequestsException', 'Rate exceeded') : undefined,
    );

    // Act
    const run = sweep(depsFor(account, { remediationRequester: requester }));

    // Assess
    await expect(run).rejects.toThrow(BrokerFailuresError);
    await expect(run).rejects.toMatchObject({
      failures: oddIds.slice(0, 10).map((id) => ({ brokerId: id })),
    });
    expect(requests).toHaveLength(10);
  });

  it('fails at once when the brokers cannot be listed', async () => {
    // Prepare
    const account = largeAccount();
    const brokers: BrokerReader = {
      ...failingBrokers(account, () => undefined),
      listBrokers: async () => {
        throw new AwsCallError('ListBrokers', 'AccessDeniedException', 'not authorized');
      },
    };

    // Act
    const run = sweep(depsFor(account, { readers: { brokers, network: account, keys: account } }));

    // Assess
    await expect(run).rejects.toMatchObject({ operation: 'ListBrokers' });
    expect(account.readCounts().DescribeBroker).toBeUndefined();
  });
});
