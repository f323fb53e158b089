import { describe, expect, it } from 'vitest';
import {
  destinationPatterns,
  formatGrant,
  grantsGroup,
  grantsOf,
  grantsOnAll,
  missingWebConsoleGrants,
  patternCoversAll,
  patternMatches,
  WEBCONSOLE_GROUP,
  WEBCONSOLE_REQUIRED_GRANTS,
} from '../../../shared/activemq/authorization.ts';
import { parseActiveMqConfiguration } from '../../../shared/activemq/parse-configuration.ts';
import type { AuthorizationEntry, AuthorizationMap } from '../../../shared/model/types.ts';
import { readActiveMqFixture } from './activemq-fixtures.ts';

const entry = (overrides: Partial<AuthorizationEntry>): AuthorizationEntry => ({
  destinationType: 'queue',
  destination: '>',
  admin: [],
  read: [],
  write: [],
  ...overrides,
});

const simpleMap = (...entries: AuthorizationEntry[]): AuthorizationMap => ({ kind: 'simple', entries });

const console3 = [WEBCONSOLE_GROUP];

describe('patternMatches', () => {
  it.each([
    ['>', 'ORDERS', true],
    ['>', 'ORDERS.EU.IN', true],
    ['ORDERS', 'ORDERS', true],
    ['ORDERS', 'ORDERS.EU', false],
    ['ORDERS', 'orders', false],
    ['ORDERS.*', 'ORDERS.EU', true],
    ['ORDERS.*', 'ORDERS.EU.IN', false],
    ['ORDERS.*', 'ORDERS', false],
    ['*.EU', 'ORDERS.EU', true],
    ['*.EU', 'ORDERS.US', false],
    ['ORDERS.>', 'ORDERS.EU.IN', true],
    ['ORDERS.>', 'ORDERS', true],
    ['ORDERS.>', 'ORDERSX', false],
    ['ORDERS.>', 'INVOICES.EU', false],
    ['ORDERS.*.>', 'ORDERS.EU', true],
    ['ORDERS.*.IN', 'ORDERS.EU.IN', true],
    ['ORDERS.*.IN', 'ORDERS.EU.OUT', false],
    ['ActiveMQ.Advisory.>', 'ActiveMQ.Advisory.Queue', true],
    ['ActiveMQ.Advisory.>', 'ActiveMQ.DLQ', false],
    ['ORDERS.>.>', 'ORDERS.EU', true],
  ])('%s matches %s: %s', (pattern, destination, expected) => {
    // Act
    const matches = patternMatches(pattern, destination);

    // Assess
    expect(matches).toBe(expected);
  });
});

describe('patternCoversAll', () => {
  it.each([
    ['>', true],
    ['>.>', true],
    ['*', false],
    ['*.>', false],
    ['ActiveMQ.Advisory.>', false],
    ['ORDERS', false],
    ['', false],
    ['>x', false],
  ])('%s: %s', (pattern, expected) => {
    // Act
    const covers = patternCoversAll(pattern);

    // Assess
    expect(covers).toBe(expected);
  });
});

describe('destinationPatterns', () => {
  it.each<[string, AuthorizationEntry, { destinationType: string; pattern: string }[]]>([
    [
      'a plain queue',
      entry({ destination: 'ORDERS.>' }),
      [{ destinationType: 'queue', pattern: 'ORDERS.>' }],
    ],
    [
      'a plain topic',
      entry({ destinationType: 'topic', destination: '>' }),
      [{ destinationType: 'topic', pattern: '>' }],
    ],
    [
      'a composite, parts trimmed and empties dropped',
      entry({ destination: 'A.>, >,,' }),
      [
        { destinationType: 'queue', pattern: 'A.>' },
        { destinationType: 'queue', pattern: '>' },
      ],
    ],
    [
      'a composite with qualified parts',
      entry({ destination: 'A,topic://>,temp-queue://X' }),
      [
        { destinationType: 'queue', pattern: 'A' },
        { destinationType: 'topic', pattern: '>' },
      ],
    ],
    [
      'options after ?',
      entry({ destination: 'ORDERS?consumer.prefetchSize=10' }),
      [{ destinationType: 'queue', pattern: 'ORDERS' }],
    ],
    ['a temporary-destination entry', entry({ destinationType: 'tempDestination', destination: '*' }), []],
  ])('gives the patterns of %s', (_name, given, expected) => {
    // Act
    const patterns = destinationPatterns(given);

    // Assess
    expect(patterns).toEqual(expected);
  });
});

describe('grantsGroup', () => {
  it.each([
    [['admins', WEBCONSOLE_GROUP], true],
    [['*'], true],
    [['admins'], false],
    [['ActiveMQ-WebConsole'], false],
    [[], false],
  ])('%j grants activemq-webconsole: %s', (groups, expected) => {
    // Act
    const granted = grantsGroup(groups, WEBCONSOLE_GROUP);

    // Assess
    expect(granted).toBe(expected);
  });
});

