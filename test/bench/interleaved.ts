/**
 * Fresh processes timed in one interleaved loop: every round runs every subject once, in an order
 * shuffled anew each round (seeded, so a run can be repeated), so that no subject always follows
 * another and a machine that slows down during the loop slows every subject alike. What a shared
 * 2-core machine does to such a loop (a few runs several times slower) is why the figures are medians
 * with their interquartile range, never means.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { median, percentile, ROOT, round } from './harness.ts';

export interface Subject {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Whether the process prints a JSON line `{ importMs?, peakRssKb }` last (a bare interpreter does not). */
  readonly reports: boolean;
  /** A subject that fails is dropped from later rounds (its error kept) instead of failing the loop. */
  readonly optional?: boolean;
}

export interface Sample {
  readonly wallMs: number;
  readonly importMs: number;
  readonly peakRssKb: number;
}

export interface InterleavedRuns {
  readonly runs: number;
  readonly warmupRuns: number;
  readonly seed: number;
  /** One-minute load average when the loop started and when it ended. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly samples: ReadonlyMap<string, readonly Sample[]>;
  /** Optional subjects that failed, and why. */
  readonly errors: ReadonlyMap<string, string>;
}

/** A small seeded generator (mulberry32): the same seed gives the same orders. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Fisher–Yates with the given generator; the input is left as it is. */
export const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** One fresh process of the subject, timed from spawn to exit. */
export const runOnce = (subject: Subject): Sample => {
  const started = process.hrtime.bigint();
  const result = spawnSync(subject.command, [...subject.args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...subject.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`${subject.name}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${subject.name} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  }
  if (!subject.reports) return { wallMs, importMs: 0, peakRssKb: 0 };
  const last = result.stdout.trim().split('\n').pop() ?? '';
  const answer = JSON.parse(last) as { ready?: boolean; importMs?: number; peakRssKb: number };
  if (answer.ready === false) throw new Error(`${subject.name}: the handler export is not a function`);
  return { wallMs, importMs: answer.importMs ?? 0, peakRssKb: answer.peakRssKb };
};

export const runInterleaved = (
  subjects: readonly Subject[],
  options: { readonly runs: number; readonly warmupRuns: number; readonly seed: number },
): InterleavedRuns => {
  const samples = new Map<string, Sample[]>(subjects.map((s) => [s.name, []]));
  const errors = new Map<string, string>();
  const random = seededRandom(options.seed);
  const start = loadavg()[0] ?? 0;
  for (let round = 0; round < options.warmupRuns + options.runs; round += 1) {
    for (const subject of shuffled(subjects, random)) {
      if (errors.has(subject.name)) continue;
      let sample: Sample;
      try {
        sample = runOnce(subject);
      } catch (error) {
        if (!subject.optional) throw error;
        errors.set(subject.name, (error as Error).message);
        continue;
      }
      if (round >= options.warmupRuns) samples.get(subject.name)?.push(sample);
    }
  }
  return {
    runs: options.runs,
    warmupRuns: options.warmupRuns,
    seed: options.seed,
    loadAverage: { start: round(start, 2), end: round(loadavg()[0] ?? 0, 2) },
    samples,
    errors,
  };
};

/** Linear-interpolation quantile (q in 0..1), the median's own definition at 0.5. */
export const quantile = (values: readonly number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  return low + ((sorted[above] as number) - low) * (position - below);
};

export interface Timing {
  readonly runs: number;
  readonly medianMs: number;
  /** First and third quartiles of the wall time. */
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly p90Ms: number;
  /** Median above the bare interpreter's median of the same loop, and the quartiles likewise. */
  readonly aboveBareMs: number;
  readonly aboveBareIqrMs: readonly [number, number];
  /** Median time of the `import()` itself, measured inside the process (0 when not reported). */
  readonly importMs: number;
  /** Largest of the runs' own peak RSS (VmHWM). */
  readonly peakRssBytes: number;
}

/** What a subject's samples say, against the bare interpreter's median of the same loop. */
export const timing = (samples: readonly Sample[], bareMedianMs: number): Timing => {
  const walls = samples.map((s) => s.wallMs);
  const q1 = quantile(walls, 0.25);
  const q3 = quantile(walls, 0.75);
  return {
    runs: samples.length,
    medianMs: round(median(walls)),
    q1Ms: round(q1),
    q3Ms: round(q3),
    p90Ms: round(percentile(walls, 90)),
    aboveBareMs: round(median(walls) - bareMedianMs),
    aboveBareIqrMs: [round(q1 - bareMedianMs), round(q3 - bareMedianMs)],
    importMs: round(median(samples.map((s) => s.importMs))),
    peakRssBytes: samples.length === 0 ? 0 : Math.max(...samples.map((s) => s.peakRssKb)) * 1024,
  };
};
