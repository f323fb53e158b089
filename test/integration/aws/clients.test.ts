import { afterEach, describe, expect, it, vi } from 'vitest';
import { getConfigClient } from '../../../shared/aws/config.ts';
import { DEFAULT_MAX_ATTEMPTS, once, sdkClientConfig } from '../../../shared/aws/clients.ts';
import { getEc2Client } from '../../../shared/aws/ec2.ts';
import { getKmsClient } from '../../../shared/aws/kms.ts';
import { getMqClient } from '../../../shared/aws/mq.ts';

describe('sdkClientConfig', () => {
  it('takes the region from AWS_REGION and retries adaptively', () => {
    // Act
    const config = sdkClientConfig({ AWS_REGION: 'eu-west-1' });

    // Assess
    expect(config).toEqual({ region: 'eu-west-1', retryMode: 'adaptive', maxAttempts: DEFAULT_MAX_ATTEMPTS });
  });

  it('leaves the region to the SDK chain when AWS_REGION is unset or blank', () => {
    // Act
    const unset = sdkClientConfig({});
    const blank = sdkClientConfig({ AWS_REGION: '  ' });

    // Assess
    expect(unset).not.toHaveProperty('region');
    expect(blank).not.toHaveProperty('region');
  });

  it.each([
    ['3', 3],
    ['1', 1],
    ['0', DEFAULT_MAX_ATTEMPTS],
    ['21', DEFAULT_MAX_ATTEMPTS],
    ['three', DEFAULT_MAX_ATTEMPTS],
    ['2.5', DEFAULT_MAX_ATTEMPTS],
  ])('reads AWS_MAX_ATTEMPTS=%s as %i attempts', (value, attempts) => {
    // Act
    const config = sdkClientConfig({ AWS_MAX_ATTEMPTS: value });

    // Assess
    expect(config.maxAttempts).toBe(attempts);
  });
});

describe('once', () => {
  it('creates the value on first use only', () => {
    // Prepare
    const create = vi.fn(() => ({ created: true }));
    const get = once(create);

    // Act
    const first = get();
    const second = get();

    // Assess
    expect(create).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
  });
});

describe('client getters', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['EC2', getEc2Client],
    ['Amazon MQ', getMqClient],
    ['KMS', getKmsClient],
    ['Config', getConfigClient],
  ] as const)('build one %s client per container, adaptive, in AWS_REGION', async (_, getClient) => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'ap-southeast-2');

    // Act
    const first = getClient();
    const second = getClient();

    // Assess
    expect(second).toBe(first);
    expect(await first.config.region()).toBe('ap-southeast-2');
    expect(await first.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    const retryMode = first.config.retryMode;
    expect(typeof retryMode === 'function' ? await retryMode() : retryMode).toBe('adaptive');
  });
});
