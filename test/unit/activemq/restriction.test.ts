import { describe, expect, it } from 'vitest';
import { parseActiveMqConfiguration } from '../../../shared/activemq/parse-configuration.ts';
import { mapRestriction, patternIncludes } from '../../../shared/activemq/restriction.ts';
import type { AuthorizationMap } from '../../../shared/model/types.ts';
import { brokerXml, mapXml, readActiveMqFixture } from './activemq-fixtures.ts';

const mapOf = (xml: string): AuthorizationMap => {
  const map = parseActiveMqConfiguration(xml).authorizationMap;
  if (map === null) throw new Error('expected a map');
  return map;
};

const OPEN_ALL = 'admin="*" read="*" write="*"';

describe('patternIncludes', () => {
  it.each<[string, string, boolean]>([
    ['>', 'ORDERS', true],
    ['>', 'ORDERS.>', true],
    ['>', '>', true],
    ['ORDERS.>', 'ORDERS.EU.*', true],
    ['ORDERS.>', 'ORDERS', true],
    ['ORDERS.*', 'ORDERS.EU', true],
    ['ORDERS.*', 'ORDERS.*', true],
    ['ORDERS.*', 'ORDERS.>', false],
    ['ORDERS.*', 'ORDERS.EU.X', false],
    ['*.>', '>', false],
    ['ORDERS.EU', 'ORDERS.*', false],
    ['*', 'ORDERS', true],
    ['*', 'ORDERS.EU', false],
    ['A.>', 'B.>', false],
  ])('%s includes %s: %s', (outer, inner, expected) => {
    // Assess
    expect(patternIncludes(outer, inner)).toBe(expected);
  });
});

