import type { Check } from './check.ts';
import { CHECK_IDS, type CheckId, OPT_IN_CHECK_IDS } from '../model/finding.ts';
import type { Settings } from '../policy/settings.ts';

/**
 * The ids of the checks the settings switch on, in catalogue order: not disabled, and opt-in checks
 * only when enabled. Known without loading the checks (registry.ts `enabledChecks` loads them).
 */
export const enabledCheckIds = (settings: Settings): CheckId[] =>
  CHECK_IDS.filter(
    (id) =>
      !settings.disabledChecks.includes(id) &&
      (!OPT_IN_CHECK_IDS.includes(id) || settings.enabledOptInChecks.includes(id)),
  );

/**
 * The enabled checks, or their load: the functions pass a load (`loadEnabledChecks`), so that the
 * checks' code is read beside their first AWS reads instead of at start-up; tests and the CLI pass
 * the checks.
 */
export type ChecksSource = readonly Check[] | (() => Promise<readonly Check[]>);

export const checksOf = async (source: ChecksSource): Promise<readonly Check[]> =>
  typeof source === 'function' ? source() : source;

/** Loads the checks the settings switch on by `import()`, once; a failed load is tried again. */
export const loadEnabledChecks = (settings: Settings): (() => Promise<readonly Check[]>) => {
  let loading: Promise<readonly Check[]> | undefined;
  return () => {
    loading ??= import('./registry.ts').then(
      ({ enabledChecks }) => enabledChecks(settings),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    );
    return loading;
  };
};
