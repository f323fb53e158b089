import { type ConfigurationVerdict, configurationFinding } from '../activemq/configuration-revision.ts';
import { type MapRestriction, mapRestriction } from '../activemq/restriction.ts';
import type { ActiveMqConfiguration, AuthorizationMap } from '../model/types.ts';
import { type Check, type CheckMeta, engineNotApplicable } from './check.ts';

const meta: CheckMeta = {
  id: 'mq-broker-authorization-map-configured',
  title: 'ActiveMQ broker configuration has an authorization map that restricts destinations',
  severity: 'HIGH',
  engines: ['ACTIVEMQ'],
  risk: 'Without an authorization map that restricts destinations (or with one whose entries grant every group, *, everything on ">") ActiveMQ lets every authenticated user read, write and administer every queue and topic: one leaked application credential exposes all messages of the broker.',
  remediation: {
    text: 'Add an authorizationPlugin with an authorizationMap to the broker configuration that grants each group only the destinations and operations it needs (keep activemq-webconsole on queue ">" and topic ">"), then reboot the broker or wait for the maintenance window to apply the revision.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/child-element-details.html#authorizationEntry',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#always-configure-authorization-map',
};

const destinationEntryCount = (count: number): string =>
  count === 1 ? '1 queue or topic entry' : `${count} queue and topic entries`;

const LIST_LIMIT = 3;

const grantText = (grant: { destinationType: string; pattern: string; permission: string }): string =>
  `${grant.permission} on ${grant.destinationType} '${grant.pattern}'`;

const listed = (items: readonly string[]): string =>
  items.length > LIST_LIMIT
    ? `${items.slice(0, LIST_LIMIT).join(', ')} and ${items.length - LIST_LIMIT} more`
    : items.join(', ');

/** How the map treats temporary destinations, which ActiveMQ governs apart from queues and topics. */
const tempDestinationsText = (restriction: MapRestriction): string => {
  const temp = restriction.tempDestinations;
  if (temp.status === 'none')
    return 'temporary destinations are open to every authenticated user (no tempDestinationAuthorizationEntry)';
  if (temp.status === 'open')
    return 'its tempDestinationAuthorizationEntry opens temporary destinations to every group (*)';
  return temp.openPermissions.length === 0
    ? 'its tempDestinationAuthorizationEntry restricts temporary destinations to named groups'
    : `its tempDestinationAuthorizationEntry grants every group (*) ${temp.openPermissions.join(' and ')} on temporary destinations`;
};

const MAP_PATH = 'plugins.authorizationPlugin.map.authorizationMap';

const judgeSimpleMap = (map: AuthorizationMap): ConfigurationVerdict => {
  const restriction = mapRestriction(map);
  const temp = tempDestinationsText(restriction);
  if (map.entries.length === 0) {
    return {
      status: 'FAIL',
      predicate: 'has no authorization map: its authorizationMap holds no entries',
      fields: [{ path: MAP_PATH, detail: 'no entries' }],
    };
  }
  if (restriction.destinationEntries === 0) {
    return {
      status: 'FAIL',
      predicate: `has an authorization map that refuses every queue and topic to every user: it holds only temporary-destination entries (no entry names a group for a queue or topic), and ${temp}`,
      fields: [
        {
          path: MAP_PATH,
          detail:
            'no queue or topic entry (temporary-destination entries do not count): every queue and topic is refused',
        },
      ],
    };
  }
  if (restriction.restricting.length === 0) {
    const open = restriction.openToEveryone.map(grantText);
    const why =
      open.length > 0
        ? `every group (*) is granted ${listed(open)}`
        : 'no entry limits an operation to named groups';
    return {
      status: 'FAIL',
      predicate: `has an authorization map that restricts nothing: ${why}`,
      fields: [{ path: MAP_PATH, detail: `no queue or topic entry restricts access: ${why}` }],
    };
  }
  const stillOpen =
    restriction.openToEveryone.length > 0
      ? `; every group (*) is still granted ${listed(restriction.openToEveryone.map(grantText))}`
      : '';
  const tempNote = restriction.tempDestinations.status === 'restricted' ? '' : `; ${temp}`;
  return {
    status: 'PASS',
    predicate: `has an authorization map that restricts destinations to named groups (${destinationEntryCount(restriction.destinationEntries)})${stillOpen}${tempNote}`,
  };
};

const judgeAuthorizationMap = (configuration: ActiveMqConfiguration): ConfigurationVerdict => {
  const map = configuration.authorizationMap;
  if (!configuration.authorizationPluginPresent) {
    return {
      status: 'FAIL',
      predicate:
        'has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination',
    };
  }
  if (map === null) {
    return {
      status: 'FAIL',
      predicate: 'has no authorization map: its authorizationPlugin holds no map',
      fields: [{ path: 'plugins.authorizationPlugin.map', detail: 'missing' }],
    };
  }
  if (map.kind === 'cachedLdap') {
    return {
      status: 'PASS',
      predicate:
        'has an authorization map: a cached LDAP authorization map whose entries live in the directory',
    };
  }
  return judgeSimpleMap(map);
};

export const check: Check = {
  meta,
  evaluate: (snapshot) =>
    engineNotApplicable(meta, snapshot) ?? configurationFinding(meta, snapshot, judgeAuthorizationMap),
};
