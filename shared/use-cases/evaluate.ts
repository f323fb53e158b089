import type { Check, CheckContext } from '../checks/check.ts';
import { brokerLabel, makeFinding } from '../checks/check.ts';
import { errorMessage } from '../errors.ts';
import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot, BrokerSummary } from '../model/types.ts';
import { findPii } from '../checks/support/pii.ts';

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
  /**
   * The broker itself could not be read (unreadable-broker.ts): every finding is an ERROR and the
   * snapshot holds the broker's identity only, so nothing of it may be reported as a fact.
   */
  readonly unreadable?: boolean;
}

/**
 * The findings of a broker that could not be evaluated at all (its DescribeBroker answer has a shape
 * mq-guardian cannot read, or a read failed): one ERROR per check, naming the reason, so that a
 * listing of many brokers reports this one as unknown and goes on with the others.
 */
export const brokerErrorFindings = (
  broker: BrokerSummary,
  checks: readonly Check[],
  error: unknown,
): Finding[] => {
  const name = findPii(broker.name).length > 0 ? '(name withheld)' : broker.name;
  return checks.map((check) => ({
    checkId: check.meta.id,
    severity: check.meta.severity,
    resource: {
      type: 'AWS::AmazonMQ::Broker',
      id: broker.id,
      arn: broker.arn,
      name,
      engineType: broker.engineType,
    },
    status: 'ERROR',
    message: `Broker ${name} (${broker.id}) could not be evaluated: ${errorMessage(error)}.`,
  }));
};

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
