/**
 * What both real-time functions (on-broker-event, on-ingress-event) build once per container: settings
 * validated at cold start, the checks they switch on (by id; their code is loaded with an event's first
 * reads), the paced readers, Config re-run and alerting. Every AWS adapter is loaded on first use,
 * except those the function hands in (`loaded`): the ones its first call of every invocation needs,
 * imported statically by its handler file.
 */
import { enabledCheckIds } from '../checks/enabled.ts';
import { loadSettings } from '../policy/load-settings.ts';
import type { Settings } from '../policy/settings.ts';
import type { AccountReaders, IngressWriter, RemediationRequester } from '../ports.ts';
import type { EventDeps } from '../use-cases/handle-api-call.ts';
import { pacedBrokerReader, REAL_TIME_RATE_LIMIT } from '../use-cases/rate-limit.ts';
import { readAlertingEnv } from './alerting-env.ts';
import { loadOnce } from './lazy-adapter.ts';
import {
  lazyConfigReporter,
  lazyEc2NetworkReader,
  lazyKmsKeyReader,
  lazyMqBrokerReader,
} from './lazy-aws.ts';

export interface RealTimeContainer {
  readonly settings: Settings;
  /** The use case's dependencies for one event's account and region, with how remediation happens. */
  depsFor(
    account: string,
    region: string,
    remediation: { readonly writer?: IngressWriter; readonly remediationRequester?: RemediationRequester },
  ): EventDeps;
}

export const createRealTimeContainer = (
  env: NodeJS.ProcessEnv = process.env,
  loaded: Partial<AccountReaders> = {},
): RealTimeContainer => {
  const settings = loadSettings(env);
  const checkIds = enabledCheckIds(settings);
  // Checked at cold start: a deployment error fails the start, not the first alert.
  const alerting = readAlertingEnv(env);
  const readers = {
    // Paced below the account's Amazon MQ quota: a change to a configuration or group that dozens of
    // brokers share must not burst past it and fail on throttling.
    brokers: pacedBrokerReader(loaded.brokers ?? lazyMqBrokerReader(), REAL_TIME_RATE_LIMIT, env),
    network: loaded.network ?? lazyEc2NetworkReader(),
    keys: loaded.keys ?? lazyKmsKeyReader(),
  };
  const configRulePrefix = env.CONFIG_RULE_PREFIX?.trim();
  const compliance = configRulePrefix ? lazyConfigReporter() : undefined;
  // Once per container; a failed load is tried again by the next event.
  const loadEvaluation = loadOnce(() =>
    import('./evaluation.ts').then(({ loadedEvaluation }) => loadedEvaluation(settings, alerting)),
  );
  return {
    settings,
    depsFor: (account, region, remediation) => ({
      readers,
      settings,
      checkIds,
      evaluation: async () => {
        const { checks, findingsSinkFor } = await loadEvaluation();
        return { checks, ...(findingsSinkFor ? { findingsSink: findingsSinkFor(account, region) } : {}) };
      },
      account,
      region,
      now: () => new Date(),
      ...(remediation.writer ? { writer: remediation.writer } : {}),
      ...(remediation.remediationRequester ? { remediationRequester: remediation.remediationRequester } : {}),
      ...(compliance && configRulePrefix ? { compliance, configRulePrefix } : {}),
    }),
  };
};