describe('grantsOf', () => {
  it('lists where the lab 6 map grants activemq-webconsole what', () => {
    // Prepare
    const map = parseActiveMqConfiguration(readActiveMqFixture('lab6-with-webconsole.xml')).authorizationMap;

    // Act
    const grants = map === null ? [] : grantsOf(map, WEBCONSOLE_GROUP);

    // Assess
    expect(grants).toEqual([
      { destinationType: 'queue', pattern: '>', permissions: ['admin', 'read', 'write'] },
      { destinationType: 'topic', pattern: '>', permissions: ['admin', 'read', 'write'] },
    ]);
  });

  it('lists where user1 is granted what', () => {
    // Prepare
    const map = parseActiveMqConfiguration(readActiveMqFixture('lab6-with-webconsole.xml')).authorizationMap;

    // Act
    const grants = map === null ? [] : grantsOf(map, 'user1');

    // Assess
    expect(grants).toEqual([
      { destinationType: 'queue', pattern: 'queue.user1', permissions: ['admin', 'read', 'write'] },
      { destinationType: 'topic', pattern: 'ActiveMQ.Advisory.>', permissions: ['admin', 'read', 'write'] },
    ]);
  });
});

describe('grantsOnAll', () => {
  it('unions entries: admin from one entry and read from another both count', () => {
    // Prepare
    const map = simpleMap(
      entry({ admin: console3 }),
      entry({ read: ['*'] }),
      entry({ destination: 'A.>', write: console3 }),
    );

    // Act
    const answers = (['admin', 'read', 'write'] as const).map((permission) =>
      grantsOnAll(map, WEBCONSOLE_GROUP, 'queue', permission),
    );

    // Assess
    expect(answers).toEqual([true, true, false]);
  });
});

describe('missingWebConsoleGrants', () => {
  it('requires admin, read and write on queue ">" and topic ">"', () => {
    // Assess
    expect(WEBCONSOLE_REQUIRED_GRANTS.map(formatGrant)).toEqual([
      "queue '>' admin",
      "queue '>' read",
      "queue '>' write",
      "topic '>' admin",
      "topic '>' read",
      "topic '>' write",
    ]);
  });

  it.each<[string, AuthorizationMap, string[]]>([
    [
      'the lab 6 map',
      parseActiveMqConfiguration(readActiveMqFixture('lab6-with-webconsole.xml')).authorizationMap ??
        simpleMap(),
      [],
    ],
    [
      'the AWS documentation example (read also for users)',
      simpleMap(
        entry({
          admin: ['admins', WEBCONSOLE_GROUP],
          read: ['admins', 'users', WEBCONSOLE_GROUP],
          write: ['admins', WEBCONSOLE_GROUP],
        }),
        entry({
          destinationType: 'topic',
          admin: ['admins', WEBCONSOLE_GROUP],
          read: ['admins', 'users', WEBCONSOLE_GROUP],
          write: ['admins', WEBCONSOLE_GROUP],
        }),
      ),
      [],
    ],
    [
      'grants to every group (*)',
      simpleMap(
        entry({ admin: ['*'], read: ['*'], write: ['*'] }),
        entry({ destinationType: 'topic', admin: ['*'], read: ['*'], write: ['*'] }),
      ),
      [],
    ],
    [
      'grants through a composite that includes ">"',
      simpleMap(
        entry({ destination: 'ORDERS.>,>', admin: console3, read: console3, write: console3 }),
        entry({
          destinationType: 'topic',
          destination: 'X,>',
          admin: console3,
          read: console3,
          write: console3,
        }),
      ),
      [],
    ],
    ['an empty map', simpleMap(), WEBCONSOLE_REQUIRED_GRANTS.map(formatGrant)],
    [
      'queues only',
      simpleMap(entry({ admin: console3, read: console3, write: console3 })),
      ["topic '>' admin", "topic '>' read", "topic '>' write"],
    ],
    [
      'read and write but no admin',
      simpleMap(
        entry({ read: console3, write: console3 }),
        entry({ destinationType: 'topic', read: console3, write: console3 }),
      ),
      ["queue '>' admin", "topic '>' admin"],
    ],
    [
      'advisory topics only',
      simpleMap(
        entry({ admin: console3, read: console3, write: console3 }),
        entry({
          destinationType: 'topic',
          destination: 'ActiveMQ.Advisory.>',
          admin: console3,
          read: console3,
          write: console3,
        }),
      ),
      ["topic '>' admin", "topic '>' read", "topic '>' write"],
    ],
    [
      'a pattern that is not ">" (*.>)',
      simpleMap(
        entry({ destination: '*.>', admin: console3, read: console3, write: console3 }),
        entry({ destinationType: 'topic', admin: console3, read: console3, write: console3 }),
      ),
      ["queue '>' admin", "queue '>' read", "queue '>' write"],
    ],
    [
      'the group on temporary destinations only',
      simpleMap(
        entry({
          destinationType: 'tempDestination',
          destination: '*',
          admin: console3,
          read: console3,
          write: console3,
        }),
      ),
      WEBCONSOLE_REQUIRED_GRANTS.map(formatGrant),
    ],
    [
      'a group name in another case',
      simpleMap(
        entry({ admin: ['ActiveMQ-WebConsole'], read: console3, write: console3 }),
        entry({ destinationType: 'topic', admin: console3, read: console3, write: console3 }),
      ),
      ["queue '>' admin"],
    ],
  ])('for %s, names %j', (_name, map, expected) => {
    // Act
    const missing = missingWebConsoleGrants(map);

    // Assess
    expect(missing.map(formatGrant)).toEqual(expected);
  });
});
