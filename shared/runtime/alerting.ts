import { createAlertingSink } from '../alerts/sink.ts';
import { checkAlertTopicArn } from '../alerts/topic-arn.ts';
import { ConfigurationError } from '../errors.ts';
import { countPublishedAlerts } from './metrics.ts';
import type { Settings } from '../policy/settings.ts';
import type { FindingsSink } from '../use-cases/handle-api-call.ts';
import type { AlertPublisher } from '../alerts/ports.ts';
import {
  lazyDynamoDbAlertStateStore,
  lazySecurityHubPublisher,
  lazySnsAlertPublisher,
  lazySnsAlertPublisherInTopicRegion,
} from './lazy-aws.ts';

/** Environment variables the stack sets for the functions that alert. */
export const ALERTING_ENV = {
  topicArn: 'ALERT_TOPIC_ARN',
  stateTable: 'ALERT_STATE_TABLE',
  securityHub: 'SECURITY_HUB_ENABLED',
  /** The organization's central topic (any region), published to as well; empty or unset = none. */
  centralTopicArn: 'CENTRAL_ALERT_TOPIC_ARN',
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
  const own = lazySnsAlertPublisher(checkAlertTopicArn(topicArn));
  const centralTopicArn = env[ALERTING_ENV.centralTopicArn]?.trim();
  const publisher = countPublishedAlerts(
    centralTopicArn ? bothTopics(own, createCentralAlertPublisher(centralTopicArn)) : own,
  );
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

/**
 * The organization's central topic (docs/organizations.md), published to with a client of the topic's
 * own region: SNS publishes only to topics of the client's region.
 */
export const createCentralAlertPublisher = (topicArn: string): AlertPublisher =>
  lazySnsAlertPublisherInTopicRegion(checkAlertTopicArn(topicArn, ALERTING_ENV.centralTopicArn));

/** Each alert on the stack's topic and on the central one; it is sent once both accepted it. */
const bothTopics = (own: AlertPublisher, central: AlertPublisher): AlertPublisher => ({
  async publish(alert) {
    await Promise.all([own.publish(alert), central.publish(alert)]);
  },
});
