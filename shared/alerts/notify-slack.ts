/**
 * notify-slack's use case: for each SNS record, parse the structured alert (the `lambda` protocol
 * body, sns-message.ts), render it as Block Kit and post it. A record that is not an alert is logged
 * and acknowledged (never retried); a webhook that is gone drops the message, logged once per
 * container and reason; a Slack failure is thrown so Lambda retries and the dead-letter queue keeps
 * the message.
 */
import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import { parseWith } from '../events/validation.ts';
import { logger as defaultLogger } from '../logger.ts';
import type { SlackPoster } from './ports.ts';
import { parseAlertMessage } from './schema.ts';
import type { AlertLogger } from './sink.ts';
import { renderSlackPayload } from './slack-payload.ts';

const snsEventSchema = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal('aws:sns'),
        Sns: z.object({ MessageId: z.string().check(z.minLength(1)), Message: z.string() }),
      }),
    )
    .check(z.minLength(1)),
});

export interface SlackNotification {
  readonly messageId: string;
  readonly status: 'sent' | 'dropped' | 'ignored';
  readonly alertId?: string;
  readonly reason?: string;
}

export interface SlackNotifier {
  handle(
    event: unknown,
  ): Promise<{ readonly status: 'notified'; readonly results: readonly SlackNotification[] }>;
}

export const createSlackNotifier = (deps: {
  readonly slack: SlackPoster;
  readonly logger?: AlertLogger;
}): SlackNotifier => {
  const log = deps.logger ?? defaultLogger;
  const droppedReasons = new Set<string>();

  return {
    async handle(event) {
      const { Records } = parseWith(snsEventSchema, event, '', 'SNS event');
      const results: SlackNotification[] = [];
      for (const record of Records) {
        const messageId = record.Sns.MessageId;
        let alert: ReturnType<typeof parseAlertMessage>;
        try {
          alert = parseAlertMessage(record.Sns.Message);
        } catch (error) {
          if (!(error instanceof InvalidEventError)) throw error;
          log.warn('SNS message ignored: not an mq-guardian alert', { messageId, reason: error.message });
          results.push({ messageId, status: 'ignored', reason: error.message });
          continue;
        }
        const result = await deps.slack.post(renderSlackPayload(alert));
        if (result.status === 'dropped') {
          if (!droppedReasons.has(result.reason)) {
            droppedReasons.add(result.reason);
            log.error('Slack webhook refuses messages; dropping them (update the webhook parameter)', {
              reason: result.reason,
              alertId: alert.id,
            });
          } else {
            log.debug('Slack message dropped', { reason: result.reason, alertId: alert.id });
          }
          results.push({ messageId, status: 'dropped', alertId: alert.id, reason: result.reason });
          continue;
        }
        log.info('Slack message sent', {
          alertId: alert.id,
          action: alert.action,
          attempts: result.attempts,
        });
        results.push({ messageId, status: 'sent', alertId: alert.id });
      }
      return { status: 'notified', results };
    },
  };
};
