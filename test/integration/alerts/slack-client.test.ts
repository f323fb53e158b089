/**
 * The Slack webhook client against a local HTTP server on 127.0.0.1 (random port) that answers as
 * Slack does: 200 ok, 429 with Retry-After, 404 / 410 for a webhook that is gone, 500, 400.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSlackWebhookClient,
  retryAfterMs,
  SLACK_WEBHOOK_HOSTS,
  SlackWebhookError,
} from '../../../shared/aws/slack.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { type FakeSlack, type SlackAnswer, startFakeSlack } from './support.ts';

const OK: SlackAnswer = { status: 200, body: 'ok' };
/** Webhook paths in Slack's shape with placeholder ids. */
const PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const NEW_PATH = '/services/T00000000/B11111111/YYYYYYYYYYYYYYYYYYYYYYYY';
/** Slack's real host with placeholder ids: only ever given to a stubbed fetch, nothing leaves the process. */
const SLACK_HOST = SLACK_WEBHOOK_HOSTS[0];

let slack: FakeSlack;
let base: string;
let answers: SlackAnswer[];
let received: FakeSlack['received'];

beforeAll(async () => {
  slack = await startFakeSlack();
  base = slack.base;
  answers = slack.answers;
  received = slack.received;
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  slack.reset();
});

const PAYLOAD = { text: 'hello', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] };

const newClient = (options: { urls?: string[]; maxRetryAfterMs?: number } = {}) => {
  const sleeps: number[] = [];
  const urlRequests: boolean[] = [];
  const urls = options.urls ?? [`${base}${PATH}`];
  const client = createSlackWebhookClient({
    webhookUrl: async ({ refresh }) => {
      urlRequests.push(refresh);
      return (refresh ? urls[1] : undefined) ?? (urls[0] as string);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    allowLoopbackHttp: true,
    ...(options.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: options.maxRetryAfterMs }),
  });
  return { client, sleeps, urlRequests };
};

describe('createSlackWebhookClient', () => {
  it('posts the payload as JSON and answers sent on 200', async () => {
    // Prepare
    const { client } = newClient();

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result).toEqual({ status: 'sent', attempts: 1 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: PATH, method: 'POST' });
    expect(received[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual(PAYLOAD);
  });

  it('waits as long as Retry-After says on 429, then sends', async () => {
    // Prepare
    answers.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } }, OK);
    const { client, sleeps } = newClient();

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result).toEqual({ status: 'sent', attempts: 2 });
    expect(sleeps).toEqual([2000]);
    expect(received).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than allowed: throws so Lambda retries later', async () => {
    // Prepare
    answers.push({ status: 429, body: 'rate_limited', headers: { 'retry-after': '120' } });
    const { client, sleeps } = newClient({ maxRetryAfterMs: 30_000 });

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error).toMatchObject({ httpStatus: 429, retryable: true });
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
  });

  it.each([
    [404, 'no_service'],
    [404, 'channel_not_found'],
    [410, 'channel_is_archived'],
    [403, 'invalid_token'],
    [400, 'no_service'],
  ])('drops the message on %i %s without retrying, after one fresh read of the URL', async (status, body) => {
    // Prepare
    answers.push({ status, body });
    const { client, sleeps, urlRequests } = newClient();

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result).toEqual({
      status: 'dropped',
      reason: `HTTP ${status} ${body}`,
      httpStatus: status,
      attempts: 1,
    });
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(urlRequests).toEqual([false, true]);
  });

  it('sends to the new URL when the parameter was replaced after a 404', async () => {
    // Prepare
    answers.push({ status: 404, body: 'no_service' }, OK);
    const { client } = newClient({ urls: [`${base}${PATH}`, `${base}${NEW_PATH}`] });

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result).toEqual({ status: 'sent', attempts: 2 });
    expect(received.map((r) => r.path)).toEqual([PATH, NEW_PATH]);
  });

  it('retries 500 with backoff, then throws so the message lands in the dead-letter queue', async () => {
    // Prepare
    answers.push(...[500, 500, 500, 500].map((status) => ({ status, body: 'internal_error' })));
    const { client, sleeps } = newClient();

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect(error).toMatchObject({ httpStatus: 500, slackError: 'internal_error', retryable: true });
    expect(received).toHaveLength(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('sends once a 500 clears', async () => {
    // Prepare
    answers.push({ status: 500, body: '' }, OK);
    const { client } = newClient();

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result).toEqual({ status: 'sent', attempts: 2 });
  });

  it('throws at once on 400 invalid_payload: the same bytes would be refused again', async () => {
    // Prepare
    answers.push({ status: 400, body: 'invalid_payload' });
    const { client } = newClient();

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ httpStatus: 400, slackError: 'invalid_payload', retryable: false });
    expect(received).toHaveLength(1);
  });

  it('retries an unreachable webhook, then throws naming the network error only', async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { client, sleeps } = newClient({ urls: [`http://127.0.0.1:${port}${PATH}`] });

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SlackWebhookError);
    expect((error as Error).message).toBe('Slack webhook unreachable: ECONNREFUSED');
    expect(sleeps).toHaveLength(3);
  });

  it('never puts the webhook URL in an error', async () => {
    // Prepare
    answers.push(...[500, 500, 500, 500].map((status) => ({ status, body: `oops ${PATH}` })));
    const { client } = newClient();

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain('XXXX');
    expect((error as Error).message).toBe('Slack webhook failed (HTTP 500)');
  });

  it.each([
    [`http://${SLACK_HOST}/services/T0/B0/X`, 'plain http'],
    ['https://hooks.slack.invalid/services/T0/B0/X', 'another host'],
    ['not a url at all', 'no URL'],
  ])('refuses %j (%s) without quoting it', async (url) => {
    // Prepare
    const client = createSlackWebhookClient({
      webhookUrl: async () => url,
      fetch: async () => new Response('ok'),
    });

    // Act
    const error = await client.post(PAYLOAD).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).not.toContain('/services/');
  });

  it("accepts Slack's own https host", async () => {
    // Prepare
    const targets: string[] = [];
    const client = createSlackWebhookClient({
      webhookUrl: async () => `https://${SLACK_HOST}/services/T00000000/B00000000/XXXXXXXX`,
      fetch: async (input) => {
        targets.push(String(input));
        return new Response('ok', { status: 200 });
      },
    });

    // Act
    const result = await client.post(PAYLOAD);

    // Assess
    expect(result.status).toBe('sent');
    expect(targets).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['30', 30_000],
    ['0', 0],
    [null, 1_000],
    ['soon', 1_000],
    ['Wed, 15 Jan 2025 10:00:05 GMT', 5_000],
  ])('reads Retry-After %j as %i ms', (header, expected) => {
    // Act
    const ms = retryAfterMs(header, Date.parse('2025-01-15T10:00:00Z'));

    // Assess
    expect(ms).toBe(expected);
  });
});
