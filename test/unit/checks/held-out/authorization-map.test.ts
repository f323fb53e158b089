/**
 * Held-out authorization maps, written as Amazon MQ stores them (developer guide, "Elements, child
 * collection elements, and their child elements permitted in Amazon MQ configurations": authorizationMap
 * holds authorizationEntries of authorizationEntry or tempDestinationAuthorizationEntry, a defaultEntry,
 * and a tempDestinationAuthorizationEntry). Judged with ActiveMQ's semantics: every matching entry
 * applies and their groups are unioned; a group `*` is every group; `>` matches every destination.
 */
import { describe, expect, it } from 'vitest';
import { parseActiveMqConfiguration } from '../../../../shared/activemq/parse-configuration.ts';
import { check } from '../../../../shared/checks/mq-broker-authorization-map-configured.ts';
import { check as systemGroupCheck } from '../../../../shared/checks/mq-broker-system-group-configured.ts';
import type { FindingStatus } from '../../../../shared/model/finding.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import { aSnapshot } from '../../../support/snapshot-builder.ts';
import { brokerXml } from '../../activemq/activemq-fixtures.ts';

const map = (inner: string) =>
  brokerXml(
    `<authorizationPlugin><map><authorizationMap>${inner}</authorizationMap></map></authorizationPlugin>`,
  );
const entries = (xml: string) => map(`<authorizationEntries>${xml}</authorizationEntries>`);
const both = (groups: string, destination = '&gt;') =>
  `<authorizationEntry queue="${destination}" read="${groups}" write="${groups}" admin="${groups}"/>` +
  `<authorizationEntry topic="${destination}" read="${groups}" write="${groups}" admin="${groups}"/>`;
const ADMINS = both('admins,activemq-webconsole');
const TEMP_ADMINS = '<tempDestinationAuthorizationEntry read="admins" write="admins" admin="admins"/>';
const TEMP_OPEN = '<tempDestinationAuthorizationEntry read="*" write="*" admin="*"/>';

const evaluate = (xml: string, judge = check) =>
  judge.evaluate(
    aSnapshot({
      configuration: {
        status: 'parsed',
        ref: { id: 'c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9', revision: 3 },
        configuration: parseActiveMqConfiguration(xml),
      },
    }),
    { settings: DEFAULT_SETTINGS, now: new Date('2026-12-05T10:00:00Z') },
  );

describe('authorization maps judged by what they restrict', () => {
  it.each<[string, string, FindingStatus]>([
    ['every group on > (queue and topic)', entries(both('*')), 'FAIL'],
    ['admins and every group on >', entries(both('admins,*')), 'FAIL'],
    ['every group listed first, with spaces', entries(both(' * , admins ')), 'FAIL'],
    ['every group on *.> (every destination name)', entries(both('*', '*.&gt;')), 'FAIL'],
    ['every group on >.> (collapses to >)', entries(both('*', '&gt;.&gt;')), 'FAIL'],
    [
      'a restrictive entry beside an every-group entry on >',
      entries(`${both('orders', 'orders.&gt;')}${both('*')}`),
      'FAIL',
    ],
    [
      'every group on > through a defaultEntry',
      map(
        `<authorizationEntries>${ADMINS}</authorizationEntries><defaultEntry><authorizationEntry read="*" write="*" admin="*"/></defaultEntry>`,
      ),
      'FAIL',
    ],
    ['only a tempDestinationAuthorizationEntry among the entries', entries(TEMP_ADMINS), 'FAIL'],
    [
      'only the map’s tempDestinationAuthorizationEntry',
      map(
        `<authorizationEntries/><tempDestinationAuthorizationEntry>${TEMP_ADMINS}</tempDestinationAuthorizationEntry>`,
      ),
      'FAIL',
    ],
    ['no entries at all', map('<authorizationEntries/>'), 'FAIL'],
    ['named groups on > for queues and topics', entries(ADMINS), 'PASS'],
    [
      'named groups on >, temporary destinations among the entries',
      entries(`${ADMINS}${TEMP_ADMINS}`),
      'PASS',
    ],
    [
      'named groups on >, temporary destinations open to every group',
      map(
        `<authorizationEntries>${ADMINS}</authorizationEntries><tempDestinationAuthorizationEntry>${TEMP_OPEN}</tempDestinationAuthorizationEntry>`,
      ),
      'PASS',
    ],
    [
      'every group on queues only, topics restricted',
      entries(
        `<authorizationEntry queue="&gt;" read="*" write="*" admin="*"/><authorizationEntry topic="&gt;" read="admins" write="admins" admin="admins"/>`,
      ),
      'PASS',
    ],
    [
      'every group reads everything, writing restricted',
      entries(both('admins').replaceAll('read="admins"', 'read="admins,*"')),
      'PASS',
    ],
    [
      'every group on one subtree, named groups on >',
      entries(`${ADMINS}${both('*', 'public.&gt;')}`),
      'PASS',
    ],
    [
      'every group on single-segment names (*), named groups on >',
      entries(`${ADMINS}${both('*', '*')}`),
      'PASS',
    ],
    ['a group named like a wildcard inside a name (admins*) is a group', entries(both('admins*')), 'PASS'],
  ])('%s: %s', (_name, xml, expected) => {
    // Act
    const finding = evaluate(xml);

    // Assess
    expect(finding.status).toBe(expected);
  });

  it('says why a map that grants every group everything fails', () => {
    // Act
    const finding = evaluate(entries(`${both('orders', 'orders.&gt;')}${both('admins, *')}`));

    // Assess
    expect(finding.message).toContain('restricts nothing');
    expect(finding.message).toContain('every group (*) is granted');
  });

  it('says a map with only temporary-destination entries refuses every queue and topic', () => {
    // Act
    const finding = evaluate(entries(TEMP_ADMINS));

    // Assess
    expect(finding.message).toContain('refuses every queue and topic to every user');
    expect(finding.message).toContain('it holds only temporary-destination entries');
  });

  it('counts only queue and topic entries, never the temporary-destination ones', () => {
    // Act
    const finding = evaluate(entries(`${ADMINS}${TEMP_ADMINS}`));

    // Assess
    expect(finding.message).toContain('2 queue and topic entries');
  });

  it.each<[string, string, FindingStatus]>([
    [
      'every group on a composite of all queues and all topics',
      entries(
        '<authorizationEntry queue="&gt;,topic://&gt;" read="*" write="*" admin="*"/><authorizationEntry queue="orders.&gt;" read="orders" write="orders" admin="orders"/>',
      ),
      'FAIL',
    ],
    [
      'named groups on a composite of all queues and all topics',
      entries('<authorizationEntry queue="&gt;,topic://&gt;" read="admins" write="admins" admin="admins"/>'),
      'PASS',
    ],
  ])('%s: %s', (_name, xml, expected) => {
    // Act
    const finding = evaluate(xml);

    // Assess
    expect(finding.status).toBe(expected);
  });

  it.each<[string, string]>([
    ['among the entries', entries(`${ADMINS}${TEMP_ADMINS}`)],
    [
      'as the map’s own entry',
      map(
        `<authorizationEntries>${ADMINS}</authorizationEntries><tempDestinationAuthorizationEntry>${TEMP_ADMINS}</tempDestinationAuthorizationEntry>`,
      ),
    ],
  ])('keeps the web console working beside a temporary-destination entry %s', (_name, xml) => {
    // Act
    const finding = evaluate(xml, systemGroupCheck);

    // Assess
    expect(finding.status).toBe('PASS');
  });
});
