import { readdirSync, readFileSync } from 'node:fs';

const EVENTS_DIR = new URL('../../../events/', import.meta.url);

/** The sample events at the top of events/ (not the recorded accounts below it). */
export const listSampleEvents = (): string[] =>
  readdirSync(EVENTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();

/** A fresh copy of a sample event, safe to mutate. */
export const readSampleEvent = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, EVENTS_DIR), 'utf8')) as Record<string, unknown>;

/** The CloudTrail record inside a sample EventBridge event, safe to mutate. */
export const detailOf = (event: Record<string, unknown>): Record<string, unknown> =>
  event.detail as Record<string, unknown>;

/** Sets `value` at a dotted path (`detail.requestParameters.brokerId`), creating objects on the way. */
export const setPath = (
  target: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> => {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return target;
};

/** A sample event with one field changed (or removed, with `undefined`). */
export const sampleWith = (name: string, path: string, value: unknown): Record<string, unknown> =>
  setPath(readSampleEvent(name), path, value);

export const ACCOUNT = '123456789012';
export const BROKER_ORDERS = 'b-1a2b3c4d-0000-4000-8000-000000000001';
export const BROKER_INVENTORY = 'b-1a2b3c4d-0000-4000-8000-000000000003';
export const BROKER_LEGACY = 'b-1a2b3c4d-0000-4000-8000-000000000004';
export const CONFIGURATION_ORDERS = 'c-1a2b3c4d-0000-4000-8000-000000000001';
export const CONFIGURATION_NEW = 'c-1a2b3c4d-0000-4000-8000-000000000002';
export const GROUP_ORDERS = 'sg-0a1b2c3d4e5f60001';
export const GROUP_INVENTORY = 'sg-0a1b2c3d4e5f60002';
export const rule = (n: number): string => `sgr-0a1b2c3d4e5f6000${n}`;
