import type { CheckId } from '../model/finding.ts';
import type { EngineType } from '../model/types.ts';

export type RemediationMode = 'off' | 'dry-run' | 'enforce';

/** Protocol names as used in the `mq-guardian:protocols` tag and the allowlist setting. */
export type ActiveMqProtocol = 'openwire' | 'amqp' | 'stomp' | 'mqtt' | 'wss' | 'console';
export type RabbitMqProtocol = 'amqp' | 'console';
export type Protocol = ActiveMqProtocol | RabbitMqProtocol;

export interface Settings {
  readonly remediationMode: RemediationMode;
  /** Stack-wide default of the protocols brokers use, per engine. Absent: every protocol of the engine. */
  readonly protocolAllowlist: Readonly<Partial<Record<EngineType, readonly Protocol[]>>>;
  /** Remediate groups that non-broker network interfaces also use. Default false. */
  readonly remediateSharedGroups: boolean;
  /** Also revoke world-open (0.0.0.0/0, ::/0) rules on used ports. Default false (alert only). */
  readonly revokeWorldIngress: boolean;
  readonly disabledChecks: readonly CheckId[];
  /** Checks that are off unless enabled (mq-broker-ldap-authentication). */
  readonly enabledOptInChecks: readonly CheckId[];
  /** ARN of the role mq-guardian remediates with: events by it are evaluated, never remediated. */
  readonly remediationRoleArn?: string;
}

export const DEFAULT_SETTINGS: Settings = {
  remediationMode: 'dry-run',
  protocolAllowlist: {},
  remediateSharedGroups: false,
  revokeWorldIngress: false,
  disabledChecks: [],
  enabledOptInChecks: [],
};

/** Tag keys mq-guardian reads. */
export const TAGS = {
  protocols: 'mq-guardian:protocols',
  remediation: 'mq-guardian:remediation',
  allow: 'mq-guardian:allow',
} as const;
