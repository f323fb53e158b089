/**
 * Reads everything the checks need about one broker, live, once: DescribeBroker first, then the
 * configuration (DescribeConfiguration) and its revisions, the ingress rules, groups and network
 * interfaces of its security groups and its KMS key, in parallel. Checks never call AWS; this is the only place their inputs are read.
 */
import { ConfigurationParseError, errorMessage, readFailure, UnexpectedShapeError } from '../errors.ts';
import {
  type Broker,
  type BrokerSnapshot,
  brokerGroupIds,
  type ConfigurationDetails,
  type ConfigurationRef,
  type ConfigurationRevisionDetails,
  type ConfigurationState,
  type ConfigurationTextState,
  type EngineOfferState,
  type GroupBroker,
  type IngressRule,
  type KmsKeyState,
  type NetworkInterfaceUse,
  type PrefixListContents,
  type PrefixListState,
  type SecurityGroupState,
  type UnreadFact,
} from '../model/types.ts';
import type { AccountReaders, SecurityGroupInfo } from '../ports.ts';
import { mapBounded } from './bounded.ts';
import { DESCRIBE_CONCURRENCY, describeListed } from './find-brokers.ts';

/**
 * Memoised reads shared by the snapshots of one sweep: brokers share configurations, groups and keys,
 * and the Amazon MQ rate limit is per account. Promises are cached (concurrent snapshots wait for the
 * same read); a failed read is forgotten so the next broker tries again.
 */
export interface SnapshotCache {
  readonly revisions: Map<string, Promise<ConfigurationRevisionDetails | null>>;
  /** DescribeConfiguration by configuration id. */
  readonly configurations: Map<string, Promise<ConfigurationDetails | null>>;
  readonly ingressRules: Map<string, Promise<readonly IngressRule[]>>;
  readonly securityGroups: Map<string, Promise<SecurityGroupInfo | undefined>>;
  readonly networkInterfaces: Map<string, Promise<readonly NetworkInterfaceUse[]>>;
  readonly keys: Map<string, Promise<KmsKeyState>>;
  /** Managed prefix lists by id (DescribeManagedPrefixLists and GetManagedPrefixListEntries). */
  readonly prefixLists: Map<string, Promise<PrefixListContents | null>>;
  /** DescribeBroker of the other brokers named by a group's interfaces. */
  readonly brokers: Map<string, Promise<Broker | null>>;
  /** ListBrokers and DescribeBroker of every broker (key `all`), when interfaces cannot tell. */
  readonly listing: Map<string, Promise<readonly Broker[]>>;
}

export const createSnapshotCache = (): SnapshotCache => ({
  revisions: new Map(),
  configurations: new Map(),
  ingressRules: new Map(),
  securityGroups: new Map(),
  networkInterfaces: new Map(),
  keys: new Map(),
  prefixLists: new Map(),
  brokers: new Map(),
  listing: new Map(),
});

export interface BuildSnapshotOptions {
  readonly account: string;
  readonly region: string;
  readonly now: Date;
  readonly cache?: SnapshotCache;
  /**
   * False only for an evaluation none of whose checks reads security groups (a Config rule of any
   * other check): no EC2 read is made and the snapshot lists no groups. Default true.
   */
  readonly readSecurityGroups?: boolean;
  /**
   * False when no check of the evaluation reads Amazon MQ's offered engine versions: no
   * DescribeBrokerEngineTypes call and no `engineOffer` in the snapshot. Default true.
   */
  readonly readEngineOffer?: boolean;
  /**
   * False when no check of the evaluation scans the configuration's name and descriptions: no
   * DescribeConfiguration call and no `configurationText` in the snapshot. Default true.
   */
  readonly readConfigurationText?: boolean;
  /**
   * True where the prefix lists the rules reference need not be read before a write (no setting
   * revokes for what a list holds together with other rules): `securityGroups` then holds the groups
   * without them, and `complete()` reads them. Default false.
   */
  readonly deferPrefixLists?: boolean;
}

/** What a snapshot reads of configurations: the sweep's cache, or the snapshot's own. */
type ConfigurationReads = Pick<SnapshotCache, 'revisions' | 'configurations'>;

const RABBITMQ_CONFIGURATION_REASON = 'RabbitMQ configurations are not evaluated';

