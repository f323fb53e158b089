import { describe, expect, it } from 'vitest';
import { parseActiveMqConfiguration } from '../../../shared/activemq/parse-configuration.ts';
import type { CheckContext } from '../../../shared/checks/check.ts';
import { check } from '../../../shared/checks/mq-broker-system-group-configured.ts';
import { ConfigurationParseError } from '../../../shared/errors.ts';
import type { FindingStatus } from '../../../shared/model/finding.ts';
import type { BrokerSnapshot, ConfigurationState } from '../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { aBroker, aSnapshot, BROKER_ID } from '../../support/snapshot-builder.ts';
import { brokerXml, mapXml, readActiveMqFixture } from '../activemq/activemq-fixtures.ts';

const CONFIGURATION_ID = 'c-1234a5b6-78cd-901e-2fgh-3i45j6k178l9';
const LABEL = `Broker orders-prod (${BROKER_ID})`;
const context: CheckContext = { settings: DEFAULT_SETTINGS, now: new Date('2025-01-15T10:00:00.000Z') };

const parsed = (xml: string, revision = 1): ConfigurationState => ({
  status: 'parsed',
  ref: { id: CONFIGURATION_ID, revision },
  configuration: parseActiveMqConfiguration(xml),
});

const withConfiguration = (configuration: ConfigurationState, pendingConfiguration?: ConfigurationState) =>
  aSnapshot({ configuration, ...(pendingConfiguration ? { pendingConfiguration } : {}) });

const LAB6 = readActiveMqFixture('lab6-with-webconsole.xml');
const QUEUES_ONLY = mapXml(
  '<authorizationEntry queue="&gt;" admin="admins,activemq-webconsole" read="admins,activemq-webconsole" write="admins,activemq-webconsole"/>' +
    '<authorizationEntry topic="ActiveMQ.Advisory.&gt;" admin="admins" read="admins,activemq-webconsole" write="admins"/>',
);
const NO_MAP_MESSAGE = `${LABEL} has no authorization map, so every authenticated user (the web console included) may use every destination; mq-broker-authorization-map-configured reports the missing map.`;

/** A snapshot whose configuration revision could not be parsed, with the parser's own message. */
const withUnparsedConfiguration = (xml: string, revision: number) => {
  let message = '';
  try {
    parseActiveMqConfiguration(xml);
  } catch (error) {
    if (error instanceof ConfigurationParseError) message = error.message;
  }
  const snapshot = withConfiguration({
    status: 'error',
    ref: { id: CONFIGURATION_ID, revision },
    code: 'CONFIGURATION_PARSE',
    message,
  });
  return { message, snapshot };
};

