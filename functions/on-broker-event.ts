/**
 * Amazon MQ API calls (CreateBroker, UpdateBroker, UpdateConfiguration, users, tags, ...) via
 * CloudTrail and EventBridge: evaluate the affected brokers. This function cannot change security
 * groups; failing ingress findings are handed to the remediating function (on-ingress-event).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLambdaRemediationRequester } from '../shared/aws/lambda.ts';
import { parseApiCallEvent } from '../shared/events/cloudtrail.ts';
import { logger } from '../shared/logger.ts';
import { createRealTimeContainer } from '../shared/runtime/real-time.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import {
  acknowledgeInvalidEvents,
  recordOutcomes,
  summarizeOutcome,
} from '../shared/runtime/handler-support.ts';
import { handleApiCall } from '../shared/use-cases/handle-api-call.ts';

// Created once per container: settings are validated at cold start, SDK clients are reused.
const container = createRealTimeContainer();
const remediatorName = process.env.REMEDIATOR_FUNCTION_NAME?.trim();
const remediationRequester =
  remediatorName && container.settings.remediationMode !== 'off'
    ? createLambdaRemediationRequester(remediatorName)
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
