/**
 * notify-slack end to end below the handler: an SNS event carrying the `lambda` body of a real alert
 * message, rendered and posted to a local Slack stand-in on 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts/alert.ts';
import { createSlackNotifier } from '../../../shared/alerts/notify-slack.ts';
import type { AlertLogger } from '../../../shared/alerts/sink.ts';
import { renderSlackPayload } from '../../../shared/alerts/slack-payload.ts';
import { renderSnsMessage } from '../../../shared/alerts/sns-message.ts';
import { createSlackWebhookClient, SlackWebhookError } from '../../../shared/aws/slack.ts';
import { InvalidEventError } from '../../../shared/errors.ts';
import { dryRunAlert, type FakeSlack, startFakeSlack } from './support.ts';

const PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

let slack: FakeSlack;
let alert: Alert;

beforeAll(async () => {
  slack = await startFakeSlack();
  alert = await dryRunAlert();
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  slack.reset();
});

/** An SNS → Lambda event as Lambda delivers it: the `lambda` protocol's string of the message. */
const snsEvent = (message: string, messageId = '95df01b4-ee98-5cb9-9903-4c221d41eb5e') => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn:
        'arn:aws:sns:us-east-1:123456789012:mq-guardian-dev-alerts:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55',
      Sns: {
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:mq-guardian-dev-alerts',
        Subject: null,
        Message: message,
        Timestamp: '2025-01-15T10:00:01.000Z',
        MessageAttributes: {},
      },
    },
  ],
});

const lambdaBody = (a: Alert): string =>
  (JSON.parse(renderSnsMessage(a).Message) as Record<string, string>).lambda as string;

const recordingLogger = () => {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]) =>
      lines.push({ level, message, fields: Object.assign({}, ...extra) });
  const logger: AlertLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
};

const newNotifier = () => {
  const { logger, lines } = recordingLogger();
  const notifier = createSlackNotifier({
    slack: createSlackWebhookClient({
      webhookUrl: async () => `${slack.base}${PATH}`,
      sleep: async () => {},
      allowLoopbackHttp: true,
    }),
    logger,
  });
  return { notifier, lines };
};

describe('createSlackNotifier', () => {
  it('posts the Block Kit rendering of the alert the SNS message carries', async () => {
    // Prepare
    const { notifier } = newNotifier();

    // Act
    const result = await notifier.handle(snsEvent(lambdaBody(alert)));

    // Assess
    expect(result).toEqual({
      status: 'notified',
      results: [{ messageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', status: 'sent', alertId: alert.id }],
    });
    expect(slack.received.map((r) => JSON.parse(r.body))).toEqual([
      JSON.parse(JSON.stringify(renderSlackPayload(alert))),
    ]);
  });

  it('acknowledges a message that is not an alert without posting it', async () => {
    // Prepare
    const { notifier, lines } = newNotifier();

    // Act
    const result = await notifier.handle(snsEvent('{"hello":"world"}'));

    // Assess
    expect(result.results.map((r) => r.status)).toEqual(['ignored']);
    expect(slack.received).toEqual([]);
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'SNS message ignored: not an mq-guardian alert'],
    ]);
  });

  it('refuses an event that is not an SNS delivery', async () => {
    // Prepare
    const { notifier } = newNotifier();

    // Act
    const attempt = notifier.handle({ Records: [{ EventSource: 'aws:sqs', body: '{}' }] });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(InvalidEventError);
  });

  it('drops messages to a webhook that is gone, logging that once, and never the URL', async () => {
    // Prepare
    slack.answers.push({ status: 404, body: 'no_service' }, { status: 404, body: 'no_service' });
    const { notifier, lines } = newNotifier();

    // Act
    await notifier.handle(snsEvent(lambdaBody(alert), 'message-1'));
    const second = await notifier.handle(snsEvent(lambdaBody(alert), 'message-2'));

    // Assess
    expect(second.results.map((r) => [r.status, r.reason])).toEqual([['dropped', 'HTTP 404 no_service']]);
    expect(lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(lines.filter((l) => l.level === 'debug').map((l) => l.message)).toEqual(['Slack message dropped']);
    expect(JSON.stringify(lines)).not.toContain('/services/');
  });

  it('throws when Slack keeps failing, so the message lands in the dead-letter queue', async () => {
    // Prepare
    slack.answers.push(...[500, 500, 500, 500].map((status) => ({ status, body: '' })));
    const { notifier } = newNotifier();

    // Act
    const attempt = notifier.handle(snsEvent(lambdaBody(alert)));

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(SlackWebhookError);
  });
});
