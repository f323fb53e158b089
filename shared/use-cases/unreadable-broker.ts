/**
 * A broker that cannot be read at all (DescribeBroker, or a read its snapshot needs, failed or came
 * back in a shape mq-guardian does not understand) is announced once as an error, then the invocation
 * fails so that it is retried. The retries find the error announced and stay quiet; a broker that was
 * failing is announced as no longer judged ("was: …"), see alerts/plan.ts.
 *
 * The alert needs the broker's identity (name, ARN, engine): taken from the broker as DescribeBroker
 * returned it when that read succeeded (the snapshot cache holds it), else from ListBrokers. When
 * neither can be read, there is nothing to name: no alert, the invocation still fails (and the
 * function-error alarm and the dead-letter queue take over).
 */
import type { Check } from '../checks/check.ts';
import { errorMessage, GuardianError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { Actor } from '../model/actor.ts';
import type { Broker, BrokerSnapshot, BrokerSummary } from '../model/types.ts';
import type { AccountReaders } from '../ports.ts';
import type { SnapshotCache } from './build-snapshot.ts';
import { type BrokerEvaluation, brokerErrorFindings } from './evaluate.ts';
import type { EvaluationDeps } from './handle-api-call.ts';

export type UnreadableBrokerDeps = Pick<
  EvaluationDeps,
  'readers' | 'checks' | 'account' | 'region' | 'now' | 'cache' | 'findingsSink'
>;

const described = async (brokerId: string, cache: SnapshotCache | undefined): Promise<Broker | undefined> => {
  try {
    return (await cache?.brokers.get(brokerId)) ?? undefined;
  } catch {
    return undefined;
  }
};

/** One ListBrokers per invocation (per cache) for all the brokers that could not be read. */
const listings = new WeakMap<SnapshotCache, Promise<readonly BrokerSummary[]>>();

const listed = async (
  brokerId: string,
  readers: AccountReaders,
  cache: SnapshotCache | undefined,
): Promise<BrokerSummary | undefined> => {
  let listing = cache === undefined ? undefined : listings.get(cache);
  if (listing === undefined) {
    listing = readers.brokers.listBrokers();
    if (cache !== undefined) listings.set(cache, listing);
  }
  try {
    return (await listing).find((s) => s.id === brokerId);
  } catch {
    return undefined;
  }
};

/**
 * The evaluation of a broker that could not be read: one ERROR per check naming the reason, on a
 * snapshot that carries the broker's identity only (`unreadable`: nothing else in it was read, and
 * nothing of it may be reported as a fact, e.g. to Security Hub).
 */
export const unreadableEvaluation = (
  identity: Broker | BrokerSummary,
  checks: readonly Check[],
  error: unknown,
  options: { readonly account: string; readonly region: string; readonly now: Date },
): BrokerEvaluation => {
  const broker: Broker =
    'securityGroupIds' in identity
      ? identity
      : {
          // What ListBrokers said; the rest was not read and is never shown (the evaluation is unreadable).
          id: identity.id,
          arn: identity.arn,
          name: identity.name,
          engineType: identity.engineType,
          deploymentMode: identity.deploymentMode,
          state: identity.state,
          engineVersion: '',
          publiclyAccessible: false,
          autoMinorVersionUpgrade: false,
          authenticationStrategy: 'SIMPLE',
          encryption: { useAwsOwnedKey: true },
          logs: { general: false },
          configurations: {},
          securityGroupIds: [],
          subnetIds: [],
          tags: {},
        };
  const snapshot: BrokerSnapshot = {
    account: options.account,
    region: options.region,
    broker,
    configuration: { status: 'absent', reason: 'The broker could not be read' },
    securityGroups: [],
    capturedAt: options.now.toISOString(),
  };
  return {
    snapshot,
    findings: brokerErrorFindings(broker, checks, error),
    crashes: [],
    unreadable: true,
  };
};

/**
 * Announces that `brokerId` could not be evaluated because of `error` (only errors of ours: AWS
 * failures and answers not understood; a bug is not announced as a broker problem). Never throws:
 * the caller rethrows `error`, which is what must reach Lambda.
 */
export const announceUnreadableBroker = async (
  brokerId: string,
  error: unknown,
  deps: UnreadableBrokerDeps,
  actor?: Actor,
): Promise<void> => {
  const sink = deps.findingsSink;
  if (sink === undefined || !(error instanceof GuardianError)) return;
  try {
    const identity =
      (await described(brokerId, deps.cache)) ?? (await listed(brokerId, deps.readers, deps.cache));
    if (identity === undefined) return;
    const evaluation = unreadableEvaluation(identity, deps.checks, error, {
      account: deps.account,
      region: deps.region,
      now: deps.now(),
    });
    await sink.notify({ evaluation, ...(actor ? { actor } : {}) });
  } catch (announceError) {
    logger.error('Unreadable broker not announced', { brokerId, error: errorMessage(announceError) });
  }
};
