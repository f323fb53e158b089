import type { Finding } from '../model/finding.ts';
import type { BrokerSnapshot } from '../model/types.ts';
import { plural } from '../wording.ts';
import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { type FieldIssue, fieldsEvidence } from './support/fields.ts';
import { describePiiKind, findPii, type PiiKind, type PiiMatch } from './support/pii.ts';

const meta: CheckMeta = {
  id: 'mq-broker-no-pii-in-identifiers',
  title: 'Broker name, user names, tags and configuration name, descriptions and tags hold no personal data',
  // LOW: identifiers are visible to everyone who may describe the broker and end up in billing and
  // diagnostic logs, which is a data-protection breach, but not a path into the broker or its messages.
  severity: 'LOW',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    "Broker names, user names, tags and the configuration's name, descriptions and tags are not secret: they " +
    'appear in the console, API answers, CloudTrail, AWS Config, billing and diagnostic logs. Personal data ' +
    'placed there (e-mail addresses, phone numbers, bank account, card or social security numbers) is spread ' +
    'to every reader of those systems and kept for as long as they keep it.',
  remediation: {
    text:
      'Replace personal data with neutral identifiers: rename users (delete and recreate them, applied at ' +
      'the next reboot), change or remove the tags of the broker or the configuration (aws mq delete-tags / ' +
      'create-tags). A configuration description is changed by a new revision (aws mq update-configuration ' +
      'takes only the data and a description), which the broker runs after update-broker and a reboot; earlier ' +
      'revisions keep theirs. Neither a broker name nor a configuration name can be changed: recreate the ' +
      'broker, or create a configuration under a neutral name and move the broker to it. Keep contact ' +
      'details in a directory, not in tags.',
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

/** A field that could not be scanned, and why. */
interface Unscanned {
  readonly path: string;
  readonly detail: string;
}

const NOT_TEXT = 'not a string; not scanned';

/**
 * Tag keys are scanned too: a key is free text like a value. A path never contains a flagged value:
 * a tag whose key holds personal data is named by its position (`tagKeys[1]`) instead of its key.
 */
const tagFields = (
  tags: Readonly<Record<string, unknown>>,
  keysPath: string,
  valuesPath: string,
): ScannedField[] =>
  Object.entries(tags).flatMap(([key, value], index) => {
    const keyPath = `${keysPath}[${index}]`;
    const valuePath = `${valuesPath}[${findPii(key).length > 0 ? keyPath : JSON.stringify(key)}]`;
    return [
      { path: keyPath, value: key },
      { path: valuePath, value },
    ];
  });

/** The broker's fields, in a stable order. */
const brokerFields = (snapshot: BrokerSnapshot, unscanned: Unscanned[]): ScannedField[] => {
  const broker = snapshot.broker;
  const fields: ScannedField[] = [{ path: 'BrokerName', value: broker.name }];
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
    unscanned.push({ path: 'users', detail: NOT_TEXT });
  }
  const tags: unknown = broker.tags;
  if (typeof tags === 'object' && tags !== null && !Array.isArray(tags)) {
    fields.push(...tagFields(tags as Record<string, unknown>, 'tagKeys', 'tags'));
  } else {
    unscanned.push({ path: 'tags', detail: NOT_TEXT });
  }
  return fields;
};

/**
 * The current configuration's name, descriptions and tags (DescribeConfiguration, and the running
 * revision's DescribeConfigurationRevision): customer-visible text like the broker's. A field whose read
 * failed is unscanned with the reason; a broker that names a configuration whose text was never read
 * is unscanned as a whole, never "no personal data".
 */
const configurationFields = (snapshot: BrokerSnapshot, unscanned: Unscanned[]): ScannedField[] => {
  const text = snapshot.configurationText;
  if (text === undefined) {
    if (snapshot.broker.configurations?.current !== undefined) {
      unscanned.push({ path: 'configuration', detail: 'its name, descriptions and tags were not read' });
    }
    return [];
  }
  for (const { path, reason } of text.unread) unscanned.push({ path, detail: reason });
  return [
    ...text.fields,
    ...(text.tags === undefined ? [] : tagFields(text.tags, 'configuration.tagKeys', 'configuration.Tags')),
  ];
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

/** Each reason once, with the fields it left unscanned: one failed read leaves several fields. */
const describeUnscanned = (unscanned: readonly Unscanned[]): string => {
  const byDetail = new Map<string, string[]>();
  for (const { path, detail } of unscanned) byDetail.set(detail, [...(byDetail.get(detail) ?? []), path]);
  return Array.from(byDetail, ([detail, paths]) => `${detail} (${paths.join(', ')})`).join('; ');
};

export const check: Check = {
  meta,
  evaluate(snapshot): Finding {
    const unscanned: Unscanned[] = [];
    const fields = [...brokerFields(snapshot, unscanned), ...configurationFields(snapshot, unscanned)];
    const hits: FieldHit[] = [];
    for (const { path, value } of fields) {
      if (typeof value !== 'string') {
        unscanned.push({ path, detail: NOT_TEXT });
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
      evidence.push(...unscanned);
      const count = plural(hits.length, 'field');
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} holds personal data in ${count}: ${listHits(hits)}.`,
        fieldsEvidence(...evidence),
      );
    }
    if (unscanned.length > 0) {
      return makeFinding(
        meta,
        snapshot,
        'ERROR',
        `${label} could not be checked: ${describeUnscanned(unscanned)}.`,
        fieldsEvidence(...unscanned),
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'PASS',
      `${label} holds no personal data in its name, user names, tags or configuration.`,
    );
  },
};
