// zod/mini through a namespace import, in every module: esbuild then bundles only the members used
// (about 30 KB). `import { z } from 'zod/mini'` or the classic `zod` API pulls in all of zod (~450 KB),
// and `z.locales.en` every locale.
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from './ids.ts';

/** `a.b[2].c` from a zod issue path, prefixed with where the validated value sits in the event. */
export const fieldPath = (prefix: string, path: readonly PropertyKey[]): string => {
  let text = prefix;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' || text.endsWith('.') ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(event)' : text;
};

const MAX_REPORTED_ISSUES = 3;

/** One readable sentence naming the fields that are wrong; never echoes the values (events carry identities). */
export const describeIssues = (error: z.core.$ZodError, prefix: string): string => {
  const shown = error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => `${fieldPath(prefix, issue.path)}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
};

/**
 * zod/mini registers no locale, so without one every issue would read "Invalid input". The English
 * messages are passed per parse rather than set with the global `z.config`, so that they hold
 * whatever else the process configures. Parse our schemas with `safeParse` below, never directly.
 */
const englishContext = (): z.core.ParseContext<z.core.$ZodIssue> => ({ error: en().localeError });

// The values built at the top level of this module are marked pure (`@__PURE__`), so that a bundle
// that never parses with them leaves them, and zod with them, out: the sweep only names events.
const ENGLISH = /* @__PURE__ */ englishContext();

/** `schema.safeParse(value)` with zod's English messages. */
export const safeParse = <T extends z.ZodMiniType>(schema: T, value: unknown) =>
  z.safeParse(schema, value, ENGLISH);

/** Parses `value` with `schema` or throws an InvalidEventError that names the field. */
export const parseWith = <T extends z.ZodMiniType>(
  schema: T,
  value: unknown,
  prefix: string,
  what: string,
): z.output<T> => {
  const result = safeParse(schema, value);
  if (!result.success) {
    throw new InvalidEventError(`Invalid ${what}: ${describeIssues(result.error, prefix)}`, {
      cause: result.error,
    });
  }
  return result.data;
};

export const invalid = (path: string, problem: string, what = 'event'): InvalidEventError =>
  new InvalidEventError(`Invalid ${what}: ${path} ${problem}`);

export { isPlainObject } from '../json.ts';

/** A string matching `pattern`, with a message for a value that is no string and one for a mismatch. */
const matchingString = (pattern: RegExp, notString: string, mismatch: string) =>
  z.string({ error: notString }).check(z.regex(pattern, { error: mismatch }));

/** ISO 8601 in UTC as AWS writes it: `2018-06-28T22:23:46Z` or with milliseconds. */
export const IsoTimeSchema = /* @__PURE__ */ z.iso.datetime({
  error: 'expected an ISO 8601 UTC time (…T…Z)',
});
export const AccountIdSchema = /* @__PURE__ */ matchingString(
  ACCOUNT_ID_PATTERN,
  'expected a 12-digit account id',
  'expected a 12-digit account id',
);
export const RegionSchema = /* @__PURE__ */ matchingString(
  REGION_PATTERN,
  'expected a region name',
  'expected a region name such as us-east-1',
);

const ELLIPSIS = '…';

/** Informational strings are shortened rather than rejected: a long user agent must not cost an evaluation. */
export const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - ELLIPSIS.length)}${ELLIPSIS}`;

/**
 * A short, quoted rendering of a name taken from the event (a detail-type, an event name) for a
 * message. Never throws, whatever the input: only strings, numbers and booleans are shown.
 */
export const describeValue = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(truncate(value, 80));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return JSON.stringify(String(value));
  }
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : `a value of type ${typeof value}`;
};

/** Keeps first occurrences, in order. */
export const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];
