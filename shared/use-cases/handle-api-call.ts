/**
 * The real-time event path: which brokers an event can have changed, read in as few rounds as possible,
 * then each broker's evaluation (evaluate-broker.ts, loaded by `import()` once a broker is possible,
 * while that round's reads are in flight).
 */
import type { Check } from '../checks/check.ts';
import type { ApiCallEvent, EventTarget } from '../events/cloudtrail.ts';
import type { Actor } from '../model/actor.ts';
import type { CheckId } from '../model/finding.ts';
import type { Broker, NetworkInterfaceUse, PrefixListContents } from '../model/types.ts';
import type { AccountReaders, ComplianceReporter, IngressWriter, RemediationRequester } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import type { RemediationReport } from '../remediation/execute.ts';
import {
  createSnapshotCache,
  prefetchBrokers,
  prefetchGroups,
  prefetchListing,
  prefetchPrefixList,
  type SnapshotCache,
  startListing,
} from './build-snapshot.ts';
import type { BrokerEvaluation } from './evaluate.ts';
import { findBrokersUsingConfiguration, findBrokersUsingGroups } from './find-brokers.ts';
import { groupsReferencing, refuseUnsettled } from './prefix-list-event.ts';

/** Checks whose answer depends on security-group rules: the only ones an EC2 event can change. */
export const INGRESS_CHECK_IDS: readonly CheckId[] = [
  'mq-broker-ingress-limited-to-used-protocols',
  'mq-broker-ingress-not-open-to-world',
];

/** The only check that reads Amazon MQ's offered engine versions (DescribeBrokerEngineTypes). */
export const ENGINE_VERSION_CHECK_ID: CheckId = 'mq-broker-engine-version-supported';
export const PII_CHECK_ID: CheckId = 'mq-broker-no-pii-in-identifiers';

/** Receives findings after each evaluation (alerts). The alerting implementation dedupes and publishes. */
export interface FindingsSink {
  notify(input: {
    readonly evaluation: BrokerEvaluation;
    readonly actor?: Actor;
    readonly remediation?: RemediationReport;
  }): Promise<void>;
}

export interface EvaluationDeps {
  readonly readers: AccountReaders;
  readonly settings: Settings;
  readonly checks: readonly Check[];
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
  /** Present only where remediation may write (the remediating function, replay). */
  readonly writer?: IngressWriter;
  /** Where there is no writer: hands brokers with failing ingress findings to the remediating function. */
  readonly remediationRequester?: RemediationRequester;
  /** Present when AWS Config rules are deployed: asks Config to re-run the affected rules. */
  readonly compliance?: ComplianceReporter;
  /** `<service>-<stage>`: Config rule names are `<prefix>-<check id>`. */
  readonly configRulePrefix?: string;
  readonly findingsSink?: FindingsSink;
  readonly cache?: SnapshotCache;
  /** Set by the event path for the first broker it evaluates (see EventPrefetch). */
  readonly prefetch?: EventPrefetch;
  /** Milliseconds the invocation has left (Lambda's context); absent: no time limit (CLI, tests). */
  readonly remainingTimeMs?: () => number;
}

/**
 * The event path's dependencies: those of an evaluation, with the checks and the alert sink loaded
 * only when a broker is to be evaluated. The real-time functions pass `evaluation` as an `import()`
 * (shared/runtime/real-time.ts), so that a group no broker uses never runs the checks' code and no
 * function reads it at start-up.
 */
export interface EventDeps extends Omit<EvaluationDeps, 'checks' | 'findingsSink' | 'prefetch'> {
  /** The enabled checks by id: they decide which reads the event path starts. */
  readonly checkIds: readonly CheckId[];
  /**
   * The enabled checks and the alert sink. Called once an event's reads leave a broker possible,
   * right after that round's reads went out, so that their code loads while those are in flight;
   * never for an event that concerns no broker.
   */
  readonly evaluation: () => Promise<Pick<EvaluationDeps, 'checks' | 'findingsSink'>>;
}

