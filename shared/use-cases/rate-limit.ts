/**
 * Amazon MQ throttles every API of an account through one token bucket (burst 100, refill about 15 a
 * second: Amazon MQ Developer Guide, "Quotas in Amazon MQ", API throttling). The SDK's adaptive
 * retry recovers from throttling after the fact; a client-side bucket in front of the MQ reader
 * keeps a sweep over hundreds of brokers from emptying the account's bucket in the first place, so
 * the real-time functions, which share it, are not starved. Time is injectable: tests run on a fake clock and never really sleep.
 */
import { ConfigurationError } from '../errors.ts';
import type { BrokerReader } from '../ports.ts';

/** The account's Amazon MQ API quota. A client bucket must never be wider than this. */
export const AMAZON_MQ_API_QUOTA: TokenBucketLimits = { capacity: 100, refillPerSecond: 15 };

/**
 * The real-time functions' share, per container: half the account's burst and two thirds of its
 * rate. A change to a group shared by dozens of brokers describes every broker of the account before
 * it may write (which brokers use the group): in a 200-broker account that is about 250 Amazon MQ
 * calls, 20 s at this rate (57 s, near the 60 s timeout, at the former 20 and 4 a second). While a
 * sweep runs (13 a second) the account's bucket is over-asked: the SDK's adaptive retry slows both,
 * and a read that still fails is an unread fact (nothing written, the event retried).
 */
export const REAL_TIME_RATE_LIMIT: TokenBucketLimits = { capacity: 50, refillPerSecond: 10 };

export interface TokenBucketLimits {
  /** Tokens the bucket holds when full: the largest burst. */
  readonly capacity: number;
  /** Tokens added per second: the sustained rate. */
  readonly refillPerSecond: number;
}

export interface Clock {
  /** Milliseconds, monotonic enough for rate limiting. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface TokenBucket {
  /** Resolves when a token was taken. Callers are served in the order they asked. */
  acquire(): Promise<void>;
}

const validateLimits = (limits: TokenBucketLimits): void => {
  if (!Number.isInteger(limits.capacity) || limits.capacity < 1) {
    throw new ConfigurationError(`Token bucket capacity must be a positive integer (got ${limits.capacity})`);
  }
  if (!Number.isFinite(limits.refillPerSecond) || limits.refillPerSecond <= 0) {
    throw new ConfigurationError(
      `Token bucket refill rate must be a positive number (got ${limits.refillPerSecond})`,
    );
  }
};

/** A bucket that starts full. */
export const createTokenBucket = (limits: TokenBucketLimits, clock: Clock = systemClock): TokenBucket => {
  validateLimits(limits);
  let tokens = limits.capacity;
  let last = clock.now();
  // One taker at a time: concurrent callers queue on this chain, so no two see the same token.
  let tail: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = clock.now();
    if (now > last) {
      tokens = Math.min(limits.capacity, tokens + ((now - last) * limits.refillPerSecond) / 1000);
      last = now;
    }
  };

  const take = async (): Promise<void> => {
    for (;;) {
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.max(1, Math.ceil(((1 - tokens) * 1000) / limits.refillPerSecond)));
    }
  };

  return {
    acquire() {
      const turn = tail.then(take);
      tail = turn.catch(() => undefined);
      return turn;
    },
  };
};

/**
 * Every call takes a token first. `listBrokers` reads every page inside the adapter and takes one
 * token for the whole listing: a page holds 100 brokers, so the few extra calls of a large account
 * are left to the SDK's adaptive retry.
 */
export const rateLimitedBrokerReader = (reader: BrokerReader, bucket: TokenBucket): BrokerReader => ({
  async describeBroker(brokerId) {
    await bucket.acquire();
    return reader.describeBroker(brokerId);
  },
  async listBrokers() {
    await bucket.acquire();
    return reader.listBrokers();
  },
  async describeConfigurationRevision(ref) {
    await bucket.acquire();
    return reader.describeConfigurationRevision(ref);
  },
  async describeConfiguration(configurationId) {
    await bucket.acquire();
    return reader.describeConfiguration(configurationId);
  },
  // No token: the reader asks Amazon MQ once for its whole life and answers every later call from
  // memory, so a token per call would only slow snapshots down.
  describeBrokerEngineTypes: () => reader.describeBrokerEngineTypes(),
});

/** Environment variables that narrow a function's share of the account's Amazon MQ quota. */
export const RATE_LIMIT_ENV = {
  burst: 'MQ_API_BURST',
  ratePerSecond: 'MQ_API_RATE_PER_SECOND',
  /** `off`: no client-side pacing (tests and local replays that make thousands of calls; the stack never sets it). */
  switch: 'MQ_API_RATE_LIMIT',
} as const;

const positiveNumber = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value.trim());
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new ConfigurationError(`${name} must be a positive number (got "${value}")`);
  }
  return parsed;
};

/**
 * The limits a function uses: its defaults, narrowed by the environment. Values above the account
 * quota are refused, because a client bucket wider than AWS's own only hides throttling.
 */
export const loadRateLimit = (
  defaults: TokenBucketLimits,
  env: NodeJS.ProcessEnv = process.env,
): TokenBucketLimits => {
  const limits = {
    capacity: positiveNumber(RATE_LIMIT_ENV.burst, env[RATE_LIMIT_ENV.burst]) ?? defaults.capacity,
    refillPerSecond:
      positiveNumber(RATE_LIMIT_ENV.ratePerSecond, env[RATE_LIMIT_ENV.ratePerSecond]) ??
      defaults.refillPerSecond,
  };
  validateLimits(limits);
  if (
    limits.capacity > AMAZON_MQ_API_QUOTA.capacity ||
    limits.refillPerSecond > AMAZON_MQ_API_QUOTA.refillPerSecond
  ) {
    throw new ConfigurationError(
      `${RATE_LIMIT_ENV.burst} / ${RATE_LIMIT_ENV.ratePerSecond} may not exceed the Amazon MQ quota (burst ${AMAZON_MQ_API_QUOTA.capacity}, ${AMAZON_MQ_API_QUOTA.refillPerSecond}/s)`,
    );
  }
  return limits;
};

/**
 * The reader behind this container's token bucket (limits from `defaults`, narrowed by the
 * environment), or the reader itself when `MQ_API_RATE_LIMIT=off`.
 */
export const pacedBrokerReader = (
  reader: BrokerReader,
  defaults: TokenBucketLimits,
  env: NodeJS.ProcessEnv = process.env,
): BrokerReader =>
  env[RATE_LIMIT_ENV.switch]?.trim().toLowerCase() === 'off'
    ? reader
    : rateLimitedBrokerReader(reader, createTokenBucket(loadRateLimit(defaults, env)));
