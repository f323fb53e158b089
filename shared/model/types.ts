/**
 * mq-guardian's own model. Mappers in this folder turn AWS output shapes into these types;
 * nothing downstream of the mappers touches AWS SDK shapes.
 */

/**
 * The value of an AWS enum: one mq-guardian knows, or the raw string AWS returned. AWS adds enum values
 * without notice (AuthenticationStrategy gained CONFIG_MANAGED for RabbitMQ OAuth 2.0, IAM and LDAP),
 * so the model carries what it does not know and only the checks that need the field say they cannot
 * judge it. Narrow with the `isKnown…` guards before indexing a table by it.
 */
export type OpenEnum<Known extends string> = Known | (string & Record<never, never>);

export const ENGINE_TYPES = ['ACTIVEMQ', 'RABBITMQ'] as const;
export type EngineType = (typeof ENGINE_TYPES)[number];
export const DEPLOYMENT_MODES = ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ', 'CLUSTER_MULTI_AZ'] as const;
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];
/** CONFIG_MANAGED: RabbitMQ OAuth 2.0, IAM or LDAP, configured in the broker's configuration. */
export const AUTHENTICATION_STRATEGIES = ['SIMPLE', 'LDAP', 'CONFIG_MANAGED'] as const;
export type AuthenticationStrategy = (typeof AUTHENTICATION_STRATEGIES)[number];
export const STORAGE_TYPES = ['EBS', 'EFS'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

const isOneOf =
  <Known extends string>(known: readonly Known[]) =>
  (value: unknown): value is Known =>
    typeof value === 'string' && (known as readonly string[]).includes(value);

export const isKnownEngineType = isOneOf(ENGINE_TYPES);
export const isKnownDeploymentMode = isOneOf(DEPLOYMENT_MODES);
export const isKnownAuthenticationStrategy = isOneOf(AUTHENTICATION_STRATEGIES);

/** Tags as a plain map; keys are case-sensitive as in AWS. */
export type Tags = Readonly<Record<string, string>>;

export interface ConfigurationRef {
  readonly id: string;
  readonly revision: number;
}

export interface BrokerUser {
  readonly username: string;
  /** `CREATE` | `UPDATE` | `DELETE` while a change waits for the next reboot. */
  readonly pendingChange?: string;
}

export interface Broker {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly engineType: OpenEnum<EngineType>;
  readonly engineVersion: string;
  readonly deploymentMode: OpenEnum<DeploymentMode>;
  /** Absent when DescribeBroker does not say (older answers, recorded files). */
  readonly storageType?: OpenEnum<StorageType>;
  /** `RUNNING`, `CREATION_IN_PROGRESS`, `REBOOT_IN_PROGRESS`, `DELETION_IN_PROGRESS`, ... */
  readonly state: string;
  readonly publiclyAccessible: boolean;
  readonly autoMinorVersionUpgrade: boolean;
  readonly authenticationStrategy: OpenEnum<AuthenticationStrategy>;
  /** A strategy waiting for the next reboot (DescribeBroker `PendingAuthenticationStrategy`). */
  readonly pendingAuthenticationStrategy?: OpenEnum<AuthenticationStrategy>;
  readonly encryption: {
    readonly useAwsOwnedKey: boolean;
    /** Key id or ARN as DescribeBroker returns it; absent for AWS owned keys. */
    readonly kmsKeyId?: string;
  };
  readonly logs: {
    /** ActiveMQ only; RabbitMQ brokers have no audit log. */
    readonly audit?: boolean;
    readonly general: boolean;
  };
  readonly pendingLogs?: { readonly audit?: boolean; readonly general?: boolean };
  readonly configurations: {
    readonly current?: ConfigurationRef;
    readonly pending?: ConfigurationRef;
  };
  /** Absent when DescribeBroker returns no user list (Amazon MQ returns none for RabbitMQ brokers). */
  readonly users?: readonly BrokerUser[];
  readonly securityGroupIds: readonly string[];
  /**
   * Groups an UpdateBroker asked for that apply at the next reboot (DescribeBroker
   * `PendingSecurityGroups`). The broker's clients will reach it through them: for remediation a
   * broker uses a group that is current or pending.
   */
  readonly pendingSecurityGroupIds?: readonly string[];
  readonly subnetIds: readonly string[];
  readonly tags: Tags;
  readonly hostInstanceType?: string;
  readonly created?: string;
}

/** The groups a broker uses now or will use after its next reboot. */
export const brokerGroupIds = (
  broker: Pick<Broker, 'securityGroupIds' | 'pendingSecurityGroupIds'>,
): string[] => [...new Set([...broker.securityGroupIds, ...(broker.pendingSecurityGroupIds ?? [])])];

/** What ListBrokers returns: enough to decide whether to describe. */
export interface BrokerSummary {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly engineType: OpenEnum<EngineType>;
  readonly state: string;
  readonly deploymentMode: OpenEnum<DeploymentMode>;
}

// ---------------------------------------------------------------------------------------------
// ActiveMQ configuration

export type DestinationType = 'queue' | 'topic' | 'tempDestination';

export interface AuthorizationEntry {
  readonly destinationType: DestinationType;
  /** The destination pattern with entities decoded (`>` not `&gt;`); `*` for tempDestination entries. */
  readonly destination: string;
  readonly admin: readonly string[];
  readonly read: readonly string[];
  readonly write: readonly string[];
  /**
   * Temporary-destination entries: where the configuration declares them, among
   * `authorizationEntries` or as the map's own `tempDestinationAuthorizationEntry` (which one is in
   * force depends on it).
   */
  readonly declaredIn?: 'authorizationEntries' | 'tempDestinationAuthorizationEntry';
}

export interface AuthorizationMap {
  /** `simple`: authorizationMap/authorizationEntries; `cachedLdap`: cachedLDAPAuthorizationMap. */
  readonly kind: 'simple' | 'cachedLdap';
  /** Entries of a simple map (queue, topic and the tempDestinationAuthorizationEntry). Empty for cachedLdap. */
  readonly entries: readonly AuthorizationEntry[];
  /** Attributes of a cachedLDAPAuthorizationMap element (connectionURL, queueSearchBase, ...). */
  readonly ldapAttributes?: Readonly<Record<string, string>>;
}

export interface ActiveMqConfiguration {
  /** `authorizationPlugin` element present (uncommented) under `broker/plugins`. */
  readonly authorizationPluginPresent: boolean;
  /** The map inside the plugin, or null when there is no plugin or the plugin holds no map. */
  readonly authorizationMap: AuthorizationMap | null;
}

/** A configuration revision as the snapshot holds it: parsed, failed to parse, or not applicable. */
export type ConfigurationState =
  | {
      readonly status: 'parsed';
      readonly ref: ConfigurationRef;
      readonly configuration: ActiveMqConfiguration;
    }
  | {
      readonly status: 'error';
      readonly ref: ConfigurationRef;
      readonly code: string;
      readonly message: string;
    }
  /** RabbitMQ (Cuttlefish, not XML), or the broker has no configuration yet (creation in progress). */
  | { readonly status: 'absent'; readonly reason: string };

/** DescribeConfiguration: the configuration's own free-text fields. */
export interface ConfigurationDetails {
  readonly id: string;
  /** 1-150 characters: letters, digits, `-._~` (fixed at CreateConfiguration). */
  readonly name: string;
  readonly description?: string;
  readonly latestRevision?: { readonly revision: number; readonly description?: string };
  /** The configuration's own tags (DescribeConfiguration `Tags`), apart from the broker's. */
  readonly tags?: Tags;
}

/** DescribeConfigurationRevision: the revision's base64 `Data` and its description. */
export interface ConfigurationRevisionDetails {
  readonly data: string;
  readonly description?: string;
}

/**
 * The free text of the broker's current configuration, by field path (`configuration.Name`,
 * `configuration.Description`, `configuration.LatestRevision.Description`,
 * `configurationRevision.Description`): what the data-protection check scans. A field whose read
 * failed is in `unread` with the reason, never left out. A broker without a configuration has both
 * lists empty.
 */
export interface ConfigurationTextState {
  readonly ref?: ConfigurationRef;
  readonly fields: readonly { readonly path: string; readonly value: string }[];
  readonly unread: readonly { readonly path: string; readonly reason: string }[];
  /**
   * The configuration's tags, when DescribeConfiguration answered (keys are free text like values,
   * so the check names them by position); when it did not, `configuration.Tags` is in `unread`.
   */
  readonly tags?: Tags;
}

// ---------------------------------------------------------------------------------------------
// Network

/** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all), or a protocol number as a string (`6` = tcp). Normalised to lower case names where AWS knows one. */
export type IpProtocol = string;

export type RuleSource =
  | { readonly kind: 'cidrIpv4'; readonly cidr: string }
  | { readonly kind: 'cidrIpv6'; readonly cidr: string }
  | { readonly kind: 'prefixList'; readonly prefixListId: string }
  | { readonly kind: 'securityGroup'; readonly groupId: string; readonly userId?: string };

export interface IngressRule {
  readonly ruleId: string;
  readonly groupId: string;
  readonly protocol: IpProtocol;
  /** -1 for all ports (protocol -1, or icmp type any). */
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
  readonly description?: string;
  readonly tags: Tags;
}

/** One entry of a managed prefix list (GetManagedPrefixListEntries): a CIDR block, as EC2 returns it. */
export interface PrefixListEntry {
  readonly cidr: string;
  readonly description?: string;
}

/**
 * A managed prefix list as read: DescribeManagedPrefixLists (name, owner, address family, version) and
 * every entry of that version (GetManagedPrefixListEntries). AWS-managed lists are named
 * `com.amazonaws.…` and owned by `AWS`; customer-managed lists by an account id (the list may be shared
 * from another account through AWS RAM). A list holds IPv4 or IPv6 blocks, never both.
 */
export interface PrefixListContents {
  readonly prefixListId: string;
  readonly name?: string;
  readonly ownerId?: string;
  /** `IPv4` or `IPv6` as EC2 says; the entries' own CIDRs are what the checks read. */
  readonly addressFamily?: string;
  readonly version?: number;
  /**
   * DescribeManagedPrefixLists' State: `modify-in-progress` or `restore-in-progress` while a change to
   * the entries is being applied (`create-complete`, `modify-complete`, … once settled).
   */
  readonly state?: string;
  readonly entries: readonly PrefixListEntry[];
}

/**
 * A resource that references a managed prefix list (GetManagedPrefixListAssociations): a security
 * group (`sg-…`) or a route table (`rtb-…`), with the account that owns it. A customer-managed list
 * shared through AWS RAM is referenced by resources of other accounts too.
 */
export interface PrefixListAssociation {
  readonly resourceId: string;
  /** The owning account; EC2 documents the field as optional, so it may be missing. */
  readonly resourceOwner?: string;
}

/** A prefix list a rule of the group references: read, or not (denied, not found, too large), with why. */
export type PrefixListState =
  | { readonly status: 'read'; readonly list: PrefixListContents }
  | { readonly status: 'unread'; readonly prefixListId: string; readonly reason: string };

export interface NetworkInterfaceUse {
  readonly networkInterfaceId: string;
  readonly description: string;
  /**
   * The broker this interface belongs to, set only on evidence AWS controls (see
   * `brokerInterfaceEvidence` in mappers.ts): requester-managed, no instance attached, type
   * `interface`, and the description Amazon MQ gives its interfaces, which nobody can change on a
   * requester-managed interface.
   */
  readonly brokerId?: string;
  /** The broker the description names, whatever else the interface is: a claim, never proof (free text). */
  readonly describedBrokerId?: string;
  /** `instance i-…`, `lambda`, `elb`, `amazon-mq`, … as far as AWS says. */
  readonly interfaceType?: string;
  readonly requesterId?: string;
  readonly requesterManaged?: boolean;
  readonly instanceId?: string;
  readonly groupIds: readonly string[];
}

export interface SecurityGroupState {
  readonly groupId: string;
  readonly groupName?: string;
  readonly vpcId?: string;
  readonly tags: Tags;
  /** Ingress rules only (egress rules are dropped by the mapper). */
  readonly ingressRules: readonly IngressRule[];
  /**
   * Network interfaces using this group that are not, on evidence AWS controls, an interface of a
   * broker using the group (this one or one of `otherBrokers`). `null` when this could not be
   * determined: remediation must then treat the group as shared (never act on incomplete information).
   */
  readonly otherUsers: readonly NetworkInterfaceUse[] | null;
  /**
   * The other brokers whose security groups include this group (DescribeBroker's SecurityGroups):
   * the group's allowed ports are the union over them and this broker. `null` when this could not be
   * determined.
   */
  readonly otherBrokers: readonly GroupBroker[] | null;
  /** Facts about the group that were not read. Any: no write to the group, and the invocation fails so it is retried. */
  readonly unread: readonly UnreadFact[];
  /**
   * The managed prefix lists the group's ingress rules reference, each read or not (with why). Absent
   * when no rule references one, or when the lists were not asked for: a rule whose list is not here
   * is a list not read, never an empty one.
   */
  readonly prefixLists?: readonly PrefixListState[];
}

/** A broker that shares a security group: what its own allowed ports are computed from. */
export interface GroupBroker {
  readonly id: string;
  readonly name: string;
  readonly engineType: OpenEnum<EngineType>;
  readonly tags: Tags;
}

/**
 * A fact the decision needs that was not read: `group` (DescribeSecurityGroups did not return it, so
 * its tags are unknown), `interfaces` (who else uses it), `brokers` (which brokers use it).
 */
export interface UnreadFact {
  readonly fact: 'group' | 'rules' | 'interfaces' | 'brokers';
  /** What could not be read, as a clause: "DescribeSecurityGroups did not return the group". */
  readonly reason: string;
}

/** The read each kind of fact comes from: what an incomplete read names. */
export const UNREAD_FACT_OPERATION: Readonly<Record<UnreadFact['fact'], string>> = {
  group: 'DescribeSecurityGroups',
  rules: 'DescribeSecurityGroupRules',
  interfaces: 'DescribeNetworkInterfaces',
  brokers: 'ListBrokers',
};

/** The operations whose answers were incomplete, in order, once each: "DescribeNetworkInterfaces, ListBrokers". */
export const incompleteOperations = (unread: readonly UnreadFact[]): string =>
  [...new Set(unread.map((u) => UNREAD_FACT_OPERATION[u.fact]))].join(', ');

// ---------------------------------------------------------------------------------------------
// KMS

export type KmsKeyStateName =
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Creating'
  | 'Updating';

export type KmsKeyState =
  | {
      readonly status: 'found';
      readonly keyId: string;
      readonly arn: string;
      readonly keyManager: OpenEnum<'CUSTOMER' | 'AWS'>;
      readonly keyState: KmsKeyStateName | string;
      readonly deletionDate?: string;
    }
  /** The key could not be read (other account, access denied, not found); the reason says which. */
  | { readonly status: 'unreadable'; readonly keyId: string; readonly reason: string };

// ---------------------------------------------------------------------------------------------
// Engine versions Amazon MQ offers

/** One engine of a DescribeBrokerEngineTypes answer: the versions new brokers can be created on. */
export interface BrokerEngineTypeOffer {
  /** As AWS spells it: ACTIVEMQ, RABBITMQ, or a value mq-guardian does not know yet. */
  readonly engineType: string;
  /** Version names as AWS lists them (`5.18`, `3.13`, or with a patch part). */
  readonly versions: readonly string[];
}

/** What a snapshot knows of the versions Amazon MQ offers for its broker's engine. */
export type EngineOfferState =
  | { readonly status: 'read'; readonly versions: readonly string[] }
  | { readonly status: 'unread'; readonly reason: string };

// ---------------------------------------------------------------------------------------------
// Snapshot

/** Everything a check needs about one broker, read live once. Checks never call AWS. */
export interface BrokerSnapshot {
  readonly account: string;
  readonly region: string;
  readonly broker: Broker;
  /** Current configuration revision (ActiveMQ: parsed XML). */
  readonly configuration: ConfigurationState;
  /** Pending configuration revision, when one waits for a reboot. */
  readonly pendingConfiguration?: ConfigurationState;
  /** One entry per security group of the broker, in the broker's order. Empty for public RabbitMQ brokers. */
  readonly securityGroups: readonly SecurityGroupState[];
  /** Absent when the broker uses an AWS owned key (no customer key to read). */
  readonly kmsKey?: KmsKeyState;
  /** Amazon MQ's DescribeBrokerEngineTypes answer for the broker's engine; absent when not asked. */
  readonly engineOffer?: EngineOfferState;
  /** The current configuration's name and descriptions; absent when not asked (the checks then say so). */
  readonly configurationText?: ConfigurationTextState;
  /** ISO time the snapshot was read. */
  readonly capturedAt: string;
}
