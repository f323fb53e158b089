/**
 * Settings shared by every SDK client. Deliberately imports no `@aws-sdk/*` package: each service file
 * (`ec2.ts`, `mq.ts`, ...) builds its own client, so that a function bundle only loads the clients it
 * uses (the EC2 client alone is most of a bundle's size and cold-start time).
 */

/** Enough for a throttled burst (adaptive mode also slows the client down) without holding a Lambda for long. */
export const DEFAULT_MAX_ATTEMPTS = 5;

export interface SdkClientConfig {
  readonly region?: string;
  readonly retryMode: 'adaptive';
  readonly maxAttempts: number;
}

/**
 * Region from AWS_REGION (set by Lambda). When absent (the CLI on a workstation), the SDK's own chain
 * (profile, IMDS) decides. AWS_MAX_ATTEMPTS, the SDK's standard variable, still overrides the default.
 */
export const sdkClientConfig = (env: NodeJS.ProcessEnv = process.env): SdkClientConfig => {
  const region = env.AWS_REGION?.trim();
  return {
    ...(region ? { region } : {}),
    retryMode: 'adaptive',
    maxAttempts: parseMaxAttempts(env.AWS_MAX_ATTEMPTS) ?? DEFAULT_MAX_ATTEMPTS,
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
