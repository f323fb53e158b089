import { ConfigurationError } from '../errors.ts';
import type { CheckId } from '../model/finding.ts';
import {
  checkSettingsRecord,
  SETTINGS,
  settingProblem,
  settingSpec,
  settingsEnvironment,
} from './settings-schema.ts';
import type { Protocol, RemediationMode, Settings } from './settings.ts';

/** The environment variable that carries the role the stack remediates with (not a setting: the stack creates it). */
export const REMEDIATION_ROLE_ENV = 'REMEDIATION_ROLE_ARN';

/**
 * Environment variables the stack sets: one per setting the functions read, by setting name, as the
 * schema declares them (settings-schema.ts), and the remediation role's.
 */
export const SETTINGS_ENV: Readonly<Record<string, string>> & { readonly remediationRoleArn: string } = {
  ...Object.fromEntries(SETTINGS.flatMap((s) => (s.env ? [[s.name, s.env]] : []))),
  remediationRoleArn: REMEDIATION_ROLE_ENV,
};

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/**
 * One setting's value from its environment variable, checked against the schema the template's
 * Parameters are built from; unset or empty means the default.
 */
const read = (env: NodeJS.ProcessEnv, name: string): string => {
  const spec = settingSpec(name);
  if (!spec?.env) throw new Error(`${name} is not a setting the functions read`);
  const raw = env[spec.env];
  const value = raw === undefined || raw.trim() === '' ? spec.default : raw.trim();
  const problem = settingProblem(spec, value);
  if (problem) throw new ConfigurationError(`${spec.env}: ${problem}`);
  return value;
};

/**
 * Settings from the environment, validated once at cold start: a typo fails the deployment's first
 * invocation loudly instead of silently widening or narrowing what is remediated. (The template's
 * Parameters refuse the same typos before anything is deployed.)
 */
export const loadSettings = (env: NodeJS.ProcessEnv = process.env): Settings => {
  const activeMq = list(read(env, 'protocolAllowlistActiveMq')) as Protocol[];
  const rabbitMq = list(read(env, 'protocolAllowlistRabbitMq')) as Protocol[];
  const roleArn = env[REMEDIATION_ROLE_ENV]?.trim();
  return {
    remediationMode: read(env, 'remediationMode') as RemediationMode,
    protocolAllowlist: {
      ...(activeMq.length > 0 ? { ACTIVEMQ: activeMq } : {}),
      ...(rabbitMq.length > 0 ? { RABBITMQ: rabbitMq } : {}),
    },
    remediateSharedGroups: read(env, 'remediateSharedGroups') === 'true',
    revokeWorldIngress: read(env, 'revokeWorldIngress') === 'true',
    disabledChecks: list(read(env, 'disabledChecks')) as CheckId[],
    enabledOptInChecks: list(read(env, 'enabledOptInChecks')) as CheckId[],
    ...(roleArn ? { remediationRoleArn: roleArn } : {}),
  };
};

/**
 * Settings from a JSON object keyed by setting names (a settings file, as `mq-guardian settings
 * check` checks it). Throws a ConfigurationError listing every problem; settings the functions do not
 * read (configRules, alertEmail, ...) are checked but do not change the result.
 */
export const settingsFromRecord = (
  record: Readonly<Record<string, unknown>>,
  extra: { readonly remediationRoleArn?: string } = {},
): Settings => {
  const { problems, values } = checkSettingsRecord(record);
  if (problems.length > 0) throw new ConfigurationError(problems.join('\n'));
  return loadSettings({
    ...settingsEnvironment(values),
    ...(extra.remediationRoleArn ? { [REMEDIATION_ROLE_ENV]: extra.remediationRoleArn } : {}),
  });
};
