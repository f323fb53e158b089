/**
 * Small helpers the field checks share: evidence naming DescribeBroker fields, and the ERROR finding
 * for a field whose value mq-guardian does not understand (never guessed into PASS or FAIL).
 */
import type { Evidence, Finding } from '../../model/finding.ts';
import type { BrokerSnapshot } from '../../model/types.ts';
import { brokerLabel, type CheckMeta, makeFinding } from '../check.ts';

export interface FieldIssue {
  readonly path: string;
  readonly detail: string;
}

export const fieldsEvidence = (...fields: readonly FieldIssue[]): Evidence => ({ kind: 'fields', fields });

const MAX_SHOWN = 40;

/** A short rendering of a value of unknown shape, for ERROR messages about enums and booleans. */
export const describeValue = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
};

/** ERROR: `path` holds something the check cannot judge. */
export const unexpectedValue = (
  meta: CheckMeta,
  snapshot: BrokerSnapshot,
  path: string,
  value: unknown,
  expected: string,
): Finding =>
  makeFinding(
    meta,
    snapshot,
    'ERROR',
    `${brokerLabel(snapshot)} could not be checked: ${path} is ${describeValue(value)}, expected ${expected}.`,
    fieldsEvidence({ path, detail: `unexpected value ${describeValue(value)}; expected ${expected}` }),
  );

const KNOWN_ENGINES: readonly string[] = ['ACTIVEMQ', 'RABBITMQ'];

/** ERROR for an engine type outside the model (a mapper gap): checks never guess which rules apply. */
export const unknownEngine = (meta: CheckMeta, snapshot: BrokerSnapshot): Finding | undefined =>
  KNOWN_ENGINES.includes(snapshot.broker.engineType)
    ? undefined
    : unexpectedValue(meta, snapshot, 'EngineType', snapshot.broker.engineType, 'ACTIVEMQ or RABBITMQ');
