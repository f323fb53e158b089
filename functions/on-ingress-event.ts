/**
 * Security-group changes (AuthorizeSecurityGroupIngress, ModifySecurityGroupRules, revokes, rule tags)
 * and changes to the entries of a managed prefix list (ModifyManagedPrefixList,
 * RestoreManagedPrefixListVersion: the groups that reference it) via CloudTrail and EventBridge, and
 * remediation requests from the other functions. The only function
 * whose role may authorize or revoke ingress. A group no broker uses costs one round of reads and ends
 * quietly.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createEc2IngressWriter, createEc2NetworkReader } from '../shared/aws/ec2.ts';
import { parseApiCallEvent } from '../shared/events/cloudtrail.ts';
import { isRemediationRequest, parseRemediationRequest } from '../shared/events/remediation-request.ts';
import { logger } from '../shared/logger.ts';
import { createRealTimeContainer } from '../shared/runtime/real-time.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import {
  acknowledgeInvalidEvents,
  recordOutcomes,
  summarizeOutcome,
} from '../shared/runtime/handler-support.ts';
import { evaluateRequestedBrokers, handleApiCall } from '../shared/use-cases/handle-api-call.ts';

// Created once per container: settings are validated at cold start, SDK clients are reused. The EC2
// client is loaded at start-up (every event begins with a read of the group's network interfaces);
// the other clients on first use. In `enforce` the Amazon MQ client is loaded on every change to a
// named group (ListBrokers is read with the interfaces, one round fewer before a write); elsewhere a
// group no broker uses never loads it.
const container = createRealTimeContainer(process.env, { network: createEc2NetworkReader() });
// The only function that writes to security groups; no writer at all when remediation is off.
const writer = container.settings.remediationMode === 'off' ? undefined : createEc2IngressWriter();
interface InvocationContext {
  readonly invokedFunctionArn?: string;
  readonly getRemainingTimeInMillis?: () => number;
}
// A write starts only with time left to finish it and announce it (WRITE_RESERVE_MS).
const deps = (account: string, region: string, context: InvocationContext) => ({
  ...container.depsFor(account, region, writer ? { writer } : {}),
  ...(context.getRemainingTimeInMillis
    ? { remainingTimeMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY }
    : {}),
});

export const handler = middy(async (event: unknown, context: InvocationContext) =>
  acknowledgeInvalidEvents(async () => {
    if (isRemediationRequest(event)) {
      const request = parseRemediationRequest(event);
      // arn:aws:lambda:<region>:<account>:function:<name>
      const [, , , region = '', account = ''] = (context.invokedFunctionArn ?? '').split(':');
      // One set of reads for the request's brokers: they share groups and the broker listing.
      const outcomes = await evaluateRequestedBrokers(
        request.detail.brokerIds,
        deps(account, region, context),
        request.detail.actor,
        (outcome) => recordOutcomes([outcome]),
      );
      const results = outcomes.map((outcome) => ({
        brokerId: outcome.brokerId,
        status: outcome.status,
        remediation: outcome.remediation?.actions.map((a) => ({
          kind: a.kind,
          ruleId: a.ruleId,
          status: a.status,
        })),
      }));
      logger.info('Remediation request handled', { reason: request.detail.reason, results });
      return { status: 'remediated' as const, results };
    }
    const apiCall = parseApiCallEvent(event);
    logger.appendKeys({ eventId: apiCall.eventId, eventName: apiCall.eventName });
    const outcome = await handleApiCall(apiCall, deps(apiCall.account, apiCall.region, context));
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
