/**
 * Settings shared by every SDK client. Deliberately imports no `@aws-sdk/*` package: each service file
 * (`ec2.ts`, `mq.ts`, ...) builds its own client, so that a function bundle only loads the clients it
 * uses (the EC2 client alone is most of a bundle's size and cold-start time).
 */

/** Enough for a throttled burst (adaptive mode also slows the client down) without holding a Lambda for long. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * One attempt fails when the connection is not made within this time (then retried like any other
 * failed attempt). The SDK's own default is no limit.
 */
export const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * One attempt fails when its answer is not complete within this time. The SDK's default is no limit
 * (a stalled answer would hold the function until Lambda's timeout, 60 s, and fail the invocation
 * without saying which call). 10 s is far above what the Describe calls take, even at 1 000 items a
 * page; 5 attempts of 10 s still end before the functions' 60 s timeout.
 */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface SdkClientConfig {
  readonly region?: string;
  readonly retryMode: 'adaptive';
  readonly maxAttempts: number;
  /** Options of the SDK's Node.js HTTP handler (the client builds the handler from them). */
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    /** Without it, the handler only logs a warning when requestTimeout passes (@smithy/node-http-handler ≥ 4.4). */
    readonly throwOnRequestTimeout: true;
  };
}

/**
 * Region from AWS_REGION (set by Lambda). When absent (the CLI on a workstation), the SDK's own chain
 * (profile, IMDS) decides. AWS_MAX_ATTEMPTS, the SDK's standard variable, still overrides the default.
 * Every attempt is bounded in time (CONNECTION_TIMEOUT_MS, REQUEST_TIMEOUT_MS; docs/operations.md).
 */
export const sdkClientConfig = (env: NodeJS.ProcessEnv = process.env): SdkClientConfig => {
  const region = env.AWS_REGION?.trim();
  return {
    ...(region ? { region } : {}),
    retryMode: 'adaptive',
    maxAttempts: parseMaxAttempts(env.AWS_MAX_ATTEMPTS) ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
};

const parseMaxAttempts = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const attempts = Number(value.trim());
  return attempts >= 1 && attempts <= 20 ? attempts : undefined;
};

/** A value built on first use and kept for the life of the container (SDK clients hold connection pools). */
export const once = <T>(create: () => T): (() => T) => {
  let value: T | undefined;
  let created = false;
  return () => {
    if (!created) {
      value = create();
      created = true;
    }
    return value as T;
  };
};