const remember = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
  const cached = map.get(key);
  if (cached) return cached;
  const promise = load();
  map.set(key, promise);
  promise.catch(() => {
    if (map.get(key) === promise) map.delete(key);
  });
  return promise;
};

/**
 * One batched read for the groups not in the cache, shared per group. Without a cache: one read.
 * `pick` takes a group's part out of the batch's answer.
 */
const perGroup = async <R, T>(
  groupIds: readonly string[],
  map: Map<string, Promise<T>> | undefined,
  readBatch: (ids: readonly string[]) => Promise<R>,
  pick: (answer: R, groupId: string) => T,
): Promise<Map<string, T>> => {
  if (map === undefined) {
    const answer = await readBatch(groupIds);
    return new Map(groupIds.map((id) => [id, pick(answer, id)]));
  }
  const missing = groupIds.filter((id) => !map.has(id));
  if (missing.length > 0) {
    const batch = readBatch(missing);
    for (const id of missing) {
      remember(map, id, () => batch.then((answer) => pick(answer, id)));
    }
  }
  const entries = await Promise.all(
    groupIds.map(async (id) => [id, await (map.get(id) as Promise<T>)] as const),
  );
  return new Map(entries);
};

const revisionKey = (ref: ConfigurationRef): string => `${ref.id}#${ref.revision}`;

const readRevision = (ref: ConfigurationRef, readers: AccountReaders, reads: ConfigurationReads) =>
  remember(reads.revisions, revisionKey(ref), () => readers.brokers.describeConfigurationRevision(ref));

const readConfiguration = async (
  broker: Broker,
  ref: ConfigurationRef | undefined,
  readers: AccountReaders,
  reads: ConfigurationReads,
): Promise<ConfigurationState> => {
  if (broker.engineType === 'RABBITMQ') return { status: 'absent', reason: RABBITMQ_CONFIGURATION_REASON };
  if (broker.engineType !== 'ACTIVEMQ') {
    return {
      status: 'absent',
      reason: `The engine type ${JSON.stringify(broker.engineType)} is not one mq-guardian knows; its configuration is not read`,
    };
  }
  if (ref === undefined) return { status: 'absent', reason: 'The broker has no configuration revision yet' };
  // The ActiveMQ parser (and its XML library) is a chunk of its own, loaded with the first revision
  // read: an event that reads no configuration never loads it.
  const parser = import('../activemq/parse-configuration.ts');
  const revision = await readRevision(ref, readers, reads);
  if (revision === null) {
    return {
      status: 'error',
      ref,
      code: 'CONFIGURATION_REVISION_NOT_FOUND',
      message: `Configuration ${ref.id} revision ${ref.revision} was not found`,
    };
  }
  const { parseConfigurationData } = await parser;
  try {
    return { status: 'parsed', ref, configuration: parseConfigurationData(revision.data) };
  } catch (error) {
    // Only a parse failure is a property of the revision; anything else is a bug that must surface.
    if (!(error instanceof ConfigurationParseError)) throw error;
    return { status: 'error', ref, code: error.code, message: errorMessage(error) };
  }
};

/** The fields DescribeConfiguration answers and DescribeConfigurationRevision answers, as the checks name them. */
const CONFIGURATION_FIELDS = [
  'configuration.Name',
  'configuration.Description',
  'configuration.LatestRevision.Description',
] as const;
const REVISION_FIELD = 'configurationRevision.Description';
const TAGS_FIELD = 'configuration.Tags';

/**
 * The current configuration's name and descriptions, for either engine (Amazon MQ creates a first
 * configuration revision for every broker, RabbitMQ included). A read that fails or finds nothing
 * leaves its fields unread, never empty; a broker that names no configuration has nothing to read.
 * The current revision's description is DescribeConfiguration's LatestRevision when the broker runs
 * the latest revision; otherwise it is DescribeConfigurationRevision's, the call the ActiveMQ
 * configuration is read with (one call for both).
 */
