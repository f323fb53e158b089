/**
 * One event through the event path (handleApiCall) against a recorded account, its reads counted in
 * rounds (read-rounds.ts): what a test of the real-time functions' use case needs to see — the outcome,
 * the reads and writes, every alert handed to the sink, and how often the checks were loaded.
 */
import { enabledChecks } from '../../shared/checks/registry.ts';
import { parseApiCallEvent } from '../../shared/events/cloudtrail.ts';
import type { Settings } from '../../shared/policy/settings.ts';
import { recordedAccountFrom } from '../../shared/recorded/recorded-account.ts';
import {
  type EventOutcome,
  eventDeps,
  type FindingsSink,
  handleApiCall,
} from '../../shared/use-cases/handle-api-call.ts';
import { withReadRounds } from './read-rounds.ts';

export type Alerted = Parameters<FindingsSink['notify']>[0];

export const runEventPath = (event: unknown, account: unknown, settings: Settings) => {
  const recorded = recordedAccountFrom(account);
  const rounds = withReadRounds(recorded);
  const deps = eventDeps({
    readers: rounds.readers,
    writer: rounds.writer,
    settings,
    checks: enabledChecks(settings),
    account: recorded.accountId,
    region: recorded.region,
    now: () => new Date('2026-11-24T12:00:00Z'),
  });
  const alerted: Alerted[] = [];
  // How often the event path asked for the checks and the alert sink (the functions load them then).
  let evaluationLoads = 0;
  const outcome: Promise<EventOutcome> = handleApiCall(parseApiCallEvent(event), {
    ...deps,
    evaluation: async () => {
      evaluationLoads += 1;
      const loaded = await deps.evaluation();
      return { ...loaded, findingsSink: { notify: async (input) => void alerted.push(input) } };
    },
  });
  return {
    outcome,
    rounds,
    writes: () => recorded.writes(),
    alerted,
    evaluationLoads: () => evaluationLoads,
  };
};
