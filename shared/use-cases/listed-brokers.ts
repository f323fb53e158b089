/**
 * ListBrokers and DescribeBroker do not always agree. DeleteBroker is asynchronous, so a broker the
 * listing shows as DELETION_IN_PROGRESS may be gone by the time it is described, and it has no
 * clients left to protect. A broker listed in any other state (being created, running, rebooting, …)
 * exists: when DescribeBroker does not find it, one answer lags the other, and what the broker is
 * was not read. It is never taken as gone.
 */
import { UnexpectedShapeError } from '../errors.ts';
import type { BrokerSummary } from '../model/types.ts';

/** True when a listed broker that DescribeBroker does not find may be taken as gone. */
export const mayBeGone = (summary: BrokerSummary): boolean => summary.state === 'DELETION_IN_PROGRESS';

/** The error for listed brokers, not being deleted, that DescribeBroker does not find. */
export const listedButNotFoundError = (
  unseen: readonly BrokerSummary[],
  consequence: (one: boolean) => string,
): UnexpectedShapeError => {
  const one = unseen.length === 1;
  return new UnexpectedShapeError(
    `ListBrokers lists ${unseen.map((s) => `${s.id} (${s.state})`).join(', ')} but DescribeBroker does not find ${one ? 'it' : 'them'}, so ${consequence(one)}; only a broker being deleted is taken as gone`,
  );
};