const readConfigurationText = async (
  broker: Broker,
  readers: AccountReaders,
  reads: ConfigurationReads,
): Promise<ConfigurationTextState> => {
  const ref = broker.configurations.current;
  if (ref === undefined) return { fields: [], unread: [] };
  const fields: { path: string; value: string }[] = [];
  const unread: { path: string; reason: string }[] = [];
  const field = (path: string, value: string | undefined) => {
    if (value !== undefined) fields.push({ path, value });
  };
  const [name, description, latest] = CONFIGURATION_FIELDS;
  const configuration = await remember(reads.configurations, ref.id, () =>
    readers.brokers.describeConfiguration(ref.id),
  ).then(
    (value) => ({ value, reason: value === null ? `DescribeConfiguration does not find ${ref.id}` : '' }),
    (error: unknown) => ({
      value: null,
      reason: readFailure('DescribeConfiguration', error),
    }),
  );
  let tags: ConfigurationTextState['tags'];
  if (configuration.value === null) {
    for (const path of [...CONFIGURATION_FIELDS, TAGS_FIELD])
      unread.push({ path, reason: configuration.reason });
  } else {
    field(name, configuration.value.name);
    field(description, configuration.value.description);
    field(latest, configuration.value.latestRevision?.description);
    tags = configuration.value.tags ?? {};
    if (configuration.value.latestRevision?.revision === ref.revision) return { ref, fields, unread, tags };
  }
  const what = `${ref.id} revision ${ref.revision}`;
  try {
    const revision = await readRevision(ref, readers, reads);
    if (revision === null) {
      unread.push({ path: REVISION_FIELD, reason: `DescribeConfigurationRevision does not find ${what}` });
    } else {
      field(REVISION_FIELD, revision.description);
    }
  } catch (error) {
    unread.push({
      path: REVISION_FIELD,
      reason: readFailure('DescribeConfigurationRevision', error),
    });
  }
  return { ref, fields, unread, ...(tags === undefined ? {} : { tags }) };
};

const sameRef = (a: ConfigurationRef | undefined, b: ConfigurationRef | undefined): boolean =>
  a !== undefined && b !== undefined && a.id === b.id && a.revision === b.revision;

const describeCached = (brokerId: string, readers: AccountReaders, cache: SnapshotCache | undefined) => {
  const load = () => readers.brokers.describeBroker(brokerId);
  return cache ? remember(cache.brokers, brokerId, load) : load();
};

/**
 * DescribeBroker calls of the account's listing in flight at once: up to 20 brokers are described in
 * one round; the real-time functions' Amazon MQ bucket (REAL_TIME_RATE_LIMIT) lets the next rounds
 * follow without waiting until its burst is spent, then paces them whatever this number is.
 */
const LISTING_CONCURRENCY = 20;

/** `listed` is called once ListBrokers has answered, while the brokers are being described. */
const listAllBrokers = (readers: AccountReaders, cache: SnapshotCache | undefined, listed?: () => void) => {
  const load = async (): Promise<readonly Broker[]> => {
    const summaries = await readers.brokers.listBrokers();
    listed?.();
    return describeListed(summaries, (id) => describeCached(id, readers, cache), LISTING_CONCURRENCY);
  };
  return cache ? remember(cache.listing, 'all', load) : load();
};

const asGroupBroker = (b: Broker): GroupBroker => ({
  id: b.id,
  name: b.name,
  engineType: b.engineType,
  tags: b.tags,
});

/**
 * True when DescribeBroker lists no security group for a broker that must have one: only a publicly
 * accessible RabbitMQ broker has none (Amazon MQ places every other broker in a VPC with at least one
 * group). Such an answer says nothing about which groups the broker uses.
 */
const groupsUnknown = (b: Broker): boolean =>
  b.securityGroupIds.length === 0 && !(b.engineType === 'RABBITMQ' && b.publiclyAccessible);

/**
 * The other brokers whose SecurityGroups or PendingSecurityGroups include `groupId`, from DescribeBroker
 * of every broker of the account (ListBrokers, then DescribeBroker each; once per invocation through
 * the cache). The network interfaces are no authority for this: a broker being created may have none
 * in the group yet, a broker's interfaces may not carry the evidence that names it, and a recorded or
 * partial answer may leave some out. Amazon MQ allows 50 brokers per region by default ("Quotas in
 * Amazon MQ"), so the listing stays small. A broker whose answer lists no group where it must have one
 * makes the answer incomplete (thrown: the group's brokers are a fact not read).
 */
