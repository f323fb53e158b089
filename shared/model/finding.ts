import type { EngineType, IpProtocol, OpenEnum, RuleSource } from './types.ts';

/** The public ids of the catalogue (the README's "What it checks"). Keep exactly. */
export const CHECK_IDS = [
  'mq-broker-not-publicly-accessible',
  'mq-broker-authorization-map-configured',
  'mq-broker-system-group-configured',
  'mq-broker-ingress-limited-to-used-protocols',
  'mq-broker-ingress-not-open-to-world',
  'mq-broker-encrypted-with-customer-key',
  'mq-broker-audit-logging-enabled',
  'mq-broker-no-pii-in-identifiers',
  'mq-broker-engine-version-supported',
  'mq-broker-auto-minor-version-upgrade-enabled',
  'mq-broker-highly-available',
  'mq-broker-ldap-authentication',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/**
 * The checks that are off unless `enabledOptInChecks` names them (each one's `meta.optIn`; the registry's
 * test holds the two equal). A list of its own so that settings can be validated, and the enabled checks
 * named, without loading the checks.
 */
export const OPT_IN_CHECK_IDS: readonly CheckId[] = ['mq-broker-ldap-authentication'];

export const isCheckId = (value: string): value is CheckId =>
  (CHECK_IDS as readonly string[]).includes(value);

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';

export const SEVERITY_ORDER: readonly Severity[] = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/**
 * PASS / FAIL / NOT_APPLICABLE, plus ERROR: the check could not be evaluated
 * (unparseable configuration, unreadable key, crashed check). ERROR is never reported as compliant:
 * AWS Config gets NON_COMPLIANT with the reason, remediation never acts on it.
 */
export type FindingStatus = 'PASS' | 'FAIL' | 'NOT_APPLICABLE' | 'ERROR';

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** One ingress rule that breaks an ingress check, with what exactly is wrong about it. */
export interface OffendingRule {
  readonly ruleId: string;
  readonly groupId: string;
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
  readonly description?: string;
  /** Ports (TCP) of this rule that no used protocol needs. For a non-TCP rule: the whole range as given. */
  readonly disallowedPorts: readonly PortRange[];
  /** The part of the rule's TCP range that used protocols need (what narrowing must keep). Empty if none. */
  readonly allowedPorts: readonly PortRange[];
  /** Why the rule is disallowed, one sentence. */
  readonly reason: string;
  /**
   * For a rule from a managed prefix list (world exposure): the list as read and those of its
   * entries that open the broker to the whole internet.
   */
  readonly prefixList?: {
    readonly prefixListId: string;
    readonly name?: string;
    readonly ownerId?: string;
    readonly version?: number;
    readonly entries: readonly string[];
  };
}

/** A rule that would offend but is exempted by the `mq-guardian:allow` tag. */
export interface ExemptedRule {
  readonly ruleId: string;
  readonly groupId: string;
  readonly reason: string;
}

export type Evidence =
  | {
      readonly kind: 'ingress';
      /** Protocols the broker is taken to use and where that came from. */
      readonly usedProtocols: readonly string[];
      readonly protocolsFrom: 'tag' | 'setting' | 'engine-default';
      readonly allowedPorts: readonly PortRange[];
      readonly offendingRules: readonly OffendingRule[];
      readonly exemptedRules: readonly ExemptedRule[];
    }
  | {
      readonly kind: 'fields';
      /** Field paths that are wrong, e.g. `PubliclyAccessible`, `users[2].Username`, `tags.owner`. */
      readonly fields: readonly { readonly path: string; readonly detail: string }[];
    };

export interface FindingResource {
  readonly type: 'AWS::AmazonMQ::Broker';
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly engineType: OpenEnum<EngineType>;
}

export interface Finding {
  readonly checkId: CheckId;
  readonly severity: Severity;
  readonly resource: FindingResource;
  readonly status: FindingStatus;
  /** One sentence naming the broker: "Broker orders-prod (b-12…) is publicly accessible." */
  readonly message: string;
  readonly evidence?: Evidence;
}
