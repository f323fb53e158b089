/**
 * Fuzzing the ActiveMQ configuration parser: whatever the input, it returns a well-shaped
 * ActiveMqConfiguration or throws ConfigurationParseError (never another error), never produces more
 * than its input holds (no entity or reference expansion: the work is bounded by the input's size),
 * and a map built from known entries parses back to exactly those entries. How long parsing takes
 * is measured by `npm run bench`, not asserted here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTIVEMQ_CORE_NAMESPACE,
  parseActiveMqConfiguration,
  parseConfigurationData,
} from '../../shared/activemq/parse-configuration.ts';
import { ConfigurationParseError } from '../../shared/errors.ts';
import type { ActiveMqConfiguration, AuthorizationEntry } from '../../shared/model/types.ts';
import { readActiveMqFixture, toBase64 } from '../unit/activemq/activemq-fixtures.ts';

const RUNS = 10_000;
const SEED = 20_250_115;

const BASES = [
  readActiveMqFixture('amazonmq-default-config.xml'),
  readActiveMqFixture('lab6-with-webconsole.xml'),
  readActiveMqFixture('ldap-cached-map.xml'),
  readActiveMqFixture('prefixed-namespace.xml'),
];

/** Pieces of XML syntax that tend to break parsers when dropped in the wrong place. */
const TOKENS = [
  '<',
  '>',
  '/>',
  '</',
  '&',
  ';',
  '"',
  "'",
  '=',
  ':',
  '&gt;',
  '&amp;',
  '&#62;',
  '&#x3E;',
  '&#0;',
  '&#xD800;',
  '&lol;',
  '&#99999999;',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<?xml version="1.0"?>',
  '<?pi ?>',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
  'xmlns=""',
  'xmlns:a="urn:example"',
  `xmlns="${ACTIVEMQ_CORE_NAMESPACE}"`,
  '<a:',
  '<__proto__>',
  ' __proto__="x"',
  ' constructor="y"',
  '<plugins>',
  '</plugins>',
  '<authorizationPlugin>',
  '</authorizationPlugin>',
  '<map>',
  '<authorizationMap>',
  '<authorizationEntries>',
  '<authorizationEntry queue=">" admin="a" read="b" write="c"/>',
  '<authorizationEntry topic="&gt;" tempQueue="true"/>',
  '<tempDestinationAuthorizationEntry>',
  '<defaultEntry>',
  '<cachedLDAPAuthorizationMap a="b"/>',
  '\u0000',
  '\uFEFF',
  '\ud800',
  '\r\n',
  '\t',
  'é',
  '𝄞',
];

type Mutation =
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'replace'; readonly at: number; readonly text: string };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.constantFrom(...TOKENS) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 400 }),
  }),
  fc.record({ kind: fc.constant('replace' as const), at: position, text: fc.constantFrom(...TOKENS) }),
);

const applyMutation = (text: string, change: Mutation): string => {
  const at = Math.floor(change.at * (text.length + 1));
  switch (change.kind) {
    case 'insert':
      return text.slice(0, at) + change.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + change.length);
    case 'duplicate':
      return (
        text.slice(0, at + change.length) +
        text.slice(at, at + change.length) +
        text.slice(at + change.length)
      );
    case 'replace':
      return text.slice(0, at) + change.text + text.slice(at + change.text.length);
  }
};

const mutatedConfiguration = fc
  .tuple(fc.constantFrom(...BASES), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([base, changes]) => changes.reduce(applyMutation, base));

const xmlishText = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

const wrap = (inner: string): string =>
  `<broker xmlns="${ACTIVEMQ_CORE_NAMESPACE}"><plugins>${inner}</plugins></broker>`;

const deepNesting = fc
  .record({
    depth: fc.integer({ min: 1, max: 5_000 }),
    closed: fc.boolean(),
    name: fc.constantFrom('a', 'map', 'x:y'),
  })
  .map(({ depth, closed, name }) =>
    wrap(`<${name}>`.repeat(depth) + (closed ? `</${name}>`.repeat(depth) : '')),
  );

