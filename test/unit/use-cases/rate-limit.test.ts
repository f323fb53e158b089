import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/errors.ts';
import type { BrokerSummary } from '../../../shared/model/types.ts';
import type { BrokerReader } from '../../../shared/ports.ts';
import { mapBounded, settleBounded } from '../../../shared/use-cases/bounded.ts';
import {
  AMAZON_MQ_API_QUOTA,
  type Clock,
  createTokenBucket,
  loadRateLimit,
  rateLimitedBrokerReader,
  pacedBrokerReader,
  REAL_TIME_RATE_LIMIT,
} from '../../../shared/use-cases/rate-limit.ts';

/** A clock that only moves when someone sleeps (or the test advances it): nothing really waits. */
const fakeClock = () => {
  let time = 0;
  const sleeps: number[] = [];
  const clock: Clock & { advance(ms: number): void; readonly sleeps: number[] } = {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    advance: (ms) => {
      time += ms;
    },
    sleeps,
  };
  return clock;
};

/** Takes `count` tokens one after the other and returns the clock's time at each. */
const acquireTimes = async (count: number, acquire: () => Promise<void>, now: () => number) => {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    await acquire();
    times.push(now());
  }
  return times;
};

/** The largest number of calls in any window of `windowMs` (window [t, t + windowMs)). */
const busiestWindow = (times: readonly number[], windowMs: number): number => {
  let best = 0;
  for (let start = 0; start < times.length; start += 1) {
    let end = start;
    while (end < times.length && (times[end] as number) < (times[start] as number) + windowMs) end += 1;
    best = Math.max(best, end - start);
  }
  return best;
};

describe('createTokenBucket', () => {
  it('serves a full burst at once and makes the next caller wait for one refill', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 2 }, clock);

    // Act
    const times = await acquireTimes(4, () => bucket.acquire(), clock.now);

    // Assess
    expect(times).toEqual([0, 0, 0, 500]);
    expect(clock.sleeps).toEqual([500]);
  });

  it('holds the Amazon MQ quota: at most 100 at once and 15 a second after that', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = createTokenBucket(AMAZON_MQ_API_QUOTA, clock);

    // Act
    const times = await acquireTimes(400, () => bucket.acquire(), clock.now);

    // Assess
    expect(times.filter((t) => t === 0)).toHaveLength(100);
    expect(busiestWindow(times, 1)).toBe(100);
    expect(busiestWindow(times.slice(100), 1000)).toBeLessThanOrEqual(15);
    // 300 calls beyond the burst at 15 a second take at least 20 seconds.
    expect(times.at(-1)).toBeGreaterThanOrEqual(20_000);
    expect(times.at(-1)).toBeLessThan(20_100);
  });

  it('refills while idle, but never beyond its capacity', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 5, refillPerSecond: 10 }, clock);
    await acquireTimes(5, () => bucket.acquire(), clock.now);

    // Act
    clock.advance(60_000);
    const times = await acquireTimes(6, () => bucket.acquire(), clock.now);

    // Assess
    expect(times).toEqual([60_000, 60_000, 60_000, 60_000, 60_000, 60_100]);
  });

  it('gives concurrent callers distinct tokens, in the order they asked', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = createTokenBucket({ capacity: 2, refillPerSecond: 4 }, clock);
    const order: number[] = [];

    // Act
    await Promise.all(
      Array.from({ length: 5 }, async (_, index) => {
        await bucket.acquire();
        order.push(index);
        return clock.now();
      }),
    );

    // Assess
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(clock.now()).toBe(750);
  });

  it.each([
    [{ capacity: 0, refillPerSecond: 1 }],
    [{ capacity: 1.5, refillPerSecond: 1 }],
    [{ capacity: 10, refillPerSecond: 0 }],
    [{ capacity: 10, refillPerSecond: Number.NaN }],
  ])('refuses limits %j', (limits) => {
    // Act
    const create = () => createTokenBucket(limits, fakeClock());

    // Assess
    expect(create).toThrow(ConfigurationError);
  });
});