const otherBrokersOfGroup = async (
  broker: Broker,
  groupId: string,
  readers: AccountReaders,
  cache: SnapshotCache | undefined,
): Promise<GroupBroker[]> => {
  const brokers = (await listAllBrokers(readers, cache)).filter((b) => b.id !== broker.id);
  const unknown = brokers.filter(groupsUnknown).map((b) => b.id);
  if (unknown.length > 0) {
    throw new UnexpectedShapeError(
      `DescribeBroker lists no security groups for ${unknown.join(', ')}, so whether ${unknown.length === 1 ? 'it uses' : 'they use'} the group is unknown`,
    );
  }
  return brokers.filter((b) => brokerGroupIds(b).includes(groupId)).map(asGroupBroker);
};

/**
 * The snapshot with, per group, the other brokers that use it (`otherBrokers`), and their interfaces
 * taken out of `otherUsers`. Only remediation needs this, so only the path that may write reads it:
 * the checks judge one broker's rules. A group whose brokers cannot be read gets an unread fact.
 */
export const resolveGroupBrokers = async (
  snapshot: BrokerSnapshot,
  readers: AccountReaders,
  given?: SnapshotCache,
): Promise<BrokerSnapshot> => {
  // The account's brokers are listed once for all the broker's groups, even without a shared cache.
  const cache = given ?? createSnapshotCache();
  const securityGroups = await Promise.all(
    snapshot.securityGroups.map(async (group): Promise<SecurityGroupState> => {
      if (group.otherUsers === null || group.otherBrokers !== null) return group;
      try {
        const others = await otherBrokersOfGroup(snapshot.broker, group.groupId, readers, cache);
        const ids = new Set(others.map((b) => b.id));
        return {
          ...group,
          otherBrokers: others,
          otherUsers: group.otherUsers.filter((eni) => eni.brokerId === undefined || !ids.has(eni.brokerId)),
        };
      } catch (error) {
        return {
          ...group,
          unread: [
            ...group.unread,
            { fact: 'brokers', reason: `which brokers use ${group.groupId} (${errorMessage(error)})` },
          ],
        };
      }
    }),
  );
  return { ...snapshot, securityGroups };
};

/** Prefix lists read at once: a broker's rules rarely name more than a few. */
const PREFIX_LIST_CONCURRENCY = 5;

/** The distinct prefix lists `rules` reference, in their order. */
const listIdsOf = (rules: readonly IngressRule[]): string[] => [
  ...new Set(rules.flatMap((rule) => (rule.source.kind === 'prefixList' ? [rule.source.prefixListId] : []))),
];

/** The groups, each with the prefix lists its rules reference (nothing read when no rule names one). */
const withPrefixLists = async (
  groups: readonly SecurityGroupState[],
  readers: AccountReaders,
  cache: SnapshotCache | undefined,
): Promise<SecurityGroupState[]> => {
  const ids = listIdsOf(groups.flatMap((g) => g.ingressRules));
  if (ids.length === 0) return [...groups];
  const lists = await readPrefixLists(ids, readers, cache);
  return groups.map((group) => {
    const states = listIdsOf(group.ingressRules).flatMap((id) => {
      const state = lists.get(id);
      return state === undefined ? [] : [state];
    });
    return states.length === 0 ? group : { ...group, prefixLists: states };
  });
};

/**
 * The managed prefix lists `ids`, each read (entries and all) or not with why: a list is a rule's
 * source, so one that cannot be read leaves the rule's addresses unknown, never empty.
 */
const readPrefixLists = async (
  ids: readonly string[],
  readers: AccountReaders,
  cache: SnapshotCache | undefined,
): Promise<Map<string, PrefixListState>> => {
  const states = await mapBounded(ids, PREFIX_LIST_CONCURRENCY, async (id): Promise<PrefixListState> => {
    const load = () => readers.network.readPrefixList(id);
    try {
      const list = await (cache ? remember(cache.prefixLists, id, load) : load());
      return list === null
        ? { status: 'unread', prefixListId: id, reason: `EC2 does not find prefix list ${id}` }
        : { status: 'read', list };
    } catch (error) {
      return { status: 'unread', prefixListId: id, reason: errorMessage(error) };
    }
  });
  return new Map(
    states.map((state) => [state.status === 'read' ? state.list.prefixListId : state.prefixListId, state]),
  );
};

