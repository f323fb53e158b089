import { describe, expect, it, vi } from 'vitest';
import type { NetworkReader } from '../../../shared/ports.ts';
import { lazyNetworkReader } from '../../../shared/runtime/lazy-network-reader.ts';

const aReader = (): NetworkReader => ({
  describeIngressRules: vi.fn(async () => []),
  describeRulesById: vi.fn(async () => []),
  describeSecurityGroups: vi.fn(async () => []),
  findSecurityGroupIdsByName: vi.fn(async () => ['sg-0a1b2c3d4e5f60001']),
  describeNetworkInterfaces: vi.fn(async () => []),
});

describe('lazyNetworkReader', () => {
  it('loads nothing until its first call', () => {
    // Prepare
    const load = vi.fn(async () => aReader());

    // Act
    lazyNetworkReader(load);

    // Assess
    expect(load).not.toHaveBeenCalled();
  });

  it('loads the reader once and passes every call on to it', async () => {
    // Prepare
    const reader = aReader();
    const load = vi.fn(async () => reader);
    const lazy = lazyNetworkReader(load);

    // Act
    const names = await lazy.findSecurityGroupIdsByName('orders-prod-mq');
    await lazy.describeIngressRules(['sg-0a1b2c3d4e5f60001']);
    await lazy.describeNetworkInterfaces(['sg-0a1b2c3d4e5f60001']);

    // Assess
    expect(load).toHaveBeenCalledTimes(1);
    expect(names).toEqual(['sg-0a1b2c3d4e5f60001']);
    expect(reader.describeIngressRules).toHaveBeenCalledWith(['sg-0a1b2c3d4e5f60001']);
    expect(reader.describeNetworkInterfaces).toHaveBeenCalledWith(['sg-0a1b2c3d4e5f60001']);
  });

  it('tries to load again after a failed load', async () => {
    // Prepare
    const load = vi
      .fn<() => Promise<NetworkReader>>()
      .mockRejectedValueOnce(new Error('module not found'))
      .mockResolvedValueOnce(aReader());
    const lazy = lazyNetworkReader(load);

    // Act
    const first = lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);
    await expect(first).rejects.toThrow('module not found');
    const second = await lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);

    // Assess
    expect(second).toEqual([]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