describe('rateLimitedBrokerReader', () => {
  const summary: BrokerSummary = {
    id: 'b-1a2b3c4d-0000-4000-8000-000000000001',
    arn: 'arn:aws:mq:us-east-1:123456789012:broker:orders-prod:b-1a2b3c4d-0000-4000-8000-000000000001',
    name: 'orders-prod',
    engineType: 'ACTIVEMQ',
    state: 'RUNNING',
    deploymentMode: 'ACTIVE_STANDBY_MULTI_AZ',
  };

  it('takes a token before every Amazon MQ call and passes the answers through', async () => {
    // Prepare
    const clock = fakeClock();
    const calls: { operation: string; at: number }[] = [];
    const inner: BrokerReader = {
      describeBroker: async () => {
        calls.push({ operation: 'DescribeBroker', at: clock.now() });
        return null;
      },
      listBrokers: async () => {
        calls.push({ operation: 'ListBrokers', at: clock.now() });
        return [summary];
      },
      describeConfigurationRevision: async () => {
        calls.push({ operation: 'DescribeConfigurationRevision', at: clock.now() });
        return { data: 'PGJyb2tlci8+' };
      },
      describeConfiguration: async () => {
        calls.push({ operation: 'DescribeConfiguration', at: clock.now() });
        return null;
      },
      describeBrokerEngineTypes: async () => [],
    };
    const reader = rateLimitedBrokerReader(
      inner,
      createTokenBucket({ capacity: 1, refillPerSecond: 1 }, clock),
    );

    // Act
    const listed = await reader.listBrokers();
    const described = await reader.describeBroker(summary.id);
    const revision = await reader.describeConfigurationRevision({
      id: 'c-1a2b3c4d-0000-4000-8000-000000000001',
      revision: 2,
    });
    const configuration = await reader.describeConfiguration('c-1a2b3c4d-0000-4000-8000-000000000001');

    // Assess
    expect(listed).toEqual([summary]);
    expect(described).toBeNull();
    expect(revision).toEqual({ data: 'PGJyb2tlci8+' });
    expect(configuration).toBeNull();
    expect(calls).toEqual([
      { operation: 'ListBrokers', at: 0 },
      { operation: 'DescribeBroker', at: 1000 },
      { operation: 'DescribeConfigurationRevision', at: 2000 },
      { operation: 'DescribeConfiguration', at: 3000 },
    ]);
  });
});

describe('loadRateLimit', () => {
  const defaults = { capacity: 60, refillPerSecond: 10 };

  it('uses the defaults when the environment says nothing', () => {
    // Act
    const limits = loadRateLimit(defaults, {});

    // Assess
    expect(limits).toEqual(defaults);
  });

  it('takes narrower limits from the environment', () => {
    // Act
    const limits = loadRateLimit(defaults, { MQ_API_BURST: '20', MQ_API_RATE_PER_SECOND: '2.5' });

    // Assess
    expect(limits).toEqual({ capacity: 20, refillPerSecond: 2.5 });
  });

  it.each([
    [{ MQ_API_BURST: '101' }, 'may not exceed'],
    [{ MQ_API_RATE_PER_SECOND: '16' }, 'may not exceed'],
    [{ MQ_API_BURST: 'lots' }, 'MQ_API_BURST must be a positive number'],
    [{ MQ_API_RATE_PER_SECOND: '-1' }, 'MQ_API_RATE_PER_SECOND must be a positive number'],
    [{ MQ_API_BURST: '2.5' }, 'capacity must be a positive integer'],
  ])('refuses %j', (env, message) => {
    // Act
    const load = () => loadRateLimit(defaults, env);

    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(message);
  });
});

