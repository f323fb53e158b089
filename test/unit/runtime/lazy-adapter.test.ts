import { describe, expect, it, vi } from 'vitest';
import type { NetworkReader } from '../../../shared/ports.ts';
import { lazyAdapter, startLoading } from '../../../shared/runtime/lazy-adapter.ts';

const METHODS = {
  describeIngressRules: true,
  describeRulesById: true,
  describeSecurityGroups: true,
  findSecurityGroupIdsByName: true,
  describeNetworkInterfaces: true,
  readPrefixList: true,
  prefixListAssociations: true,
} as const;

const aReader = (): NetworkReader => ({
  describeIngressRules: vi.fn(async () => []),
  describeRulesById: vi.fn(async () => []),
  describeSecurityGroups: vi.fn(async () => []),
  findSecurityGroupIdsByName: vi.fn(async () => ['sg-0a1b2c3d4e5f60001']),
  describeNetworkInterfaces: vi.fn(async () => []),
  readPrefixList: vi.fn(async () => null),
  prefixListAssociations: vi.fn(async () => null),
});

describe('lazyAdapter', () => {
  it('loads nothing until its first call', () => {
    // Prepare
    const load = vi.fn(async () => aReader());

    // Act
    lazyAdapter(load, METHODS);

    // Assess
    expect(load).not.toHaveBeenCalled();
  });

  it('offers every method it is told of', () => {
    // Act
    const lazy = lazyAdapter(async () => aReader(), METHODS);

    // Assess
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(METHODS).sort());
  });

  it('loads the adapter once, even for calls made while it loads, and passes every call on to it', async () => {
    // Prepare
    const reader = aReader();
    const load = vi.fn(async () => reader);
    const lazy = lazyAdapter(load, METHODS);

    // Act
    const [names] = await Promise.all([
      lazy.findSecurityGroupIdsByName('orders-prod-mq'),
      lazy.describeIngressRules(['sg-0a1b2c3d4e5f60001']),
    ]);
    await lazy.describeNetworkInterfaces(['sg-0a1b2c3d4e5f60001']);

    // Assess
    expect(load).toHaveBeenCalledTimes(1);
    expect(names).toEqual(['sg-0a1b2c3d4e5f60001']);
    expect(reader.findSecurityGroupIdsByName).toHaveBeenCalledWith('orders-prod-mq');
    expect(reader.describeIngressRules).toHaveBeenCalledWith(['sg-0a1b2c3d4e5f60001']);
    expect(reader.describeNetworkInterfaces).toHaveBeenCalledWith(['sg-0a1b2c3d4e5f60001']);
  });

  it('passes a failure of the adapter on as it is', async () => {
    // Prepare
    const reader = aReader();
    vi.mocked(reader.describeRulesById).mockRejectedValueOnce(new Error('throttled'));
    const lazy = lazyAdapter(async () => reader, METHODS);

    // Act
    const call = lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);

    // Assess
    await expect(call).rejects.toThrow('throttled');
  });

  it('tries to load again after a failed load', async () => {
    // Prepare
    const load = vi
      .fn<() => Promise<NetworkReader>>()
      .mockRejectedValueOnce(new Error('module not found'))
      .mockResolvedValueOnce(aReader());
    const lazy = lazyAdapter(load, METHODS);

    // Act
    const first = lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);
    await expect(first).rejects.toThrow('module not found');
    const second = await lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);

    // Assess
    expect(second).toEqual([]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});

describe('startLoading', () => {
  it('starts the load of a stand-in before its first call, and the first call uses that load', async () => {
    // Prepare
    const reader = aReader();
    const load = vi.fn(async () => reader);
    const lazy = lazyAdapter(load, METHODS);

    // Act
    startLoading(lazy);
    const started = load.mock.calls.length;
    await lazy.describeIngressRules(['sg-0a1b2c3d4e5f60001']);

    // Assess
    expect(started).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);
    expect(reader.describeIngressRules).toHaveBeenCalledWith(['sg-0a1b2c3d4e5f60001']);
  });

  it('does nothing to a port that is not a stand-in', () => {
    // Prepare
    const reader = aReader();

    // Act
    startLoading(reader);

    // Assess
    for (const method of Object.values(reader)) expect(method).not.toHaveBeenCalled();
  });

  it('leaves a failed load to the first call, which loads again', async () => {
    // Prepare
    const load = vi
      .fn<() => Promise<NetworkReader>>()
      .mockRejectedValueOnce(new Error('module not found'))
      .mockResolvedValueOnce(aReader());
    const lazy = lazyAdapter(load, METHODS);

    // Act
    startLoading(lazy);
    await Promise.resolve();
    const rules = await lazy.describeRulesById(['sgr-0a1b2c3d4e5f60010']);

    // Assess
    expect(rules).toEqual([]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
