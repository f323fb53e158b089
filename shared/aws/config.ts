import {
  ConfigServiceClient,
  type ConfigurationItem,
  type Evaluation,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  type ResourceType,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { GuardianError, UnexpectedShapeError } from '../errors.ts';
import type { ComplianceReporter, ConfigCompliance, ConfigEvaluation } from '../ports.ts';
import { callAws } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createConfigReporter` calls; serverless.yml must grant exactly these. */
export const CONFIG_IAM_ACTIONS = [
  'config:PutEvaluations',
  'config:StartConfigRulesEvaluation',
  'config:GetResourceConfigHistory',
] as const;

/** AWS Config limits. Breaking one is a bug in the caller, not something a retry fixes. */
export const MAX_EVALUATIONS_PER_PUT = 100;
export const MAX_RULES_PER_START = 25;
export const MAX_ANNOTATION_CHARS = 256;

export const getConfigClient: () => ConfigServiceClient = once(
  () => new ConfigServiceClient(sdkClientConfig()),
);

const COMPLIANCE_TYPES: readonly string[] = [
  'COMPLIANT',
  'NON_COMPLIANT',
  'NOT_APPLICABLE',
] satisfies ConfigCompliance[];

const limitError = (message: string) => new GuardianError('AWS_CONFIG_LIMIT', message);

const toSdkEvaluation = (evaluation: ConfigEvaluation): Evaluation => {
  if (evaluation.annotation.length > MAX_ANNOTATION_CHARS) {
    throw limitError(
      `Annotation for ${evaluation.complianceResourceId} has ${evaluation.annotation.length} characters (max ${MAX_ANNOTATION_CHARS})`,
    );
  }
  return {
    ComplianceResourceType: evaluation.complianceResourceType,
    ComplianceResourceId: evaluation.complianceResourceId,
    ComplianceType: evaluation.complianceType,
    // Config rejects an empty annotation (minimum length 1); none is better than a made-up one.
    ...(evaluation.annotation.length > 0 ? { Annotation: evaluation.annotation } : {}),
    OrderingTimestamp: evaluation.orderingTimestamp,
  };
};

const fromSdkEvaluation = (evaluation: Evaluation): ConfigEvaluation => {
  const { ComplianceResourceType, ComplianceResourceId, ComplianceType, OrderingTimestamp } = evaluation;
  if (
    !ComplianceResourceType ||
    !ComplianceResourceId ||
    ComplianceType === undefined ||
    !COMPLIANCE_TYPES.includes(ComplianceType) ||
    !(OrderingTimestamp instanceof Date)
  ) {
    throw new UnexpectedShapeError(
      `PutEvaluations returned a failed evaluation of unexpected shape: ${JSON.stringify(evaluation)}`,
    );
  }
  return {
    complianceResourceType: ComplianceResourceType,
    complianceResourceId: ComplianceResourceId,
    complianceType: ComplianceType as ConfigCompliance,
    annotation: evaluation.Annotation ?? '',
    orderingTimestamp: OrderingTimestamp,
  };
};

/** The configuration item as the invoking event would carry it: `configuration` parsed, times as ISO strings. */
const toPlainItem = (item: ConfigurationItem): Record<string, unknown> => {
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (value === undefined) continue;
    plain[key] = value instanceof Date ? value.toISOString() : value;
  }
  // Items of deleted resources carry no configuration; an empty string is read as that, not as bad JSON.
  if (item.configuration === '') plain.configuration = null;
  else if (typeof item.configuration === 'string') {
    try {
      plain.configuration = JSON.parse(item.configuration) as unknown;
    } catch (error) {
      throw new UnexpectedShapeError(
        `GetResourceConfigHistory ${item.resourceType} ${item.resourceId}: configuration is not JSON`,
        { cause: error },
      );
    }
  }
  return plain;
};

export const createConfigReporter = (
  client: ConfigServiceClient = getConfigClient(),
): ComplianceReporter => ({
  async putEvaluations(
    resultToken: string,
    evaluations: readonly ConfigEvaluation[],
  ): Promise<ConfigEvaluation[]> {
    if (evaluations.length > MAX_EVALUATIONS_PER_PUT) {
      throw limitError(
        `PutEvaluations takes at most ${MAX_EVALUATIONS_PER_PUT} evaluations a call, got ${evaluations.length}: batch them`,
      );
    }
    if (evaluations.length === 0) return [];
    const input = { ResultToken: resultToken, Evaluations: evaluations.map(toSdkEvaluation) };
    const output = await callAws('PutEvaluations', () => client.send(new PutEvaluationsCommand(input)));
    // FailedEvaluations is optional in the answer (PutEvaluations, AWS Config API Reference): a
    // successful call without it refused nothing. Anything but a list there is not understood.
    const failed = output.FailedEvaluations;
    if (failed === undefined) return [];
    if (!Array.isArray(failed)) {
      throw new UnexpectedShapeError('PutEvaluations returned a FailedEvaluations that is not a list');
    }
    return failed.map(fromSdkEvaluation);
  },

  async startRulesEvaluation(ruleNames: readonly string[]): Promise<'started' | 'limited'> {
    if (ruleNames.length > MAX_RULES_PER_START) {
      throw limitError(
        `StartConfigRulesEvaluation takes at most ${MAX_RULES_PER_START} rules a call, got ${ruleNames.length}`,
      );
    }
    if (ruleNames.length === 0) return 'started';
    const output = await callAws(
      'StartConfigRulesEvaluation',
      () => client.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [...ruleNames] })),
      // An evaluation is already running or one started less than a minute ago: it will see the change.
      { LimitExceededException: () => 'limited' as const },
    );
    return output === 'limited' ? 'limited' : 'started';
  },

  async getLatestConfigurationItem(
    resourceType: string,
    resourceId: string,
  ): Promise<Record<string, unknown> | null> {
    const output = await callAws(
      'GetResourceConfigHistory',
      () =>
        client.send(
          new GetResourceConfigHistoryCommand({
            resourceType: resourceType as ResourceType,
            resourceId,
            // Newest first is the default; said explicitly because `limit: 1` depends on it.
            chronologicalOrder: 'Reverse',
            limit: 1,
          }),
        ),
      // Config never recorded the resource (or no longer does): there is no item to return.
      { ResourceNotDiscoveredException: () => null },
    );
    const item = output?.configurationItems?.[0];
    return item ? toPlainItem(item) : null;
  },
});
