import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-no-pii-in-identifiers.ts';
import type { Broker, BrokerSnapshot } from '../../../shared/model/types.ts';
import {
  activeMqSnapshot,
  contextAt,
  evidencePaths,
  evidenceText,
  RABBIT_ID,
  rabbitMqSnapshot,
  SAMPLE_ACTIVEMQ,
  withRaw,
} from './support/broker-snapshots.ts';

const BROKER_ID = 'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9';
const BROKER = `Broker orders-prod (${BROKER_ID})`;

const users = (...names: string[]): Broker['users'] => names.map((username) => ({ username }));

/** Tags a platform team really sets: none of them is personal data. */
const NEUTRAL_TAGS = {
  team: 'payments',
  'cost-center': 'cc-1234',
  environment: 'prod',
  'aws:cloudformation:stack-id':
    'arn:aws:cloudformation:us-east-1:123456789012:stack/orders/12345678-1234-1234-1234-123456789012',
  'aws:cloudformation:logical-id': 'OrdersBroker',
  'mq-guardian:protocols': 'openwire,console',
  'created-at': '2024-11-15T09:58:29Z',
  'engine-pinned': '5.18.3',
  'allowed-cidr': '10.0.0.0/16',
  'owner-account': '123456789012',
  'linked-broker':
    'arn:aws:mq:us-east-1:123456789012:broker:orders-dr:b-b4cfface-0aa9-4922-b41d-07fab046cef3',
};