/** The event path's dependencies from an evaluation's, everything loaded (the CLI, tests). */
export const eventDeps = (deps: EvaluationDeps): EventDeps => {
  const { checks, findingsSink, prefetch: _prefetch, ...rest } = deps;
  return {
    ...rest,
    checkIds: checks.map((check) => check.meta.id),
    evaluation: async () => ({ checks, ...(findingsSink ? { findingsSink } : {}) }),
  };
};

/**
 * Time kept for one broker's writes and their announcement: a write starts only with this much of
 * the invocation left. One attempt of an AWS call may take up to 10 s (the SDK clients' request
 * timeout); a broker's writes and alerts take a few calls.
 */
export const WRITE_RESERVE_MS = 15_000;

export interface BrokerOutcome {
  readonly brokerId: string;
  /** `gone`: the broker no longer exists (deleted): every check is NOT_APPLICABLE. */
  readonly status: 'evaluated' | 'gone';
  readonly evaluation?: BrokerEvaluation;
  readonly remediation?: RemediationReport;
  /** Set when the broker was handed to the remediating function instead of remediated here. */
  readonly remediationRequested?: boolean;
}

export interface EventOutcome {
  readonly eventId: string;
  readonly eventName: string;
  readonly target: EventTarget;
  /** How the affected brokers were found (for logs and the README's read budget). */
  readonly resolution: string;
  readonly brokers: readonly BrokerOutcome[];
  readonly configRulesRequested: readonly string[];
}

interface Resolution {
  readonly brokerIds: readonly string[];
  readonly how: string;
  /** The interfaces of these groups, when they were read to find the brokers. */
  readonly interfaces?: {
    readonly groupIds: readonly string[];
    readonly found: readonly NetworkInterfaceUse[];
  };
}

/**
 * Hooks of the event path that reads in rounds: `onGroups` once the event's group ids are known
 * (before their interfaces are read), `onBrokersPossible` once the interfaces leave a broker possible,
 * `describeAll` the invocation's cached listing of every broker.
 */
export interface ResolutionRounds {
  /** For a prefix list whose entries changed: once a group of the account is known to reference it. */
  readonly onPrefixListUsed?: (prefixListId: string) => void;
  readonly onGroups?: (groupIds: readonly string[]) => void;
  readonly onBrokersPossible?: (groupIds: readonly string[]) => void;
  readonly describeAll?: () => Promise<readonly Broker[]>;
}

/**
 * Which brokers an event can have changed, with as few reads as possible. `account` is the account
 * the event is about: only its own security groups can be its brokers'.
 */
