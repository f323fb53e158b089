/**
 * Golden files: the rendered output is compared with a file, exactly. Files are (re)written only when
 * the test run says so (UPDATE_GOLDEN=1); otherwise a difference fails and nothing is written.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface GoldenIo {
  read(path: string): string | undefined;
  write(path: string, content: string): void;
}

export const fileIo: GoldenIo = {
  read: (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined),
  write: (path, content) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, 'utf8');
  },
};

export type GoldenResult =
  | { readonly status: 'match' | 'written'; readonly expected: string }
  | { readonly status: 'mismatch'; readonly expected: string }
  | { readonly status: 'missing'; readonly expected: undefined };

/** Compares `actual` with the file at `path`; writes it instead when `update` is set. */
export const checkGolden = (
  path: string,
  actual: string,
  update: boolean,
  io: GoldenIo = fileIo,
): GoldenResult => {
  if (update) {
    io.write(path, actual);
    return { status: 'written', expected: actual };
  }
  const expected = io.read(path);
  if (expected === undefined) return { status: 'missing', expected: undefined };
  return { status: expected === actual ? 'match' : 'mismatch', expected };
};

/** UPDATE_GOLDEN=1 and nothing else turns regeneration on. */
export const updateRequested = (env: NodeJS.ProcessEnv = process.env): boolean => env.UPDATE_GOLDEN === '1';

/**
 * JSON text of a golden file: two-space indent, final newline. JSON goldens are compared as parsed
 * values (every key, string and array order), so reformatting them (biome) does not matter; after
 * UPDATE_GOLDEN=1 run `npx biome format --write test/fixtures/golden` to keep `npm run lint` clean.
 */
export const goldenJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Parses a golden JSON file's content; undefined stays undefined (missing file). */
export const parseGolden = (content: string | undefined): unknown =>
  content === undefined ? undefined : (JSON.parse(content) as unknown);

/** The value as it would read back from its JSON file (drops undefined fields, like the file does). */
export const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
