import { InvalidEventError } from '../errors.ts';
import { API_CALL_DETAIL_TYPE } from './cloudtrail.ts';
import { describeValue, isPlainObject, truncate } from './validation.ts';

export type EventKind = 'api-call' | 'config-invocation';

/** EventBridge events are at most 256 KB; Config invocations are Lambda payloads. One MiB covers both. */
export const MAX_EVENT_JSON_CHARS = 1_048_576;

/**
 * Which parser an input needs. Only looks at the top-level keys: the parsers do the validation.
 * Anything else (other EventBridge detail-types, S3 notifications, a test event) is refused here.
 */
export function detectEventKind(input: unknown): EventKind {
  if (!isPlainObject(input)) {
    throw new InvalidEventError(
      `Unrecognised event: expected a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input}`,
    );
  }
  if ('detail-type' in input) {
    if (input['detail-type'] === API_CALL_DETAIL_TYPE) return 'api-call';
    throw new InvalidEventError(
      `Unrecognised event: detail-type ${describeValue(input['detail-type'])} is not "${API_CALL_DETAIL_TYPE}"`,
    );
  }
  if (typeof input.eventSource === 'string' && typeof input.eventName === 'string') return 'api-call';
  if ('invokingEvent' in input && 'resultToken' in input) return 'config-invocation';
  const keys = Object.keys(input);
  const shown = keys.slice(0, 8).map((key) => JSON.stringify(truncate(key, 40)));
  throw new InvalidEventError(
    `Unrecognised event: neither an EventBridge API call, a CloudTrail record nor an AWS Config invocation (top-level keys: ${
      keys.length === 0 ? 'none' : `${shown.join(', ')}${keys.length > shown.length ? ', …' : ''}`
    })`,
  );
}

/** JSON.parse with a size limit, for events read from files or standard input (CLI, demo). */
export function parseEventJson(text: string, maxChars: number = MAX_EVENT_JSON_CHARS): unknown {
  if (typeof text !== 'string') throw new InvalidEventError('Invalid event JSON: expected text');
  if (text.length > maxChars) {
    throw new InvalidEventError(
      `Invalid event JSON: ${text.length} characters, more than the limit of ${maxChars}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEventError(
      `Invalid event JSON: ${error instanceof Error ? truncate(error.message, 200) : 'not JSON'}`,
      { cause: error },
    );
  }
}
