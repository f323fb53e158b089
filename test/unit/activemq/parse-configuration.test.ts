import { describe, expect, it } from 'vitest';
import {
  decodeConfigurationData,
  MAX_CONFIGURATION_BYTES,
  parseActiveMqConfiguration,
  parseConfigurationData,
} from '../../../shared/activemq/parse-configuration.ts';
import { ConfigurationParseError } from '../../../shared/errors.ts';
import type { ActiveMqConfiguration, AuthorizationEntry } from '../../../shared/model/types.ts';
import { brokerXml, CORE_NAMESPACE, mapXml, readActiveMqFixture, toBase64 } from './activemq-fixtures.ts';

const WEBCONSOLE_GROUPS = ['admin', 'activemq-webconsole'];

const entry = (
  destinationType: AuthorizationEntry['destinationType'],
  destination: string,
  admin: string[],
  read: string[],
  write: string[],
): AuthorizationEntry => ({ destinationType, destination, admin, read, write });

const noPlugin: ActiveMqConfiguration = { authorizationPluginPresent: false, authorizationMap: null };

/** Runs `act` and returns the ConfigurationParseError it throws (fails the test if it throws anything else). */
const parseErrorOf = (act: () => unknown): ConfigurationParseError => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationParseError);
    return error as ConfigurationParseError;
  }
  throw new Error('expected a ConfigurationParseError, nothing was thrown');
};

