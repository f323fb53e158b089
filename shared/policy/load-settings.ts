import { ConfigurationError } from '../errors.ts';
import { CHECK_IDS, type CheckId, isCheckId } from '../model/finding.ts';
import type { EngineType } from '../model/types.ts';
import { ENGINE_PROTOCOLS, engineDisplayName, isEngineProtocol } from '../network/protocol-ports.ts';
import { DEFAULT_SETTINGS, type Protocol, type RemediationMode, type Settings } from './settings.ts';

/** Environment variables the stack sets from its parameters (README "Settings"). */
export const SETTINGS_ENV = {
  remediationMode: 'REMEDIATION_MODE',
  activeMqProtocols: 'PROTOCOL_ALLOWLIST_ACTIVEMQ',
  rabbitMqProtocols: 'PROTOCOL_ALLOWLIST_RABBITMQ',
  remediateSharedGroups: 'REMEDIATE_SHARED_GROUPS',
  revokeWorldIngress: 'REVOKE_WORLD_INGRESS',
  disabledChecks: 'DISABLED_CHECKS',
  enabledOptInChecks: 'ENABLED_OPT_IN_CHECKS',
  remediationRoleArn: 'REMEDIATION_ROLE_ARN',
} as const;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

const bool = (name: string, value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined || value.trim() === '') return fallback;
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigurationError(`${name} must be true or false (got "${value}")`);
};

const mode = (value: string | undefined): RemediationMode => {
  const v = (value ?? '').trim().toLowerCase() || DEFAULT_SETTINGS.remediationMode;
  if (v === 'off' || v === 'dry-run' || v === 'enforce') return v;
  throw new ConfigurationError(
    `${SETTINGS_ENV.remediationMode} must be off, dry-run or enforce (got "${value}")`,
  );
};

const protocols = (name: string, engine: EngineType, value: string | undefined): Protocol[] | undefined => {
  const names = list(value).map((p) => p.toLowerCase());
  if (names.length === 0) return undefined;
  const unknown = names.filter((p) => !isEngineProtocol(engine, p));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${name} holds protocols ${engineDisplayName(engine)} does not have: ${unknown.join(', ')} (known: ${ENGINE_PROTOCOLS[engine].join(', ')})`,
    );
  }
  return names as Protocol[];
};

const checkIds = (name: string, value: string | undefined): CheckId[] => {
  const ids = list(value);
  const unknown = ids.filter((id) => !isCheckId(id));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${name} names unknown checks: ${unknown.join(', ')} (known: ${CHECK_IDS.join(', ')})`,
    );
  }
  return ids as CheckId[];
};

/**
 * Settings from the environment, validated once at cold start: a typo fails the deployment's first
 * invocation loudly instead of silently widening or narrowing what is remediated.
 */
export const loadSettings = (env: NodeJS.ProcessEnv = process.env): Settings => {
  const activeMq = protocols(SETTINGS_ENV.activeMqProtocols, 'ACTIVEMQ', env[SETTINGS_ENV.activeMqProtocols]);
  const rabbitMq = protocols(SETTINGS_ENV.rabbitMqProtocols, 'RABBITMQ', env[SETTINGS_ENV.rabbitMqProtocols]);
  const roleArn = env[SETTINGS_ENV.remediationRoleArn]?.trim();
  return {
    remediationMode: mode(env[SETTINGS_ENV.remediationMode]),
    protocolAllowlist: {
      ...(activeMq ? { ACTIVEMQ: activeMq } : {}),
      ...(rabbitMq ? { RABBITMQ: rabbitMq } : {}),
    },
    remediateSharedGroups: bool(
      SETTINGS_ENV.remediateSharedGroups,
      env[SETTINGS_ENV.remediateSharedGroups],
      DEFAULT_SETTINGS.remediateSharedGroups,
    ),
    revokeWorldIngress: bool(
      SETTINGS_ENV.revokeWorldIngress,
      env[SETTINGS_ENV.revokeWorldIngress],
      DEFAULT_SETTINGS.revokeWorldIngress,
    ),
    disabledChecks: checkIds(SETTINGS_ENV.disabledChecks, env[SETTINGS_ENV.disabledChecks]),
    enabledOptInChecks: checkIds(SETTINGS_ENV.enabledOptInChecks, env[SETTINGS_ENV.enabledOptInChecks]),
    ...(roleArn ? { remediationRoleArn: roleArn } : {}),
  };
};
