/** XML fixtures of test/fixtures/activemq, derived from the public samples (see each file's comment). */
import { readFileSync } from 'node:fs';

export type ActiveMqFixture =
  | 'amazonmq-default-config.xml'
  | 'lab6-with-webconsole.xml'
  | 'lab6-authorization-plugin-fragment.xml'
  | 'ldap-cached-map.xml'
  | 'prefixed-namespace.xml';

export const readActiveMqFixture = (name: ActiveMqFixture): string =>
  readFileSync(new URL(`../../fixtures/activemq/${name}`, import.meta.url), 'utf8');

export const toBase64 = (text: string | Uint8Array): string => Buffer.from(text).toString('base64');

export const CORE_NAMESPACE = 'http://activemq.apache.org/schema/core';

/** A configuration whose `<plugins>` holds `plugins` (XML text), as Amazon MQ stores one. */
export const brokerXml = (plugins: string, brokerAttributes = ''): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<broker xmlns="${CORE_NAMESPACE}"${brokerAttributes}>\n  <plugins>\n${plugins}\n  </plugins>\n</broker>\n`;

/** A configuration whose authorizationMap holds `entries` (XML text) in authorizationEntries. */
export const mapXml = (entries: string): string =>
  brokerXml(
    `<authorizationPlugin><map><authorizationMap><authorizationEntries>${entries}</authorizationEntries></authorizationMap></map></authorizationPlugin>`,
  );
