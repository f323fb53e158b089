import type { Check } from '../checks/check.ts';
import { AwsCallError, errorMessage, OutOfTimeError } from '../errors.ts';
import type { ApiCallEvent, EventTarget } from '../events/cloudtrail.ts';
import type { Actor } from '../model/actor.ts';
import type { CheckId, Finding } from '../model/finding.ts';
import {
  type Broker,
  type BrokerSnapshot,
  incompleteOperations,
  type NetworkInterfaceUse,
  type UnreadFact,
} from '../model/types.ts';
import type { AccountReaders, ComplianceReporter, IngressWriter, RemediationRequester } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import type { RemediationReport } from '../remediation/execute.ts';
import { logger } from '../logger.ts';
import {
  createSnapshotCache,
  prefetchBrokers,
  prefetchGroups,
  prefetchListing,
  startListing,
  resolveGroupBrokers,
  type SnapshotCache,
  type StartedSnapshot,
  startSnapshot,
} from './build-snapshot.ts';
import { type BrokerEvaluation, brokerErrorFindings, evaluateSnapshot } from './evaluate.ts';
import { findBrokersUsingConfiguration, findBrokersUsingGroups } from './find-brokers.ts';
import { RemediationFailedError, remediate } from './remediate.ts';
import { announceUnreadableBroker } from './unreadable-broker.ts';
import { REMEDIATION_REQUEST_SOURCE, REMEDIATION_REQUEST_TYPE } from '../events/remediation-request.ts';

/** Checks whose answer depends on security-group rules: the only ones an EC2 event can change. */
export const INGRESS_CHECK_IDS: readonly CheckId[] = [
  'mq-broker-ingress-limited-to-used-protocols',
  'mq-broker-ingress-not-open-to-world',
];

/** The only check that reads Amazon MQ's offered engine versions (DescribeBrokerEngineTypes). */
const ENGINE_VERSION_CHECK_ID: CheckId = 'mq-broker-engine-version-supported';
const PII_CHECK_ID: CheckId = 'mq-broker-no-pii-in-identifiers';

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
 * Time kept for one broker's writes and their announcement: a write starts only with this much of
 * the invocation left. One attempt of an AWS call may take up to 10 s (the SDK clients' request
 * timeout); a broker's writes and alerts take a few calls.
 */
export const WRITE_RESERVE_MS = 15_000;

/**
 * Stops before a write that might not finish, with its record, before the function times out: the
 * invocation fails instead (retried, then dead-lettered; the errors alarm fires). Brokers remediated
 * earlier in the invocation were announced already.
 */
const ensureTimeToWrite = (deps: EvaluationDeps, brokerId: string): void => {
  const left = deps.remainingTimeMs?.();
  if (left === undefined || left >= WRITE_RESERVE_MS) return;
  throw new OutOfTimeError(
    `Stopped before remediating broker ${brokerId}: ${Math.max(0, Math.round(left / 1000))} s of the invocation left, ${WRITE_RESERVE_MS / 1000} s needed to write and announce; nothing was written for it and the event will be retried`,
  );
};

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
  readonly onGroups?: (groupIds: readonly string[]) => void;
  readonly onBrokersPossible?: (groupIds: readonly string[]) => void;
  readonly describeAll?: () => Promise<readonly Broker[]>;
}

