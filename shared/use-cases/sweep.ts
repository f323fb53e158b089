/**
 * The scheduled backstop: CloudTrail delivery is best effort and AWS Config may not be enabled, so
 * every broker of the account is evaluated on a schedule. Failing ingress findings are handed to the
 * remediating function (the sweep never writes to EC2), findings go to the sink that alerts on what
 * is new, and one broker that cannot be read never stops the others.
 */
import { type ChecksSource, checksOf } from '../checks/enabled.ts';
import { AwsCallError, errorMessage, GuardianError } from '../errors.ts';
import { REMEDIATION_REQUEST_SOURCE, REMEDIATION_REQUEST_TYPE } from '../events/remediation-request-kind.ts';
import { logger } from '../logger.ts';
import type { BrokerSummary } from '../model/types.ts';
import type { RemediationRequester } from '../ports.ts';
import { createSnapshotCache } from './build-snapshot.ts';
import type { BrokerOutcome, EvaluationDeps } from './handle-api-call.ts';
import { settleBounded } from './bounded.ts';
import { listedButNotFoundError, mayBeGone } from './listed-brokers.ts';
import type { TokenBucketLimits } from './rate-limit.ts';
import { plural } from '../wording.ts';

/** Brokers evaluated at once. The token bucket sets the pace; this only bounds memory and open sockets. */
export const DEFAULT_SWEEP_CONCURRENCY = 4;

/**
 * The sweep's share of the account's Amazon MQ quota (burst 100, 15/s): the whole burst, which the
 * account's bucket holds anyway when an hourly sweep starts, then 13 of the 15 calls a second, so that
 * the event-driven functions, which run at the same time, still find 2 a second (and retry adaptively
 * when a burst of theirs meets the sweep's). 200 brokers take about 12 s instead of about 20 s with a
 * two-thirds share: the time a broker's finding waits for the sweep is part of its exposure.
 */
export const SWEEP_RATE_LIMIT: TokenBucketLimits = { capacity: 100, refillPerSecond: 13 };

/**
 * Brokers per remediation request. The remediating function handles a request's brokers one after
 * the other within its timeout; ten keeps a request short while 200 failing brokers still make only
 * 20 invocations instead of 200 (each of which would read Amazon MQ again at the same moment).
 */
export const REMEDIATION_REQUEST_BATCH_SIZE = 10;

export interface BrokerFailure {
  readonly brokerId: string;
  readonly error: unknown;
}

/** Some brokers could not be evaluated (after the others were). Thrown so the run is retried and alarmed. */
export class BrokerFailuresError extends GuardianError {
  readonly failures: readonly BrokerFailure[];

  constructor(what: string, failures: readonly BrokerFailure[]) {
    const shown = failures
      .slice(0, 5)
      .map((f) => `${f.brokerId} (${errorMessage(f.error)})`)
      .join('; ');
    const more = failures.length > 5 ? ` and ${failures.length - 5} more` : '';
    super('BROKER_FAILURES', `${what}: ${plural(failures.length, 'broker')} failed: ${shown}${more}`, {
      cause: failures[0]?.error,
    });
    this.failures = failures;
  }
}

/**
 * Failures a retry can fix: AWS answered with an error (throttling, 5xx, access denied), directly or
 * as the cause of one of ours (an alert that could not be published wraps the SNS / DynamoDB error).
 */
export const isAwsFailure = (failure: BrokerFailure): boolean => {
  const seen = new Set<unknown>();
  for (let error: unknown = failure.error; error instanceof Error && !seen.has(error); error = error.cause) {
    if (error instanceof AwsCallError) return true;
    seen.add(error);
  }
  return false;
};

/**
 * The evaluation's module (the checks' runner, remediation, alerts), by `import()`: the sweep and
 * config-rule start it beside their first read, so that no function reads it at start-up.
 */
export const loadEvaluateBroker = () => import('./evaluate-broker.ts');

