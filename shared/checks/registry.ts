import type { CheckId } from '../model/finding.ts';
import type { Settings } from '../policy/settings.ts';
import type { Check } from './check.ts';
import { enabledCheckIds } from './enabled.ts';
import { check as auditLoggingEnabled } from './mq-broker-audit-logging-enabled.ts';
import { check as authorizationMapConfigured } from './mq-broker-authorization-map-configured.ts';
import { check as autoMinorVersionUpgradeEnabled } from './mq-broker-auto-minor-version-upgrade-enabled.ts';
import { check as encryptedWithCustomerKey } from './mq-broker-encrypted-with-customer-key.ts';
import { check as engineVersionSupported } from './mq-broker-engine-version-supported.ts';
import { check as highlyAvailable } from './mq-broker-highly-available.ts';
import { check as ingressLimitedToUsedProtocols } from './mq-broker-ingress-limited-to-used-protocols.ts';
import { check as ingressNotOpenToWorld } from './mq-broker-ingress-not-open-to-world.ts';
import { check as ldapAuthentication } from './mq-broker-ldap-authentication.ts';
import { check as noPiiInIdentifiers } from './mq-broker-no-pii-in-identifiers.ts';
import { check as notPubliclyAccessible } from './mq-broker-not-publicly-accessible.ts';
import { check as systemGroupConfigured } from './mq-broker-system-group-configured.ts';

/** Every check, in catalogue order (the README's "What it checks"). One explicit array: reviewable at a glance. */
export const ALL_CHECKS: readonly Check[] = [
  notPubliclyAccessible,
  authorizationMapConfigured,
  systemGroupConfigured,
  ingressLimitedToUsedProtocols,
  ingressNotOpenToWorld,
  encryptedWithCustomerKey,
  auditLoggingEnabled,
  noPiiInIdentifiers,
  engineVersionSupported,
  autoMinorVersionUpgradeEnabled,
  highlyAvailable,
  ldapAuthentication,
];

export const getCheck = (id: CheckId): Check => {
  const found = ALL_CHECKS.find((c) => c.meta.id === id);
  if (!found) throw new Error(`No check with id ${id}`);
  return found;
};

/** The checks the settings switch on (enabled.ts): not disabled, and opt-in checks only when enabled. */
export const enabledChecks = (settings: Settings): Check[] => {
  const enabled = enabledCheckIds(settings);
  return ALL_CHECKS.filter((c) => enabled.includes(c.meta.id));
};