describe('mq-broker-system-group-configured', () => {
  it('describes itself', () => {
    // Assess
    expect(check.meta).toMatchObject({
      id: 'mq-broker-system-group-configured',
      engines: ['ACTIVEMQ'],
      autoRemediable: false,
      source:
        'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#always-configure-authorization-map',
    });
    expect(check.meta.remediation.url).toBe(
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/child-element-details.html#authorizationEntry',
    );
  });

  it.each<[string, BrokerSnapshot, FindingStatus, string]>([
    [
      'the lab 6 map',
      withConfiguration(parsed(LAB6)),
      'PASS',
      `${LABEL} has an authorization map that grants activemq-webconsole admin, read and write on all queues and topics.`,
    ],
    [
      'a prefixed map',
      withConfiguration(parsed(readActiveMqFixture('prefixed-namespace.xml'))),
      'PASS',
      `${LABEL} has an authorization map that grants activemq-webconsole admin, read and write on all queues and topics.`,
    ],
    [
      'a map that grants queues only',
      withConfiguration(parsed(QUEUES_ONLY)),
      'FAIL',
      `${LABEL} has an authorization map that does not grant activemq-webconsole topic '>' admin, topic '>' read, topic '>' write.`,
    ],
    [
      'a map without the group',
      withConfiguration(
        parsed(
          mapXml(
            '<authorizationEntry queue=">" admin="admins" read="admins" write="admins"/><authorizationEntry topic=">" admin="admins" read="admins" write="admins"/>',
          ),
        ),
      ),
      'FAIL',
      `${LABEL} has an authorization map that does not grant activemq-webconsole queue '>' admin, queue '>' read, queue '>' write, topic '>' admin, topic '>' read, topic '>' write.`,
    ],
    [
      'an empty map, which locks the console out',
      withConfiguration(parsed(mapXml(''))),
      'FAIL',
      `${LABEL} has an authorization map that does not grant activemq-webconsole queue '>' admin, queue '>' read, queue '>' write, topic '>' admin, topic '>' read, topic '>' write.`,
    ],
    [
      'the console default configuration (no map)',
      withConfiguration(parsed(readActiveMqFixture('amazonmq-default-config.xml'))),
      'NOT_APPLICABLE',
      NO_MAP_MESSAGE,
    ],
    [
      'a plugin without map',
      withConfiguration(parsed(brokerXml('<authorizationPlugin/>'))),
      'NOT_APPLICABLE',
      NO_MAP_MESSAGE,
    ],
    [
      'a cached LDAP map',
      withConfiguration(parsed(readActiveMqFixture('ldap-cached-map.xml'))),
      'NOT_APPLICABLE',
      `${LABEL} has a cached LDAP authorization map: the grants of activemq-webconsole live in the LDAP directory, which mq-guardian does not read.`,
    ],
  ])('judges %s', (_name, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
    expect(finding.checkId).toBe('mq-broker-system-group-configured');
  });

  it('names each missing grant in its evidence', () => {
    // Prepare
    const snapshot = withConfiguration(parsed(QUEUES_ONLY, 4));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.evidence).toEqual({
      kind: 'fields',
      fields: [
        {
          path: 'configurations.current',
          detail: `${CONFIGURATION_ID} revision 4: has an authorization map that does not grant activemq-webconsole topic '>' admin, topic '>' read, topic '>' write`,
        },
        { path: "authorizationMap.topic['>'].admin", detail: 'not granted to activemq-webconsole' },
        { path: "authorizationMap.topic['>'].read", detail: 'not granted to activemq-webconsole' },
        { path: "authorizationMap.topic['>'].write", detail: 'not granted to activemq-webconsole' },
      ],
    });
  });

  it('does not apply to RabbitMQ brokers', () => {
    // Prepare
    const snapshot = aSnapshot({
      broker: aBroker({ engineType: 'RABBITMQ', engineVersion: '3.13' }),
      configuration: { status: 'absent', reason: 'RabbitMQ configurations are not XML' },
    });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toMatch(/runs RabbitMQ/);
  });

  it('reports a revision that could not be parsed as ERROR', () => {
    // Prepare
    const { message, snapshot } = withUnparsedConfiguration(
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      5,
    );

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(message).toMatch(/DOCTYPE/);
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain(
      `${CONFIGURATION_ID} revision 5 could not be parsed (CONFIGURATION_PARSE): ${message}`,
    );
  });

  it('reports ERROR, never PASS, when the console grant sits in a second bean of <defaultEntry>', () => {
    // Prepare: ActiveMQ reads one default entry (the first bean), which does not name the console group.
    const xml = brokerXml(
      '<authorizationPlugin><map><authorizationMap><defaultEntry><authorizationEntry admin="admins" read="admins" write="admins"/><authorizationEntry admin="activemq-webconsole" read="activemq-webconsole" write="activemq-webconsole"/></defaultEntry></authorizationMap></map></authorizationPlugin>',
    );
    const { message, snapshot } = withUnparsedConfiguration(xml, 6);

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(message).toMatch(/<defaultEntry> holds 2 entries/);
    expect(finding.status).toBe('ERROR');
  });

  it('reports ERROR for a running ActiveMQ broker without a configuration revision', () => {
    // Prepare
    const snapshot = withConfiguration({ status: 'absent', reason: 'no current configuration' });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${LABEL} could not be evaluated: it is an ActiveMQ broker in state RUNNING, which always has a current configuration, but none was read: no current configuration.`,
    );
  });

  it('is not applicable without a configuration revision while the broker is being deleted', () => {
    // Prepare
    const snapshot = aSnapshot({
      broker: aBroker({ state: 'DELETION_IN_PROGRESS' }),
      configuration: { status: 'absent', reason: 'no current configuration' },
    });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toBe(
      `${LABEL} has no ActiveMQ configuration revision to evaluate: no current configuration.`,
    );
  });

  it('evaluates the pending configuration of a broker being created', () => {
    // Prepare
    const snapshot = aSnapshot({
      broker: aBroker({
        state: 'CREATION_IN_PROGRESS',
        configurations: { pending: { id: CONFIGURATION_ID, revision: 1 } },
      }),
      configuration: { status: 'absent', reason: 'creation in progress' },
      pendingConfiguration: parsed(QUEUES_ONLY),
    });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(
      `${LABEL} is being created; its pending configuration ${CONFIGURATION_ID} revision 1 has an authorization map that does not grant activemq-webconsole topic '>' admin, topic '>' read, topic '>' write.`,
    );
  });

  it('mentions a pending revision that would fix the grants', () => {
    // Prepare
    const snapshot = withConfiguration(parsed(QUEUES_ONLY, 1), parsed(LAB6, 2));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toMatch(
      new RegExp(
        `Pending ${CONFIGURATION_ID} revision 2 \\(applied at the next reboot\\) would change this: it has an authorization map that grants activemq-webconsole admin, read and write on all queues and topics\\.$`,
      ),
    );
  });
});
