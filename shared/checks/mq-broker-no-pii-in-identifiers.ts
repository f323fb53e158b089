import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot } from '../model/types.ts';
import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { type FieldIssue, fieldsEvidence } from './support/fields.ts';
import { describePiiKind, findPii, type PiiKind, type PiiMatch } from './support/pii.ts';

const meta: CheckMeta = {
  id: 'mq-broker-no-pii-in-identifiers',
  title: 'Broker name, user names and tags hold no personal data',
  // LOW: identifiers are visible to everyone who may describe the broker and end up in billing and
  // diagnostic logs, which is a data-protection breach, but not a path into the broker or its messages.
  severity: 'LOW',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'Broker names, user names and tags are not secret: they appear in the console, API answers, CloudTrail, ' +
    'AWS Config, billing and diagnostic logs. Personal data placed there (e-mail addresses, phone numbers, ' +
    'bank account, card or social security numbers) is spread to every reader of those systems and kept for as long as ' +
    'they keep it.',
  remediation: {
    text:
      'Replace personal data with neutral identifiers: rename users (delete and recreate them, applied at ' +
      'the next reboot), change or remove the tags (aws mq delete-tags / create-tags). A broker name cannot ' +
      'be changed: recreate the broker under a neutral name. Keep contact details in a directory, not in tags.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html',
  },
  autoRemediable: false,
  source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html',
};

interface ScannedField {
  readonly path: string;
  readonly value: unknown;
}

interface FieldHit {
  readonly path: string;
  readonly kinds: readonly { readonly kind: PiiKind; readonly matches: readonly PiiMatch[] }[];
}

/**
 * The fields to scan, in a stable order. Tag keys are scanned too: a key is free text like a value.
 * A path never contains a flagged value: a tag whose key holds personal data is named by its
 * position (`tagKeys[1]`) instead of its key.
 */
const scannedFields = (snapshot: BrokerSnapshot): { fields: ScannedField[]; unreadable: string[] } => {
  const broker = snapshot.broker;
  const fields: ScannedField[] = [{ path: 'BrokerName', value: broker.name }];
  const unreadable: string[] = [];
  const users: unknown = broker.users;
  // Amazon MQ returns no user list for RabbitMQ brokers (their users live in the broker itself); an
  // ActiveMQ broker always has one, so a missing list there is a field not read, never "no users".
  if (users === undefined && broker.engineType !== 'ACTIVEMQ') {
    // nothing to scan
  } else if (Array.isArray(users)) {
    users.forEach((user: unknown, index) => {
      const username =
        typeof user === 'object' && user !== null ? (user as { username?: unknown }).username : user;
      fields.push({ path: `users[${index}].Username`, value: username });
    });
  } else {
    unreadable.push('users');
  }
  const tags: unknown = broker.tags;
  if (typeof tags === 'object' && tags !== null && !Array.isArray(tags)) {
    Object.entries(tags as Record<string, unknown>).forEach(([key, value], index) => {
      const keyPath = `tagKeys[${index}]`;
      const keyHasPii = findPii(key).length > 0;
      fields.push({ path: keyPath, value: key });
      fields.push({ path: keyHasPii ? `tags[${keyPath}]` : `tags[${JSON.stringify(key)}]`, value });
    });
  } else {
    unreadable.push('tags');
  }
  return { fields, unreadable };
};

const groupByKind = (matches: readonly PiiMatch[]): FieldHit['kinds'] => {
  const kinds = new Map<PiiKind, PiiMatch[]>();
  for (const match of matches) kinds.set(match.kind, [...(kinds.get(match.kind) ?? []), match]);
  return Array.from(kinds, ([kind, list]) => ({ kind, matches: list }));
};

const hitSummary = (hit: FieldHit): string =>
  `${hit.path} (${hit.kinds.map(({ kind, matches }) => describePiiKind(kind, matches.length)).join(', ')})`;

const MAX_LISTED = 3;

const listHits = (hits: readonly FieldHit[]): string => {
  const listed = hits.slice(0, MAX_LISTED).map(hitSummary).join(', ');
  return hits.length > MAX_LISTED ? `${listed} and ${hits.length - MAX_LISTED} more` : listed;
};

export const check: Check = {
  meta,
  evaluate(snapshot): Finding {
    const { fields, unreadable } = scannedFields(snapshot);
    const hits: FieldHit[] = [];
    for (const { path, value } of fields) {
      if (typeof value !== 'string') {
        unreadable.push(path);
        continue;
      }
      const matches = findPii(value);
      if (matches.length > 0) hits.push({ path, kinds: groupByKind(matches) });
    }
    // brokerLabel withholds a name that holds personal data, here and in every other check.
    const label = brokerLabel(snapshot);

    if (hits.length > 0) {
      const evidence: FieldIssue[] = hits.flatMap((hit) =>
        hit.kinds.map(({ kind, matches }) => ({
          path: hit.path,
          detail: `${describePiiKind(kind, matches.length)}, ${matches.length === 1 ? 'masked' : 'first masked'} ${matches[0]?.masked ?? ''}`,
        })),
      );
      for (const path of unreadable) evidence.push({ path, detail: 'not a string; not scanned' });
      const count = hits.length === 1 ? '1 field' : `${hits.length} fields`;
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} holds personal data in ${count}: ${listHits(hits)}.`,
        fieldsEvidence(...evidence),
      );
    }
    if (unreadable.length > 0) {
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} could not be checked: ${unreadable.join(', ')} ${unreadable.length === 1 ? 'is' : 'are'} not text.`,
        fieldsEvidence(...unreadable.map((path) => ({ path, detail: 'not a string; not scanned' }))),
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'PASS',
      `${label} holds no personal data in its name, user names or tags.`,
    );
  },
};