/** The broker's security groups with their rules and users. Order: the broker's. */
const readSecurityGroups = async (
  broker: Broker,
  readers: AccountReaders,
  cache: SnapshotCache | undefined,
): Promise<SecurityGroupState[]> => {
  const groupIds = [...new Set(broker.securityGroupIds)];
  if (groupIds.length === 0) return [];
  const { network } = readers;
  // A read that fails is recorded as a fact not read, never taken as "no rules", "no tags" or "no
  // users": the checks report ERROR naming it, remediation leaves the group alone and the invocation
  // fails after the alert so that it is retried.
  const operations = {
    rules: 'DescribeSecurityGroupRules',
    groups: 'DescribeSecurityGroups',
    interfaces: 'DescribeNetworkInterfaces',
  } as const;
  const failures = { rules: '', groups: '', interfaces: '' };
  const orNull = <T>(read: Promise<T>, which: keyof typeof failures): Promise<T | null> =>
    read.catch((error: unknown) => {
      failures[which] = readFailure(operations[which], error);
      return null;
    });
  const [rules, groups, interfaces] = await Promise.all([
    orNull(
      perGroup(
        groupIds,
        cache?.ingressRules,
        (ids) => network.describeIngressRules(ids),
        (all, id) => all.filter((rule) => rule.groupId === id),
      ),
      'rules',
    ),
    orNull(
      perGroup(
        groupIds,
        cache?.securityGroups,
        (ids) => network.describeSecurityGroups(ids),
        (all, id) => all.find((group) => group.groupId === id),
      ),
      'groups',
    ),
    orNull(
      perGroup(
        groupIds,
        cache?.networkInterfaces,
        (ids) => network.describeNetworkInterfaces(ids),
        (all, id) => all.filter((eni) => eni.groupIds.includes(id)),
      ),
      'interfaces',
    ),
  ]);
  return groupIds.map((groupId): SecurityGroupState => {
    const info = groups?.get(groupId);
    const users = interfaces?.get(groupId);
    const unread: UnreadFact[] = [];
    if (rules === null) {
      unread.push({
        fact: 'rules',
        reason: `the ingress rules of ${groupId} (${failures.rules})`,
      });
    }
    if (info === undefined) {
      unread.push({
        fact: 'group',
        reason:
          groups === null
            ? `the group ${groupId} itself (${failures.groups}), so its tags are unknown`
            : `the group ${groupId} itself (DescribeSecurityGroups did not return it), so its tags are unknown`,
      });
    }
    if (users === undefined) {
      unread.push({
        fact: 'interfaces',
        reason: `the network interfaces of ${groupId} (${failures.interfaces})`,
      });
    }
    return {
      groupId,
      ...(info?.groupName === undefined ? {} : { groupName: info.groupName }),
      ...(info?.vpcId === undefined ? {} : { vpcId: info.vpcId }),
      tags: info?.tags ?? {},
      ingressRules: rules?.get(groupId) ?? [],
      otherUsers: users === undefined ? null : users.filter((eni) => eni.brokerId !== broker.id),
      // Not read yet: resolveGroupBrokers reads them where remediation may write.
      otherBrokers: null,
      unread,
    };
  });
};

const readKey = (broker: Broker, readers: AccountReaders, cache: SnapshotCache | undefined) => {
  const { kmsKeyId } = broker.encryption;
  if (broker.encryption.useAwsOwnedKey || kmsKeyId === undefined) return Promise.resolve(undefined);
  const load = () => readers.keys.describeKey(kmsKeyId);
  return cache ? remember(cache.keys, kmsKeyId, load) : load();
};

/** A snapshot being read: the broker is known, its groups and the rest are on their way. */
export interface StartedSnapshot {
  readonly broker: Broker;
  /**
   * The broker's security groups: all the ingress checks and remediation read (without their prefix
   * lists when `deferPrefixLists`: `complete()` has them).
   */
  readonly securityGroups: Promise<SecurityGroupState[]>;
  /** The whole snapshot, once the configuration revisions and the key are read too (read once). */
  readonly complete: () => Promise<BrokerSnapshot>;
}

/**
 * Reads the broker, then starts every other read at once. Null when the broker does not exist.
 * `reuseDescribed`: take the broker from the cache when this invocation already read it.
 * `deferRest`: read the configuration revisions and the key only when `complete()` is first called
 * (the remediating path writes first, so that no read is in flight, and none failed, when it writes).
 */
