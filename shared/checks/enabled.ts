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