describe('mapRestriction', () => {
  it.each<[string, string, number]>([
    [
      'every group (*) granted everything on queue and topic ">"',
      `<authorizationEntry queue=">" ${OPEN_ALL}/><authorizationEntry topic=">" ${OPEN_ALL}/>`,
      0,
    ],
    [
      '"*" among other groups, with spaces',
      `<authorizationEntry queue=">" admin="admins, *" read=" * ,apps" write="*"/>`,
      0,
    ],
    [
      'a narrow entry shadowed by an open ">" entry',
      `<authorizationEntry queue=">" ${OPEN_ALL}/><authorizationEntry queue="ORDERS.>" admin="admins" read="orders" write="orders"/>`,
      0,
    ],
    [
      'a narrow entry shadowed by an open entry on its parent',
      `<authorizationEntry queue="ORDERS.>" ${OPEN_ALL}/><authorizationEntry queue="ORDERS.EU" read="eu"/>`,
      0,
    ],
    ['a composite destination open to everyone', `<authorizationEntry queue="A.>,B.>" ${OPEN_ALL}/>`, 0],
    ['a queue entry for named groups', '<authorizationEntry queue="ORDERS.>" read="orders"/>', 1],
    [
      'a topic entry next to an open queue ">" entry',
      `<authorizationEntry queue=">" ${OPEN_ALL}/><authorizationEntry topic="EVENTS" read="apps"/>`,
      1,
    ],
    [
      'an open queue entry does not open topics',
      `<authorizationEntry queue=">" ${OPEN_ALL}/><authorizationEntry topic=">" read="apps"/>`,
      1,
    ],
    [
      'everyone may read, but only admins administer',
      '<authorizationEntry queue=">" admin="admins" read="*" write="*"/>',
      1,
    ],
    [
      'an open entry on a sibling does not shadow',
      `<authorizationEntry queue="A.>" ${OPEN_ALL}/><authorizationEntry queue="B.>" read="b"/>`,
      1,
    ],
    [
      'an entry on ">" shadowed by an open "*.>" entry, which matches every name',
      `<authorizationEntry queue="*.>" ${OPEN_ALL}/><authorizationEntry queue=">" admin="admins" read="apps" write="apps"/>`,
      0,
    ],
    [
      'an entry on "ORDERS.>" shadowed by an open "*.>" entry',
      `<authorizationEntry queue="*.>" ${OPEN_ALL}/><authorizationEntry queue="ORDERS.>" read="orders"/>`,
      0,
    ],
    [
      'an open "*.*.>" entry does not shadow single-segment names',
      `<authorizationEntry queue="*.*.>" ${OPEN_ALL}/><authorizationEntry queue="ORDERS" read="orders"/>`,
      1,
    ],
    [
      'an open single-segment wildcard does not shadow ">"',
      `<authorizationEntry queue="*" ${OPEN_ALL}/><authorizationEntry queue=">" read="apps"/>`,
      1,
    ],
  ])('%s restricts %i grant(s)', (_case, entries, restricting) => {
    // Act
    const restriction = mapRestriction(mapOf(mapXml(entries)));

    // Assess
    expect(restriction.restricting.length > 0).toBe(restricting > 0);
  });

  it('never counts temporary-destination entries as destination entries', () => {
    // Act
    const restriction = mapRestriction(
      mapOf(mapXml('<tempDestinationAuthorizationEntry admin="admins" read="apps" write="apps"/>')),
    );

    // Assess
    expect(restriction.destinationEntries).toBe(0);
    expect(restriction.restricting).toEqual([]);
    expect(restriction.tempDestinations.status).toBe('restricted');
  });

  it('reads a map without tempDestinationAuthorizationEntry as temporary destinations open to every user', () => {
    // Act
    const restriction = mapRestriction(mapOf(mapXml('<authorizationEntry queue="Q" read="a"/>')));

    // Assess
    expect(restriction.tempDestinations.status).toBe('none');
  });

  it('takes a temporary-destination entry among authorizationEntries over the map property', () => {
    // Prepare
    const xml = brokerXml(
      `<authorizationPlugin><map><authorizationMap>
        <authorizationEntries>
          <authorizationEntry queue="Q" read="a"/>
          <tempDestinationAuthorizationEntry ${OPEN_ALL}/>
        </authorizationEntries>
        <tempDestinationAuthorizationEntry>
          <tempDestinationAuthorizationEntry admin="admins" read="admins" write="admins"/>
        </tempDestinationAuthorizationEntry>
      </authorizationMap></map></authorizationPlugin>`,
    );

    // Act
    const restriction = mapRestriction(mapOf(xml));

    // Assess
    expect(restriction.tempDestinations).toEqual({
      status: 'open',
      openPermissions: ['admin', 'read', 'write'],
    });
  });

  it('reads the lab 6 map as restricting', () => {
    // Act
    const restriction = mapRestriction(mapOf(readActiveMqFixture('lab6-with-webconsole.xml')));

    // Assess
    expect(restriction.restricting.length).toBeGreaterThan(0);
    expect(restriction.destinationEntries).toBe(5);
    expect(restriction.tempDestinations.status).toBe('restricted');
  });
});

describe('tempDestinationAuthorizationEntry where Amazon MQ permits it', () => {
  it.each<[string, string]>([
    [
      'inside authorizationEntries',
      '<authorizationEntries><tempDestinationAuthorizationEntry read="apps"/></authorizationEntries>',
    ],
    [
      'as the map property wrapping the bean',
      '<tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry read="apps"/></tempDestinationAuthorizationEntry>',
    ],
    ['as the map property with its own grants', '<tempDestinationAuthorizationEntry read="apps"/>'],
    ['inside defaultEntry', '<defaultEntry><tempDestinationAuthorizationEntry read="apps"/></defaultEntry>'],
  ])('parses one %s', (_case, content) => {
    // Act
    const map = mapOf(
      brokerXml(
        `<authorizationPlugin><map><authorizationMap>${content}</authorizationMap></map></authorizationPlugin>`,
      ),
    );

    // Assess
    expect(map.entries.length).toBeGreaterThan(0);
    expect(map.entries.every((entry) => entry.read.includes('apps'))).toBe(true);
  });
});
