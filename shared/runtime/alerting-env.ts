/**
 * The stack's alerting configuration, read and checked at cold start: a deployment error (half a
 * configuration, a topic ARN that is not one) fails the function's start, before any event. The sink
 * itself (alerting.ts: the alert plan, its text, the publishers) is built where alerts are first
 * announced.
 */
import { checkAlertTopicArn } from '../alerts/topic-arn.ts';
import { ConfigurationError } from '../errors.ts';
import type { Settings } from '../policy/settings.ts';
import type { FindingsSinkFactory } from './alerting.ts';
import { loadOnce } from './lazy-adapter.ts';

/** Environment variables the stack sets for the functions that alert. */
export const ALERTING_ENV = {
  topicArn: 'ALERT_TOPIC_ARN',
  stateTable: 'ALERT_STATE_TABLE',
  securityHub: 'SECURITY_HUB_ENABLED',
  /** The organization's central topic (any region), published to as well; empty or unset = none. */
  centralTopicArn: 'CENTRAL_ALERT_TOPIC_ARN',
} as const;

export interface AlertingEnv {
  readonly topicArn: string;
  readonly table: string;
  readonly centralTopicArn?: string;
  readonly securityHub: boolean;
}

/**
 * The alerting the stack configures, checked; undefined when it configures none (both variables
 * unset). One without the other, or a topic ARN that is not one, is a ConfigurationError.
 */
export const readAlertingEnv = (env: NodeJS.ProcessEnv = process.env): AlertingEnv | undefined => {
  const topicArn = env[ALERTING_ENV.topicArn]?.trim();
  const table = env[ALERTING_ENV.stateTable]?.trim();
  if (!topicArn && !table) return undefined;
  if (!topicArn || !table) {
    throw new ConfigurationError(
      `${ALERTING_ENV.topicArn} and ${ALERTING_ENV.stateTable} must be set together`,
    );
  }
  const centralTopicArn = env[ALERTING_ENV.centralTopicArn]?.trim();
  return {
    topicArn: checkAlertTopicArn(topicArn),
    table,
    ...(centralTopicArn
      ? { centralTopicArn: checkAlertTopicArn(centralTopicArn, ALERTING_ENV.centralTopicArn) }
      : {}),
    securityHub: env[ALERTING_ENV.securityHub]?.trim().toLowerCase() === 'true',
  };
};

/**
 * The alert sink factory of alerting.ts, its code loaded by `import()`: each sink starts the load when
 * it is made (at the start of an invocation, beside the first reads) and announces once it is there.
 */
export const lazyAlertingSinkFactory = (settings: Settings, alerting: AlertingEnv): FindingsSinkFactory => {
  const load = loadOnce(() =>
    import('./alerting.ts').then(({ alertingSinkFactory }) => alertingSinkFactory(settings, alerting)),
  );
  return (account, region) => {
    const sink = load().then((sinkFor) => sinkFor(account, region));
    // Seen by the first notify; an invocation that announces nothing never awaits it.
    sink.catch(() => undefined);
    return { notify: async (input) => (await sink).notify(input) };
  };
};
