import { createAlertingSink } from '../alerts/sink.ts';
import { ALERTING_ENV, type AlertingEnv, readAlertingEnv } from './alerting-env.ts';
import { checkAlertTopicArn } from '../alerts/topic-arn.ts';
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

export { ALERTING_ENV } from './alerting-env.ts';

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
  const alerting = readAlertingEnv(env);
  return alerting ? alertingSinkFactory(settings, alerting) : undefined;
};

/** The sink factory of an alerting configuration read (and checked) at cold start by readAlertingEnv. */
export const alertingSinkFactory = (settings: Settings, alerting: AlertingEnv): FindingsSinkFactory => {
  const own = lazySnsAlertPublisher(alerting.topicArn);
  const publisher = countPublishedAlerts(
    alerting.centralTopicArn ? bothTopics(own, createCentralAlertPublisher(alerting.centralTopicArn)) : own,
  );
  const stateStore = lazyDynamoDbAlertStateStore(alerting.table);
  const securityHub = alerting.securityHub ? lazySecurityHubPublisher() : undefined;
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
