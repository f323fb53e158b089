import type { Check, CheckContext } from '../checks/check.ts';
import { brokerLabel, makeFinding } from '../checks/check.ts';
import { errorMessage } from '../errors.ts';
import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot } from '../model/types.ts';

export interface CheckCrash {
  readonly checkId: string;
  readonly resourceId: string;
  readonly error: unknown;
}

export interface BrokerEvaluation {
  readonly snapshot: BrokerSnapshot;
  readonly findings: readonly Finding[];
  /** Checks that threw. Each also appears in `findings` as an ERROR finding: never invented into a result. */
  readonly crashes: readonly CheckCrash[];
}

/** Runs every given check on one snapshot. A failing check never stops the others. */
export const evaluateSnapshot = (
  snapshot: BrokerSnapshot,
  checks: readonly Check[],
  context: CheckContext,
): BrokerEvaluation => {
  const findings: Finding[] = [];
  const crashes: CheckCrash[] = [];
  for (const check of checks) {
    try {
      findings.push(check.evaluate(snapshot, context));
    } catch (error) {
      crashes.push({ checkId: check.meta.id, resourceId: snapshot.broker.id, error });
      findings.push(
        makeFinding(
          check.meta,
          snapshot,
          'ERROR',
          `${brokerLabel(snapshot)} could not be evaluated: the check failed (${errorMessage(error)}).`,
        ),
      );
    }
  }
  return { snapshot, findings, crashes };
};
