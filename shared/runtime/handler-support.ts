import { InvalidEventError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { BrokerOutcome, EventOutcome } from '../use-cases/handle-api-call.ts';
import { recordEvaluations, recordRemediation } from './metrics.ts';

export interface IgnoredResult {
  readonly status: 'ignored';
  readonly reason: string;
}

/**
 * Runs `work`; a malformed event is logged and acknowledged (returning normally, so neither Lambda nor
 * EventBridge retries it forever), anything else is thrown so the invocation is retried and finally
 * lands in the dead-letter queue. The event itself is never logged (identities, IP addresses).
 */
export const acknowledgeInvalidEvents = async <T>(work: () => Promise<T>): Promise<T | IgnoredResult> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidEventError) {
      logger.warn('Event ignored', { reason: error.message });
      return { status: 'ignored', reason: error.message };
    }
    logger.error('Invocation failed', { error: error as Error });
    throw error;
  }
};

/** A compact summary of an outcome for logs and the function's return value (no finding bodies). */
export const summarizeOutcome = (outcome: EventOutcome) => ({
  status: 'evaluated' as const,
  eventId: outcome.eventId,
  eventName: outcome.eventName,
  resolution: outcome.resolution,
  brokers: outcome.brokers.map((b) => ({
    brokerId: b.brokerId,
    status: b.status,
    failing:
      b.evaluation?.findings
        .filter((f) => f.status === 'FAIL' || f.status === 'ERROR')
        .map((f) => f.checkId) ?? [],
    remediation: b.remediation?.actions.map((a) => ({ kind: a.kind, ruleId: a.ruleId, status: a.status })),
    remediationRequested: b.remediationRequested ?? false,
  })),
  configRulesRequested: outcome.configRulesRequested,
});

/** Evaluations by result and remediation actions by outcome, as CloudWatch metrics (EMF). */
export const recordOutcomes = (brokers: readonly BrokerOutcome[]): void => {
  recordEvaluations(brokers.flatMap((b) => b.evaluation?.findings ?? []));
  recordRemediation(brokers.flatMap((b) => b.remediation?.actions ?? []));
};
