/**
 * AWS Config custom Lambda rules, one per check (`ruleParameters` `{"checkId": "…"}`), all served by
 * this function: configuration changes of brokers and security groups, and the periodic run. Reads
 * live state, posts the rule's evaluations with the invocation's ResultToken, never remediates and
 * never alerts (the EventBridge functions and the sweep do).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createMqBrokerReader } from '../shared/aws/mq.ts';
import { type ChecksSource, loadEnabledChecks } from '../shared/checks/enabled.ts';
import { ConfigurationError } from '../shared/errors.ts';
import { parseConfigInvocation } from '../shared/events/config-invocation.ts';
import { REGION_PATTERN } from '../shared/events/ids.ts';
import { logger } from '../shared/logger.ts';
import { logMetrics, metrics } from '../shared/runtime/metrics.ts';
import { loadSettings } from '../shared/policy/load-settings.ts';
import type { Settings } from '../shared/policy/settings.ts';
import type { AccountReaders, ComplianceReporter } from '../shared/ports.ts';
import { acknowledgeInvalidEvents } from '../shared/runtime/handler-support.ts';
import { lazyConfigReporter, lazyEc2NetworkReader, lazyKmsKeyReader } from '../shared/runtime/lazy-aws.ts';
import {
  CONFIG_RULE_RATE_LIMIT,
  EvaluationsRefusedError,
  handleConfigInvocation,
} from '../shared/use-cases/config-rule.ts';
import { createTokenBucket, loadRateLimit, rateLimitedBrokerReader } from '../shared/use-cases/rate-limit.ts';

export interface ConfigRuleHandlerDeps {
  readonly readers: AccountReaders;
  readonly compliance: ComplianceReporter;
  readonly settings: Settings;
  /** The enabled checks, or their load (started with the invocation's first read). */
  readonly checks: ChecksSource;
  /** The function's region (AWS_REGION); when absent, the region of the rule's ARN. */
  readonly region?: string;
  readonly now?: () => Date;
}

/** arn:aws:config:<region>:<account>:config-rule/<id> */
const regionOfRule = (configRuleArn: string | undefined): string | undefined => {
  const region = configRuleArn?.split(':')[3];
  return region && REGION_PATTERN.test(region) ? region : undefined;
};

/** The handler with its dependencies injected (tests, `serverless invoke local` with a recorded account). */
export const createConfigRuleHandler = (deps: ConfigRuleHandlerDeps) =>
  middy(async (event: unknown) =>
    acknowledgeInvalidEvents(async () => {
      const invocation = parseConfigInvocation(event);
      logger.appendKeys({
        configRuleName: invocation.configRuleName,
        checkId: invocation.checkId,
        messageType: invocation.messageType,
      });
      const region = deps.region ?? regionOfRule(invocation.configRuleArn);
      if (!region)
        throw new ConfigurationError('No region: AWS_REGION is not set and the rule ARN names none');
      const result = await handleConfigInvocation(invocation, {
        readers: deps.readers,
        compliance: deps.compliance,
        settings: deps.settings,
        checks: deps.checks,
        region,
        now: deps.now ?? (() => new Date()),
      });
      const summary = {
        status: 'evaluated' as const,
        configRuleName: invocation.configRuleName,
        checkId: invocation.checkId,
        messageType: invocation.messageType,
        resolution: result.resolution,
        posted: result.evaluations.length,
        compliance: countBy(result.evaluations.map((e) => e.complianceType)),
        refused: result.failed.map((e) => e.complianceResourceId),
      };
      // Surfaced, not swallowed: Lambda retries the invocation and Config gets another chance.
      if (result.failed.length > 0)
        throw new EvaluationsRefusedError(invocation.configRuleName, result.failed);
      logger.info('Config rule evaluated', { outcome: summary });
      return summary;
    }),
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));

const countBy = (values: readonly string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
};

// Created once per container: settings are validated at cold start, SDK clients and the token
// bucket (the account's quota refills in real time, across invocations) are reused. The Amazon MQ
// client is loaded at start-up: a periodic run and a broker change read brokers first. The Config
// client is loaded beside that first read (planConfigInvocation): evaluations are posted after it.
const settings = loadSettings();
const region = process.env.AWS_REGION?.trim();

export const handler = createConfigRuleHandler({
  readers: {
    brokers: rateLimitedBrokerReader(
      createMqBrokerReader(),
      createTokenBucket(loadRateLimit(CONFIG_RULE_RATE_LIMIT)),
    ),
    // Loaded on first use: only the two ingress checks read security groups and only the encryption
    // check reads keys, so the rules of the other checks never load the EC2 or KMS client.
    network: lazyEc2NetworkReader(),
    keys: lazyKmsKeyReader(),
  },
  compliance: lazyConfigReporter(),
  settings,
  checks: loadEnabledChecks(settings),
  ...(region ? { region } : {}),
});
