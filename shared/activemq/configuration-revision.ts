/**
 * Which configuration revision a configuration check judges, and how its finding reads. Shared by the
 * checks that look at the ActiveMQ configuration, so that an unparseable or missing revision is
 * handled the same way everywhere: an error is ERROR (never PASS), a missing revision is
 * NOT_APPLICABLE with its reason where the broker's state allows it to have none (ERROR otherwise),
 * and a pending revision that would change the answer is mentioned.
 */
import { brokerLabel, type CheckMeta, makeFinding } from '../checks/check.ts';
import type { Finding } from '../model/finding.ts';
import type {
  ActiveMqConfiguration,
  BrokerSnapshot,
  ConfigurationRef,
  ConfigurationState,
} from '../model/types.ts';

export type RevisionRole = 'current' | 'pending';

/** The revision a check judges; `pending` only while the broker is being created (it has no current one). */
export type RevisionUnderEvaluation =
  | {
      readonly status: 'parsed';
      readonly role: RevisionRole;
      readonly ref: ConfigurationRef;
      readonly configuration: ActiveMqConfiguration;
    }
  | {
      readonly status: 'error';
      readonly role: RevisionRole;
      readonly ref: ConfigurationRef;
      readonly code: string;
      readonly message: string;
    }
  | { readonly status: 'absent'; readonly reason: string };

export const BROKER_CREATION_IN_PROGRESS = 'CREATION_IN_PROGRESS';

/**
 * Broker states in which an ActiveMQ broker may have no current configuration: Amazon MQ gives every
 * ActiveMQ broker one (a default when none is named) once it is created, so in any other state its
 * absence from DescribeBroker is a field not read, never a reason to call the checks not applicable.
 */
const STATES_WITHOUT_CONFIGURATION: ReadonlySet<string> = new Set([
  BROKER_CREATION_IN_PROGRESS,
  'CREATION_FAILED',
  'DELETION_IN_PROGRESS',
]);

export const revisionUnderEvaluation = (snapshot: BrokerSnapshot): RevisionUnderEvaluation => {
  const current = snapshot.configuration;
  if (current.status !== 'absent') return { ...current, role: 'current' };
  const pending = snapshot.pendingConfiguration;
  if (
    snapshot.broker.state === BROKER_CREATION_IN_PROGRESS &&
    pending !== undefined &&
    pending.status !== 'absent'
  ) {
    return { ...pending, role: 'pending' };
  }
  return current;
};

const sameRef = (a: ConfigurationRef, b: ConfigurationRef): boolean =>
  a.id === b.id && a.revision === b.revision;

/** A pending revision other than the one judged, waiting for the next reboot. */
const otherPendingRevision = (
  snapshot: BrokerSnapshot,
  judged: RevisionUnderEvaluation,
): Exclude<ConfigurationState, { status: 'absent' }> | undefined => {
  const pending = snapshot.pendingConfiguration;
  if (pending === undefined || pending.status === 'absent') return undefined;
  if (judged.status !== 'absent' && (judged.role === 'pending' || sameRef(judged.ref, pending.ref)))
    return undefined;
  return pending;
};

export const formatRef = (ref: ConfigurationRef): string => `${ref.id} revision ${ref.revision}`;

/** Ends a reason taken from elsewhere (parser, snapshot builder) as a sentence. */
const asSentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** A check's answer about one parsed configuration. */
export interface ConfigurationVerdict {
  readonly status: 'PASS' | 'FAIL' | 'NOT_APPLICABLE';
  /**
   * What holds, as a predicate that reads after the broker's label and after "its pending
   * configuration …": "has an authorization map with 4 entries".
   */
  readonly predicate: string;
  /** Evidence fields beyond the revision itself (what exactly is missing). */
  readonly fields?: readonly { readonly path: string; readonly detail: string }[];
}

/**
 * The finding of a configuration check: judges the revision under evaluation with `judge`, turns
 * unparseable revisions into ERROR and missing ones into NOT_APPLICABLE (ERROR for an ActiveMQ broker
 * whose state means it has one), and mentions a pending
 * revision whose verdict differs (or that could not be parsed).
 */
export const configurationFinding = (
  meta: CheckMeta,
  snapshot: BrokerSnapshot,
  judge: (configuration: ActiveMqConfiguration) => ConfigurationVerdict,
): Finding => {
  const label = brokerLabel(snapshot);
  const judged = revisionUnderEvaluation(snapshot);
  if (judged.status === 'absent') {
    if (
      snapshot.broker.engineType === 'ACTIVEMQ' &&
      !STATES_WITHOUT_CONFIGURATION.has(snapshot.broker.state)
    ) {
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} could not be evaluated: it is an ActiveMQ broker in state ${snapshot.broker.state}, which always has a current configuration, but none was read: ${asSentence(judged.reason)}`,
        { kind: 'fields', fields: [{ path: 'configurations.current', detail: judged.reason }] },
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'NOT_APPLICABLE',
      `${label} has no ActiveMQ configuration revision to evaluate: ${asSentence(judged.reason)}`,
    );
  }

  const path = `configurations.${judged.role}`;
  const pending = otherPendingRevision(snapshot, judged);
  const pendingVerdict = pending?.status === 'parsed' ? judge(pending.configuration) : undefined;
  let pendingNote = '';
  const pendingFields: { path: string; detail: string }[] = [];
  if (pending?.status === 'error') {
    pendingNote = ` Pending ${formatRef(pending.ref)} (applied at the next reboot) could not be parsed: ${asSentence(pending.message)}`;
    pendingFields.push({
      path: 'configurations.pending',
      detail: `${formatRef(pending.ref)}: ${pending.message}`,
    });
  }

  if (judged.status === 'error') {
    return makeFinding(
      meta,
      snapshot,
      'ERROR',
      `${label} has a configuration that could not be evaluated: ${formatRef(judged.ref)} could not be parsed (${judged.code}): ${asSentence(judged.message)}${pendingNote}`,
      {
        kind: 'fields',
        fields: [{ path, detail: `${formatRef(judged.ref)}: ${judged.message}` }, ...pendingFields],
      },
    );
  }

  const verdict = judge(judged.configuration);
  if (pendingVerdict !== undefined && pending !== undefined && pendingVerdict.status !== verdict.status) {
    pendingNote = ` Pending ${formatRef(pending.ref)} (applied at the next reboot) would change this: it ${pendingVerdict.predicate}.`;
    pendingFields.push({
      path: 'configurations.pending',
      detail: `${formatRef(pending.ref)}: ${pendingVerdict.predicate}`,
    });
  }
  const subject =
    judged.role === 'pending'
      ? `${label} is being created; its pending configuration ${formatRef(judged.ref)}`
      : label;
  return makeFinding(meta, snapshot, verdict.status, `${subject} ${verdict.predicate}.${pendingNote}`, {
    kind: 'fields',
    fields: [
      { path, detail: `${formatRef(judged.ref)}: ${verdict.predicate}` },
      ...(verdict.fields ?? []),
      ...pendingFields,
    ],
  });
};
