/**
 * Small helpers the field checks share: evidence naming DescribeBroker fields, and the ERROR finding
 * for a field whose value mq-guardian does not understand (never guessed into PASS or FAIL).
 */
import type { Evidence, Finding } from '../../model/finding.ts';
import { type BrokerSnapshot, type EngineType, isKnownEngineType } from '../../model/types.ts';
import { brokerLabel, type CheckMeta, describeEnum, makeFinding } from '../check.ts';

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

/**
 * The broker's engine, for a check whose rule depends on it; or the ERROR that says what the check
 * cannot judge when AWS reports an engine type mq-guardian does not know. Checks that do not depend
 * on the engine never call this: they still evaluate such a broker.
 */
export const knownEngine = (
  meta: CheckMeta,
  snapshot: BrokerSnapshot,
  cannotJudge: string,
): { readonly engine: EngineType } | { readonly finding: Finding } => {
  const engine = snapshot.broker.engineType;
  if (isKnownEngineType(engine)) return { engine };
  return {
    finding: makeFinding(
      meta,
      snapshot,
      'ERROR',
      `${brokerLabel(snapshot)} could not be checked: its engine type ${describeEnum(engine)} is not one mq-guardian knows, so ${cannotJudge}.`,
      fieldsEvidence({ path: 'EngineType', detail: `unknown value ${describeEnum(engine)}` }),
    ),
  };
};
