import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PortRange } from '../../../shared/model/finding.ts';
import {
  ALL_PORTS,
  formatRange,
  formatRanges,
  intersectRanges,
  isValidPort,
  normalizeRanges,
  rangeCovered,
  rangeSize,
  subtractRanges,
} from '../../../shared/network/port-range.ts';

const r = (from: number, to = from): PortRange => ({ from, to });

describe('isValidPort', () => {
  it.each([
    [0, true],
    [1, true],
    [65535, true],
    [-1, false],
    [65536, false],
    [1.5, false],
    [Number.NaN, false],
  ])('judges %s as %s', (port, expected) => {
    // Act
    const valid = isValidPort(port);

    // Assess
    expect(valid).toBe(expected);
  });
});

describe('rangeSize', () => {
  it.each([
    [r(61617), 1],
    [r(61614, 61619), 6],
    [ALL_PORTS, 65536],
  ])('counts the ports of %o as %i', (range, expected) => {
    // Act
    const size = rangeSize(range);

    // Assess
    expect(size).toBe(expected);
  });
});

describe('normalizeRanges', () => {
  it.each<[string, PortRange[], PortRange[]]>([
    ['keeps an empty list empty', [], []],
    ['sorts ranges', [r(8162), r(5671)], [r(5671), r(8162)]],
    ['merges overlapping ranges', [r(10, 20), r(15, 30)], [r(10, 30)]],
    ['joins adjacent ranges', [r(61614), r(61615, 61619)], [r(61614, 61619)]],
    ['keeps ranges with a gap apart', [r(10, 20), r(22, 30)], [r(10, 20), r(22, 30)]],
    ['absorbs a contained range', [r(0, 65535), r(443)], [ALL_PORTS]],
    ['drops reversed ranges', [r(20, 10), r(5)], [r(5)]],
    ['collapses duplicates', [r(443), r(443)], [r(443)]],
  ])('%s', (_name, input, expected) => {
    // Act
    const normalized = normalizeRanges(input);

    // Assess
    expect(normalized).toEqual(expected);
  });
});

describe('intersectRanges', () => {
  it.each<[string, PortRange, PortRange[], PortRange[]]>([
    ['keeps the used ports inside the whole space', ALL_PORTS, [r(61617), r(8162)], [r(8162), r(61617)]],
    ['keeps the used part of a partly used range', r(61614, 61619), [r(61617)], [r(61617)]],
    ['returns nothing for disjoint ranges', r(22), [r(443), r(15671)], []],
    ['returns the range when fully covered', r(5671), [r(5000, 6000)], [r(5671)]],
    ['clips at both ends', r(100, 200), [r(50, 120), r(180, 300)], [r(100, 120), r(180, 200)]],
  ])('%s', (_name, range, others, expected) => {
    // Act
    const inside = intersectRanges(range, others);

    // Assess
    expect(inside).toEqual(expected);
  });
});

describe('subtractRanges', () => {
  it.each<[string, PortRange, PortRange[], PortRange[]]>([
    [
      'leaves the gaps around used ports of the whole space',
      ALL_PORTS,
      [r(8162), r(61617)],
      [r(0, 8161), r(8163, 61616), r(61618, 65535)],
    ],
    [
      'removes a used port from the middle of a range',
      r(61614, 61619),
      [r(61617)],
      [r(61614, 61616), r(61618, 61619)],
    ],
    ['returns nothing when the range is covered', r(5671), [r(5671)], []],
    ['returns the range when nothing overlaps', r(22), [r(443)], [r(22)]],
    [
      'handles unsorted, overlapping others',
      r(0, 100),
      [r(50, 60), r(10, 20), r(15, 55)],
      [r(0, 9), r(61, 100)],
    ],
    ['removes the first port', r(0, 10), [r(0)], [r(1, 10)]],
    ['removes the last port', r(0, 65535), [r(65535)], [r(0, 65534)]],
  ])('%s', (_name, range, others, expected) => {
    // Act
    const outside = subtractRanges(range, others);

    // Assess
    expect(outside).toEqual(expected);
  });
});

describe('rangeCovered', () => {
  it.each<[PortRange, PortRange[], boolean]>([
    [r(61617), [r(61617)], true],
    [r(61614, 61619), [r(61614, 61616), r(61617, 61619)], true],
    [r(61614, 61619), [r(61614), r(61619)], false],
    [ALL_PORTS, [], false],
  ])('judges %o covered by %o as %s', (range, ranges, expected) => {
    // Act
    const covered = rangeCovered(range, ranges);

    // Assess
    expect(covered).toBe(expected);
  });
});

describe('formatRange and formatRanges', () => {
  it.each<[PortRange[], string]>([
    [[r(61617)], '61617'],
    [[r(61614, 61619)], '61614-61619'],
    [[r(443), r(15671)], '443, 15671'],
    [[], ''],
  ])('writes %o as %j', (ranges, expected) => {
    // Act
    const text = formatRanges(ranges);

    // Assess
    expect(text).toBe(expected);
  });

  it('writes a single port without a dash', () => {
    // Act
    const text = formatRange(r(8162));

    // Assess
    expect(text).toBe('8162');
  });
});

describe('subtractRanges and intersectRanges (properties)', () => {
  const port = fc.integer({ min: 0, max: 65535 });
  const range = fc.tuple(port, port).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
  const ranges = fc.array(range, { maxLength: 8 });
  const ports = (set: readonly PortRange[]): number =>
    normalizeRanges(set).reduce((sum, x) => sum + rangeSize(x), 0);

  it('splits a range into disjoint parts whose union is the range', () => {
    fc.assert(
      fc.property(range, ranges, (whole, others) => {
        // Act
        const outside = subtractRanges(whole, others);
        const inside = intersectRanges(whole, others);

        // Assess
        expect(normalizeRanges([...outside, ...inside])).toEqual([whole]);
        expect(inside.flatMap((x) => intersectRanges(x, outside))).toEqual([]);
        expect(ports(outside) + ports(inside)).toBe(rangeSize(whole));
      }),
    );
  });

  it('keeps inside exactly the ports the others hold', () => {
    fc.assert(
      fc.property(range, ranges, (whole, others) => {
        // Act
        const outside = subtractRanges(whole, others);
        const inside = intersectRanges(whole, others);

        // Assess
        expect(outside.flatMap((x) => intersectRanges(x, others))).toEqual([]);
        expect(inside.every((x) => rangeCovered(x, others))).toBe(true);
      }),
    );
  });

  it('returns normalized results', () => {
    fc.assert(
      fc.property(range, ranges, (whole, others) => {
        // Act
        const outside = subtractRanges(whole, others);
        const inside = intersectRanges(whole, others);

        // Assess
        expect(normalizeRanges(outside)).toEqual(outside);
        expect(normalizeRanges(inside)).toEqual(inside);
      }),
    );
  });
});