/**
 * Evaluates each broker with bounded concurrency. Every broker is attempted; those that throw are
 * returned as failures, never turned into results.
 */
export const evaluateBrokers = async (
  brokerIds: readonly string[],
  deps: EvaluationDeps,
  concurrency: number = DEFAULT_SWEEP_CONCURRENCY,
): Promise<{ outcomes: BrokerOutcome[]; failures: BrokerFailure[] }> => {
  const { evaluateBroker } = await loadEvaluateBroker();
  const settled = await settleBounded(brokerIds, concurrency, (brokerId) => evaluateBroker(brokerId, deps));
  const outcomes: BrokerOutcome[] = [];
  const failures: BrokerFailure[] = [];
  settled.forEach((result, index) => {
    const brokerId = brokerIds[index] as string;
    if (result.status === 'fulfilled') outcomes.push(result.value);
    else failures.push({ brokerId, error: result.reason });
  });
  return { outcomes, failures };
};

/**
 * Outcomes of listed brokers, checked against the listing: a broker found gone though the listing
 * shows it not being deleted is a failure (its checks were not evaluated), never a deleted broker
 * (listed-brokers.ts).
 */
export const againstListing = (
  listed: readonly BrokerSummary[],
  result: { outcomes: BrokerOutcome[]; failures: BrokerFailure[] },
): { outcomes: BrokerOutcome[]; failures: BrokerFailure[] } => {
  const byId = new Map(listed.map((summary) => [summary.id, summary]));
  const outcomes: BrokerOutcome[] = [];
  const failures = [...result.failures];
  for (const outcome of result.outcomes) {
    const summary = byId.get(outcome.brokerId);
    if (outcome.status === 'gone' && summary !== undefined && !mayBeGone(summary)) {
      const error = listedButNotFoundError([summary], () => 'its checks were not evaluated');
      failures.push({ brokerId: outcome.brokerId, error });
    } else outcomes.push(outcome);
  }
  return { outcomes, failures };
};

/**
 * Collects the brokers evaluateBroker hands over and sends them in batches at the end: one
 * asynchronous invoke per batch, not per broker. Batches follow the listing order, not the order in
 * which concurrent evaluations happened to finish.
 */
const batchingRequester = (inner: RemediationRequester, batchSize: number, order: readonly string[]) => {
  const wanted = new Set<string>();
  const requester: RemediationRequester = {
    async requestRemediation(request) {
      for (const id of request.detail.brokerIds) wanted.add(id);
    },
  };
  const flush = async (): Promise<{ requested: string[]; failures: BrokerFailure[] }> => {
    const listed = new Set(order);
    const brokerIds = [
      ...order.filter((id) => wanted.has(id)),
      ...[...wanted].filter((id) => !listed.has(id)),
    ];
    const requested: string[] = [];
    const failures: BrokerFailure[] = [];
    for (let start = 0; start < brokerIds.length; start += batchSize) {
      const batch = brokerIds.slice(start, start + batchSize);
      try {
        await inner.requestRemediation({
          source: REMEDIATION_REQUEST_SOURCE,
          'detail-type': REMEDIATION_REQUEST_TYPE,
          detail: { brokerIds: batch, reason: 'sweep' },
        });
        requested.push(...batch);
      } catch (error) {
        failures.push(...batch.map((brokerId) => ({ brokerId, error })));
      }
    }
    return { requested, failures };
  };
  return { requester, flush };
};

/**
 * What the sweep needs. No writer: the sweep never changes a security group (only the remediating
 * function's role may), and no Config reporter: it has no ResultToken and Config runs its own rules.
 */
export interface SweepDeps
  extends Pick<
    EvaluationDeps,
    'readers' | 'settings' | 'account' | 'region' | 'now' | 'remediationRequester' | 'findingsSink' | 'cache'
  > {
  /** The enabled checks, or their load (started with the broker listing). */
  readonly checks: ChecksSource;
  /** Brokers evaluated at once (default DEFAULT_SWEEP_CONCURRENCY). */
  readonly concurrency?: number;
  /** Brokers per remediation request (default REMEDIATION_REQUEST_BATCH_SIZE). */
  readonly remediationBatchSize?: number;
}

