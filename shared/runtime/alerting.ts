import { createAlertingSink } from '../alerts/sink.ts';
import { checkAlertTopicArn } from '../alerts/topic-arn.ts';
import { ConfigurationError } from '../errors.ts';
import { countPublishedAlerts } from './metrics.ts';
import type { Settings } from '../policy/settings.ts';
import type { FindingsSink } from '../use-cases/handle-api-call.ts';
import { lazyDynamoDbAlertStateStore, lazySecurityHubPublisher, lazySnsAlertPublisher } from './lazy-aws.ts';

/** Environment variables the stack sets for the functions that alert. */
export const ALERTING_ENV = {
  topicArn: 'ALERT_TOPIC_ARN',
  stateTable: 'ALERT_STATE_TABLE',
  securityHub: 'SECURITY_HUB_ENABLED',
} as const;

export type FindingsSinkFactory = (account: string, region: string) => FindingsSink;

/**
 * The deduplicating alert sink for an account and region (they come from each event), built on the
 * stack's topic and state table. Undefined when the stack configures no alerting (both variables
 * unset); one without the other, or a topic ARN that is not one, is a deployment error, reported at
 * cold start. The SNS, DynamoDB and Security Hub clients are loaded on first use only: an invocation
 * that announces nothing never loads them.
 */
export const alertingFromEnv = (
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): FindingsSinkFactory | undefined => {
  const topicArn = env[ALERTING_ENV.topicArn]?.trim();
  const table = env[ALERTING_ENV.stateTable]?.trim();
  if (!topicArn && !table) return undefined;
  if (!topicArn || !table) {
    throw new ConfigurationError(
      `${ALERTING_ENV.topicArn} and ${ALERTING_ENV.stateTable} must be set together`,
    );
  }
  const publisher = countPublishedAlerts(lazySnsAlertPublisher(checkAlertTopicArn(topicArn)));
  const stateStore = lazyDynamoDbAlertStateStore(table);
  const securityHub =
    env[ALERTING_ENV.securityHub]?.trim().toLowerCase() === 'true' ? lazySecurityHubPublisher() : undefined;
  return (account, region) =>
    createAlertingSink({
      publisher,
      stateStore,
      ...(securityHub ? { securityHub } : {}),
      mode: settings.remediationMode,
      account,
      region,
      now: () => new Date(),
    });
};
