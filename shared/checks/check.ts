import type { CheckId, Evidence, Finding, FindingStatus, Severity } from '../model/finding.ts';
import { type BrokerSnapshot, type EngineType, isKnownEngineType } from '../model/types.ts';
import { engineDisplayName } from '../network/protocol-ports.ts';
import type { Settings } from '../policy/settings.ts';
import { findPii } from './support/pii.ts';

export interface CheckMeta {
  /** Equal to the file name. */
  readonly id: CheckId;
  /** Short title, used as the Config rule description. */
  readonly title: string;
  readonly severity: Severity;
  readonly engines: readonly EngineType[];
  /** What can go wrong if this does not hold. */
  readonly risk: string;
  readonly remediation: { readonly text: string; readonly url: string };
  /** Whether mq-guardian can fix it in place (only the ingress checks). */
  readonly autoRemediable: boolean;
  /** The best practice this check implements (AWS documentation URL). */
  readonly source: string;
  /** Off unless enabled in settings (`enabledOptInChecks`). */
  readonly optIn?: boolean;
}

export interface CheckContext {
  readonly settings: Settings;
  /** Evaluation time; checks never read the clock themselves. */
  readonly now: Date;
}

export interface Check {
  readonly meta: CheckMeta;
  /** Pure: no I/O, no clock, no logging. May throw only on a programming error. */
  evaluate(snapshot: BrokerSnapshot, context: CheckContext): Finding;
}

/** Builds a finding for `meta` about the snapshot's broker. */
export const makeFinding = (
  meta: CheckMeta,
  snapshot: BrokerSnapshot,
  status: FindingStatus,
  message: string,
  evidence?: Evidence,
): Finding => ({
  checkId: meta.id,
  severity: meta.severity,
  resource: {
    type: 'AWS::AmazonMQ::Broker',
    id: snapshot.broker.id,
    arn: snapshot.broker.arn,
    name: brokerDisplayName(snapshot),
    engineType: snapshot.broker.engineType,
  },
  status,
  message,
  ...(evidence ? { evidence } : {}),
});

/**
 * Every finding and message of a broker names it, so one evaluation asks for the display name of the
 * same broker dozens of times; the PII scan runs once per broker object (and again if its name is
 * not the one scanned). Held weakly: nothing outlives the snapshot it came from.
 */
const displayNames = new WeakMap<
  BrokerSnapshot['broker'],
  { readonly name: string; readonly display: string }
>();

/**
 * The broker's name as messages and alerts show it. A name that holds personal data (which the
 * no-pii check reports) is withheld everywhere, so that no finding, alert or log echoes it.
 */
export const brokerDisplayName = (snapshot: BrokerSnapshot): string => {
  const { broker } = snapshot;
  const known = displayNames.get(broker);
  if (known !== undefined && known.name === broker.name) return known.display;
  const display = findPii(broker.name).length > 0 ? '(name withheld)' : broker.name;
  displayNames.set(broker, { name: broker.name, display });
  return display;
};

/** "Broker orders-prod (b-1234…)": how every message names a broker. */
export const brokerLabel = (snapshot: BrokerSnapshot): string =>
  `Broker ${brokerDisplayName(snapshot)} (${snapshot.broker.id})`;

/**
 * NOT_APPLICABLE for an engine the check does not cover, with the reason. An engine type mq-guardian
 * does not know is neither in nor out: ERROR, saying which engines the check judges.
 */
export const engineNotApplicable = (meta: CheckMeta, snapshot: BrokerSnapshot): Finding | undefined => {
  const engine = snapshot.broker.engineType;
  const covered = meta.engines.map(engineDisplayName).join(' and ');
  if (!isKnownEngineType(engine)) {
    return makeFinding(
      meta,
      snapshot,
      'ERROR',
      `${brokerLabel(snapshot)} could not be checked: its engine type ${describeEnum(engine)} is not one mq-guardian knows, and this check applies to ${covered} only.`,
      { kind: 'fields', fields: [{ path: 'EngineType', detail: `unknown value ${describeEnum(engine)}` }] },
    );
  }
  return meta.engines.includes(engine)
    ? undefined
    : makeFinding(
        meta,
        snapshot,
        'NOT_APPLICABLE',
        `${brokerLabel(snapshot)} runs ${engineDisplayName(engine)}; this check applies to ${covered} only.`,
      );
};

const MAX_ENUM_SHOWN = 40;

/** An enum value AWS returned, quoted and cut short: it is free text as far as mq-guardian knows. */
export const describeEnum = (value: string): string =>
  JSON.stringify(value.length > MAX_ENUM_SHOWN ? `${value.slice(0, MAX_ENUM_SHOWN)}…` : value);
