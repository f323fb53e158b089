/**
 * The repository's own JSON files as tests read them: each call reads the file afresh, so a test may
 * change what it gets. No other import: safe to load before handlers are.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

/** A JSON file of the repository, by its path from the root. */
export const repositoryJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;

/** A sample event of `events/`. */
export const sampleEvent = (name: string): Record<string, unknown> => repositoryJson(join('events', name));

/** The demo account (`events/accounts/demo-account.json`). */
export const demoAccount = (): Record<string, unknown> =>
  repositoryJson(join('events', 'accounts', 'demo-account.json'));
