import { createSnsAlertPublisher } from '../aws/sns.ts';
import { createDynamoDbAlertStateStore } from '../aws/dynamodb.ts';
import type { FindingPublisher } from '../alerts/ports.ts';
import { createAlertingSink } from '../alerts/sink.ts';
import { ConfigurationError } from '../errors.ts';
import { countPublishedAlerts } from './metrics.ts';
import type { Settings } from '../policy/settings.ts';
import type { FindingsSink } from '../use-cases/handle-api-call.ts';

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
 * unset); one without the other is a deployment error, reported at cold start.
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
  const publisher = countPublishedAlerts(createSnsAlertPublisher(topicArn));
  const stateStore = createDynamoDbAlertStateStore(table);
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
 * Security Hub is off by default and its client is a large part of a bundle: it is loaded on first
 * use only, so functions of stacks without Security Hub never pay for it at cold start.
 */
const lazySecurityHubPublisher = (): FindingPublisher => {
  let publisher: Promise<FindingPublisher> | undefined;
  return {
    importFindings: async (findings) => {
      publisher ??= import('../aws/securityhub.ts').then((m) => m.createSecurityHubFindingPublisher());
      return (await publisher).importFindings(findings);
    },
  };
};