describe('decodeConfigurationData', () => {
  it('decodes base64 UTF-8 text', () => {
    // Prepare
    const xml = readActiveMqFixture('amazonmq-default-config.xml');

    // Act
    const decoded = decodeConfigurationData(toBase64(xml));

    // Assess
    expect(decoded).toBe(xml);
  });

  it('strips a UTF-8 byte order mark', () => {
    // Prepare
    const data = toBase64(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<broker/>')]));

    // Act
    const decoded = decodeConfigurationData(data);

    // Assess
    expect(decoded).toBe('<broker/>');
  });

  it('keeps non-ASCII characters', () => {
    // Prepare
    const text = '<broker name="café ✓ 𝄞"/>';

    // Act
    const decoded = decodeConfigurationData(toBase64(text));

    // Assess
    expect(decoded).toBe(text);
  });

  it('accepts exactly the size limit', () => {
    // Prepare
    const data = toBase64(Buffer.alloc(MAX_CONFIGURATION_BYTES, 0x20));

    // Act
    const decoded = decodeConfigurationData(data);

    // Assess
    expect(decoded).toHaveLength(MAX_CONFIGURATION_BYTES);
  });

  it.each([
    ['an empty string', '', /empty/],
    ['a character outside the alphabet', 'PGJyb2tlci8+@', /not valid base64/],
    ['base64url characters', 'PGJy-2tl_i8+', /not valid base64/],
    ['a line break', 'PGJyb2tl\ncg==', /not valid base64/],
    ['spaces', 'PGJy b2tl cg==', /not valid base64/],
    ['a length that is not a multiple of 4', 'PGJyb2tlci8', /not valid base64/],
    ['padding in the middle', 'PG==b2tlcg==', /not valid base64/],
    ['a data URL', 'data:text/xml;base64,PGJyb2tlci8+', /not valid base64/],
    [
      'one byte over the size limit',
      toBase64(Buffer.alloc(MAX_CONFIGURATION_BYTES + 1, 0x20)),
      /larger than/,
    ],
    ['invalid UTF-8 (0xC3 0x28)', toBase64(Buffer.from([0x3c, 0xc3, 0x28, 0x3e])), /not valid UTF-8/],
    ['invalid UTF-8 (lone 0xFF)', toBase64(Buffer.from([0x3c, 0x62, 0xff, 0x3e])), /not valid UTF-8/],
    ['an overlong UTF-8 encoding of "/"', toBase64(Buffer.from([0xc0, 0xaf])), /not valid UTF-8/],
    ['a UTF-8 encoded surrogate', toBase64(Buffer.from([0xed, 0xa0, 0x80])), /not valid UTF-8/],
  ])('rejects %s', (_name, data, message) => {
    // Act
    const error = parseErrorOf(() => decodeConfigurationData(data));

    // Assess
    expect(error.code).toBe('CONFIGURATION_PARSE');
    expect(error.message).toMatch(message);
  });

  it('rejects an oversize input before decoding it', () => {
    // Prepare
    const data = 'A'.repeat(Math.ceil(MAX_CONFIGURATION_BYTES / 3) * 4 + 4);

    // Act
    const error = parseErrorOf(() => decodeConfigurationData(data));

    // Assess
    expect(error.message).toMatch(/larger than 1048576 bytes/);
  });
});

describe('parseActiveMqConfiguration', () => {
  describe('real configurations', () => {
    it('finds no authorization map in the console default configuration, whose plugin is commented out', () => {
      // Prepare
      const xml = readActiveMqFixture('amazonmq-default-config.xml');

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration).toEqual(noPlugin);
    });

    it('reads every entry of the lab 6 map, activemq-webconsole on queue and topic ">" included', () => {
      // Prepare
      const xml = readActiveMqFixture('lab6-with-webconsole.xml');

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration).toEqual({
        authorizationPluginPresent: true,
        authorizationMap: {
          kind: 'simple',
          entries: [
            entry('queue', '>', WEBCONSOLE_GROUPS, WEBCONSOLE_GROUPS, WEBCONSOLE_GROUPS),
            entry('topic', '>', WEBCONSOLE_GROUPS, WEBCONSOLE_GROUPS, WEBCONSOLE_GROUPS),
            entry('queue', 'queue.user1', ['admin', 'user1'], ['user1'], ['user1']),
            entry('topic', 'topic.user2', ['admin', 'user2'], ['user2'], ['user2']),
            entry(
              'topic',
              'ActiveMQ.Advisory.>',
              ['admin', 'user1', 'user2'],
              ['admin', 'user1', 'user2'],
              ['admin', 'user1', 'user2'],
            ),
            {
              ...entry(
                'tempDestination',
                '*',
                ['tempDestinationAdmins'],
                ['tempDestinationAdmins'],
                ['tempDestinationAdmins'],
              ),
              declaredIn: 'tempDestinationAuthorizationEntry',
            },
          ],
        },
      });
    });

    it('reads a cached LDAP authorization map with its attributes', () => {
      // Prepare
      const xml = readActiveMqFixture('ldap-cached-map.xml');

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration).toEqual({
        authorizationPluginPresent: true,
        authorizationMap: {
          kind: 'cachedLdap',
          entries: [],
          ldapAttributes: {
            queueSearchBase: 'ou=Queue,ou=Destination,ou=ActiveMQ,dc=corp,dc=example,dc=com',
            topicSearchBase: 'ou=Topic,ou=Destination,ou=ActiveMQ,dc=corp,dc=example,dc=com',
            tempSearchBase: 'ou=Temp,ou=Destination,ou=ActiveMQ,dc=corp,dc=example,dc=com',
            refreshInterval: '300000',
            legacyGroupMapping: 'false',
          },
        },
      });
    });

    it('reads prefixed elements and ignores a look-alike plugin in another namespace', () => {
      // Prepare
      const xml = readActiveMqFixture('prefixed-namespace.xml');

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      const groups = ['admins', 'activemq-webconsole'];
      expect(configuration.authorizationMap?.entries).toEqual([
        entry('queue', '>', groups, groups, groups),
        entry('topic', '>', groups, groups, groups),
        entry('queue', 'ORDERS.>', ['admins'], ['orders-readers'], ['orders-writers']),
        {
          ...entry(
            'tempDestination',
            '*',
            ['tempDestinationAdmins'],
            ['tempDestinationAdmins'],
            ['tempDestinationAdmins'],
          ),
          declaredIn: 'tempDestinationAuthorizationEntry',
        },
      ]);
    });

    it('rejects the lab 6 fragment on its own: its root is not <broker>', () => {
      // Prepare
      const xml = readActiveMqFixture('lab6-authorization-plugin-fragment.xml');

      // Act
      const error = parseErrorOf(() => parseActiveMqConfiguration(xml));

      // Assess
      expect(error.message).toMatch(/root is <authorizationPlugin> in no namespace/);
    });
  });

  describe('shapes', () => {
    const plugin = (map: string): string => brokerXml(`<authorizationPlugin>${map}</authorizationPlugin>`);

    it.each<[string, string, ActiveMqConfiguration]>([
      ['a <plugins> without authorizationPlugin', brokerXml('<statisticsBrokerPlugin/>'), noPlugin],
      ['no <plugins> at all', `<broker xmlns="${CORE_NAMESPACE}"/>`, noPlugin],
      [
        'an authorizationPlugin outside <plugins>',
        `<broker xmlns="${CORE_NAMESPACE}"><authorizationPlugin><map><authorizationMap/></map></authorizationPlugin></broker>`,
        noPlugin,
      ],
      [
        'a commented-out plugin',
        brokerXml('<!-- <authorizationPlugin><map><authorizationMap/></map></authorizationPlugin> -->'),
        noPlugin,
      ],
      [
        'plugin markup inside CDATA',
        brokerXml(
          '<statisticsBrokerPlugin><![CDATA[<authorizationPlugin><map><authorizationMap/></map></authorizationPlugin>]]></statisticsBrokerPlugin>',
        ),
        noPlugin,
      ],
      [
        'a plugin that resets the default namespace',
        brokerXml('<authorizationPlugin xmlns=""><map><authorizationMap/></map></authorizationPlugin>'),
        noPlugin,
      ],
      ['a plugin without map', plugin(''), { authorizationPluginPresent: true, authorizationMap: null }],
      [
        'a plugin with an empty <map/>',
        plugin('<map/>'),
        { authorizationPluginPresent: true, authorizationMap: null },
      ],
      [
        'an empty authorizationMap',
        plugin('<map><authorizationMap/></map>'),
        { authorizationPluginPresent: true, authorizationMap: { kind: 'simple', entries: [] } },
      ],
      [
        'empty authorizationEntries',
        mapXml(''),
        { authorizationPluginPresent: true, authorizationMap: { kind: 'simple', entries: [] } },
      ],
      [
        'a cachedLDAPAuthorizationMap without attributes',
        plugin('<map><cachedLDAPAuthorizationMap/></map>'),
        {
          authorizationPluginPresent: true,
          authorizationMap: { kind: 'cachedLdap', entries: [], ldapAttributes: {} },
        },
      ],
    ])('reads %s', (_name, xml, expected) => {
      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration).toEqual(expected);
    });

    it.each<[string, string, AuthorizationEntry[]]>([
      ['&gt;', '<authorizationEntry queue="&gt;" read="a"/>', [entry('queue', '>', [], ['a'], [])]],
      ['a raw >', '<authorizationEntry queue=">" read="a"/>', [entry('queue', '>', [], ['a'], [])]],
      ['&#62;', '<authorizationEntry topic="A.&#62;" read="a"/>', [entry('topic', 'A.>', [], ['a'], [])]],
      ['&#x3E;', '<authorizationEntry topic="A.&#x3e;" read="a"/>', [entry('topic', 'A.>', [], ['a'], [])]],
      [
        '&amp; &lt; &quot; &apos;',
        '<authorizationEntry queue="A&amp;B&lt;C&quot;D&apos;E" read="a"/>',
        [entry('queue', `A&B<C"D'E`, [], ['a'], [])],
      ],
      ['single quotes', "<authorizationEntry queue='Q' read='a'/>", [entry('queue', 'Q', [], ['a'], [])]],
      [
        'spaces and empty items in group lists',
        '<authorizationEntry queue="Q" admin=" admins , ,activemq-webconsole,admins ,," read="" write=","/>',
        [entry('queue', 'Q', ['admins', 'activemq-webconsole'], [], [])],
      ],
      [
        'line breaks and tabs in attributes',
        '<authorizationEntry queue="Q" read="readers,\n\t\tactivemq-webconsole"/>',
        [entry('queue', 'Q', [], ['readers', 'activemq-webconsole'], [])],
      ],
      [
        'spaces around a destination',
        '<authorizationEntry queue="  ORDERS.> " read="a"/>',
        [entry('queue', 'ORDERS.>', [], ['a'], [])],
      ],
      [
        'a composite destination',
        '<authorizationEntry queue="A.>,B.>" read="a"/>',
        [entry('queue', 'A.>,B.>', [], ['a'], [])],
      ],
      ['no groups at all', '<authorizationEntry topic="T"/>', [entry('topic', 'T', [], [], [])]],
      [
        'tempQueue="true"',
        '<authorizationEntry tempQueue="true" read="a"/>',
        [entry('tempDestination', '*', [], ['a'], [])],
      ],
      [
        'tempQueue="false" next to queue=',
        '<authorizationEntry tempQueue="false" queue="Q" read="a"/>',
        [entry('queue', 'Q', [], ['a'], [])],
      ],
      [
        'attributes named like Object.prototype members',
        '<authorizationEntry queue="Q" read="a" __proto__="x" constructor="y" toString="z"/>',
        [entry('queue', 'Q', [], ['a'], [])],
      ],
      [
        'attributes in other namespaces',
        '<authorizationEntry xmlns:x="urn:example" queue="Q" read="a" x:write="everyone"/>',
        [entry('queue', 'Q', [], ['a'], [])],
      ],
      [
        'a comment and text between entries',
        '<authorizationEntry queue="Q" read="a"/><!-- x -->text &amp; more',
        [entry('queue', 'Q', [], ['a'], [])],
      ],
    ])('reads an entry with %s', (_name, entries, expected) => {
      // Act
      const configuration = parseActiveMqConfiguration(mapXml(entries));

      // Assess
      expect(configuration.authorizationMap?.entries).toEqual(expected);
    });

    it('expands a defaultEntry to queue ">" and topic ">"', () => {
      // Prepare
      const xml = plugin(
        '<map><authorizationMap><defaultEntry><authorizationEntry admin="ops" read="ops,apps" write="apps"/></defaultEntry></authorizationMap></map>',
      );

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration.authorizationMap?.entries).toEqual([
        entry('queue', '>', ['ops'], ['ops', 'apps'], ['apps']),
        entry('topic', '>', ['ops'], ['ops', 'apps'], ['apps']),
      ]);
    });

    it('leaves secrets out of the LDAP attributes', () => {
      // Prepare
      const xml = plugin(
        '<map><cachedLDAPAuthorizationMap connectionURL="ldaps://ldap.example.com:636" connectionPassword="placeholder-not-a-secret" queueSearchBase="ou=Queue,dc=example,dc=com"/></map>',
      );

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration.authorizationMap?.ldapAttributes).toEqual({
        connectionURL: 'ldaps://ldap.example.com:636',
        queueSearchBase: 'ou=Queue,dc=example,dc=com',
      });
    });

    it('does not touch Object.prototype whatever the attribute names', () => {
      // Prepare
      const xml = plugin('<map><cachedLDAPAuthorizationMap __proto__="polluted" polluted="yes"/></map>');

      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(Object.hasOwn(configuration.authorizationMap?.ldapAttributes ?? {}, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(configuration.authorizationMap?.ldapAttributes)).toBe(Object.prototype);
    });

    it.each([
      ['a byte order mark', `\uFEFF${brokerXml('')}`],
      ['CRLF line endings', brokerXml('<statisticsBrokerPlugin/>').replace(/\n/g, '\r\n')],
      [
        'processing instructions and comments around the root',
        `<?xml version="1.0"?><!-- a --><?pi x?>\n<broker xmlns="${CORE_NAMESPACE}"/>\n<!-- b -->\n`,
      ],
      ['no XML declaration', `<broker xmlns="${CORE_NAMESPACE}"/>`],
    ])('accepts %s', (_name, xml) => {
      // Act
      const configuration = parseActiveMqConfiguration(xml);

      // Assess
      expect(configuration).toEqual(noPlugin);
    });
  });

  describe('rejections', () => {
    const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<broker xmlns="${CORE_NAMESPACE}"><plugins><authorizationPlugin><map><authorizationMap><authorizationEntries>
<authorizationEntry queue="&lol3;" read="a"/>
</authorizationEntries></authorizationMap></map></authorizationPlugin></plugins></broker>`;
    const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE broker [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<broker xmlns="${CORE_NAMESPACE}"><plugins><authorizationPlugin><map><authorizationMap><authorizationEntries>
<authorizationEntry queue="&xxe;" read="a"/>
</authorizationEntries></authorizationMap></map></authorizationPlugin></plugins></broker>`;
    const deep = `<broker xmlns="${CORE_NAMESPACE}">${'<x>'.repeat(80)}${'</x>'.repeat(80)}</broker>`;

    it.each([
      ['a DOCTYPE with internal entities (billion laughs)', billionLaughs, /<!DOCTYPE> declaration/],
      ['an external entity (SYSTEM "file:///etc/passwd")', externalEntity, /<!DOCTYPE> declaration/],
      ['a lower-case doctype', `<!doctype broker><broker xmlns="${CORE_NAMESPACE}"/>`, /<!DOCTYPE>/],
      [
        'a DOCTYPE after a comment',
        `<!-- x --><!DOCTYPE broker SYSTEM "http://example.com/x.dtd"><broker xmlns="${CORE_NAMESPACE}"/>`,
        /<!DOCTYPE>/,
      ],
      [
        'an ENTITY declaration without DOCTYPE',
        `<broker xmlns="${CORE_NAMESPACE}"><!ENTITY x "y"></broker>`,
        /<!ENTITY>/,
      ],
      [
        'an ELEMENT declaration',
        `<broker xmlns="${CORE_NAMESPACE}"><!ELEMENT x ANY></broker>`,
        /markup declaration/,
      ],
      [
        'an undeclared entity in an attribute',
        mapXml('<authorizationEntry queue="&xxe;" read="a"/>'),
        /Undeclared entity '&xxe;'/,
      ],
      ['an HTML entity', mapXml('<authorizationEntry queue="&nbsp;" read="a"/>'), /Undeclared entity/],
      [
        'an undeclared entity in text',
        brokerXml('<statisticsBrokerPlugin>&xxe;</statisticsBrokerPlugin>'),
        /Undeclared entity/,
      ],
      ['a bare & in an attribute', mapXml('<authorizationEntry queue="A & B" read="a"/>'), /Unescaped '&'/],
      [
        'a bare & in text',
        brokerXml('<statisticsBrokerPlugin>A & B</statisticsBrokerPlugin>'),
        /not well-formed/,
      ],
      ['a < in an attribute', mapXml('<authorizationEntry queue="A<B" read="a"/>'), /Unescaped '<'/],
      [
        'a character reference to NUL',
        mapXml('<authorizationEntry queue="&#0;" read="a"/>'),
        /character XML does not allow/,
      ],
      [
        'a character reference to a surrogate',
        mapXml('<authorizationEntry queue="&#xD800;" read="a"/>'),
        /character XML does not allow/,
      ],
      [
        'a malformed character reference',
        mapXml('<authorizationEntry queue="&#x;" read="a"/>'),
        /Malformed character reference/,
      ],
      ['a NUL character', brokerXml('<statisticsBrokerPlugin/>\u0000'), /U\+0000/],
      ['a vertical tab', brokerXml('<statisticsBrokerPlugin a="\u000b"/>'), /U\+000B/],
      ['a lone surrogate', brokerXml('<statisticsBrokerPlugin a="\ud800"/>'), /U\+D800/],
      ['an unclosed element', `<broker xmlns="${CORE_NAMESPACE}"><plugins></broker>`, /not well-formed/],
      ['mismatched tags', `<broker xmlns="${CORE_NAMESPACE}"><a></b></broker>`, /not well-formed/],
      [
        'a duplicate attribute',
        mapXml('<authorizationEntry queue="A" queue="B"/>'),
        /not well-formed.*repeated/,
      ],
      ['an attribute without value', mapXml('<authorizationEntry queue/>'), /not well-formed/],
      [
        'an unterminated comment',
        `<broker xmlns="${CORE_NAMESPACE}"><!-- x </broker>`,
        /unterminated comment/,
      ],
      [
        'two root elements',
        `<broker xmlns="${CORE_NAMESPACE}"/><broker xmlns="${CORE_NAMESPACE}"/>`,
        /exactly one root element/,
      ],
      ['text after the root', `<broker xmlns="${CORE_NAMESPACE}"/>junk`, /content after the root element/],
      [
        'text after a root with children',
        `<broker xmlns="${CORE_NAMESPACE}"><plugins/></broker>junk`,
        /not well-formed|content after/,
      ],
      ['not XML at all', 'This is not XML, it is a sentence.', /not well-formed/],
      ['JSON', '{"broker": {"plugins": []}}', /not well-formed/],
      ['an empty string', '', /empty/],
      ['only whitespace', ' \n\t ', /empty/],
      ['only a comment', '<!-- nothing -->', /not well-formed|exactly one root/],
      ['a root that is not <broker>', `<beans xmlns="${CORE_NAMESPACE}"/>`, /root is <beans>/],
      ['a <broker> in no namespace', '<broker><plugins/></broker>', /root is <broker> in no namespace/],
      [
        'a <broker> in another namespace',
        '<broker xmlns="http://activemq.org/config/1.0"/>',
        /root is <broker> in 'http:\/\/activemq.org\/config\/1.0'/,
      ],
      ['an undeclared prefix', '<amq:broker/>', /undeclared namespace prefix/],
      [
        'an attribute with an undeclared prefix',
        `<broker xmlns="${CORE_NAMESPACE}" x:y="z"/>`,
        /undeclared namespace prefix/,
      ],
      [
        'a name with two colons',
        `<broker xmlns="${CORE_NAMESPACE}"><a:b:c xmlns:a="urn:x"/></broker>`,
        /Invalid element name/,
      ],
      ['an element named __proto__', brokerXml('<__proto__/>'), /could not be parsed.*__proto__/],
      ['elements nested too deep', deep, /nest|Maximum nested tags/],
      [
        'two authorizationPlugins',
        brokerXml('<authorizationPlugin/><authorizationPlugin/>'),
        /more than one <authorizationPlugin>/,
      ],
      [
        'two <plugins> with one authorizationPlugin each',
        `<broker xmlns="${CORE_NAMESPACE}"><plugins><authorizationPlugin/></plugins><plugins><authorizationPlugin/></plugins></broker>`,
        /more than one <authorizationPlugin>|2 <plugins> elements/,
      ],
      [
        'an authorizationPlugin followed by a second <plugins>, which replaces the first list',
        mapXml('<authorizationEntry queue=">" admin="admins" read="admins" write="admins"/>').replace(
          '</broker>',
          '<plugins><statisticsBrokerPlugin/></plugins></broker>',
        ),
        /2 <plugins> elements; ActiveMQ does not add them together/,
      ],
      [
        'an empty <plugins> before the one holding the authorizationPlugin',
        `<broker xmlns="${CORE_NAMESPACE}"><plugins/><plugins><authorizationPlugin/></plugins></broker>`,
        /2 <plugins> elements/,
      ],
      [
        'two <authorizationEntries>, the later one replacing the earlier',
        brokerXml(
          '<authorizationPlugin><map><authorizationMap><authorizationEntries><authorizationEntry queue=">" read="admins"/></authorizationEntries><authorizationEntries><authorizationEntry queue=">" read="*"/></authorizationEntries></authorizationMap></map></authorizationPlugin>',
        ),
        /2 <authorizationEntries> elements; ActiveMQ does not add them together/,
      ],
      [
        'two <defaultEntry>',
        brokerXml(
          '<authorizationPlugin><map><authorizationMap><defaultEntry><authorizationEntry read="admins"/></defaultEntry><defaultEntry><authorizationEntry read="*"/></defaultEntry></authorizationMap></map></authorizationPlugin>',
        ),
        /2 <defaultEntry> elements/,
      ],
      [
        'a <defaultEntry> holding two entries',
        brokerXml(
          '<authorizationPlugin><map><authorizationMap><defaultEntry><authorizationEntry read="admins"/><authorizationEntry read="activemq-webconsole"/></defaultEntry></authorizationMap></map></authorizationPlugin>',
        ),
        /<defaultEntry> holds 2 entries; ActiveMQ uses a single default entry/,
      ],
      [
        'two maps',
        brokerXml('<authorizationPlugin><map/><map/></authorizationPlugin>'),
        /more than one <map>/,
      ],
      [
        'two map kinds in one map',
        brokerXml(
          '<authorizationPlugin><map><authorizationMap/><cachedLDAPAuthorizationMap/></map></authorizationPlugin>',
        ),
        /more than one map/,
      ],
      [
        'an unknown map kind',
        brokerXml('<authorizationPlugin><map><simpleAuthorizationMap/></map></authorizationPlugin>'),
        /<simpleAuthorizationMap>/,
      ],
      [
        'an unknown authorizationMap child',
        brokerXml(
          '<authorizationPlugin><map><authorizationMap><entries/></authorizationMap></map></authorizationPlugin>',
        ),
        /holds <entries>/,
      ],
      [
        'an unknown authorizationEntries child',
        mapXml('<policyEntry queue=">"/>'),
        /only <authorizationEntry>/,
      ],
      [
        'an entry on both queue and topic',
        mapXml('<authorizationEntry queue="A" topic="B" read="a"/>'),
        /more than one kind of destination/,
      ],
      [
        'an entry on queue and tempQueue',
        mapXml('<authorizationEntry queue="A" tempQueue="true" read="a"/>'),
        /more than one kind of destination/,
      ],
      ['an entry without destination', mapXml('<authorizationEntry read="a"/>'), /names no destination/],
      [
        'an entry with an empty queue',
        mapXml('<authorizationEntry queue="  " read="a"/>'),
        /empty queue= attribute/,
      ],
      [
        'an entry with destination=',
        mapXml('<authorizationEntry destination="queue://A" read="a"/>'),
        /destination= attribute/,
      ],
      ['tempTopic="maybe"', mapXml('<authorizationEntry tempTopic="maybe" read="a"/>'), /tempTopic='maybe'/],
      [
        'more than 1 MiB of text',
        brokerXml(`<!-- ${'x'.repeat(MAX_CONFIGURATION_BYTES)} -->`),
        /larger than/,
      ],
    ])('rejects %s', (_name, xml, message) => {
      // Act
      const error = parseErrorOf(() => parseActiveMqConfiguration(xml));

      // Assess
      expect(error.code).toBe('CONFIGURATION_PARSE');
      expect(error.message).toMatch(message);
    });

    it('keeps error messages short whatever the input quotes', () => {
      // Prepare
      const xml = `<broker xmlns="${'u'.repeat(5000)}"/>`;

      // Act
      const error = parseErrorOf(() => parseActiveMqConfiguration(xml));

      // Assess
      expect(error.message.length).toBeLessThan(250);
    });
  });
});

describe('parseConfigurationData', () => {
  it('decodes and parses a revision', () => {
    // Prepare
    const data = toBase64(readActiveMqFixture('lab6-with-webconsole.xml'));

    // Act
    const configuration = parseConfigurationData(data);

    // Assess
    expect(configuration.authorizationPluginPresent).toBe(true);
    expect(configuration.authorizationMap?.entries).toHaveLength(6);
  });

  it.each([
    ['invalid base64', '%%%%', /not valid base64/],
    ['invalid UTF-8', toBase64(Buffer.from([0xff, 0xfe, 0x3c, 0x00])), /not valid UTF-8/],
    ['base64 of plain text', toBase64('hello'), /not well-formed/],
    [
      'base64 of a DOCTYPE',
      toBase64(`<!DOCTYPE x [<!ENTITY a "b">]><broker xmlns="${CORE_NAMESPACE}"/>`),
      /DOCTYPE/,
    ],
  ])('reports %s as a ConfigurationParseError', (_name, data, message) => {
    // Act
    const error = parseErrorOf(() => parseConfigurationData(data));

    // Assess
    expect(error.message).toMatch(message);
  });
});
