/**
 * Amazon MQ API calls (CreateBroker, UpdateBroker, UpdateConfiguration, users, tags, ...) via
 * CloudTrail and EventBridge: evaluate the affected brokers. This function cannot change security
 * groups; failing ingress findings are handed to the remediating function (on-ingress-event).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createConfigReporter } from '../shared/aws/config.ts';
import { createEc2NetworkReader } from '../shared/aws/ec2.ts';
import { createKmsKeyReader } from '../shared/aws/kms.ts';
import { createLambdaRemediationRequester } from '../shared/aws/lambda.ts';
import { createMqBrokerReader } from '../shared/aws/mq.ts';
import { enabledChecks } from '../shared/checks/registry.ts';
import { parseApiCallEvent } from '../shared/events/cloudtrail.ts';
import { logger } from '../shared/logger.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import { loadSettings } from '../shared/policy/load-settings.ts';
import { alertingFromEnv } from '../shared/runtime/alerting.ts';
import {
  acknowledgeInvalidEvents,
  recordOutcomes,
  summarizeOutcome,
} from '../shared/runtime/handler-support.ts';
import { handleApiCall } from '../shared/use-cases/handle-api-call.ts';
import { pacedBrokerReader, REAL_TIME_RATE_LIMIT } from '../shared/use-cases/rate-limit.ts';

// Created once per container: settings are validated at cold start, SDK clients are reused.
const settings = loadSettings();
const checks = enabledChecks(settings);
const readers = {
  // Paced below the account's Amazon MQ quota: a change to a configuration or group that dozens of
  // brokers share must not burst past it and fail on throttling.
  brokers: pacedBrokerReader(createMqBrokerReader(), REAL_TIME_RATE_LIMIT),
  network: createEc2NetworkReader(),
  keys: createKmsKeyReader(),
};
const remediatorName = process.env.REMEDIATOR_FUNCTION_NAME;
const configRulePrefix = process.env.CONFIG_RULE_PREFIX;
const findingsSinkFor = alertingFromEnv(settings);

export const handler = middy(async (event: unknown) =>
  acknowledgeInvalidEvents(async () => {
    const apiCall = parseApiCallEvent(event);
    logger.appendKeys({ eventId: apiCall.eventId, eventName: apiCall.eventName });
    const outcome = await handleApiCall(apiCall, {
      readers,
      settings,
      checks,
      account: apiCall.account,
      region: apiCall.region,
      now: () => new Date(),
      ...(remediatorName && settings.remediationMode !== 'off'
        ? { remediationRequester: createLambdaRemediationRequester(remediatorName) }
        : {}),
      ...(configRulePrefix ? { compliance: createConfigReporter(), configRulePrefix } : {}),
      ...(findingsSinkFor ? { findingsSink: findingsSinkFor(apiCall.account, apiCall.region) } : {}),
    });
    recordOutcomes(outcome.brokers);
    const summary = summarizeOutcome(outcome);
    logger.info('Event evaluated', { outcome: summary });
    return summary;
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
