/**
 * SDK client settings that point a real client at a loopback AWS: the production settings
 * (shared/aws/clients.ts) with only the endpoint, static credentials and the retry delay changed.
 * Retries keep their count and their decisions (which errors are retried); only the back-off is cut
 * to a millisecond, through the SDK's own retry-strategy option, so throttling tests need no sleeps.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { DEFAULT_MAX_ATTEMPTS } from '../../../shared/aws/clients.ts';

export const LOOPBACK_REGION = 'us-east-1';

export interface LoopbackClientConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly retryStrategy: ConfiguredRetryStrategy;
}

export const loopbackClientConfig = (
  endpoint: string,
  options: { accessKeyId?: string; maxAttempts?: number; region?: string } = {},
): LoopbackClientConfig => ({
  region: options.region ?? LOOPBACK_REGION,
  endpoint,
  credentials: { accessKeyId: options.accessKeyId ?? 'AKIDLOOPBACK', secretAccessKey: 'loopback-secret' },
  retryStrategy: new ConfiguredRetryStrategy(options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, () => 1),
});
