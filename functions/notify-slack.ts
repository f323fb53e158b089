/**
 * Subscribed to the alert topic (only when the stack names the SSM SecureString parameter holding
 * the Slack incoming-webhook URL): posts each alert as a Block Kit message. The URL is read with
 * Powertools Parameters (decrypted, cached) and never logged.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createSlackNotifier } from '../shared/alerts/notify-slack.ts';
import { createSlackWebhookClient } from '../shared/aws/slack.ts';
import { createSsmSecureParameterReader } from '../shared/aws/ssm.ts';
import { ConfigurationError } from '../shared/errors.ts';
import { logger } from '../shared/logger.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import { acknowledgeInvalidEvents } from '../shared/runtime/handler-support.ts';

const parameterName = process.env.SLACK_WEBHOOK_PARAMETER?.trim();
const parameters = createSsmSecureParameterReader();
const notifier = createSlackNotifier({
  slack: createSlackWebhookClient({
    webhookUrl: async ({ refresh }) => {
      if (!parameterName) throw new ConfigurationError('SLACK_WEBHOOK_PARAMETER is not set');
      return parameters.getSecureString(parameterName, { refresh });
    },
  }),
});

export const handler = middy(async (event: unknown) => acknowledgeInvalidEvents(() => notifier.handle(event)))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
