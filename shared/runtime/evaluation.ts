/**
 * What a real-time function loads when it first evaluates a broker (real-time.ts, by `import()` at the
 * start of an event, beside its first reads): the enabled checks and the alert sink. Never read at
 * start-up: an event on a group no broker uses runs none of it.
 */
import type { Check } from '../checks/check.ts';
import { enabledChecks } from '../checks/registry.ts';
import type { Settings } from '../policy/settings.ts';
import type { AlertingEnv } from './alerting-env.ts';
import { alertingSinkFactory, type FindingsSinkFactory } from './alerting.ts';

export interface LoadedEvaluation {
  readonly checks: readonly Check[];
  /** Undefined when the stack configures no alerting. */
  readonly findingsSinkFor?: FindingsSinkFactory;
}

export const loadedEvaluation = (
  settings: Settings,
  alerting: AlertingEnv | undefined,
): LoadedEvaluation => ({
  checks: enabledChecks(settings),
  ...(alerting ? { findingsSinkFor: alertingSinkFactory(settings, alerting) } : {}),
});
