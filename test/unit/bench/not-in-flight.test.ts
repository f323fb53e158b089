import { describe, expect, it } from 'vitest';
import { type CallRecord, notInFlightMs } from '../../bench/children/simulated-aws.ts';

const call = (startMs: number, endMs: number): CallRecord => ({
  service: 'ec2',
  operation: 'DescribeSecurityGroups',
  startMs,
  endMs,
  inFlightAtStart: 0,
  depth: 1,
  throttled: false,
});

describe('notInFlightMs', () => {
  it('is the time between calls, counting parallel calls once', () => {
    // 0-2 own, 2-22 two calls in flight, 22-25 own, 25-45 in flight, 45-50 own.
    const calls = [call(2, 22), call(3, 22), call(25, 45)];
    expect(notInFlightMs(calls, 0, 50)).toBe(10);
  });

  it('stops at the given moment, cutting a call in flight then and leaving out calls started later', () => {
    const calls = [call(2, 22), call(25, 45), call(47, 67)];
    expect(notInFlightMs(calls, 0, 30)).toBe(5);
    expect(notInFlightMs(calls, 0, 25)).toBe(5);
  });

  it('is all the time when no call was made', () => {
    expect(notInFlightMs([], 10, 14)).toBe(4);
  });
});
