/**
 * The boundary between SDK errors and ours. SDK v3 service exceptions carry the AWS error code in
 * `name` (`NotFoundException`, `InvalidPermission.Duplicate`, ...) and the response's `$metadata`;
 * adapters branch on those names only, never on messages or SDK classes, and turn everything they do
 * not expect into an `AwsCallError` that keeps the original as `cause`.
 */
import { AwsCallError, UnexpectedShapeError } from '../errors.ts';

export interface ServiceErrorLike {
  readonly name: string;
  readonly message?: unknown;
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** An error that came back from an AWS service (as opposed to a socket or a bug in our code). */
export const isServiceError = (error: unknown): error is ServiceErrorLike =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { name?: unknown }).name === 'string' &&
  typeof (error as { $metadata?: unknown }).$metadata === 'object' &&
  (error as { $metadata?: unknown }).$metadata !== null;

/** The AWS error code, or the JavaScript error name for failures that never reached AWS. */
export const awsErrorName = (error: unknown): string => {
  if (typeof error === 'object' && error !== null) {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name.length > 0) return name;
  }
  return 'Unknown';
};

const messageOf = (error: unknown): string => {
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message.length > 0) return message;
  }
  return typeof error === 'string' ? error : 'no message';
};

export const toAwsCallError = (operation: string, error: unknown): AwsCallError => {
  if (error instanceof AwsCallError) return error;
  const name = awsErrorName(error);
  const details: string[] = [];
  if (isServiceError(error)) {
    if (error.$metadata.httpStatusCode !== undefined) details.push(`HTTP ${error.$metadata.httpStatusCode}`);
    if (error.$metadata.requestId) details.push(`request ${error.$metadata.requestId}`);
  }
  const suffix = details.length > 0 ? ` (${details.join(', ')})` : '';
  return new AwsCallError(operation, name, `${operation} failed: ${name}: ${messageOf(error)}${suffix}`, {
    cause: error,
  });
};

/** Named service errors that are answers rather than failures, each with the value it stands for. */
export type ToleratedErrors<F> = Readonly<Record<string, (error: ServiceErrorLike) => F>>;

/**
 * Runs one SDK call. A service error whose name is in `tolerated` becomes that handler's value;
 * anything else is thrown as `AwsCallError`. Only service errors (with `$metadata`) are tolerated, so
 * that a local failure can never pass for an AWS answer such as "not found".
 */
export const callAws = async <T, F = never>(
  operation: string,
  call: () => Promise<T>,
  tolerated: ToleratedErrors<F> = {},
): Promise<T | F> => {
  try {
    return await call();
  } catch (error) {
    if (isServiceError(error) && Object.hasOwn(tolerated, error.name)) {
      const handler = tolerated[error.name];
      if (handler) return handler(error);
    }
    throw toAwsCallError(operation, error);
  }
};

/** A service error's code and message, for reasons shown to people (`AccessDeniedException: ...`). */
export const describeServiceError = (error: ServiceErrorLike): string => `${error.name}: ${messageOf(error)}`;

/**
 * The list an answer carries in `field`. AWS answers an empty result with an empty list, so a missing
 * (or non-list) field is an answer mq-guardian does not understand: thrown, never read as "none" (no
 * brokers, no rules, no other users of a group would each let remediation cut a port in use).
 */
export const listOf = <T>(operation: string, output: object, field: string): T[] => {
  const value = (output as Record<string, unknown>)[field];
  if (!Array.isArray(value)) {
    throw new UnexpectedShapeError(
      `${operation} returned ${value === undefined ? 'no' : 'a non-list'} ${field}; an empty answer is an empty list`,
    );
  }
  return value as T[];
};

/** Far more than any account holds; stops a paginator that AWS (or a mock) keeps feeding the same token. */
export const MAX_PAGES = 1_000;

/**
 * Reads every page. `fetchPage` gets the previous page's token (undefined for the first page) and
 * returns the page's items and next token. A token that repeats, or an endless run of pages, is an
 * unexpected answer: thrown, never truncated, so callers do not act on a partial list.
 */
export const readAllPages = async <T>(
  operation: string,
  fetchPage: (
    nextToken: string | undefined,
  ) => Promise<{ items: readonly T[]; nextToken?: string | undefined }>,
): Promise<T[]> => {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await fetchPage(token);
    items.push(...result.items);
    const next = result.nextToken;
    if (next === undefined || next === null || next === '') return items;
    if (seen.has(next)) {
      throw new UnexpectedShapeError(`${operation} returned the same NextToken twice; refusing to loop`);
    }
    seen.add(next);
    token = next;
  }
  throw new UnexpectedShapeError(`${operation} returned more than ${MAX_PAGES} pages; refusing to continue`);
};

/** Distinct values in their first order (duplicate ids would only cost calls or duplicate results). */
export const distinct = (values: readonly string[]): string[] => [...new Set(values)];

export const chunk = <T>(values: readonly T[], size: number): T[][] => {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`chunk size must be a positive integer: ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
};
