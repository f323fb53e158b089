import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getConfigClient } from '../../../shared/aws/config.ts';
import {
  CONNECTION_TIMEOUT_MS,
  DEFAULT_MAX_ATTEMPTS,
  once,
  REQUEST_TIMEOUT_MS,
  sdkClientConfig,
} from '../../../shared/aws/clients.ts';
import { getEc2Client } from '../../../shared/aws/ec2.ts';
import { getKmsClient } from '../../../shared/aws/kms.ts';
import { getMqClient } from '../../../shared/aws/mq.ts';

describe('sdkClientConfig', () => {
  it('takes the region from AWS_REGION and retries adaptively', () => {
    // Act
    const config = sdkClientConfig({ AWS_REGION: 'eu-west-1' });

    // Assess
    expect(config).toMatchObject({
      region: 'eu-west-1',
      retryMode: 'adaptive',
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
    });
  });

  it('bounds every attempt in time, and makes a request timeout an error rather than a warning', () => {
    // Act
    const config = sdkClientConfig({});

    // Assess
    expect(config.requestHandler).toEqual({
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    });
    expect(REQUEST_TIMEOUT_MS * DEFAULT_MAX_ATTEMPTS).toBeLessThan(60_000);
  });

  it('makes a client give up on an answer that never comes (the timeout shortened for the test)', async () => {
    // Prepare: a server that accepts requests and never answers.
    const server = createServer(() => {});
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const config = sdkClientConfig({});
    const client = new MqClient({
      ...config,
      maxAttempts: 1,
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' },
      requestHandler: { ...config.requestHandler, requestTimeout: 200 },
    });

    // Act
    const call = client.send(new ListBrokersCommand({}));

    // Assess
    try {
      await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      client.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
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