export const startSnapshot = async (
  brokerId: string,
  readers: AccountReaders,
  options: BuildSnapshotOptions & { readonly reuseDescribed?: boolean; readonly deferRest?: boolean },
): Promise<StartedSnapshot | null> => {
  const { cache } = options;
  const broker = await (options.reuseDescribed && cache
    ? describeCached(brokerId, readers, cache)
    : readers.brokers.describeBroker(brokerId));
  if (broker === null) return null;
  // Another broker's group resolution may ask for this broker: it was just read.
  if (cache && !cache.brokers.has(broker.id)) cache.brokers.set(broker.id, Promise.resolve(broker));
  const { current, pending } = broker.configurations;
  // RabbitMQ revisions are not evaluated, so a pending one adds nothing.
  const hasPending = broker.engineType === 'ACTIVEMQ' && pending !== undefined && !sameRef(current, pending);
  const groupsRead =
    options.readSecurityGroups === false ? Promise.resolve([]) : readSecurityGroups(broker, readers, cache);
  // The prefix lists come after the rules that name them (a round more, only where a rule names one).
  let groupsWithLists: Promise<SecurityGroupState[]> | undefined;
  const withLists = (): Promise<SecurityGroupState[]> => {
    groupsWithLists ??= groupsRead.then((groups) => withPrefixLists(groups, readers, cache));
    groupsWithLists.catch(() => undefined);
    return groupsWithLists;
  };
  const securityGroups = options.deferPrefixLists ? groupsRead : withLists();
  // Callers await one or both; a failure is theirs to see, never an unhandled rejection.
  securityGroups.catch(() => undefined);
  let complete: Promise<BrokerSnapshot> | undefined;
  // Without a sweep's cache, the snapshot still reads each configuration revision once.
  const reads: ConfigurationReads = cache ?? { revisions: new Map(), configurations: new Map() };
  const readRest = (): Promise<BrokerSnapshot> => {
    complete ??= Promise.all([
      readConfiguration(broker, current, readers, reads),
      hasPending ? readConfiguration(broker, pending, readers, reads) : Promise.resolve(undefined),
      withLists(),
      readKey(broker, readers, cache),
      options.readEngineOffer === false ? Promise.resolve(undefined) : readEngineOffer(broker, readers),
      options.readConfigurationText === false
        ? Promise.resolve(undefined)
        : readConfigurationText(broker, readers, reads),
    ]).then(
      ([
        configuration,
        pendingConfiguration,
        groups,
        kmsKey,
        engineOffer,
        configurationText,
      ]): BrokerSnapshot => ({
        account: options.account,
        region: options.region,
        broker,
        configuration,
        ...(pendingConfiguration === undefined ? {} : { pendingConfiguration }),
        securityGroups: groups,
        ...(kmsKey === undefined ? {} : { kmsKey }),
        ...(engineOffer === undefined ? {} : { engineOffer }),
        ...(configurationText === undefined ? {} : { configurationText }),
        capturedAt: options.now.toISOString(),
      }),
    );
    complete.catch(() => undefined);
    return complete;
  };
  if (!options.deferRest) readRest();
  return { broker, securityGroups, complete: readRest };
};

/**
 * The versions Amazon MQ offers for the broker's engine. A failed or unexpected answer is a fact not
 * read (the engine-version check then decides from the shipped table alone and says so), never the
 * end of the snapshot: every other check still evaluates.
 */
const readEngineOffer = async (broker: Broker, readers: AccountReaders): Promise<EngineOfferState> => {
  try {
    const offers = await readers.brokers.describeBrokerEngineTypes();
    // DescribeBroker spells engines `ActiveMQ`, DescribeBrokerEngineTypes `ACTIVEMQ`.
    const engine = broker.engineType.toUpperCase();
    const offer = offers.find((candidate) => candidate.engineType.toUpperCase() === engine);
    if (offer === undefined) {
      return {
        status: 'unread',
        reason: `DescribeBrokerEngineTypes lists no versions for ${JSON.stringify(broker.engineType)}`,
      };
    }
    return { status: 'read', versions: offer.versions };
  } catch (error) {
    return { status: 'unread', reason: readFailure('DescribeBrokerEngineTypes', error) };
  }
};

/**
 * The broker's snapshot, or null when the broker does not exist. A failed read of the groups, their
 * rules or interfaces becomes an unread fact of the group; other read failures (the broker, its
 * configuration) propagate.
 */