describe('mq-broker-no-pii-in-identifiers', () => {
  it.each<[string, BrokerSnapshot, string]>([
    [
      'neutral names, users and tags',
      activeMqSnapshot({
        users: users('app', 'admin', 'svc.orders-5.18', 'consumer_01'),
        tags: NEUTRAL_TAGS,
      }),
      `${BROKER} holds no personal data in its name, user names, tags or configuration.`,
    ],
    [
      'the DescribeBroker sample',
      SAMPLE_ACTIVEMQ,
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) holds no personal data in its name, user names, tags or configuration.',
    ],
    [
      'a RabbitMQ broker with Unicode tags',
      rabbitMqSnapshot({ tags: { équipe: 'Zürich–München 🚀', 说明: '订单服务' } }),
      `Broker events-prod (${RABBIT_ID}) holds no personal data in its name, user names, tags or configuration.`,
    ],
  ])('passes a broker with %s', (_case, snapshot, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toBe(message);
  });

  it.each<[string, Partial<Broker>, string, string[]]>([
    [
      'an e-mail address in a user name',
      { users: users('app', 'jane.doe@example.com') },
      `${BROKER} holds personal data in 1 field: users[1].Username (e-mail address).`,
      ['users[1].Username'],
    ],
    [
      'a phone number in a tag value',
      { tags: { team: 'payments', owner: 'Jane, +49 151 23456789' } },
      `${BROKER} holds personal data in 1 field: tags["owner"] (phone number).`,
      ['tags["owner"]'],
    ],
    [
      'a card number in a tag value',
      { tags: { note: 'test card 4111 1111 1111 1111' } },
      `${BROKER} holds personal data in 1 field: tags["note"] (payment card number).`,
      ['tags["note"]'],
    ],
    [
      'a social security number in a tag value',
      { tags: { 'employee-ref': '123-45-6789' } },
      `${BROKER} holds personal data in 1 field: tags["employee-ref"] (US social security number).`,
      ['tags["employee-ref"]'],
    ],
    [
      'two e-mail addresses and a phone number in one tag',
      { tags: { contacts: 'jane@example.com, john@example.com, (201) 555-0123' } },
      `${BROKER} holds personal data in 1 field: tags["contacts"] (2 e-mail addresses, phone number).`,
      ['tags["contacts"]', 'tags["contacts"]'],
    ],
    [
      'an e-mail address in a Unicode tag value',
      { tags: { propriétaire: 'Jörg Müller <jörg@exämple.de>' } },
      `${BROKER} holds personal data in 1 field: tags["propriétaire"] (e-mail address).`,
      ['tags["propriétaire"]'],
    ],
    [
      'an e-mail address at the end of a very long tag value',
      { tags: { notes: `${'lorem ipsum '.repeat(20_000)}jane@example.com` } },
      `${BROKER} holds personal data in 1 field: tags["notes"] (e-mail address).`,
      ['tags["notes"]'],
    ],
  ])('fails a broker with %s', (_case, broker, message, paths) => {
    // Act
    const finding = check.evaluate(activeMqSnapshot(broker), contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(message);
    expect(evidencePaths(finding)).toEqual(paths);
  });

  it('shows only masked values in the evidence', () => {
    // Prepare
    const snapshot = activeMqSnapshot({ users: users('jane.doe@example.com') });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(evidenceText(finding)).toBe('users[0].Username: e-mail address, masked j***@e***.com');
  });

  it('never echoes a flagged value in the message or the evidence', () => {
    // Prepare
    const values = ['jane.doe@example.com', '+49 151 23456789', '4111 1111 1111 1111', '123-45-6789'];
    const snapshot = activeMqSnapshot({
      users: users(values[0] ?? ''),
      tags: { owner: values[1] ?? '', card: values[2] ?? '', ssn: values[3] ?? '' },
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());
    const shown = `${finding.message}\n${evidenceText(finding)}`;

    // Assess
    expect(finding.status).toBe('FAIL');
    for (const value of values) expect(shown).not.toContain(value);
    expect(shown).not.toContain('jane.doe');
    expect(shown).not.toContain('23456789');
  });

  it('names a tag whose key holds personal data by its position, never by its key', () => {
    // Prepare
    const snapshot = activeMqSnapshot({ tags: { team: 'payments', 'jane@example.com': 'owner' } });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(evidencePaths(finding)).toEqual(['tagKeys[1]']);
    expect(`${finding.message}${evidenceText(finding)}`).not.toContain('jane@example.com');
  });

  it('names the value of such a tag by the position of its key as well', () => {
    // Prepare
    const snapshot = activeMqSnapshot({ tags: { 'jane@example.com': '+1 201 555 0123' } });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(evidencePaths(finding)).toEqual(['tagKeys[0]', 'tags[tagKeys[0]]']);
    expect(`${finding.message}${evidenceText(finding)}`).not.toContain('jane@example.com');
  });

  it('withholds a broker name that holds personal data from its own message', () => {
    // Prepare
    const snapshot = activeMqSnapshot({ name: 'orders-tel-201-555-0123' });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(
      `Broker (name withheld) (${BROKER_ID}) holds personal data in 1 field: BrokerName (phone number).`,
    );
  });

  it('lists at most three fields in the message and counts the rest', () => {
    // Prepare
    const snapshot = activeMqSnapshot({
      users: users(
        'a.one@example.com',
        'b.two@example.com',
        'c.three@example.com',
        'd.four@example.com',
        'app',
      ),
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.message).toBe(
      `${BROKER} holds personal data in 4 fields: users[0].Username (e-mail address), users[1].Username (e-mail address), users[2].Username (e-mail address) and 1 more.`,
    );
    expect(evidencePaths(finding)).toHaveLength(4);
  });

  it.each<[string, string, unknown]>([
    ['tags that are not an object', 'tags', 'team=payments'],
    ['tags that are missing', 'tags', undefined],
    ['users that are not a list', 'users', { username: 'app' }],
    ['a user name that is not text', 'users', [{ username: 42 }]],
  ])('reports ERROR, never PASS, for %s', (_case, field, value) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), field, value);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
  });

  it('still fails on personal data when another field cannot be read', () => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot({ tags: { owner: 'jane@example.com' } }), 'users', [
      { username: null },
    ]);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(evidencePaths(finding)).toEqual(['tags["owner"]', 'users[0].Username']);
  });

  it('is declared for both engines at LOW severity', () => {
    // Assess
    expect(check.meta.engines).toEqual(['ACTIVEMQ', 'RABBITMQ']);
    expect(check.meta.severity).toBe('LOW');
    expect(check.meta.source).toBe(
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html',
    );
  });
});

/** The broker's configuration text as the snapshot holds it: DescribeConfiguration and the revision's description. */
const withConfigurationText = (
  snapshot: BrokerSnapshot,
  text: Partial<NonNullable<BrokerSnapshot['configurationText']>>,
): BrokerSnapshot => ({
  ...snapshot,
  configurationText: {
    ...(snapshot.broker.configurations.current ? { ref: snapshot.broker.configurations.current } : {}),
    fields: [],
    unread: [],
    tags: {},
    ...text,
  },
});

const NAMED = { path: 'configuration.Name', value: 'orders-prod-configuration' };

