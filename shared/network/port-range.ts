import type { PortRange } from '../model/finding.ts';

/** The whole TCP/UDP port space. */
export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

export const isValidPort = (port: number): boolean => Number.isInteger(port) && port >= 0 && port <= 65535;

export const rangeSize = (range: PortRange): number => range.to - range.from + 1;

/** Sorted, non-overlapping, adjacent ranges joined. Invalid ranges (from > to) are dropped. */
export const normalizeRanges = (ranges: readonly PortRange[]): PortRange[] => {
  const sorted = ranges.filter((r) => r.from <= r.to).toSorted((a, b) => a.from - b.from || a.to - b.to);
  const merged: PortRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.from <= last.to + 1) {
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, range.to) };
    } else {
      merged.push({ from: range.from, to: range.to });
    }
  }
  return merged;
};

/** Ports in `range` that are also in one of `others`. */
export const intersectRanges = (range: PortRange, others: readonly PortRange[]): PortRange[] =>
  normalizeRanges(
    others
      .map((o) => ({ from: Math.max(range.from, o.from), to: Math.min(range.to, o.to) }))
      .filter((r) => r.from <= r.to),
  );

/** Ports in `range` that are in none of `others`. */
export const subtractRanges = (range: PortRange, others: readonly PortRange[]): PortRange[] => {
  const result: PortRange[] = [];
  let cursor = range.from;
  for (const other of normalizeRanges(others)) {
    if (other.to < cursor || other.from > range.to) continue;
    if (other.from > cursor) result.push({ from: cursor, to: other.from - 1 });
    cursor = Math.max(cursor, other.to + 1);
    if (cursor > range.to) break;
  }
  if (cursor <= range.to) result.push({ from: cursor, to: range.to });
  return result;
};

/** True when every port of `range` is in `ranges`. */
export const rangeCovered = (range: PortRange, ranges: readonly PortRange[]): boolean =>
  subtractRanges(range, ranges).length === 0;

export const formatRange = (range: PortRange): string =>
  range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;

export const formatRanges = (ranges: readonly PortRange[]): string => ranges.map(formatRange).join(', ');