const hugeAttribute = fc
  .record({
    length: fc.integer({ min: 1_000, max: 300_000 }),
    unit: fc.constantFrom('x', '&gt;', '&amp;', ',', ' ', '>', '&#62;', 'é', '&', '<', '"'),
    attribute: fc.constantFrom('queue', 'read', 'admin', 'connectionURL'),
  })
  .map(({ length, unit, attribute }) =>
    wrap(
      `<authorizationPlugin><map><authorizationMap><authorizationEntries><authorizationEntry topic="T" ${attribute}="${unit.repeat(Math.ceil(length / unit.length))}"/></authorizationEntries></authorizationMap></map></authorizationPlugin>`,
    ),
  );

const manyElements = fc
  .record({ count: fc.integer({ min: 100, max: 20_000 }), attributes: fc.integer({ min: 0, max: 50 }) })
  .map(({ count, attributes }) => {
    const extra = Array.from({ length: attributes }, (_, i) => ` a${i}="${i}"`).join('');
    return wrap(
      `<authorizationPlugin><map><authorizationMap><authorizationEntries>${`<authorizationEntry queue="Q.>" read="r"${extra}/>`.repeat(count)}</authorizationEntries></authorizationMap></map></authorizationPlugin>`,
    );
  });

const anyInput = fc.oneof(
  { arbitrary: mutatedConfiguration, weight: 10 },
  { arbitrary: xmlishText, weight: 4 },
  { arbitrary: xmlishText.map(wrap), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 2 },
  { arbitrary: deepNesting, weight: 1 },
  { arbitrary: hugeAttribute, weight: 1 },
  { arbitrary: manyElements, weight: 1 },
);

/** Throws (plain Error) when a value is not an ActiveMqConfiguration the checks can rely on. */
const assertWellShaped = (configuration: ActiveMqConfiguration): void => {
  const fail = (why: string): never => {
    throw new Error(`ill-shaped configuration: ${why}: ${JSON.stringify(configuration).slice(0, 300)}`);
  };
  if (typeof configuration.authorizationPluginPresent !== 'boolean') fail('authorizationPluginPresent');
  const map = configuration.authorizationMap;
  if (map === null) return;
  if (!configuration.authorizationPluginPresent) fail('a map without plugin');
  if (map.kind !== 'simple' && map.kind !== 'cachedLdap') fail('kind');
  if (map.kind === 'cachedLdap' && (map.entries.length !== 0 || typeof map.ldapAttributes !== 'object'))
    fail('ldap');
  for (const entry of map.entries) {
    if (!['queue', 'topic', 'tempDestination'].includes(entry.destinationType)) fail('destinationType');
    if (typeof entry.destination !== 'string' || entry.destination.trim() === '') fail('destination');
    for (const groups of [entry.admin, entry.read, entry.write]) {
      if (!Array.isArray(groups)) fail('groups');
      for (const group of groups) {
        if (typeof group !== 'string' || group === '' || group !== group.trim() || group.includes(','))
          fail('group');
      }
    }
  }
};

interface Outcomes {
  /** Inputs whose parsed map holds more than the input itself (expansion); must stay empty. */
  readonly amplified: string[];
  parsed: number;
  refused: number;
}

const outcomes = (): Outcomes => ({ amplified: [], parsed: 0, refused: 0 });

/**
 * What a parsed map holds, in input terms: one element per entry and the characters of its
 * destination and group names. Without expansion, neither can exceed what the input spells out.
 */
const holds = (configuration: ActiveMqConfiguration): { entries: number; characters: number } => {
  const entries = configuration.authorizationMap?.entries ?? [];
  return {
    entries: entries.length,
    characters: entries.reduce(
      (sum, e) => sum + e.destination.length + [...e.admin, ...e.read, ...e.write].join('').length,
      0,
    ),
  };
};

/** Parses once; a ConfigurationParseError is a refusal, any other error fails the property. */
const checkedParse = (input: string, parse: () => ActiveMqConfiguration, seen: Outcomes): void => {
  try {
    const configuration = parse();
    assertWellShaped(configuration);
    const { entries, characters } = holds(configuration);
    if (entries > input.split('<').length - 1 || characters > input.length) {
      seen.amplified.push(input.slice(0, 200));
    }
    seen.parsed++;
  } catch (error) {
    if (!(error instanceof ConfigurationParseError)) throw error;
    seen.refused++;
  }
};

