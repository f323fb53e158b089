/**
 * Amazon MQ API calls (CreateBroker, UpdateBroker, UpdateConfiguration, users, tags, ...) via
 * CloudTrail and EventBridge: evaluate the affected brokers. This function cannot change security
 * groups; failing ingress findings are handed to the remediating function (on-ingress-event).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createMqBrokerReader } from '../shared/aws/mq.ts';
import { parseApiCallEvent } from '../shared/events/cloudtrail.ts';
import { logger } from '../shared/logger.ts';
import { lazyLambdaRemediationRequester } from '../shared/runtime/lazy-aws.ts';
import { createRealTimeContainer } from '../shared/runtime/real-time.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import {
  acknowledgeInvalidEvents,
  recordOutcomes,
  summarizeOutcome,
} from '../shared/runtime/handler-support.ts';
import { handleApiCall } from '../shared/use-cases/handle-api-call.ts';

// Created once per container: settings are validated at cold start, SDK clients are reused. The
// Amazon MQ client is loaded at start-up (every event begins with a broker read); the others on
// first use.
const container = createRealTimeContainer(process.env, { brokers: createMqBrokerReader() });
const remediatorName = process.env.REMEDIATOR_FUNCTION_NAME?.trim();
const remediationRequester =
  remediatorName && container.settings.remediationMode !== 'off'
    ? lazyLambdaRemediationRequester(remediatorName)
    : undefined;

export const handler = middy(async (event: unknown) =>
  acknowledgeInvalidEvents(async () => {
    const apiCall = parseApiCallEvent(event);
    logger.appendKeys({ eventId: apiCall.eventId, eventName: apiCall.eventName });
    const outcome = await handleApiCall(
      apiCall,
      container.depsFor(
        apiCall.account,
        apiCall.region,
        remediationRequester ? { remediationRequester } : {},
      ),
    );
    recordOutcomes(outcome.brokers);
    const summary = summarizeOutcome(outcome);
    logger.info('Event evaluated', { outcome: summary });
    return summary;
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