describe('settleBounded', () => {
  it('never runs more than the limit at once and keeps the items order', async () => {
    // Prepare
    let running = 0;
    let busiest = 0;
    const work = async (n: number) => {
      running += 1;
      busiest = Math.max(busiest, running);
      await new Promise((resolve) => setTimeout(resolve, n % 3));
      running -= 1;
      return n * 2;
    };

    // Act
    const results = await settleBounded([1, 2, 3, 4, 5, 6, 7, 8, 9], 3, work);

    // Assess
    expect(busiest).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : undefined))).toEqual([
      2, 4, 6, 8, 10, 12, 14, 16, 18,
    ]);
  });

  it('runs every item even when some fail', async () => {
    // Prepare
    const seen: number[] = [];

    // Act
    const results = await settleBounded([1, 2, 3, 4], 2, async (n) => {
      seen.push(n);
      if (n % 2 === 0) throw new Error(`item ${n}`);
      return n;
    });

    // Assess
    expect(seen.sort()).toEqual([1, 2, 3, 4]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(results[1]).toEqual({ status: 'rejected', reason: new Error('item 2') });
  });

  it('refuses a limit below one', async () => {
    // Act
    const run = settleBounded([1], 0, async (n) => n);

    // Assess
    await expect(run).rejects.toThrow(RangeError);
  });
});

describe('mapBounded', () => {
  it('returns results in the items order', async () => {
    // Act
    const results = await mapBounded([3, 1, 2], 2, async (n) => n * 10);

    // Assess
    expect(results).toEqual([30, 10, 20]);
  });

  it('rejects with the first failure in item order after all work has ended', async () => {
    // Prepare
    const done: number[] = [];

    // Act
    const run = mapBounded([1, 2, 3, 4], 2, async (n) => {
      if (n === 2 || n === 4) throw new Error(`item ${n}`);
      done.push(n);
      return n;
    });

    // Assess
    await expect(run).rejects.toThrow('item 2');
    expect(done.sort()).toEqual([1, 3]);
  });
});

describe('rateLimitedBrokerReader and the engine types', () => {
  it('passes DescribeBrokerEngineTypes through without a token: the reader answers it from memory', async () => {
    // Prepare
    const clock = fakeClock();
    const offers = [{ engineType: 'RABBITMQ', versions: ['4.2'] }];
    const inner: BrokerReader = {
      describeBroker: async () => null,
      listBrokers: async () => [],
      describeConfigurationRevision: async () => null,
      describeConfiguration: async () => null,
      describeBrokerEngineTypes: async () => offers,
    };
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 1 }, clock);
    const reader = rateLimitedBrokerReader(inner, bucket);

    // Act
    const first = await reader.describeBrokerEngineTypes();
    await reader.describeBrokerEngineTypes();
    await reader.listBrokers();

    // Assess: the single token was still there for ListBrokers
    expect(first).toBe(offers);
    expect(clock.now()).toBe(0);
  });
});

describe('pacedBrokerReader', () => {
  const reader = {
    describeBroker: async () => null,
    listBrokers: async () => [],
    describeConfigurationRevision: async () => null,
    describeConfiguration: async () => null,
    describeBrokerEngineTypes: async () => [],
  };

  it('returns the reader itself when MQ_API_RATE_LIMIT is off', () => {
    // Act / Assess
    expect(pacedBrokerReader(reader, REAL_TIME_RATE_LIMIT, { MQ_API_RATE_LIMIT: 'off' })).toBe(reader);
  });

  it('puts the reader behind a token bucket otherwise', () => {
    // Act
    const paced = pacedBrokerReader(reader, REAL_TIME_RATE_LIMIT, {});

    // Assess
    expect(paced).not.toBe(reader);
    expect(Object.keys(paced).sort()).toEqual([
      'describeBroker',
      'describeBrokerEngineTypes',
      'describeConfiguration',
      'describeConfigurationRevision',
      'listBrokers',
    ]);
  });

  it('still refuses limits above the Amazon MQ quota', () => {
    // Act / Assess
    expect(() => pacedBrokerReader(reader, REAL_TIME_RATE_LIMIT, { MQ_API_BURST: '500' })).toThrow(/quota/);
  });
});
