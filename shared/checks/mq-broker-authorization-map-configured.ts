import { type ConfigurationVerdict, configurationFinding } from '../activemq/configuration-revision.ts';
import type { ActiveMqConfiguration } from '../model/types.ts';
import { type Check, type CheckMeta, engineNotApplicable } from './check.ts';

const meta: CheckMeta = {
  id: 'mq-broker-authorization-map-configured',
  title: 'ActiveMQ broker configuration has an authorization map',
  severity: 'HIGH',
  engines: ['ACTIVEMQ'],
  risk: 'Without an authorization map ActiveMQ lets every authenticated user read, write and administer every queue and topic: one leaked application credential exposes all messages of the broker.',
  remediation: {
    text: 'Add an authorizationPlugin with an authorizationMap to the broker configuration that grants each group only the destinations and operations it needs (keep activemq-webconsole on queue ">" and topic ">"), then reboot the broker or wait for the maintenance window to apply the revision.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/child-element-details.html#authorizationEntry',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#always-configure-authorization-map',
};

const entryCount = (count: number): string => `${count} ${count === 1 ? 'entry' : 'entries'}`;

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
  if (map.entries.length === 0) {
    return {
      status: 'FAIL',
      predicate: 'has no authorization map: its authorizationMap holds no entries',
      fields: [{ path: 'plugins.authorizationPlugin.map.authorizationMap', detail: 'no entries' }],
    };
  }
  return { status: 'PASS', predicate: `has an authorization map with ${entryCount(map.entries.length)}` };
};

export const check: Check = {
  meta,
  evaluate: (snapshot) =>
    engineNotApplicable(meta, snapshot) ?? configurationFinding(meta, snapshot, judgeAuthorizationMap),
};
