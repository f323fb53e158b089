/**
 * What every bench section shares: where things are, the Node 22 the bundles are measured with,
 * statistics, and running a bundled child script whose stdout belongs to the code under test (the
 * functions log to stdout) while its result comes back in a JSON file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The Lambda runtime is nodejs22.x; node_modules/.bin/node is the project's pinned Node 22. */
export const NODE_BIN = join(ROOT, 'node_modules', '.bin', 'node');

export const nodeVersion = (): string => {
  const result = spawnSync(NODE_BIN, ['-p', 'process.version'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${NODE_BIN} does not run (${result.error?.message ?? result.stderr.trim()}): run npm ci`,
    );
  }
  return result.stdout.trim();
};

/** A scratch folder for bundles and child results, removed when the run ends. */
export const createWorkDir = (): { readonly path: string; dispose(): void } => {
  const path = mkdtempSync(join(tmpdir(), 'mq-guardian-bench-'));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
};

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Nearest-rank percentile (p in 0..100). */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
};

export const round = (value: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const kib = (bytes: number): string => `${round(bytes / 1024, 1)} KiB`;

export interface ChildRun<T> {
  readonly result: T;
  readonly wallMs: number;
  readonly stderr: string;
}

/**
 * Runs `node <script> <resultFile> ...args` with `env` (and nothing of this process's environment
 * but PATH and HOME: the functions validate their settings from it). stdout is discarded: it is
 * where the functions' logger writes, as in Lambda. Rejects when the child fails or writes no result.
 */
export const runChild = <T>(
  script: string,
  resultFile: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 240_000,
): Promise<ChildRun<T>> =>
  new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(NODE_BIN, [script, resultFile, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}: ${stderr.trim().slice(-4000)}`));
        return;
      }
      try {
        resolve({ result: JSON.parse(readFileSync(resultFile, 'utf8')) as T, wallMs, stderr });
      } catch (error) {
        reject(
          new Error(`${script} wrote no readable result: ${(error as Error).message}; ${stderr.trim()}`),
        );
      }
    });
  });
