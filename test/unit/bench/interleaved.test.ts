import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quantile, seededRandom, shuffled, timing } from '../../bench/interleaved.ts';
import { PEAK_RSS_KB_EXPRESSION, peakRssKbFromStatus } from '../../bench/peak-rss.ts';

const sample = (wallMs: number, peakRssKb = 50_000, importMs = 0) => ({ wallMs, peakRssKb, importMs });

describe('quantile', () => {
  it('interpolates between the two nearest values, and is the median at one half', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
  });

  it('has no value for no values', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('timing', () => {
  it('gives the median and the quartiles above the bare interpreter, ignoring a few slow runs', () => {
    const runs = [100, 101, 102, 103, 104, 105, 106, 107, 400].map((ms) => sample(ms));
    const result = timing(runs, 60);
    expect(result.runs).toBe(9);
    expect(result.medianMs).toBe(104);
    expect(result.aboveBareMs).toBe(44);
    expect(result.q1Ms).toBe(102);
    expect(result.q3Ms).toBe(106);
    expect(result.aboveBareIqrMs).toEqual([42, 46]);
    expect(result.p90Ms).toBe(400);
  });

  it('reports the largest of the runs’ own peaks, each function its own', () => {
    const result = timing([sample(100, 58_000), sample(100, 61_440), sample(100, 59_000)], 50);
    expect(result.peakRssBytes).toBe(61_440 * 1024);
  });

  it('takes the median of the import times the processes measured', () => {
    expect(timing([sample(1, 1, 30), sample(1, 1, 10), sample(1, 1, 20)], 0).importMs).toBe(20);
  });
});

describe('shuffled', () => {
  it('is a permutation of its input, and the same seed gives the same orders', () => {
    const items = ['bare', 'a', 'b', 'c', 'd', 'e'];
    const first = seededRandom(7);
    const again = seededRandom(7);
    const orders = Array.from({ length: 20 }, () => shuffled(items, first));
    for (const order of orders) expect([...order].sort()).toEqual([...items].sort());
    expect(Array.from({ length: 20 }, () => shuffled(items, again))).toEqual(orders);
  });

  it('does not keep any subject always behind the same one', () => {
    const items = ['bare', 'a', 'b', 'c', 'd', 'e'];
    const random = seededRandom(1);
    const predecessors = new Map<string, Set<string>>(items.map((item) => [item, new Set()]));
    for (let round = 0; round < 31; round += 1) {
      const order = shuffled(items, random);
      order.forEach((item, i) => {
        if (i > 0) predecessors.get(item)?.add(order[i - 1] as string);
      });
    }
    for (const item of items) expect(predecessors.get(item)?.size).toBeGreaterThan(2);
  });
});

describe('peak RSS of a process', () => {
  it('reads VmHWM from the process status, in kB', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t   61440 kB\nVmRSS:\t   60000 kB\n';
    expect(peakRssKbFromStatus(status, 99)).toBe(61_440);
  });

  it('falls back to getrusage where there is no status to read', () => {
    expect(peakRssKbFromStatus(undefined, 99)).toBe(99);
    expect(peakRssKbFromStatus('Name:\tnode\n', 99)).toBe(99);
  });

  it.runIf(existsSync('/proc/self/status'))(
    'is the child’s own, not the RSS of the larger process that spawned it',
    () => {
      const ballast = Buffer.alloc(256 * 1024 * 1024, 1);
      const parentKb = process.resourceUsage().maxRSS;
      const child = spawnSync(
        process.execPath,
        [
          '-e',
          `process.stdout.write(JSON.stringify({ own: ${PEAK_RSS_KB_EXPRESSION}, rusage: process.resourceUsage().maxRSS }))`,
        ],
        { encoding: 'utf8' },
      );
      const { own, rusage } = JSON.parse(child.stdout) as { own: number; rusage: number };
      expect(ballast.length).toBeGreaterThan(0);
      expect(parentKb).toBeGreaterThan(256 * 1024);
      // getrusage's figure carries the parent's resident set across the exec (Linux).
      expect(own).toBeLessThan(128 * 1024);
      expect(own).toBeLessThan(rusage);
    },
  );
});