export const buildSnapshot = async (
  brokerId: string,
  readers: AccountReaders,
  options: BuildSnapshotOptions,
): Promise<BrokerSnapshot | null> => {
  const started = await startSnapshot(brokerId, readers, options);
  return started === null ? null : started.complete();
};

/**
 * Starts reading, into the cache, what the snapshots of brokers on `groupIds` will need: the groups
 * themselves (tags), their ingress rules and/or their network interfaces. Returns the groups whose
 * rules were read here (those already in the cache are left as they are). Failures are forgotten by
 * the cache, so the snapshot reads again and sees the failure itself.
 */
export const prefetchGroups = (
  groupIds: readonly string[],
  readers: AccountReaders,
  cache: SnapshotCache,
  what: { readonly groups?: boolean; readonly rules?: boolean; readonly interfaces?: boolean },
): string[] => {
  const { network } = readers;
  const start = <T, R>(
    map: Map<string, Promise<T>>,
    readBatch: (ids: readonly string[]) => Promise<R>,
    pick: (answer: R, groupId: string) => T,
  ): string[] => {
    const missing = [...new Set(groupIds)].filter((id) => !map.has(id));
    if (missing.length > 0) perGroup(missing, map, readBatch, pick).catch(() => undefined);
    return missing;
  };
  if (what.groups) {
    start(
      cache.securityGroups,
      (ids) => network.describeSecurityGroups(ids),
      (all, id) => all.find((group) => group.groupId === id),
    );
  }
  if (what.interfaces) {
    start(
      cache.networkInterfaces,
      (ids) => network.describeNetworkInterfaces(ids),
      (all, id) => all.filter((eni) => eni.groupIds.includes(id)),
    );
  }
  return what.rules
    ? start(
        cache.ingressRules,
        (ids) => network.describeIngressRules(ids),
        (all, id) => all.filter((rule) => rule.groupId === id),
      )
    : [];
};

/**
 * The account's broker listing started now (ListBrokers in flight), DescribeBroker of every listed
 * broker only when `describeAll()` is first called: an event on a group no broker uses then costs
 * the listing alone. `describeAll()` is the cached listing remediation reads (which brokers use a
 * group), so it is read once per invocation.
 */
export const startListing = (
  readers: AccountReaders,
  cache: SnapshotCache,
): { readonly describeAll: () => Promise<readonly Broker[]>; readonly settled: Promise<unknown> } => {
  if (cache.listing.has('all')) {
    return { describeAll: () => listAllBrokers(readers, cache), settled: Promise.resolve() };
  }
  const summaries = readers.brokers.listBrokers();
  const settled = summaries.catch(() => undefined);
  return {
    /** ListBrokers answered or failed: nothing of the listing is left in flight. */
    settled,
    describeAll: () =>
      remember(cache.listing, 'all', async () =>
        describeListed(await summaries, (id) => describeCached(id, readers, cache), LISTING_CONCURRENCY),
      ),
  };
};

/**
 * Starts the account's broker listing into the cache (what remediation reads to know every broker on
 * a group) and calls `listed` once ListBrokers has answered, while the brokers are being described.
 */
export const prefetchListing = (readers: AccountReaders, cache: SnapshotCache, listed: () => void): void => {
  if (cache.listing.has('all')) {
    listed();
    return;
  }
  listAllBrokers(readers, cache, listed).catch(() => undefined);
};

/** Starts DescribeBroker of each of `brokerIds` into the cache (bounded; already cached ones are kept). */
/** Starts reading a prefix list into the cache (the evaluation takes it from there); its read, awaitable. */
export const prefetchPrefixList = (
  prefixListId: string,
  readers: AccountReaders,
  cache: SnapshotCache,
): Promise<PrefixListContents | null> => {
  const read = remember(cache.prefixLists, prefixListId, () => readers.network.readPrefixList(prefixListId));
  read.catch(() => undefined);
  return read;
};

export const prefetchBrokers = (
  brokerIds: readonly string[],
  readers: AccountReaders,
  cache: SnapshotCache,
): void => {
  mapBounded(brokerIds, DESCRIBE_CONCURRENCY, (id) => describeCached(id, readers, cache)).catch(
    () => undefined,
  );
};
