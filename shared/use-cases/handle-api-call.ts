import type { Check } from '../checks/check.ts';
import { AwsCallError } from '../errors.ts';
import type { ApiCallEvent, EventTarget } from '../events/cloudtrail.ts';
import type { Actor } from '../model/actor.ts';
import type { CheckId, Finding } from '../model/finding.ts';
import {
  type BrokerSnapshot,
  incompleteOperations,
  type NetworkInterfaceUse,
  type UnreadFact,
} from '../model/types.ts';
import type { AccountReaders, ComplianceReporter, IngressWriter, RemediationRequester } from '../ports.ts';
import type { Settings } from '../policy/settings.ts';
import type { RemediationReport } from '../remediation/execute.ts';
import {
  buildSnapshot,
  createSnapshotCache,
  resolveGroupBrokers,
  type SnapshotCache,
} from './build-snapshot.ts';
import { type BrokerEvaluation, evaluateSnapshot } from './evaluate.ts';
import { findBrokersUsingConfiguration, findBrokersUsingGroups } from './find-brokers.ts';
import { remediate } from './remediate.ts';
import { announceUnreadableBroker } from './unreadable-broker.ts';
import { REMEDIATION_REQUEST_SOURCE, REMEDIATION_REQUEST_TYPE } from '../events/remediation-request.ts';

/** Checks whose answer depends on security-group rules: the only ones an EC2 event can change. */
export const INGRESS_CHECK_IDS: readonly CheckId[] = [
  'mq-broker-ingress-limited-to-used-protocols',
  'mq-broker-ingress-not-open-to-world',
];

/** The only check that reads Amazon MQ's offered engine versions (DescribeBrokerEngineTypes). */
const ENGINE_VERSION_CHECK_ID: CheckId = 'mq-broker-engine-version-supported';

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
}

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

/** Which brokers an event can have changed, with as few reads as possible. */
export const resolveAffectedBrokers = async (
  target: EventTarget,
  readers: AccountReaders,
): Promise<Resolution> => {
  switch (target.kind) {
    case 'broker':
    case 'broker-deleted':
      return { brokerIds: [target.brokerId], how: 'broker id from the event' };
    case 'configuration': {
      const brokers = await findBrokersUsingConfiguration(target.configurationId, readers);
      return { brokerIds: brokers, how: `brokers using configuration ${target.configurationId}` };
    }
    case 'security-groups':
      return fromGroups(target.groupIds, readers);
    case 'security-group-name': {
      const groupIds = await readers.network.findSecurityGroupIdsByName(target.groupName);
      if (groupIds.length === 0) return { brokerIds: [], how: `no security group named ${target.groupName}` };
      return fromGroups(groupIds, readers);
    }
    case 'security-group-rules': {
      let groupIds = target.groupIds;
      if (groupIds.length === 0) {
        const rules = await readers.network.describeRulesById(target.ruleIds);
        groupIds = [...new Set(rules.map((r) => r.groupId))];
      }
      if (groupIds.length === 0) return { brokerIds: [], how: 'rules no longer exist' };
      return fromGroups(groupIds, readers);
    }
    case 'ignored':
      return { brokerIds: [], how: target.reason };
  }
};

const fromGroups = async (groupIds: readonly string[], readers: AccountReaders): Promise<Resolution> => {
  const found = await findBrokersUsingGroups(groupIds, readers);
  return {
    brokerIds: found.brokerIds,
    how: `${found.conclusive ? 'network interfaces' : 'broker listing'} of ${groupIds.join(', ')}`,
    interfaces: { groupIds, found: found.interfaces },
  };
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
 * Evaluates one broker: live snapshot, every enabled check, then remediation of ingress findings
 * (per mode and safety rules) and the findings sink. Returns `gone` when the broker does not exist.
 */
export const evaluateBroker = async (
  brokerId: string,
  deps: EvaluationDeps,
  actor?: Actor,
): Promise<BrokerOutcome> => {
  const snapshot = await buildSnapshot(brokerId, deps.readers, {
    account: deps.account,
    region: deps.region,
    now: deps.now(),
    ...(deps.cache ? { cache: deps.cache } : {}),
    readSecurityGroups: deps.checks.some((check) => INGRESS_CHECK_IDS.includes(check.meta.id)),
    readEngineOffer: deps.checks.some((check) => check.meta.id === ENGINE_VERSION_CHECK_ID),
  }).catch(async (error: unknown) => {
    // Announced once (the retries find it announced), then the invocation fails so that it is retried.
    await announceUnreadableBroker(brokerId, error, deps, actor);
    throw error;
  });
  if (!snapshot) return { brokerId, status: 'gone' };
  const evaluation = evaluateSnapshot(snapshot, deps.checks, { settings: deps.settings, now: deps.now() });
  const ingress = failingIngress(evaluation.findings, deps.settings);
  let remediation: RemediationReport | undefined;
  let remediationRequested = false;
  let judged = snapshot;
  if (ingress.length > 0 && deps.writer) {
    const sink = deps.findingsSink;
    // What a group keeps open is the union over every broker on it: read which brokers those are.
    judged = await resolveGroupBrokers(snapshot, deps.readers, deps.cache);
    remediation = await remediate(
      { snapshot: judged, findings: ingress, settings: deps.settings, ...(actor ? { actor } : {}) },
      {
        network: deps.readers.network,
        writer: deps.writer,
        // A failed action fails the invocation; what was done and what failed is announced first.
        ...(sink
          ? {
              onReport: (report) =>
                sink.notify({ evaluation, ...(actor ? { actor } : {}), remediation: report }),
            }
          : {}),
      },
    );
  } else if (ingress.length > 0 && deps.remediationRequester) {
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
  await deps.findingsSink?.notify({
    evaluation,
    ...(actor ? { actor } : {}),
    ...(remediation ? { remediation } : {}),
  });
  // A fact not read is never a "no": remediation left the group alone (and said why), the checks
  // could not judge a group whose details were not read, and the failing ingress may still be open.
  // Fail after announcing, so that the invocation is retried.
  const unread = unreadFacts(judged);
  const judgedOnUnread = unread.some((u) => u.fact === 'group' || u.fact === 'rules');
  if (unread.length > 0 && (judgedOnUnread || (ingress.length > 0 && deps.writer !== undefined))) {
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

/** The real-time path: one CloudTrail event → affected brokers → evaluations and actions. */
export const handleApiCall = async (event: ApiCallEvent, deps: EvaluationDeps): Promise<EventOutcome> => {
  const resolution = await resolveAffectedBrokers(event.target, deps.readers);
  const cache = deps.cache ?? createSnapshotCache();
  seedInterfaces(cache, resolution);
  const brokers: BrokerOutcome[] = [];
  // Sequential per broker: an event rarely touches more than a few, and the MQ API rate is shared.
  for (const brokerId of resolution.brokerIds) {
    brokers.push(await evaluateBroker(brokerId, { ...deps, cache }, event.actor));
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
