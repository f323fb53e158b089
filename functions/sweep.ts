/**
 * The scheduled sweep (EventBridge schedule, hourly by default): evaluates every broker of the
 * account, whether or not AWS Config is enabled, hands failing ingress to the remediating function
 * and passes findings to the findings sink. Never writes to EC2 itself. Amazon MQ calls go through a
 * token bucket sized to a share of the account's quota.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createMqBrokerReader } from '../shared/aws/mq.ts';
import { type ChecksSource, loadEnabledChecks } from '../shared/checks/enabled.ts';
import { ConfigurationError } from '../shared/errors.ts';
import { ACCOUNT_ID_PATTERN, REGION_PATTERN } from '../shared/events/ids.ts';
import { logger } from '../shared/logger.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import { loadSettings } from '../shared/policy/load-settings.ts';
import type { Settings } from '../shared/policy/settings.ts';
import type { AccountReaders, RemediationRequester } from '../shared/ports.ts';
import { lazyAlertingSinkFactory, readAlertingEnv } from '../shared/runtime/alerting-env.ts';
import {
  lazyEc2NetworkReader,
  lazyKmsKeyReader,
  lazyLambdaRemediationRequester,
} from '../shared/runtime/lazy-aws.ts';
import { acknowledgeInvalidEvents, recordOutcomes } from '../shared/runtime/handler-support.ts';
import type { FindingsSink } from '../shared/use-cases/handle-api-call.ts';
import { createTokenBucket, loadRateLimit, rateLimitedBrokerReader } from '../shared/use-cases/rate-limit.ts';
import { SWEEP_RATE_LIMIT, summarizeSweep, sweep } from '../shared/use-cases/sweep.ts';

export interface SweepHandlerDeps {
  readonly readers: AccountReaders;
  readonly settings: Settings;
  /** The enabled checks, or their load (started with the broker listing). */
  readonly checks: ChecksSource;
  readonly remediationRequester?: RemediationRequester;
  /** The alert sink for the swept account and region (they are known only per invocation). */
  readonly findingsSinkFor?: (account: string, region: string) => FindingsSink;
  readonly now?: () => Date;
  readonly concurrency?: number;
}

interface Location {
  readonly account: string;
  readonly region: string;
}

/**
 * The account and region swept: those of the function itself (its ARN), else those of the scheduled
 * event. The event carries nothing else the sweep needs.
 */
export const locate = (event: unknown, invokedFunctionArn: string | undefined): Location => {
  // arn:aws:lambda:<region>:<account>:function:<name>
  const [, , , arnRegion, arnAccount] = (invokedFunctionArn ?? '').split(':');
  const fromEvent = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const pick = (pattern: RegExp, ...candidates: unknown[]): string | undefined =>
    candidates.find((c): c is string => typeof c === 'string' && pattern.test(c));
  const account = pick(ACCOUNT_ID_PATTERN, arnAccount, fromEvent.account);
  const region = pick(REGION_PATTERN, arnRegion, fromEvent.region);
  if (!account || !region) {
    throw new ConfigurationError(
      'Cannot tell which account and region to sweep: no function ARN and no event account/region',
    );
  }
  return { account, region };
};

/** The handler with its dependencies injected (tests, `serverless invoke local` with a recorded account). */
export const createSweepHandler = (deps: SweepHandlerDeps) =>
  middy(async (event: unknown, context: { invokedFunctionArn?: string }) =>
    acknowledgeInvalidEvents(async () => {
      const { account, region } = locate(event, context.invokedFunctionArn);
      const result = await sweep({
        readers: deps.readers,
        settings: deps.settings,
        checks: deps.checks,
        account,
        region,
        now: deps.now ?? (() => new Date()),
        ...(deps.remediationRequester ? { remediationRequester: deps.remediationRequester } : {}),
        ...(deps.findingsSinkFor ? { findingsSink: deps.findingsSinkFor(account, region) } : {}),
        ...(deps.concurrency ? { concurrency: deps.concurrency } : {}),
      });
      recordOutcomes(result.outcomes);
      return { status: 'swept' as const, ...summarizeSweep(result) };
    }),
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));

// Created once per container. The bucket outlives invocations because the account's quota refills
// in real time, not per invocation. Every sweep starts by listing brokers (the Amazon MQ client is
// loaded at start-up); EC2, KMS and Lambda are loaded when a broker needs them.
const settings = loadSettings();
const remediatorName = process.env.REMEDIATOR_FUNCTION_NAME?.trim();
// Checked at cold start; the alert plan and its publishers load with the first invocation's listing.
const alerting = readAlertingEnv();
const findingsSinkFor = alerting ? lazyAlertingSinkFactory(settings, alerting) : undefined;

export const handler = createSweepHandler({
  readers: {
    brokers: rateLimitedBrokerReader(
      createMqBrokerReader(),
      createTokenBucket(loadRateLimit(SWEEP_RATE_LIMIT)),
    ),
    network: lazyEc2NetworkReader(),
    keys: lazyKmsKeyReader(),
  },
  settings,
  checks: loadEnabledChecks(settings),
  ...(findingsSinkFor ? { findingsSinkFor } : {}),
  ...(remediatorName && settings.remediationMode !== 'off'
    ? { remediationRequester: lazyLambdaRemediationRequester(remediatorName) }
    : {}),
});