/** Which brokers an event can have changed, with as few reads as possible. */
export const resolveAffectedBrokers = async (
  target: EventTarget,
  readers: AccountReaders,
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

/** The checks that judge the broker's security groups: all remediation acts on. */
const ingressChecks = (checks: readonly Check[]): Check[] =>
  checks.filter((check) => INGRESS_CHECK_IDS.includes(check.meta.id));

/** Readers that count the calls made through them (to know whether a round was added). */
const countingReaders = (readers: AccountReaders): { readers: AccountReaders; calls: () => number } => {
  let calls = 0;
  const counted = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        const value = Reflect.get(object, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  return {
    readers: {
      brokers: counted(readers.brokers),
      network: counted(readers.network),
      keys: counted(readers.keys),
    },
    calls: () => calls,
  };
};

/**
 * The ingress view of a broker: the broker and its security groups, everything the ingress checks
 * read. The configuration is not part of it (those checks never look at it).
 */
const ingressView = (
  deps: EvaluationDeps,
  broker: BrokerSnapshot['broker'],
  securityGroups: BrokerSnapshot['securityGroups'],
): BrokerSnapshot => ({
  account: deps.account,
  region: deps.region,
  broker,
  configuration: { status: 'absent', reason: 'not read for the ingress checks' },
  securityGroups,
  capturedAt: deps.now().toISOString(),
});

interface EarlyRemediation {
  readonly report: RemediationReport;
  readonly failure?: RemediationFailedError;
  /** The groups as remediation judged them (with the brokers that use them). */
  readonly judgedGroups: BrokerSnapshot['securityGroups'];
}

/**
 * Remediation as soon as the broker and its groups are read: the ingress checks on those alone, the
 * plan, the writes. The configuration revisions and the key are read afterwards; the caller announces
 * once the whole evaluation is known.
 */
const remediateIngress = async (
  started: StartedSnapshot,
  deps: EvaluationDeps & { readonly writer: IngressWriter },
  actor: Actor | undefined,
): Promise<EarlyRemediation | undefined> => {
  const groups = await started.securityGroups;
  const view = ingressView(deps, started.broker, groups);
  const ingress = failingIngress(
    evaluateSnapshot(view, ingressChecks(deps.checks), { settings: deps.settings, now: deps.now() }).findings,
    deps.settings,
  );
  if (ingress.length === 0) return undefined;
  // What a group keeps open is the union over every broker on it: read which brokers those are.
  const counted = countingReaders(deps.readers);
  const judged = await resolveGroupBrokers(view, counted.readers, deps.cache);
  // The rules read in the round before are as fresh as a re-read, unless a read was awaited since.
  const fresh = deps.prefetch?.freshRuleGroups;
  const current =
    fresh !== undefined && counted.calls() === 0 && groups.every((g) => fresh.has(g.groupId))
      ? { currentRules: groups.flatMap((g) => g.ingressRules) }
      : {};
  try {
    const report = await remediate(
      { snapshot: judged, findings: ingress, settings: deps.settings, ...(actor ? { actor } : {}) },
      { network: deps.readers.network, writer: deps.writer, ...current },
    );
    return { report, judgedGroups: judged.securityGroups };
  } catch (error) {
    if (!(error instanceof RemediationFailedError)) throw error;
    return { report: error.report, failure: error, judgedGroups: judged.securityGroups };
  }
};

/**
 * Evaluates one broker: live snapshot, every enabled check, remediation of ingress findings (per
 * mode and safety rules) and the findings sink. Returns `gone` when the broker does not exist.
 * Where it may write, remediation goes ahead once the broker and its groups are read, before the
 * configuration and key are (so that no read is in flight, or failed, when it writes); what it did is
 * announced with the whole evaluation.
 */
export const evaluateBroker = async (
  brokerId: string,
  deps: EvaluationDeps,
  actor?: Actor,
): Promise<BrokerOutcome> => {
  const readsGroups = ingressChecks(deps.checks).length > 0;
  const { writer } = deps;
  const remediates = writer !== undefined && readsGroups && deps.settings.remediationMode !== 'off';
  const started = await startSnapshot(brokerId, deps.readers, {
    account: deps.account,
    region: deps.region,
    now: deps.now(),
    ...(deps.cache ? { cache: deps.cache } : {}),
    readSecurityGroups: readsGroups,
    readEngineOffer: deps.checks.some((check) => check.meta.id === ENGINE_VERSION_CHECK_ID),
    readConfigurationText: deps.checks.some((check) => check.meta.id === PII_CHECK_ID),
    reuseDescribed: deps.prefetch !== undefined,
    deferRest: remediates,
  }).catch(async (error: unknown) => {
    // Announced once (the retries find it announced), then the invocation fails so that it is retried.
    await announceUnreadableBroker(brokerId, error, deps, actor);
    throw error;
  });
  if (!started) return { brokerId, status: 'gone' };
  if (remediates) ensureTimeToWrite(deps, brokerId);
  const early =
    remediates && writer ? await remediateIngress(started, { ...deps, writer }, actor) : undefined;
  const sink = deps.findingsSink;
  let snapshot: BrokerSnapshot;
  try {
    snapshot = await started.complete();
  } catch (error) {
    if (early === undefined) {
      await announceUnreadableBroker(brokerId, error, deps, actor);
      throw error;
    }
    // Something was written: announce it with what could be evaluated, the rest as not evaluated.
    const view = ingressView(deps, started.broker, early.judgedGroups);
    const evaluated = evaluateSnapshot(view, ingressChecks(deps.checks), {
      settings: deps.settings,
      now: deps.now(),
    });
    const others = deps.checks.filter((check) => !INGRESS_CHECK_IDS.includes(check.meta.id));
    const evaluation: BrokerEvaluation = {
      ...evaluated,
      findings: [...evaluated.findings, ...brokerErrorFindings(started.broker, others, error)],
    };
    await announceRemediation(sink, evaluation, actor, early);
    throw error;
  }
  const evaluation = evaluateSnapshot(snapshot, deps.checks, { settings: deps.settings, now: deps.now() });
  const ingress = failingIngress(evaluation.findings, deps.settings);
  const remediation = early?.report;
  let remediationRequested = false;
  const judged = early ? { ...snapshot, securityGroups: early.judgedGroups } : snapshot;
  if (early) {
    await announceRemediation(sink, evaluation, actor, early);
  } else if (ingress.length > 0 && !writer && deps.remediationRequester) {
    await deps.remediationRequester.requestRemediation({
      source: REMEDIATION_REQUEST_SOURCE,
      'detail-type': REMEDIATION_REQUEST_TYPE,
      detail: {
        brokerIds: [brokerId],
        reason: actor ? `event ${actor.eventId}` : 'evaluation',
        ...(actor ? { actor } : {}),
      },
    });
    remediationRequested = true;
  }
  // announceRemediation announced this evaluation with its report already: a second notify would
  // publish again the alerts no state remembers (exemptions, opt-outs).
  if (!early) await sink?.notify({ evaluation, ...(actor ? { actor } : {}) });
  // A fact not read is never a "no": remediation left the group alone (and said why), the checks
  // could not judge a group whose details were not read, and the failing ingress may still be open.
  // Fail after announcing, so that the invocation is retried.
  const unread = unreadFacts(judged);
  const judgedOnUnread = unread.some((u) => u.fact === 'group' || u.fact === 'rules');
  if (unread.length > 0 && (judgedOnUnread || (ingress.length > 0 && writer !== undefined))) {
    throw new AwsCallError(
      incompleteOperations(unread),
      'IncompleteRead',
      `Could not read ${unread.map((u) => u.reason).join('; ')}; remediation of broker ${brokerId} left these groups unchanged and will be retried`,
    );
  }
  return {
    brokerId,
    status: 'evaluated',
    evaluation,
    ...(remediation ? { remediation } : {}),
    ...(remediationRequested ? { remediationRequested } : {}),
  };
};

/**
 * Announces what remediation did with the evaluation it acted on; when an action failed, throws the
 * failure after announcing (a failed announcement must not hide it: it is logged instead).
 */
const announceRemediation = async (
  sink: FindingsSink | undefined,
  evaluation: BrokerEvaluation,
  actor: Actor | undefined,
  early: EarlyRemediation,
): Promise<void> => {
  const notify = () =>
    sink?.notify({ evaluation, ...(actor ? { actor } : {}), remediation: early.report }) ?? Promise.resolve();
  if (early.failure === undefined) {
    await notify();
    return;
  }
  try {
    await notify();
  } catch (reportError) {
    logger.error('Remediation report failed', {
      brokerId: early.report.brokerId,
      error: errorMessage(reportError),
    });
  }
  throw early.failure;
};

/** What was not read about the broker's groups, including users or brokers left undetermined. */
export const unreadFacts = (snapshot: BrokerSnapshot): UnreadFact[] =>
  snapshot.securityGroups.flatMap((g): UnreadFact[] => {
    if (g.unread.length > 0) return [...g.unread];
    if (g.otherUsers === null)
      return [{ fact: 'interfaces', reason: `the network interfaces of ${g.groupId}` }];
    return [];
  });

/** Ingress findings remediation may act on: FAIL only (never ERROR), and none when the mode is off. */
const failingIngress = (findings: readonly Finding[], settings: Settings): Finding[] =>
  settings.remediationMode === 'off'
    ? []
    : findings.filter((f) => INGRESS_CHECK_IDS.includes(f.checkId) && f.status === 'FAIL');

const lastRequested = new Map<string, number>();
const CONFIG_RERUN_INTERVAL_MS = 60_000;

/**
 * Asks AWS Config to re-run the affected rules so the console is current within about a minute.
 * Debounced per rule in this container (Config allows one call a minute); LimitExceeded is expected.
 */
export const requestConfigReevaluation = async (
  checkIds: readonly CheckId[],
  deps: EvaluationDeps,
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
export const handleApiCall = async (event: ApiCallEvent, deps: EvaluationDeps): Promise<EventOutcome> => {
  const cache = deps.cache ?? createSnapshotCache();
  const { readers } = deps;
  const readsGroups = ingressChecks(deps.checks).length > 0;
  const enforces = deps.writer !== undefined && readsGroups && deps.settings.remediationMode === 'enforce';
  const fresh = new Set<string>();
  const readRules = (groupIds: readonly string[]) => {
    for (const id of prefetchGroups(groupIds, readers, cache, { rules: true })) fresh.add(id);
  };
  const { target } = event;
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
      },
      () => undefined,
    );
    resolution = await resolveAffectedBrokers(target, readers);
  } else if (
    enforces &&
    (target.kind === 'security-groups' ||
      target.kind === 'security-group-name' ||
      target.kind === 'security-group-rules')
  ) {
    // The listing starts once the groups are known (with their interfaces), so that an event whose
    // group names nothing costs no listing.
    let listing: ReturnType<typeof startListing> | undefined;
    const describeAll = () => {
      listing ??= startListing(readers, cache);
      return listing.describeAll();
    };
    resolution = await resolveAffectedBrokers(target, readers, {
      onGroups: (groupIds) => {
        listing ??= startListing(readers, cache);
        prefetchGroups(groupIds, readers, cache, { groups: true });
      },
      onBrokersPossible: (groupIds) => {
        describeAll().catch(() => undefined);
        readRules(groupIds);
      },
      describeAll,
    });
    // A group no broker uses ends here: the listing started with the interfaces is not left in flight.
    await listing?.settled;
    seedInterfaces(cache, resolution);
    if (resolution.brokerIds.length > 0) prefetchBrokers(resolution.brokerIds, readers, cache);
  } else {
    resolution = await resolveAffectedBrokers(target, readers);
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
    }
  }
  const brokers: BrokerOutcome[] = [];
  // Sequential per broker: an event rarely touches more than a few, and the MQ API rate is shared.
  // Only the first broker's rules are as fresh as a re-read: a later broker's come after writes.
  for (const [index, brokerId] of resolution.brokerIds.entries()) {
    const prefetch: EventPrefetch = { freshRuleGroups: index === 0 ? fresh : new Set() };
    brokers.push(await evaluateBroker(brokerId, { ...deps, cache, prefetch }, event.actor));
  }
  const changedChecks =
    event.eventSource === 'ec2.amazonaws.com'
      ? deps.checks.map((c) => c.meta.id).filter((id) => INGRESS_CHECK_IDS.includes(id))
      : deps.checks.map((c) => c.meta.id);
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
