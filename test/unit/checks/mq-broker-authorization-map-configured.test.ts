import { describe, expect, it } from 'vitest';
import { parseActiveMqConfiguration } from '../../../shared/activemq/parse-configuration.ts';
import type { CheckContext } from '../../../shared/checks/check.ts';
import { check } from '../../../shared/checks/mq-broker-authorization-map-configured.ts';
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

/** The state the snapshot builder records when the parser refuses a revision. */
const unparseable = (xml: string, revision = 1): ConfigurationState => {
  try {
    parseActiveMqConfiguration(xml);
  } catch (error) {
    if (error instanceof ConfigurationParseError) {
      return {
        status: 'error',
        ref: { id: CONFIGURATION_ID, revision },
        code: error.code,
        message: error.message,
      };
    }
    throw error;
  }
  throw new Error('expected the configuration to be refused');
};

const DEFAULT_CONFIG = readActiveMqFixture('amazonmq-default-config.xml');
const LAB6 = readActiveMqFixture('lab6-with-webconsole.xml');
const BILLION_LAUGHS = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;">]><broker xmlns="http://activemq.apache.org/schema/core"/>`;

const withConfiguration = (configuration: ConfigurationState, pendingConfiguration?: ConfigurationState) =>
  aSnapshot({ configuration, ...(pendingConfiguration ? { pendingConfiguration } : {}) });

const beingCreated = (pendingConfiguration?: ConfigurationState): BrokerSnapshot =>
  aSnapshot({
    broker: aBroker({
      state: 'CREATION_IN_PROGRESS',
      configurations: { pending: { id: CONFIGURATION_ID, revision: 1 } },
    }),
    configuration: {
      status: 'absent',
      reason: 'the broker has no current configuration yet (creation in progress)',
    },
    ...(pendingConfiguration ? { pendingConfiguration } : {}),
  });