export interface SweepResult {
  /** Brokers ListBrokers returned. */
  readonly listed: number;
  readonly outcomes: readonly BrokerOutcome[];
  /** Brokers handed to the remediating function. */
  readonly remediationRequested: readonly string[];
  readonly failures: readonly BrokerFailure[];
}

/** A compact summary for logs and the function's return value (no finding bodies). */
export const summarizeSweep = (result: SweepResult) => ({
  listed: result.listed,
  evaluated: result.outcomes.filter((o) => o.status === 'evaluated').length,
  gone: result.outcomes.filter((o) => o.status === 'gone').map((o) => o.brokerId),
  failing: result.outcomes
    .map((o) => ({
      brokerId: o.brokerId,
      checkIds:
        o.evaluation?.findings
          .filter((f) => f.status === 'FAIL' || f.status === 'ERROR')
          .map((f) => f.checkId) ?? [],
    }))
    .filter((o) => o.checkIds.length > 0),
  remediationRequested: result.remediationRequested,
  failures: result.failures.map((f) => ({ brokerId: f.brokerId, error: errorMessage(f.error) })),
});

/**
 * Evaluates every broker of the account. Runs to the end whatever single brokers do; then, when any
 * broker failed with an AWS error, throws BrokerFailuresError so that the run is retried and alarmed.
 * Other failures (an answer of unexpected shape, a bug) would fail the same way on a retry: they are
 * logged as errors and returned.
 */
export const sweep = async (deps: SweepDeps): Promise<SweepResult> => {
  const batchSize = deps.remediationBatchSize ?? REMEDIATION_REQUEST_BATCH_SIZE;
  // A remediation request holds at most 200 broker ids (shared/events/remediation-request.ts).
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 200) {
    throw new RangeError(`remediationBatchSize must be an integer from 1 to 200: ${batchSize}`);
  }
  // The checks and the evaluation's code load while the brokers are listed.
  const loading = Promise.all([checksOf(deps.checks), loadEvaluateBroker()]);
  loading.catch(() => undefined);
  const brokers = await deps.readers.brokers.listBrokers();
  const [checks] = await loading;
  const brokerIds = brokers.map((b) => b.id);
  const batching = deps.remediationRequester
    ? batchingRequester(deps.remediationRequester, batchSize, brokerIds)
    : undefined;
  const evaluationDeps: EvaluationDeps = {
    // Listed one by one so that a writer passed along by mistake (a wider object) never reaches evaluateBroker.
    readers: deps.readers,
    settings: deps.settings,
    checks,
    account: deps.account,
    region: deps.region,
    now: deps.now,
    ...(deps.findingsSink ? { findingsSink: deps.findingsSink } : {}),
    // Configuration revisions and group rules are shared by many brokers: read each once per run.
    // Per run, not per container: group rules change, and a sweep must see them as they are now.
    cache: deps.cache ?? createSnapshotCache(),
    ...(batching ? { remediationRequester: batching.requester } : {}),
  };
  const { outcomes, failures } = againstListing(
    brokers,
    await evaluateBrokers(brokerIds, evaluationDeps, deps.concurrency ?? DEFAULT_SWEEP_CONCURRENCY),
  );
  const flushed = batching ? await batching.flush() : { requested: [], failures: [] };
  const allFailures = [...failures, ...flushed.failures];
  const result: SweepResult = {
    listed: brokers.length,
    outcomes,
    remediationRequested: flushed.requested,
    failures: allFailures,
  };
  for (const failure of allFailures) {
    logger.error('Broker sweep failed', { brokerId: failure.brokerId, error: failure.error as Error });
  }
  logger.info('Sweep finished', { sweep: summarizeSweep(result) });
  if (allFailures.some(isAwsFailure)) throw new BrokerFailuresError('Sweep', allFailures);
  return result;
};