describe('mq-broker-no-pii-in-identifiers on the broker configuration', () => {
  it('passes a configuration whose name, descriptions and tags are neutral', () => {
    // Prepare
    const snapshot = withConfigurationText(activeMqSnapshot(), {
      fields: [
        NAMED,
        {
          path: 'configuration.Description',
          value: 'Auto-generated default for orders-prod-configuration on ActiveMQ 5.18',
        },
        {
          path: 'configuration.LatestRevision.Description',
          value: 'Raise memoryUsage to 70 percent (OPS-1234, 2024-11-15, 10.0.0.0/16)',
        },
      ],
      tags: NEUTRAL_TAGS,
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.message).toBe(
      `${BROKER} holds no personal data in its name, user names, tags or configuration.`,
    );
  });

  it.each<[string, Partial<NonNullable<BrokerSnapshot['configurationText']>>, string, string]>([
    [
      "the configuration's name",
      { fields: [{ path: 'configuration.Name', value: 'refunds_card_4111111111111111' }] },
      'configuration.Name (payment card number)',
      '4111111111111111',
    ],
    [
      "the configuration's description",
      {
        fields: [
          NAMED,
          { path: 'configuration.Description', value: 'Owner: Jane Doe, jane.doe@example.com' },
        ],
      },
      'configuration.Description (e-mail address)',
      'jane.doe@example.com',
    ],
    [
      "the latest revision's description",
      {
        fields: [
          NAMED,
          {
            path: 'configuration.LatestRevision.Description',
            value: 'Payout to DE89 3704 0044 0532 0130 00',
          },
        ],
      },
      'configuration.LatestRevision.Description (bank account number (IBAN))',
      '3704 0044',
    ],
    [
      "the running revision's description",
      {
        fields: [NAMED, { path: 'configurationRevision.Description', value: 'on call: +44 20 7946 0958' }],
      },
      'configurationRevision.Description (phone number)',
      '7946 0958',
    ],
    [
      "a configuration tag's value",
      { fields: [NAMED], tags: { team: 'orders', owner: 'jane.doe@example.com' } },
      'configuration.Tags["owner"] (e-mail address)',
      'jane.doe@example.com',
    ],
  ])('fails personal data in %s, naming the field and never the value', (_case, text, named, secret) => {
    // Prepare
    const snapshot = withConfigurationText(activeMqSnapshot(), text);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(finding.message).toBe(`${BROKER} holds personal data in 1 field: ${named}.`);
    expect(`${finding.message}\n${evidenceText(finding)}`).not.toContain(secret);
  });

  it('names a configuration tag whose key holds personal data by its position, never by its key', () => {
    // Prepare
    const snapshot = withConfigurationText(rabbitMqSnapshot(), {
      fields: [NAMED],
      tags: { team: 'events', 'jane.doe@example.com': 'owner' },
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(evidencePaths(finding)).toEqual(['configuration.tagKeys[1]']);
    expect(`${finding.message}\n${evidenceText(finding)}`).not.toContain('jane.doe');
  });

  it('counts fields of the broker and of its configuration together', () => {
    // Prepare
    const snapshot = withConfigurationText(activeMqSnapshot({ tags: { contact: '+1 415 555 0132' } }), {
      fields: [
        NAMED,
        { path: 'configuration.Description', value: 'ask jane.doe@example.com' },
        { path: 'configurationRevision.Description', value: 'ask john.roe@example.org' },
      ],
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(evidencePaths(finding)).toEqual([
      'tags["contact"]',
      'configuration.Description',
      'configurationRevision.Description',
    ]);
    expect(finding.message).toContain('holds personal data in 3 fields');
  });

  it('reports the fields DescribeConfiguration did not answer as not evaluated, with the reason', () => {
    // Prepare
    const reason = 'DescribeConfiguration failed: ForbiddenException: not authorized';
    const snapshot = withConfigurationText(activeMqSnapshot(), {
      fields: [{ path: 'configurationRevision.Description', value: 'Raise memoryUsage' }],
      unread: ['configuration.Name', 'configuration.Description', 'configuration.Tags'].map((path) => ({
        path,
        reason,
      })),
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toBe(
      `${BROKER} could not be checked: ${reason} (configuration.Name, configuration.Description, configuration.Tags).`,
    );
    expect(evidencePaths(finding)).toEqual([
      'configuration.Name',
      'configuration.Description',
      'configuration.Tags',
    ]);
  });

  it('still fails on personal data in the configuration when another of its fields was not read', () => {
    // Prepare
    const snapshot = withConfigurationText(activeMqSnapshot(), {
      fields: [{ path: 'configurationRevision.Description', value: 'ask jane.doe@example.com' }],
      unread: [{ path: 'configuration.Name', reason: 'DescribeConfiguration failed' }],
    });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(evidencePaths(finding)).toEqual(['configurationRevision.Description', 'configuration.Name']);
  });

  it('does not pass a broker whose configuration text was never read', () => {
    // Prepare
    const { configurationText: _unread, ...snapshot } = activeMqSnapshot();

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(evidencePaths(finding)).toEqual(['configuration']);
  });

  it('passes a broker that names no configuration on its name, users and tags alone', () => {
    // Prepare
    const { configurationText: _none, ...snapshot } = rabbitMqSnapshot({ configurations: {} });

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('PASS');
  });
});