describe('ActiveMQ configuration parser (fuzz)', () => {
  it('returns a configuration no larger than its input, or throws ConfigurationParseError, for any text', () => {
    // Prepare
    const seen = outcomes();

    // Act
    fc.assert(
      fc.property(anyInput, (xml) => {
        checkedParse(xml, () => parseActiveMqConfiguration(xml), seen);
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // Assess
    expect(seen.parsed + seen.refused).toBe(RUNS);
    expect(seen.amplified).toEqual([]);
    // Both outcomes must be common, or the generators test only one side of the parser.
    expect(seen.parsed).toBeGreaterThan(RUNS / 20);
    expect(seen.refused).toBeGreaterThan(RUNS / 20);
  });

  it('returns a configuration no larger than its data, or throws ConfigurationParseError, for any base64 data', () => {
    // Prepare
    const seen = outcomes();
    const data = fc.oneof(
      { arbitrary: mutatedConfiguration.map((xml) => toBase64(xml)), weight: 4 },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...BASES), fc.boolean())
          .map(([xml, bom]) => toBase64(bom ? `\uFEFF${xml}` : xml)),
        weight: 2,
      },
      { arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes) => toBase64(bytes)), weight: 2 },
      {
        arbitrary: fc
          .tuple(mutatedConfiguration, fc.array(mutation, { maxLength: 3 }))
          .map(([xml, changes]) => changes.reduce(applyMutation, toBase64(xml))),
        weight: 2,
      },
      { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 200 }), weight: 1 },
    );

    // Act
    fc.assert(
      fc.property(data, (base64) => {
        checkedParse(
          Buffer.from(base64, 'base64').toString('utf8'),
          () => parseConfigurationData(base64),
          seen,
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // Assess
    expect(seen.parsed + seen.refused).toBe(RUNS);
    expect(seen.amplified).toEqual([]);
    expect(seen.parsed).toBeGreaterThan(RUNS / 20);
    expect(seen.refused).toBeGreaterThan(RUNS / 20);
  });

  it('parses a map built from entries back to exactly those entries', () => {
    // Prepare
    // Both spellings of '>' occur in real configurations (raw in docs, &gt; in the console's default).
    const escapeXml = (text: string, rawGt: boolean): string =>
      text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/"/g, '&quot;')
        .replace(/>/g, rawGt ? '>' : '&gt;');
    const segment = fc.oneof(
      fc.constantFrom('*', '>', 'ORDERS', 'ActiveMQ', 'Advisory', 'a&b', 'q<1>', "it's", 'é'),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
    );
    const destination = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
    const group = fc.oneof(
      fc.constantFrom('*', 'activemq-webconsole', 'admins', 'a&b'),
      fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
    );
    const groups = fc.uniqueArray(group, { maxLength: 4 });
    const entry: fc.Arbitrary<AuthorizationEntry> = fc.record({
      destinationType: fc.constantFrom('queue' as const, 'topic' as const),
      destination,
      admin: groups,
      read: groups,
      write: groups,
    });
    const xmlOf = (entries: readonly AuthorizationEntry[], rawGt: boolean): string =>
      wrap(
        `<authorizationPlugin><map><authorizationMap><authorizationEntries>${entries
          .map(
            (e) =>
              `<authorizationEntry ${e.destinationType}="${escapeXml(e.destination, rawGt)}" admin="${escapeXml(e.admin.join(','), rawGt)}" read="${escapeXml(` ${e.read.join(' , ')} `, rawGt)}" write="${escapeXml(e.write.join(',,'), rawGt)}"/>`,
          )
          .join('\n')}</authorizationEntries></authorizationMap></map></authorizationPlugin>`,
      );

    // Act
    const outcome = fc.check(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.boolean(), (entries, rawGt) => {
        const configuration = parseActiveMqConfiguration(xmlOf(entries, rawGt));
        return JSON.stringify(configuration.authorizationMap?.entries) === JSON.stringify(entries);
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // Assess
    expect(outcome.failed ? outcome.counterexample : null).toBeNull();
    expect(outcome.numRuns).toBe(RUNS);
  });
});