describe('mq-broker-authorization-map-configured', () => {
  it('describes itself', () => {
    // Assess
    expect(check.meta).toMatchObject({
      id: 'mq-broker-authorization-map-configured',
      engines: ['ACTIVEMQ'],
      autoRemediable: false,
      severity: 'HIGH',
      source:
        'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#always-configure-authorization-map',
    });
    expect(check.meta.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/amazon-mq\//);
  });

  it.each<[string, BrokerSnapshot, FindingStatus, string]>([
    [
      'the console default configuration (plugin commented out)',
      withConfiguration(parsed(DEFAULT_CONFIG)),
      'FAIL',
      `${LABEL} has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination.`,
    ],
    [
      'the lab 6 configuration',
      withConfiguration(parsed(LAB6)),
      'PASS',
      `${LABEL} has an authorization map that restricts destinations to named groups (5 queue and topic entries).`,
    ],
    [
      'prefixed elements',
      withConfiguration(parsed(readActiveMqFixture('prefixed-namespace.xml'))),
      'PASS',
      `${LABEL} has an authorization map that restricts destinations to named groups (3 queue and topic entries).`,
    ],
    [
      'a map with one entry',
      withConfiguration(parsed(mapXml('<authorizationEntry queue="ORDERS" read="apps"/>'))),
      'PASS',
      `${LABEL} has an authorization map that restricts destinations to named groups (1 queue or topic entry); temporary destinations are open to every authenticated user (no tempDestinationAuthorizationEntry).`,
    ],
    [
      'a cached LDAP map',
      withConfiguration(parsed(readActiveMqFixture('ldap-cached-map.xml'))),
      'PASS',
      `${LABEL} has an authorization map: a cached LDAP authorization map whose entries live in the directory.`,
    ],
    [
      'a map whose entries grant every group (*) everything on ">"',
      withConfiguration(
        parsed(
          mapXml(
            '<authorizationEntry queue="&gt;" admin="*" read="*" write="*"/><authorizationEntry topic="&gt;" admin="*" read="*" write="*"/><authorizationEntry queue="ORDERS.&gt;" read="orders"/>',
          ),
        ),
      ),
      'FAIL',
      `${LABEL} has an authorization map that restricts nothing: every group (*) is granted admin on queue '>', read on queue '>', write on queue '>' and 3 more.`,
    ],
    [
      'a map whose open entries are written "*.>" (every name), named as written',
      withConfiguration(
        parsed(
          brokerXml(
            '<authorizationPlugin><map><authorizationMap><authorizationEntries><authorizationEntry queue="*.&gt;" admin="*" read="*" write="*"/><authorizationEntry topic="&gt;" admin="*" read="*" write="*"/><authorizationEntry queue="ORDERS.&gt;" read="orders"/></authorizationEntries></authorizationMap></map></authorizationPlugin>',
          ),
        ),
      ),
      'FAIL',
      `${LABEL} has an authorization map that restricts nothing: every group (*) is granted admin on queue '*.>', read on queue '*.>', write on queue '*.>' and 3 more.`,
    ],
    [
      'a map holding only a temporary-destination entry',
      withConfiguration(
        parsed(
          brokerXml(
            '<authorizationPlugin><map><authorizationMap><tempDestinationAuthorizationEntry><tempDestinationAuthorizationEntry admin="admins" read="apps" write="apps"/></tempDestinationAuthorizationEntry></authorizationMap></map></authorizationPlugin>',
          ),
        ),
      ),
      'FAIL',
      `${LABEL} has an authorization map that refuses every queue and topic to every user: it holds only temporary-destination entries (no entry names a group for a queue or topic), and its tempDestinationAuthorizationEntry restricts temporary destinations to named groups.`,
    ],
    [
      'an empty map',
      withConfiguration(parsed(mapXml(''))),
      'FAIL',
      `${LABEL} has no authorization map: its authorizationMap holds no entries.`,
    ],
    [
      'a plugin without map',
      withConfiguration(parsed(brokerXml('<authorizationPlugin/>'))),
      'FAIL',
      `${LABEL} has no authorization map: its authorizationPlugin holds no map.`,
    ],
  ])('judges %s', (_name, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
    expect(finding.checkId).toBe('mq-broker-authorization-map-configured');
  });

  it('names the configuration revision in its evidence', () => {
    // Prepare
    const snapshot = withConfiguration(parsed(mapXml(''), 3));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.evidence).toEqual({
      kind: 'fields',
      fields: [
        {
          path: 'configurations.current',
          detail: `${CONFIGURATION_ID} revision 3: has no authorization map: its authorizationMap holds no entries`,
        },
        { path: 'plugins.authorizationPlugin.map.authorizationMap', detail: 'no entries' },
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
    expect(finding.message).toBe(`${LABEL} runs RabbitMQ; this check applies to ActiveMQ only.`);
  });

  it('reports ERROR, never PASS, when a second <plugins> follows the one holding the map', () => {
    // Prepare: ActiveMQ sets the broker's plugin list once per <plugins> element, the last one winning,
    // so the lab 6 map may not be in force at all.
    const xml = LAB6.replace('</broker>', '<plugins><statisticsBrokerPlugin/></plugins></broker>');
    const snapshot = withConfiguration(unparseable(xml, 2));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain('2 <plugins> elements');
  });

  it('reports ERROR, never PASS, when a second <authorizationEntries> replaces a restrictive one', () => {
    // Prepare: ActiveMQ keeps the later list, which opens every queue to every group and names no
    // group anywhere; the earlier list alone would restrict topics to admins.
    const restrictive =
      '<authorizationEntry queue=">" admin="admins" read="admins" write="admins"/><authorizationEntry topic=">" admin="admins" read="admins" write="admins"/>';
    const open =
      '<authorizationEntry queue=">" admin="*" read="*" write="*"/><authorizationEntry topic="ActiveMQ.Advisory.>" admin="*" read="*" write="*"/>';
    const xml = brokerXml(
      `<authorizationPlugin><map><authorizationMap><authorizationEntries>${restrictive}</authorizationEntries><authorizationEntries>${open}</authorizationEntries></authorizationMap></map></authorizationPlugin>`,
    );
    const snapshot = withConfiguration(unparseable(xml, 2));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain('2 <authorizationEntries> elements');
  });

  it('reports a revision that could not be parsed as ERROR with the reason, never PASS', () => {
    // Prepare
    const snapshot = withConfiguration(unparseable(BILLION_LAUGHS, 2));

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${LABEL} has a configuration that could not be evaluated: ${CONFIGURATION_ID} revision 2 could not be parsed (CONFIGURATION_PARSE): Configuration has a <!DOCTYPE> declaration; DTDs and entity declarations are not allowed (no entity expansion, no external entities).`,
    );
    expect(finding.evidence).toMatchObject({ kind: 'fields', fields: [{ path: 'configurations.current' }] });
  });

  it('reports ERROR, never NOT_APPLICABLE, when a running ActiveMQ broker shows no current configuration', () => {
    // Prepare: Amazon MQ gives every ActiveMQ broker a configuration once it is created.
    const snapshot = withConfiguration({
      status: 'absent',
      reason: 'DescribeBroker returned no current configuration',
    });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${LABEL} could not be evaluated: it is an ActiveMQ broker in state RUNNING, which always has a current configuration, but none was read: DescribeBroker returned no current configuration.`,
    );
  });

  it('is not applicable when a broker whose creation failed has no configuration revision, and says why', () => {
    // Prepare
    const snapshot = aSnapshot({
      broker: aBroker({ state: 'CREATION_FAILED' }),
      configuration: { status: 'absent', reason: 'DescribeBroker returned no current configuration' },
    });

    // Act
    const finding = check.evaluate(snapshot, context);

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toBe(
      `${LABEL} has no ActiveMQ configuration revision to evaluate: DescribeBroker returned no current configuration.`,
    );
  });

  describe('while the broker is being created', () => {
    it.each<[string, BrokerSnapshot, FindingStatus, string]>([
      [
        'a pending configuration with a map',
        beingCreated(parsed(LAB6)),
        'PASS',
        `${LABEL} is being created; its pending configuration ${CONFIGURATION_ID} revision 1 has an authorization map that restricts destinations to named groups (5 queue and topic entries).`,
      ],
      [
        'a pending configuration without a map',
        beingCreated(parsed(DEFAULT_CONFIG)),
        'FAIL',
        `${LABEL} is being created; its pending configuration ${CONFIGURATION_ID} revision 1 has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination.`,
      ],
      [
        'no pending configuration',
        beingCreated(),
        'NOT_APPLICABLE',
        `${LABEL} has no ActiveMQ configuration revision to evaluate: the broker has no current configuration yet (creation in progress).`,
      ],
    ])('evaluates %s', (_name, snapshot, status, message) => {
      // Act
      const finding = check.evaluate(snapshot, context);

      // Assess
      expect(finding.status).toBe(status);
      expect(finding.message).toBe(message);
    });

    it('reports an unparseable pending configuration as ERROR', () => {
      // Prepare
      const snapshot = beingCreated(unparseable('not xml'));

      // Act
      const finding = check.evaluate(snapshot, context);

      // Assess
      expect(finding.status).toBe('ERROR');
      expect(finding.evidence).toMatchObject({
        kind: 'fields',
        fields: [{ path: 'configurations.pending' }],
      });
    });

    it('does not evaluate a pending configuration of a broker that is not being created', () => {
      // Prepare
      const snapshot = aSnapshot({
        configuration: { status: 'absent', reason: 'the current revision could not be read' },
        pendingConfiguration: parsed(LAB6, 2),
      });

      // Act
      const finding = check.evaluate(snapshot, context);

      // Assess: the pending revision never stands in for the current one of a running broker.
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain('which always has a current configuration, but none was read');
    });
  });

  describe('with a pending revision', () => {
    it.each<[string, ConfigurationState, ConfigurationState, FindingStatus, string]>([
      [
        'that would add a map',
        parsed(DEFAULT_CONFIG, 1),
        parsed(LAB6, 2),
        'FAIL',
        `${LABEL} has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination. Pending ${CONFIGURATION_ID} revision 2 (applied at the next reboot) would change this: it has an authorization map that restricts destinations to named groups (5 queue and topic entries).`,
      ],
      [
        'that would remove the map',
        parsed(LAB6, 1),
        parsed(DEFAULT_CONFIG, 2),
        'PASS',
        `${LABEL} has an authorization map that restricts destinations to named groups (5 queue and topic entries). Pending ${CONFIGURATION_ID} revision 2 (applied at the next reboot) would change this: it has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination.`,
      ],
      [
        'that keeps the answer',
        parsed(LAB6, 1),
        parsed(mapXml('<authorizationEntry queue="A" read="b"/>'), 2),
        'PASS',
        `${LABEL} has an authorization map that restricts destinations to named groups (5 queue and topic entries).`,
      ],
      [
        'that could not be parsed',
        parsed(LAB6, 1),
        unparseable(BILLION_LAUGHS, 2),
        'PASS',
        `${LABEL} has an authorization map that restricts destinations to named groups (5 queue and topic entries). Pending ${CONFIGURATION_ID} revision 2 (applied at the next reboot) could not be parsed: Configuration has a <!DOCTYPE> declaration; DTDs and entity declarations are not allowed (no entity expansion, no external entities).`,
      ],
      [
        'equal to the current one',
        parsed(DEFAULT_CONFIG, 1),
        parsed(DEFAULT_CONFIG, 1),
        'FAIL',
        `${LABEL} has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination.`,
      ],
    ])('mentions it only when it changes the answer: %s', (_name, current, pending, status, message) => {
      // Prepare
      const snapshot = withConfiguration(current, pending);

      // Act
      const finding = check.evaluate(snapshot, context);

      // Assess
      expect(finding.status).toBe(status);
      expect(finding.message).toBe(message);
    });

    it('adds the pending revision to the evidence', () => {
      // Prepare
      const snapshot = withConfiguration(parsed(DEFAULT_CONFIG, 1), parsed(LAB6, 2));

      // Act
      const finding = check.evaluate(snapshot, context);

      // Assess
      expect(finding.evidence).toEqual({
        kind: 'fields',
        fields: [
          {
            path: 'configurations.current',
            detail: `${CONFIGURATION_ID} revision 1: has no authorization map: the configuration has no authorizationPlugin (absent or commented out), so every authenticated user may use every destination`,
          },
          {
            path: 'configurations.pending',
            detail: `${CONFIGURATION_ID} revision 2: has an authorization map that restricts destinations to named groups (5 queue and topic entries)`,
          },
        ],
      });
    });
  });
});
