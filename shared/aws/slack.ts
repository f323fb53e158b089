/**
 * Posts to a Slack incoming webhook with the global fetch. Not an SDK adapter, but like the adapters
 * it is the one place that talks to the service and turns its answers into ours:
 * - 2xx: sent;
 * - 429: waits as long as Retry-After says (up to `maxRetryAfterMs`) and tries again;
 * - 403 / 404 / 410 and the error codes of a webhook that is gone (no_service, channel_not_found,
 *   ...): dropped, after one fresh read of the URL in case it was replaced; retrying cannot help;
 * - 5xx and network failures: retried with backoff, then thrown, so the invocation fails and the
 *   message ends in the dead-letter queue;
 * - other 4xx (invalid_payload): thrown at once; the same bytes would be refused again.
 * The webhook URL is a secret: it never appears in an error, a log line or a result.
 */
import type { SlackPoster, SlackPostResult } from '../alerts/ports.ts';
import { ConfigurationError, GuardianError } from '../errors.ts';

export const SLACK_DROP_STATUSES: ReadonlySet<number> = new Set([403, 404, 410]);
export const SLACK_DROP_ERRORS: ReadonlySet<string> = new Set([
  'no_service',
  'channel_not_found',
  'channel_is_archived',
  'invalid_token',
  'action_prohibited',
  'team_disabled',
  'no_team',
  'posting_to_general_channel_denied',
]);
export const SLACK_WEBHOOK_HOSTS: readonly string[] = ['hooks.slack.com', 'hooks.slack-gov.com'];

export const DEFAULT_SLACK_MAX_ATTEMPTS = 4;
export const DEFAULT_SLACK_MAX_RETRY_AFTER_MS = 30_000;
export const DEFAULT_SLACK_TIMEOUT_MS = 10_000;
const DEFAULT_RETRY_AFTER_MS = 1_000;
const BASE_BACKOFF_MS = 500;

/** Slack did not take the message; `retryable` says whether a later attempt may succeed. */
export class SlackWebhookError extends GuardianError {
  readonly httpStatus?: number;
  readonly slackError?: string;
  readonly retryable: boolean;

  constructor(message: string, details: { httpStatus?: number; slackError?: string; retryable: boolean }) {
    super('SLACK_WEBHOOK', message);
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.slackError !== undefined) this.slackError = details.slackError;
    this.retryable = details.retryable;
  }
}

export interface SlackWebhookOptions {
  /** The webhook URL (from SSM); `refresh` asks for a fresh read instead of the cached value. */
  readonly webhookUrl: (options: { readonly refresh: boolean }) => Promise<string>;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts in all for 429, 5xx and network failures. */
  readonly maxAttempts?: number;
  /** A longer Retry-After is not waited for: thrown, so Lambda retries the invocation later. */
  readonly maxRetryAfterMs?: number;
  readonly timeoutMs?: number;
  /** Tests against a local server: allows http://127.0.0.1 / localhost. Never set in the stack. */
  readonly allowLoopbackHttp?: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Checks the URL without ever quoting it. */
const validUrl = (value: string, allowLoopbackHttp: boolean): URL => {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigurationError('The Slack webhook parameter does not hold a URL');
  }
  if (
    allowLoopbackHttp &&
    LOOPBACK.has(url.hostname) &&
    (url.protocol === 'http:' || url.protocol === 'https:')
  ) {
    return url;
  }
  if (url.protocol !== 'https:' || !SLACK_WEBHOOK_HOSTS.includes(url.hostname)) {
    throw new ConfigurationError(
      `The Slack webhook parameter must hold an https URL on ${SLACK_WEBHOOK_HOSTS.join(' or ')}`,
    );
  }
  return url;
};

/** Seconds (`Retry-After: 30`) or an HTTP date; Slack sends seconds. */
export const retryAfterMs = (header: string | null, now: number = Date.now()): number => {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now);
};

/** Slack answers errors with a short code (`invalid_payload`); anything else is not repeated. */
const slackErrorCode = (body: string): string | undefined => {
  const code = body.trim();
  return /^[a-z_]{1,64}$/.test(code) ? code : undefined;
};

const networkErrorName = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : 'Error';
};

export const createSlackWebhookClient = (options: SlackWebhookOptions): SlackPoster => {
  const doFetch = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const maxAttempts = options.maxAttempts ?? DEFAULT_SLACK_MAX_ATTEMPTS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_SLACK_MAX_RETRY_AFTER_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS;
  const loopback = options.allowLoopbackHttp === true;

  return {
    async post(payload: unknown): Promise<SlackPostResult> {
      const body = JSON.stringify(payload);
      let url = validUrl(await options.webhookUrl({ refresh: false }), loopback);
      let refreshed = false;
      let failure: SlackWebhookError | undefined;

      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        let response: Response;
        try {
          response = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json; charset=utf-8' },
            body,
            redirect: 'error',
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          failure = new SlackWebhookError(`Slack webhook unreachable: ${networkErrorName(error)}`, {
            retryable: true,
          });
          if (attempt < maxAttempts) await sleep(BASE_BACKOFF_MS * 2 ** (attempt - 1));
          continue;
        }
        const text = await response.text().catch(() => '');
        if (response.ok) return { status: 'sent', attempts: attempt };
        const status = response.status;
        const code = slackErrorCode(text);
        const described = `HTTP ${status}${code ? ` ${code}` : ''}`;

        if (status === 429) {
          const wait = retryAfterMs(response.headers.get('retry-after'));
          failure = new SlackWebhookError(`Slack rate limited the webhook (${described})`, {
            httpStatus: status,
            ...(code ? { slackError: code } : {}),
            retryable: true,
          });
          if (wait > maxRetryAfterMs) throw failure;
          if (attempt < maxAttempts) await sleep(wait);
          continue;
        }
        if (SLACK_DROP_STATUSES.has(status) || (code !== undefined && SLACK_DROP_ERRORS.has(code))) {
          if (!refreshed) {
            refreshed = true;
            const fresh = validUrl(await options.webhookUrl({ refresh: true }), loopback);
            if (fresh.href !== url.href) {
              url = fresh;
              continue;
            }
          }
          return { status: 'dropped', reason: described, httpStatus: status, attempts: attempt };
        }
        if (status >= 500) {
          failure = new SlackWebhookError(`Slack webhook failed (${described})`, {
            httpStatus: status,
            ...(code ? { slackError: code } : {}),
            retryable: true,
          });
          if (attempt < maxAttempts) await sleep(BASE_BACKOFF_MS * 2 ** (attempt - 1));
          continue;
        }
        throw new SlackWebhookError(`Slack refused the message (${described})`, {
          httpStatus: status,
          ...(code ? { slackError: code } : {}),
          retryable: false,
        });
      }
      throw failure ?? new SlackWebhookError('Slack webhook not attempted', { retryable: true });
    },
  };
};
