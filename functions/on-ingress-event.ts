/**
 * Security-group changes (AuthorizeSecurityGroupIngress, ModifySecurityGroupRules, revokes, rule tags)
 * via CloudTrail and EventBridge, and remediation requests from the other functions. The only function
 * whose role may authorize or revoke ingress. A group no broker uses costs one read and ends quietly.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createConfigReporter } from '../shared/aws/config.ts';
import { createEc2IngressWriter, createEc2NetworkReader } from '../shared/aws/ec2.ts';
import { createKmsKeyReader } from '../shared/aws/kms.ts';
import { createMqBrokerReader } from '../shared/aws/mq.ts';
import { enabledChecks } from '../shared/checks/registry.ts';
import { parseApiCallEvent } from '../shared/events/cloudtrail.ts';
import { isRemediationRequest, parseRemediationRequest } from '../shared/events/remediation-request.ts';
import { logger } from '../shared/logger.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import { loadSettings } from '../shared/policy/load-settings.ts';
import { alertingFromEnv } from '../shared/runtime/alerting.ts';
import {
  acknowledgeInvalidEvents,
  recordOutcomes,
  summarizeOutcome,
} from '../shared/runtime/handler-support.ts';
import { type EvaluationDeps, evaluateBroker, handleApiCall } from '../shared/use-cases/handle-api-call.ts';
import { pacedBrokerReader, REAL_TIME_RATE_LIMIT } from '../shared/use-cases/rate-limit.ts';

const settings = loadSettings();
const checks = enabledChecks(settings);
const readers = {
  // Paced below the account's Amazon MQ quota: a change to a configuration or group that dozens of
  // brokers share must not burst past it and fail on throttling.
  brokers: pacedBrokerReader(createMqBrokerReader(), REAL_TIME_RATE_LIMIT),
  network: createEc2NetworkReader(),
  keys: createKmsKeyReader(),
};
const writer = settings.remediationMode === 'off' ? undefined : createEc2IngressWriter();
const configRulePrefix = process.env.CONFIG_RULE_PREFIX;
const findingsSinkFor = alertingFromEnv(settings);

const deps = (account: string, region: string): EvaluationDeps => ({
  readers,
  settings,
  checks,
  account,
  region,
  now: () => new Date(),
  ...(writer ? { writer } : {}),
  ...(configRulePrefix ? { compliance: createConfigReporter(), configRulePrefix } : {}),
  ...(findingsSinkFor ? { findingsSink: findingsSinkFor(account, region) } : {}),
});

export const handler = middy(async (event: unknown, context: { invokedFunctionArn?: string }) =>
  acknowledgeInvalidEvents(async () => {
    if (isRemediationRequest(event)) {
      const request = parseRemediationRequest(event);
      // arn:aws:lambda:<region>:<account>:function:<name>
      const [, , , region = '', account = ''] = (context.invokedFunctionArn ?? '').split(':');
      const results = [];
      for (const brokerId of request.detail.brokerIds) {
        const outcome = await evaluateBroker(brokerId, deps(account, region), request.detail.actor);
        recordOutcomes([outcome]);
        results.push({
          brokerId,
          status: outcome.status,
          remediation: outcome.remediation?.actions.map((a) => ({
            kind: a.kind,
            ruleId: a.ruleId,
            status: a.status,
          })),
        });
      }
      logger.info('Remediation request handled', { reason: request.detail.reason, results });
      return { status: 'remediated' as const, results };
    }
    const apiCall = parseApiCallEvent(event);
    logger.appendKeys({ eventId: apiCall.eventId, eventName: apiCall.eventName });
    const outcome = await handleApiCall(apiCall, deps(apiCall.account, apiCall.region));
    recordOutcomes(outcome.brokers);
    if (outcome.brokers.length === 0) {
      logger.debug('No broker uses the security group', { resolution: outcome.resolution });
    } else {
      logger.info('Event evaluated', { outcome: summarizeOutcome(outcome) });
    }
    return summarizeOutcome(outcome);
  }),
)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