export const resolveAffectedBrokers = async (
  target: EventTarget,
  { readers, account }: { readonly readers: AccountReaders; readonly account: string },
  rounds: ResolutionRounds = {},
): Promise<Resolution> => {
  const fromGroups = async (groupIds: readonly string[]): Promise<Resolution> => {
    rounds.onGroups?.(groupIds);
    const found = await findBrokersUsingGroups(groupIds, readers, {
      ...(rounds.describeAll ? { describeAll: rounds.describeAll } : {}),
      ...(rounds.onBrokersPossible ? { onBrokersPossible: () => rounds.onBrokersPossible?.(groupIds) } : {}),
    });
    return {
      brokerIds: found.brokerIds,
      how: `${found.conclusive ? 'network interfaces' : 'broker listing'} of ${groupIds.join(', ')}`,
      interfaces: { groupIds, found: found.interfaces },
    };
  };
  switch (target.kind) {
    case 'broker':
    case 'broker-deleted':
      return { brokerIds: [target.brokerId], how: 'broker id from the event' };
    case 'configuration': {
      const brokers = await findBrokersUsingConfiguration(target.configurationId, readers);
      return { brokerIds: brokers, how: `brokers using configuration ${target.configurationId}` };
    }
    case 'security-groups':
      return fromGroups(target.groupIds);
    case 'security-group-name': {
      const groupIds = await readers.network.findSecurityGroupIdsByName(target.groupName);
      if (groupIds.length === 0) return { brokerIds: [], how: `no security group named ${target.groupName}` };
      return fromGroups(groupIds);
    }
    case 'security-group-rules': {
      let groupIds = target.groupIds;
      if (groupIds.length === 0) {
        const rules = await readers.network.describeRulesById(target.ruleIds);
        groupIds = [...new Set(rules.map((r) => r.groupId))];
      }
      if (groupIds.length === 0) return { brokerIds: [], how: 'rules no longer exist' };
      return fromGroups(groupIds);
    }
    case 'prefix-list': {
      const groupIds = await groupsReferencing(target.prefixListId, readers, account);
      if (groupIds === null) {
        return { brokerIds: [], how: `prefix list ${target.prefixListId} no longer exists` };
      }
      if (groupIds.length === 0) {
        return {
          brokerIds: [],
          how: `no security group of ${account} references prefix list ${target.prefixListId}`,
        };
      }
      rounds.onPrefixListUsed?.(target.prefixListId);
      const found = await fromGroups(groupIds);
      return { ...found, how: `groups referencing prefix list ${target.prefixListId}: ${found.how}` };
    }
    case 'ignored':
      return { brokerIds: [], how: target.reason };
  }
};

/**
 * The interfaces read to find the brokers are exactly what the snapshot needs to tell whether the
 * groups are shared: seeding the cache with them saves a sequential read on the remediation path.
 */
const seedInterfaces = (cache: SnapshotCache, resolution: Resolution): void => {
  if (!resolution.interfaces) return;
  const { groupIds, found } = resolution.interfaces;
  for (const groupId of groupIds) {
    if (!cache.networkInterfaces.has(groupId)) {
      cache.networkInterfaces.set(
        groupId,
        Promise.resolve(found.filter((eni) => eni.groupIds.includes(groupId))),
      );
    }
  }
};

/**
 * What the event path already read, or started reading, in the round before a broker's evaluation:
 * DescribeBroker of the brokers it found (taken from the cache) and, for the first broker, the rules
 * of `freshRuleGroups` in the same round, so that they are as fresh as a re-read right before the
 * write would be. A later broker's are not: they come after the first one's writes.
 */
export interface EventPrefetch {
  readonly freshRuleGroups: ReadonlySet<string>;
}

/**
 * The brokers a remediation request names (another function hands over failing ingress), with one set
 * of reads for all of them: they share groups and the broker listing. The first broker's DescribeBroker
 * goes out while the evaluation loads. `onOutcome` sees each broker's outcome as it is known.
 */
