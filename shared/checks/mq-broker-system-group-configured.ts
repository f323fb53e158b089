import { formatGrant, missingWebConsoleGrants, WEBCONSOLE_GROUP } from '../activemq/authorization.ts';
import { type ConfigurationVerdict, configurationFinding } from '../activemq/configuration-revision.ts';
import type { ActiveMqConfiguration } from '../model/types.ts';
import { type Check, type CheckMeta, engineNotApplicable } from './check.ts';

const meta: CheckMeta = {
  id: 'mq-broker-system-group-configured',
  title: 'ActiveMQ authorization map grants the activemq-webconsole group',
  // The console stops working; no destination becomes more exposed.
  severity: 'LOW',
  engines: ['ACTIVEMQ'],
  risk: 'An authorization map that does not grant the activemq-webconsole group admin, read and write on all queues and topics breaks the ActiveMQ web console: operators can no longer inspect, send to or purge destinations and tend to fall back on broader application credentials.',
  remediation: {
    text: 'Add authorizationEntry elements for queue=">" and topic=">" that include activemq-webconsole in admin, read and write, then reboot the broker or wait for the maintenance window to apply the revision.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/child-element-details.html#authorizationEntry',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#always-configure-authorization-map',
};

/**
 * Without a map at all, ActiveMQ authorizes every authenticated user on every destination, so the
 * console works: the best practice ("if you specify an authorization map which doesn't include the
 * activemq-webconsole group…") is about maps that exist. That broker is NOT_APPLICABLE here and FAILs
 * mq-broker-authorization-map-configured, which is the finding that matters; reporting a second FAIL
 * would push users to add a map only to grant the console. An empty map (plugin present, no entries)
 * does lock the console out, so it FAILs.
 */
const judgeSystemGroup = (configuration: ActiveMqConfiguration): ConfigurationVerdict => {
  const map = configuration.authorizationMap;
  if (map === null) {
    return {
      status: 'NOT_APPLICABLE',
      predicate:
        'has no authorization map, so every authenticated user (the web console included) may use every destination; mq-broker-authorization-map-configured reports the missing map',
    };
  }
  if (map.kind === 'cachedLdap') {
    return {
      status: 'NOT_APPLICABLE',
      predicate: `has a cached LDAP authorization map: the grants of ${WEBCONSOLE_GROUP} live in the LDAP directory, which mq-guardian does not read`,
    };
  }
  const missing = missingWebConsoleGrants(map);
  if (missing.length === 0) {
    return {
      status: 'PASS',
      predicate: `has an authorization map that grants ${WEBCONSOLE_GROUP} admin, read and write on all queues and topics`,
    };
  }
  return {
    status: 'FAIL',
    predicate: `has an authorization map that does not grant ${WEBCONSOLE_GROUP} ${missing.map(formatGrant).join(', ')}`,
    fields: missing.map((grant) => ({
      path: `authorizationMap.${grant.destinationType}['${grant.destination}'].${grant.permission}`,
      detail: `not granted to ${WEBCONSOLE_GROUP}`,
    })),
  };
};

export const check: Check = {
  meta,
  evaluate: (snapshot) =>
    engineNotApplicable(meta, snapshot) ?? configurationFinding(meta, snapshot, judgeSystemGroup),
};
