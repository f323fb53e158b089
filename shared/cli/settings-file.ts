/**
 * `--settings FILE` of `replay` and `scan`: a JSON object with the stack's setting names (README
 * "Settings"), so that every setting, not only the mode, can be tried against a recorded or live
 * account before it is deployed. Values are what `--param` takes: strings, and for convenience
 * booleans, numbers and lists (joined with commas). The settings the functions read are validated by
 * the same loader the functions run at cold start; the settings that only shape the stack are accepted
 * by name and do not change what replay or scan does.
 */
import { ConfigurationError, errorMessage } from '../errors.ts';
import { loadSettings, SETTINGS_ENV } from '../policy/load-settings.ts';
import type { Settings } from '../policy/settings.ts';
import { InputFileError } from './input.ts';

/** Settings the functions read, and the environment variable the stack passes each in. */
const FUNCTION_SETTINGS: Readonly<Record<string, string>> = {
  remediationMode: SETTINGS_ENV.remediationMode,
  protocolAllowlistActiveMq: SETTINGS_ENV.activeMqProtocols,
  protocolAllowlistRabbitMq: SETTINGS_ENV.rabbitMqProtocols,
  remediateSharedGroups: SETTINGS_ENV.remediateSharedGroups,
  revokeWorldIngress: SETTINGS_ENV.revokeWorldIngress,
  disabledChecks: SETTINGS_ENV.disabledChecks,
  enabledOptInChecks: SETTINGS_ENV.enabledOptInChecks,
};

/** Settings that only shape the stack (Config rules, schedule, alert delivery, logs). */
const STACK_SETTINGS: readonly string[] = [
  'configRules',
  'configRuleFrequency',
  'sweepSchedule',
  'alertEmail',
  'alertTopicArn',
  'slackWebhookParameter',
  'securityHub',
  'dashboard',
  'logLevel',
  'logRetentionInDays',
];

export const SETTING_NAMES: readonly string[] = [...Object.keys(FUNCTION_SETTINGS), ...STACK_SETTINGS];

/** A setting's value as `--param` would carry it, or undefined when it has no such form. */
const asParameter = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  return undefined;
};

/**
 * The settings a file describes, on top of the defaults. Every problem is reported at once, with the
 * valid names or values, as an InputFileError (the CLI's exit 2).
 */
export const settingsFromFile = (text: string, source: string): Settings => {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`${source} is not JSON: ${errorMessage(error)}`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new InputFileError(
      `${source} must be a JSON object of settings, e.g. {"remediationMode": "enforce"}; settings: ${SETTING_NAMES.join(', ')}`,
    );
  }
  const problems: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    const text = asParameter(value);
    if (!SETTING_NAMES.includes(name)) {
      problems.push(`"${name}" is not a setting (settings: ${SETTING_NAMES.join(', ')})`);
    } else if (text === undefined) {
      problems.push(`${name} must be a string, boolean, number or list of strings`);
    } else if (Object.hasOwn(FUNCTION_SETTINGS, name)) {
      env[FUNCTION_SETTINGS[name] as string] = text;
    }
  }
  // The functions' own loader names the variable it read; the file names the setting.
  const byVariable = Object.entries(FUNCTION_SETTINGS);
  const settingOf = (message: string): string =>
    byVariable.reduce((m, [name, variable]) => m.replaceAll(variable, name), message);
  for (const [, variable] of byVariable) {
    if (env[variable] === undefined) continue;
    try {
      loadSettings({ [variable]: env[variable] });
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(settingOf(errorMessage(error)));
    }
  }
  if (problems.length > 0) throw new InputFileError(`${source}: ${problems.join('; ')}`);
  return loadSettings(env);
};