export const evaluateRequestedBrokers = async (
  brokerIds: readonly string[],
  deps: EventDeps,
  actor: Actor | undefined,
  onOutcome: (outcome: BrokerOutcome) => void = () => undefined,
): Promise<BrokerOutcome[]> => {
  const [first] = brokerIds;
  if (first === undefined) return [];
  const cache = deps.cache ?? createSnapshotCache();
  prefetchBrokers([first], deps.readers, cache);
  const evaluating = startEvaluation(deps);
  const outcomes: BrokerOutcome[] = [];
  for (const [index, brokerId] of brokerIds.entries()) {
    const { evaluateBroker, evaluation } = await evaluating;
    // The first broker's description, read by this invocation a moment ago, is taken from the cache.
    const reuse = index === 0 ? { prefetch: { freshRuleGroups: new Set<string>() } } : {};
    const outcome = await evaluateBroker(
      brokerId,
      { ...evaluationOf(deps), ...evaluation, cache, ...reuse },
      actor,
    );
    onOutcome(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
};

/** The evaluation's module and the enabled checks and sink, loading; a failure is seen where awaited. */
const startEvaluation = (deps: EventDeps) => {
  const loading = Promise.all([import('./evaluate-broker.ts'), deps.evaluation()]).then(
    ([{ evaluateBroker }, evaluation]) => ({ evaluateBroker, evaluation }),
  );
  // Awaited only when a broker is found: a group no broker uses never waits for it.
  loading.catch(() => undefined);
  return loading;
};

/** The evaluation's dependencies the event path holds (all but the checks and the sink). */
const evaluationOf = (deps: EventDeps): Omit<EvaluationDeps, 'checks'> => {
  const { checkIds: _checkIds, evaluation: _evaluation, ...rest } = deps;
  return rest;
};

const lastRequested = new Map<string, number>();
const CONFIG_RERUN_INTERVAL_MS = 60_000;

/**
 * Asks AWS Config to re-run the affected rules so the console is current within about a minute.
 * Debounced per rule in this container (Config allows one call a minute); LimitExceeded is expected.
 */
export const requestConfigReevaluation = async (
  checkIds: readonly CheckId[],
  deps: Pick<EvaluationDeps, 'compliance' | 'configRulePrefix' | 'now'>,
): Promise<string[]> => {
  if (!deps.compliance || !deps.configRulePrefix) return [];
  const nowMs = deps.now().getTime();
  const due = checkIds
    .map((id) => `${deps.configRulePrefix}-${id}`)
    .filter(
      (name) => nowMs - (lastRequested.get(name) ?? Number.NEGATIVE_INFINITY) >= CONFIG_RERUN_INTERVAL_MS,
    );
  const requested: string[] = [];
  for (let i = 0; i < due.length; i += 25) {
    const names = due.slice(i, i + 25);
    await deps.compliance.startRulesEvaluation(names);
    for (const name of names) lastRequested.set(name, nowMs);
    requested.push(...names);
  }
  return requested;
};

/**
 * The real-time path: one CloudTrail event → affected brokers → evaluations and actions.
 *
 * Where remediation writes (`enforce`), the reads before the first write come in two rounds:
 * (1) together: the account's broker listing (ListBrokers), the event's groups (DescribeSecurityGroups:
 * tags) and their network interfaces (which brokers use them; a group no broker uses ends here), or,
 * for a broker's own event, DescribeBroker of it with the listing; (2) together: DescribeBroker of
 * every listed broker (which brokers use the group: each keeps its ports) and the groups' rules (and,
 * for a broker's event, its groups and their interfaces). The writes use the rules of round 2, as
 * fresh as a re-read would be; the configuration and key are read after the writes. Elsewhere (no
 * writer, dry-run) the listing is read only where a broker was found.
 */
export const handleApiCall = async (event: ApiCallEvent, deps: EventDeps): Promise<EventOutcome> => {
  const cache = deps.cache ?? createSnapshotCache();
  const { readers } = deps;
  const { target } = event;
  const resolving = { readers, account: deps.account };
  // The list whose entries changed is read once a group of the account references it, with that
  // group's interfaces (its checks take it from the cache): AWS applies the change after the call
  // returns, and it is judged only once applied.
  let changedList: Promise<PrefixListContents | null> | undefined;
  const onPrefixListUsed = (prefixListId: string) => {
    changedList = prefetchPrefixList(prefixListId, readers, cache);
  };
  // The evaluation's code loads once a broker is possible, after the reads of that round went out, so
  // that it never holds back a request; a group no broker uses never loads it.
  let evaluating: ReturnType<typeof startEvaluation> | undefined;
  const loadEvaluation = () => {
    evaluating ??= startEvaluation(deps);
    return evaluating;
  };
  const readsGroups = deps.checkIds.some((id) => INGRESS_CHECK_IDS.includes(id));
  const enforces = deps.writer !== undefined && readsGroups && deps.settings.remediationMode === 'enforce';
  const fresh = new Set<string>();
  const readRules = (groupIds: readonly string[]) => {
    for (const id of prefetchGroups(groupIds, readers, cache, { rules: true })) fresh.add(id);
  };
  let resolution: Resolution;
  if (enforces && target.kind === 'broker') {
    const listing = startListing(readers, cache);
    prefetchBrokers([target.brokerId], readers, cache);
    cache.brokers.get(target.brokerId)?.then(
      (broker) => {
        if (broker === null) return;
        listing.describeAll().catch(() => undefined);
        prefetchGroups(broker.securityGroupIds, readers, cache, { groups: true, interfaces: true });
        readRules(broker.securityGroupIds);
        loadEvaluation();
      },
      () => undefined,
    );
    resolution = await resolveAffectedBrokers(target, resolving);
  } else if (
    enforces &&
    (target.kind === 'security-groups' ||
      target.kind === 'security-group-name' ||
      target.kind === 'security-group-rules' ||
      target.kind === 'prefix-list')
  ) {
    // The listing starts once the groups are known (with their interfaces), so that an event whose
    // group names nothing costs no listing.
    let listing: ReturnType<typeof startListing> | undefined;
    const describeAll = () => {
      listing ??= startListing(readers, cache);
      return listing.describeAll();
    };
    resolution = await resolveAffectedBrokers(target, resolving, {
      onPrefixListUsed,
      onGroups: (groupIds) => {
        listing ??= startListing(readers, cache);
        prefetchGroups(groupIds, readers, cache, { groups: true });
      },
      onBrokersPossible: (groupIds) => {
        describeAll().catch(() => undefined);
        readRules(groupIds);
        loadEvaluation();
      },
      describeAll,
    });
    // A group no broker uses ends here: the listing started with the interfaces is not left in flight.
    await listing?.settled;
    seedInterfaces(cache, resolution);
    if (resolution.brokerIds.length > 0) prefetchBrokers(resolution.brokerIds, readers, cache);
  } else {
    resolution = await resolveAffectedBrokers(target, resolving, { onPrefixListUsed });
    seedInterfaces(cache, resolution);
    if (resolution.brokerIds.length > 0) {
      prefetchBrokers(resolution.brokerIds, readers, cache);
      const groupIds = resolution.interfaces?.groupIds ?? [];
      const readGroups = () => {
        prefetchGroups(groupIds, readers, cache, { groups: true });
        readRules(groupIds);
      };
      if (!readsGroups) {
        // Nothing reads the groups.
      } else if (resolution.interfaces && deps.writer && deps.settings.remediationMode !== 'off') {
        // Before a write, every broker of the account is described (which brokers use the group): the
        // groups and their rules are read with those descriptions, in the last round before the write.
        prefetchListing(readers, cache, readGroups);
      } else {
        readGroups();
      }
      loadEvaluation();
    }
  }
  if (target.kind === 'prefix-list' && changedList !== undefined && resolution.brokerIds.length > 0) {
    await refuseUnsettled(target.prefixListId, changedList);
  }
  const brokers: BrokerOutcome[] = [];
  // Sequential per broker: an event rarely touches more than a few, and the MQ API rate is shared.
  // Only the first broker's rules are as fresh as a re-read: a later broker's come after writes.
  for (const [index, brokerId] of resolution.brokerIds.entries()) {
    const { evaluateBroker, evaluation } = await loadEvaluation();
    const prefetch: EventPrefetch = { freshRuleGroups: index === 0 ? fresh : new Set() };
    brokers.push(
      await evaluateBroker(brokerId, { ...evaluationOf(deps), ...evaluation, cache, prefetch }, event.actor),
    );
  }
  const changedChecks =
    event.eventSource === 'ec2.amazonaws.com'
      ? deps.checkIds.filter((id) => INGRESS_CHECK_IDS.includes(id))
      : deps.checkIds;
  const configRulesRequested = brokers.length > 0 ? await requestConfigReevaluation(changedChecks, deps) : [];
  return {
    eventId: event.eventId,
    eventName: event.eventName,
    target: event.target,
    resolution: resolution.how,
    brokers,
    configRulesRequested,
  };
};
