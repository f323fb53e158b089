/**
 * Amazon MQ for ActiveMQ configuration revision → the authorization map mq-guardian checks.
 *
 * The input is attacker-influenced (anyone allowed to call mq:UpdateConfiguration writes it), so the
 * parser is defensive: bounded size and depth, no DTDs at all (no entity expansion, no external
 * entities), only the five predefined XML entities and numeric character references are decoded,
 * and any shape it does not understand is a ConfigurationParseError (reported as ERROR, never PASS),
 * never a guess.
 */
import { PERMISSIONS } from './authorization.ts';
import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { ConfigurationParseError } from '../errors.ts';
import type {
  ActiveMqConfiguration,
  AuthorizationEntry,
  AuthorizationMap,
  DestinationType,
} from '../model/types.ts';

/** The namespace of every ActiveMQ (XBean) configuration element Amazon MQ accepts. */
export const ACTIVEMQ_CORE_NAMESPACE = 'http://activemq.apache.org/schema/core';

/**
 * Upper bound of a configuration revision, decoded. Neither the Amazon MQ quotas page nor the
 * Create/UpdateConfiguration API reference documents a size limit for `Data` (searched: "Quotas in
 * Amazon MQ" lists only the name and 300 revisions per configuration). Real configurations are small:
 * the console's default ActiveMQ configuration, full of comments, is about 8 KiB, and an entry of a
 * map takes about 150 bytes. The bound (with the tag and attribute counts below) keeps one hostile
 * revision from costing a Lambda invocation more than about a hundred milliseconds and a few MiB.
 */
export const MAX_CONFIGURATION_BYTES = 1024 * 1024;

/** Real configurations nest about 8 levels (broker/plugins/authorizationPlugin/map/…/authorizationEntry). */
export const MAX_ELEMENT_DEPTH = 64;

/**
 * Upper bounds of `<` characters (tags, comments, CDATA) and of `=` characters (attributes, plus any
 * `=` in values and text), counted before parsing. The console's default configuration has about 100
 * of each; a map of a thousand entries needs about 1,000 tags and 4,000 attributes. fast-xml-parser
 * spends roughly 10 µs per element and 4 µs per attribute (validation plus parsing, measured), so
 * these bounds keep the worst accepted input under about 100 ms, where 1 MiB of `<a/>` or of
 * attributes would take most of a second.
 */
export const MAX_TAG_COUNT = 5_000;
export const MAX_ATTRIBUTE_COUNT = 10_000;

const BASE64_ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_ENCODED_LENGTH = Math.ceil(MAX_CONFIGURATION_BYTES / 3) * 4;

const parseError = (message: string, cause?: unknown): ConfigurationParseError =>
  new ConfigurationParseError(message, cause === undefined ? undefined : { cause });

/** Quotes a piece of the input in an error message without letting it grow the message. */
const quote = (text: string): string => {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return `'${printable.length > 40 ? `${printable.slice(0, 40)}…` : printable}'`;
};

/** An element name in a message, clipped like quote(). */
const tag = (name: string): string => `<${name.length > 40 ? `${name.slice(0, 40)}…` : name}>`;

/** Messages of fast-xml-parser quote the input at length; findings must stay short. */
const clip = (message: string): string => (message.length > 160 ? `${message.slice(0, 160)}…` : message);

// ---------------------------------------------------------------------------------------------
// Base64 → text

/**
 * Decodes `DescribeConfigurationRevision.Data`: strict base64 (standard alphabet, padded, no
 * whitespace), at most MAX_CONFIGURATION_BYTES decoded, valid UTF-8, byte order mark removed.
 */
export const decodeConfigurationData = (base64: string): string => {
  if (typeof base64 !== 'string' || base64.length === 0) {
    throw parseError('Configuration data is empty.');
  }
  if (base64.length > MAX_ENCODED_LENGTH) {
    throw parseError(
      `Configuration data is larger than ${MAX_CONFIGURATION_BYTES} bytes decoded (${base64.length} base64 characters).`,
    );
  }
  // Buffer.from(…, 'base64') silently skips characters outside the alphabet: check first.
  if (base64.length % 4 !== 0 || !BASE64_ALPHABET.test(base64)) {
    throw parseError('Configuration data is not valid base64 (standard alphabet, padded, no whitespace).');
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_CONFIGURATION_BYTES) {
    throw parseError(`Configuration data is larger than ${MAX_CONFIGURATION_BYTES} bytes decoded.`);
  }
  let text: string;
  try {
    // ignoreBOM keeps a BOM in the output so that it is removed below, visibly, whatever the default.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw parseError('Configuration data is not valid UTF-8.', error);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
};

// ---------------------------------------------------------------------------------------------
// Lexical checks fast-xml-parser does not make

/** XML 1.0 `Char` production: a document may contain nothing else, not even escaped. */
const isXmlChar = (codePoint: number): boolean =>
  codePoint === 0x9 ||
  codePoint === 0xa ||
  codePoint === 0xd ||
  (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
  (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
  (codePoint >= 0x10000 && codePoint <= 0x10ffff);

const rejectIllegalCharacters = (xml: string): void => {
  for (let i = 0; i < xml.length; i++) {
    const unit = xml.charCodeAt(i);
    if (unit >= 0x20 && unit < 0xd800) continue;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = xml.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    const codePoint = unit >= 0xd800 && unit <= 0xdfff ? -1 : unit;
    if (!isXmlChar(codePoint)) {
      throw parseError(
        `Configuration contains a character XML does not allow (U+${unit.toString(16).toUpperCase().padStart(4, '0')} at offset ${i}).`,
      );
    }
  }
};

const countUpTo = (xml: string, char: string, limit: number): number => {
  let count = 0;
  for (
    let position = xml.indexOf(char);
    position !== -1 && count <= limit;
    position = xml.indexOf(char, position + 1)
  ) {
    count++;
  }
  return count;
};

const rejectExcessiveMarkup = (xml: string): void => {
  if (countUpTo(xml, '<', MAX_TAG_COUNT) > MAX_TAG_COUNT) {
    throw parseError(
      `Configuration has more than ${MAX_TAG_COUNT} tags; no Amazon MQ configuration is that large.`,
    );
  }
  if (countUpTo(xml, '=', MAX_ATTRIBUTE_COUNT) > MAX_ATTRIBUTE_COUNT) {
    throw parseError(
      `Configuration has more than ${MAX_ATTRIBUTE_COUNT} attributes; no Amazon MQ configuration is that large.`,
    );
  }
};

/**
 * Rejects every markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`…) outside comments and
 * CDATA sections. Without a DTD no entity can be declared: entity expansion ("billion laughs") and
 * external entities (`SYSTEM "file:///etc/passwd"`) are impossible by construction, whatever the
 * parser would have done with them. Amazon MQ configurations never carry a DTD.
 */
const rejectMarkupDeclarations = (xml: string): void => {
  let position = 0;
  for (;;) {
    const start = xml.indexOf('<!', position);
    if (start === -1) return;
    if (xml.startsWith('<!--', start)) {
      const end = xml.indexOf('-->', start + 4);
      if (end === -1) throw parseError('Configuration has an unterminated comment.');
      position = end + 3;
    } else if (xml.startsWith('<![CDATA[', start)) {
      const end = xml.indexOf(']]>', start + 9);
      if (end === -1) throw parseError('Configuration has an unterminated CDATA section.');
      position = end + 3;
    } else {
      const keyword = /^<!\s*([A-Za-z]*)/.exec(xml.slice(start, start + 20))?.[1]?.toUpperCase() ?? '';
      if (keyword === 'DOCTYPE' || keyword === 'ENTITY') {
        throw parseError(
          `Configuration has a <!${keyword}> declaration; DTDs and entity declarations are not allowed (no entity expansion, no external entities).`,
        );
      }
      throw parseError(
        `Configuration has a markup declaration ${quote(xml.slice(start, start + 12))}; none is allowed.`,
      );
    }
  }
};

/** Only whitespace, comments and processing instructions (the XML declaration) may surround the root. */
const checkMiscOnly = (text: string, where: string): void => {
  let position = 0;
  while (position < text.length) {
    const char = text[position];
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      position++;
    } else if (text.startsWith('<!--', position)) {
      const end = text.indexOf('-->', position + 4);
      position = end === -1 ? text.length : end + 3;
    } else if (text.startsWith('<?', position)) {
      const end = text.indexOf('?>', position + 2);
      if (end === -1) throw parseError(`Configuration has an unterminated processing instruction ${where}.`);
      position = end + 2;
    } else {
      throw parseError(`Configuration has content ${where}: ${quote(text.slice(position, position + 20))}.`);
    }
  }
};

// ---------------------------------------------------------------------------------------------
// References and attribute values

/** The five entities XML predefines. A Map, so that no name can reach Object.prototype. */
const PREDEFINED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

const resolveReference = (name: string, where: string): string => {
  const predefined = PREDEFINED_ENTITIES.get(name);
  if (predefined !== undefined) return predefined;
  let codePoint = Number.NaN;
  if (/^#[0-9]{1,7}$/.test(name)) codePoint = Number.parseInt(name.slice(1), 10);
  else if (/^#x[0-9A-Fa-f]{1,6}$/.test(name)) codePoint = Number.parseInt(name.slice(2), 16);
  else if (name.startsWith('#'))
    throw parseError(`Malformed character reference ${quote(`&${name};`)} in ${where}.`);
  else
    throw parseError(
      `Undeclared entity ${quote(`&${name};`)} in ${where}; only the five predefined XML entities are allowed.`,
    );
  if (!isXmlChar(codePoint)) {
    throw parseError(
      `Character reference ${quote(`&${name};`)} in ${where} names a character XML does not allow.`,
    );
  }
  return String.fromCodePoint(codePoint);
};

/** Replaces `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` and `&#…;` references; anything else is an error. */
const decodeReferences = (raw: string, where: string): string => {
  if (!raw.includes('&')) return raw;
  const parts: string[] = [];
  let position = 0;
  for (;;) {
    const ampersand = raw.indexOf('&', position);
    if (ampersand === -1) {
      parts.push(raw.slice(position));
      return parts.join('');
    }
    const semicolon = raw.indexOf(';', ampersand + 1);
    // The longest legal reference is `&#x10FFFF;` / `&#1114111;`; names of undeclared entities fail anyway.
    if (semicolon === -1 || semicolon - ampersand > 64) {
      throw parseError(`Unescaped '&' in ${where}.`);
    }
    parts.push(raw.slice(position, ampersand), resolveReference(raw.slice(ampersand + 1, semicolon), where));
    position = semicolon + 1;
  }
};

/** XML 1.0 §3.3.3 attribute-value normalization for CDATA attributes, then reference decoding. */
const attributeValue = (raw: string, where: string): string => {
  if (raw.includes('<')) throw parseError(`Unescaped '<' in ${where}.`);
  return decodeReferences(raw.replace(/[\t\n\r]/g, ' '), where);
};

// ---------------------------------------------------------------------------------------------
// fast-xml-parser output → namespace-resolved elements

/** An element with its namespace resolved and its unprefixed attributes decoded. */
interface XmlElement {
  readonly namespace: string | null;
  readonly localName: string;
  /** Unprefixed attributes only: XBean reads no others. A Map: attribute names never touch prototypes. */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
}

/** One node of fast-xml-parser's `preserveOrder` output: `{ [tagName]: children, ':@'?: attributes }`. */
type OrderedNode = Record<string, unknown>;

const ATTRIBUTE_PREFIX = '@_';
const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
const NCNAME =
  /^[A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD][\w.\-\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]*$/;

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/** Splits a QName (Namespaces in XML 1.0 §4): at most one colon, both halves NCNames. */
const splitQName = (qname: string, what: string): { prefix: string | null; localName: string } => {
  const parts = qname.split(':');
  if (parts.length === 1 && NCNAME.test(qname)) return { prefix: null, localName: qname };
  if (parts.length === 2 && NCNAME.test(parts[0] ?? '') && NCNAME.test(parts[1] ?? '')) {
    return { prefix: parts[0] ?? '', localName: parts[1] ?? '' };
  }
  throw parseError(`Invalid ${what} name ${quote(qname)}.`);
};

/**
 * fast-xml-parser options. `preserveOrder` gives every element's children as an array, so repeated
 * elements (many authorizationEntry) never collapse into a single object and no `isArray` guessing is
 * needed. `processEntities: false` leaves references undecoded: decodeReferences above decodes exactly
 * the predefined entities and character references, nothing else. Attribute names are prefixed (`@_`)
 * so that no attribute can be called `__proto__` on the object fast-xml-parser builds; tag names that
 * are dangerous make fast-xml-parser throw, which is reported as a parse error.
 */
const PARSER_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  allowBooleanAttributes: false,
  removeNSPrefix: false,
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  cdataPropName: CDATA_KEY,
  textNodeName: TEXT_KEY,
  unpairedTags: [],
  stopNodes: [],
  maxNestedTags: MAX_ELEMENT_DEPTH,
  captureMetaData: true,
} satisfies X2jOptions;

// Typed as the `Symbol` wrapper by fast-xml-parser; it is a primitive symbol at run time.
const METADATA = XMLParser.getMetaDataSymbol() as unknown as symbol;

const elementName = (node: OrderedNode): string => {
  const names = Object.keys(node).filter((key) => key !== ATTRIBUTES_KEY);
  if (names.length !== 1 || names[0] === undefined) {
    throw parseError('Configuration could not be read: unexpected parser output.');
  }
  return names[0];
};

const toElement = (node: OrderedNode, inScope: ReadonlyMap<string, string>, depth: number): XmlElement => {
  if (depth > MAX_ELEMENT_DEPTH) {
    throw parseError(`Configuration nests elements deeper than ${MAX_ELEMENT_DEPTH} levels.`);
  }
  const qname = elementName(node);
  const rawAttributes = node[ATTRIBUTES_KEY];
  const attributeEntries: [string, string][] = [];
  if (rawAttributes !== undefined) {
    if (typeof rawAttributes !== 'object' || rawAttributes === null) {
      throw parseError('Configuration could not be read: unexpected parser output.');
    }
    for (const [key, value] of Object.entries(rawAttributes)) {
      if (!key.startsWith(ATTRIBUTE_PREFIX) || typeof value !== 'string') {
        throw parseError('Configuration could not be read: unexpected parser output.');
      }
      attributeEntries.push([key.slice(ATTRIBUTE_PREFIX.length), value]);
    }
  }

  // Namespace declarations first: they apply to the element that carries them.
  let namespaces = inScope;
  for (const [name, raw] of attributeEntries) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      const uri = attributeValue(raw, `the ${name} declaration`);
      if (namespaces === inScope) namespaces = new Map(inScope);
      const prefix = name === 'xmlns' ? '' : name.slice('xmlns:'.length);
      if (prefix !== '' && (!NCNAME.test(prefix) || uri === '')) {
        throw parseError(`Invalid namespace declaration ${quote(name)}.`);
      }
      (namespaces as Map<string, string>).set(prefix, uri);
    }
  }

  const { prefix, localName } = splitQName(qname, 'element');
  let namespace: string | null;
  if (prefix === null) {
    namespace = namespaces.get('') || null;
  } else if (prefix === 'xml') {
    namespace = XML_NAMESPACE;
  } else {
    const bound = namespaces.get(prefix);
    if (bound === undefined) throw parseError(`Element ${quote(qname)} uses an undeclared namespace prefix.`);
    namespace = bound;
  }

  const attributes = new Map<string, string>();
  for (const [name, raw] of attributeEntries) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const attribute = splitQName(name, 'attribute');
    const value = attributeValue(raw, `attribute ${quote(name)} of ${tag(qname)}`);
    // XBean reads unprefixed attributes only; prefixed ones (xsi:…, foreign namespaces) are not properties.
    if (attribute.prefix === null) attributes.set(attribute.localName, value);
    else if (attribute.prefix !== 'xml' && !namespaces.has(attribute.prefix)) {
      throw parseError(`Attribute ${quote(name)} uses an undeclared namespace prefix.`);
    }
  }

  const rawChildren = node[qname];
  if (!Array.isArray(rawChildren))
    throw parseError('Configuration could not be read: unexpected parser output.');
  const children: XmlElement[] = [];
  for (const child of rawChildren as unknown[]) {
    if (typeof child !== 'object' || child === null) {
      throw parseError('Configuration could not be read: unexpected parser output.');
    }
    const childNode = child as OrderedNode;
    if (Object.hasOwn(childNode, TEXT_KEY)) {
      const text = childNode[TEXT_KEY];
      if (typeof text === 'string') decodeReferences(text, `the text of ${tag(qname)}`);
      continue;
    }
    // CDATA is character data by definition: markup inside it is never an element.
    if (Object.hasOwn(childNode, CDATA_KEY)) continue;
    children.push(toElement(childNode, namespaces, depth + 1));
  }
  return { namespace, localName, attributes, children };
};

const readDocument = (xml: string): XmlElement => {
  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    const where = typeof col === 'number' ? `line ${line}, column ${col}` : `line ${line}`;
    throw parseError(`Configuration is not well-formed XML (${where}): ${clip(msg)}`);
  }
  let nodes: unknown;
  try {
    nodes = new XMLParser(PARSER_OPTIONS).parse(xml);
  } catch (error) {
    throw parseError(
      `Configuration could not be parsed: ${clip(error instanceof Error ? error.message : String(error))}`,
      error,
    );
  }
  if (!Array.isArray(nodes)) throw parseError('Configuration could not be read: unexpected parser output.');
  const roots = (nodes as OrderedNode[]).filter(
    (node) => !Object.hasOwn(node, TEXT_KEY) && !Object.hasOwn(node, CDATA_KEY),
  );
  const root = roots[0];
  if (roots.length !== 1 || root === undefined) {
    throw parseError(`Configuration must have exactly one root element (found ${roots.length}).`);
  }
  const position = (root as Record<symbol, { startIndex?: number; endIndex?: number } | undefined>)[METADATA];
  if (typeof position?.startIndex !== 'number' || typeof position.endIndex !== 'number') {
    throw parseError('Configuration could not be read: unexpected parser output.');
  }
  checkMiscOnly(xml.slice(0, position.startIndex), 'before the root element');
  checkMiscOnly(xml.slice(position.endIndex), 'after the root element');
  return toElement(root, new Map(), 1);
};

// ---------------------------------------------------------------------------------------------
// Elements → ActiveMqConfiguration

const isCore = (element: XmlElement, localName: string): boolean =>
  element.namespace === ACTIVEMQ_CORE_NAMESPACE && element.localName === localName;

const coreChildren = (element: XmlElement, localName: string): XmlElement[] =>
  element.children.filter((child) => isCore(child, localName));

/** ActiveMQ's AuthorizationEntry.setAdmin/Read/Write: comma-separated, each name trimmed, empties dropped. */
const groupList = (element: XmlElement, attribute: 'admin' | 'read' | 'write'): string[] => {
  const value = element.attributes.get(attribute);
  if (value === undefined) return [];
  const groups = new Set<string>();
  for (const part of value.split(',')) {
    const group = part.trim();
    if (group !== '') groups.add(group);
  }
  return [...groups];
};

const grants = (element: XmlElement) => ({
  admin: groupList(element, 'admin'),
  read: groupList(element, 'read'),
  write: groupList(element, 'write'),
});

const booleanAttribute = (element: XmlElement, name: string): boolean => {
  const value = element.attributes.get(name)?.trim();
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw parseError(`${tag(element.localName)} has ${name}=${quote(value)}; expected true or false.`);
};

const authorizationEntry = (element: XmlElement): AuthorizationEntry => {
  if (element.attributes.has('destination')) {
    // Not permitted by Amazon MQ, and it would override queue=/topic= in an order XBean decides.
    throw parseError('<authorizationEntry> with a destination= attribute is not supported.');
  }
  const queue = element.attributes.get('queue');
  const topic = element.attributes.get('topic');
  const temporary = booleanAttribute(element, 'tempQueue') || booleanAttribute(element, 'tempTopic');
  const kinds = [queue !== undefined, topic !== undefined, temporary].filter(Boolean).length;
  if (kinds !== 1) {
    throw parseError(
      kinds === 0
        ? '<authorizationEntry> names no destination (queue=, topic=, tempQueue= or tempTopic=).'
        : '<authorizationEntry> names more than one kind of destination; which one ActiveMQ uses is undefined.',
    );
  }
  if (temporary) return { destinationType: 'tempDestination', destination: '*', ...grants(element) };
  const destinationType: DestinationType = queue !== undefined ? 'queue' : 'topic';
  // ActiveMQDestination.setPhysicalName trims the name and refuses an empty one.
  const destination = (queue ?? topic ?? '').trim();
  if (destination === '')
    throw parseError(`<authorizationEntry> has an empty ${destinationType}= attribute.`);
  return { destinationType, destination, ...grants(element) };
};

/**
 * Children of a collection element must all be entry elements Amazon MQ permits there (developer
 * guide, "Permitted collections"): anything else is an unknown shape.
 */
const collectionEntries = (collection: XmlElement, entryNames: readonly string[]): XmlElement[] => {
  const entries = collection.children.filter((child) => child.namespace === ACTIVEMQ_CORE_NAMESPACE);
  for (const child of entries) {
    if (!entryNames.includes(child.localName)) {
      throw parseError(
        `${tag(collection.localName)} holds ${tag(child.localName)}; only ${entryNames.map((name) => `<${name}>`).join(' or ')} ${entryNames.length === 1 ? 'is' : 'are'} supported.`,
      );
    }
  }
  return entries;
};

const AUTHORIZATION_ENTRY = 'authorizationEntry';
const TEMP_ENTRY = 'tempDestinationAuthorizationEntry';

/** A tempDestinationAuthorizationEntry bean: grants only; it applies to every temporary destination. */
const tempEntry = (
  element: XmlElement,
  declaredIn: NonNullable<AuthorizationEntry['declaredIn']>,
): AuthorizationEntry => {
  for (const attribute of ['queue', 'topic', 'destination']) {
    if (element.attributes.has(attribute)) {
      throw parseError(
        `<${TEMP_ENTRY}> has a ${attribute}= attribute; it applies to temporary destinations only.`,
      );
    }
  }
  return { destinationType: 'tempDestination', destination: '*', declaredIn, ...grants(element) };
};

/**
 * List properties of the map that XBean sets once per element, a later element replacing an earlier
 * one (Spring does not merge them): two of them leave which entries are in force to that rule, and a
 * union of both could show grants ActiveMQ never applies.
 */
const SINGLE_LIST_PROPERTIES = ['authorizationEntries', 'defaultEntry'] as const;

const simpleMap = (element: XmlElement): AuthorizationMap => {
  for (const property of SINGLE_LIST_PROPERTIES) {
    const count = coreChildren(element, property).length;
    if (count > 1) {
      throw parseError(
        `<authorizationMap> has ${count} <${property}> elements; ActiveMQ does not add them together (one replaces the other), so which entries are in force is unknown.`,
      );
    }
  }
  const entries: AuthorizationEntry[] = [];
  for (const child of element.children) {
    if (child.namespace !== ACTIVEMQ_CORE_NAMESPACE) continue;
    switch (child.localName) {
      case 'authorizationEntries':
        // Amazon MQ permits tempDestinationAuthorizationEntry here too; ActiveMQ's XBean map takes it
        // as the map's temporary-destination entry, never as a queue or topic entry.
        for (const entry of collectionEntries(child, [AUTHORIZATION_ENTRY, TEMP_ENTRY])) {
          entries.push(
            entry.localName === TEMP_ENTRY
              ? tempEntry(entry, 'authorizationEntries')
              : authorizationEntry(entry),
          );
        }
        break;
      case TEMP_ENTRY: {
        // XBean property element wrapping the bean of the same name (the permitted form); a property
        // element that carries the grants itself is read as that bean.
        const beans = collectionEntries(child, [TEMP_ENTRY]);
        if (beans.length === 0 && PERMISSIONS.some((permission) => child.attributes.has(permission))) {
          entries.push(tempEntry(child, TEMP_ENTRY));
        }
        for (const entry of beans) entries.push(tempEntry(entry, TEMP_ENTRY));
        break;
      }
      case 'defaultEntry': {
        // DefaultAuthorizationMap.getAllEntries adds the default entry to every queue and topic lookup,
        // whatever its class: the same grants as entries on queue ">" and topic ">" (ActiveMQ unions
        // all matching entries). It is a single bean: XBean sets it from the first child bean only, so a
        // second one would add grants ActiveMQ never reads.
        const beans = collectionEntries(child, [AUTHORIZATION_ENTRY, TEMP_ENTRY]);
        if (beans.length > 1) {
          throw parseError(
            `<defaultEntry> holds ${beans.length} entries; ActiveMQ uses a single default entry, so which grants are in force is unknown.`,
          );
        }
        for (const entry of beans) {
          const groups = grants(entry);
          entries.push({ destinationType: 'queue', destination: '>', ...groups });
          entries.push({ destinationType: 'topic', destination: '>', ...groups });
        }
        break;
      }
      default:
        throw parseError(
          `<authorizationMap> holds ${tag(child.localName)}, which mq-guardian does not understand.`,
        );
    }
  }
  return { kind: 'simple', entries };
};

/** Attribute names never copied into the model: secrets have no business in findings or logs. */
const SECRET_ATTRIBUTE = /password|secret|credential/i;

const cachedLdapMap = (element: XmlElement): AuthorizationMap => {
  const ldapAttributes: Record<string, string> = Object.fromEntries(
    [...element.attributes].filter(([name]) => !SECRET_ATTRIBUTE.test(name)),
  );
  return { kind: 'cachedLdap', entries: [], ldapAttributes };
};

const authorizationMapOf = (plugin: XmlElement): AuthorizationMap | null => {
  const maps = coreChildren(plugin, 'map');
  if (maps.length > 1) throw parseError('<authorizationPlugin> has more than one <map>.');
  const map = maps[0];
  if (map === undefined) return null;
  const contents = map.children.filter((child) => child.namespace === ACTIVEMQ_CORE_NAMESPACE);
  if (contents.length > 1) throw parseError('<authorizationPlugin><map> holds more than one map.');
  const content = contents[0];
  if (content === undefined) return null;
  if (content.localName === 'authorizationMap') return simpleMap(content);
  if (content.localName === 'cachedLDAPAuthorizationMap') return cachedLdapMap(content);
  throw parseError(
    `<authorizationPlugin><map> holds ${tag(content.localName)}, which mq-guardian does not understand.`,
  );
};

/**
 * Parses an Amazon MQ for ActiveMQ configuration (XML text). The root must be `<broker>` in the
 * ActiveMQ core namespace (default namespace or any prefix bound to it), as every Amazon MQ
 * configuration is. Comments and CDATA are never elements, so a commented-out authorizationPlugin (the
 * console's default configuration) is no plugin.
 */
export const parseActiveMqConfiguration = (xml: string): ActiveMqConfiguration => {
  if (typeof xml !== 'string') throw parseError('Configuration is not text.');
  if (xml.length > MAX_CONFIGURATION_BYTES) {
    throw parseError(`Configuration is larger than ${MAX_CONFIGURATION_BYTES} characters.`);
  }
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  if (text.trim() === '') throw parseError('Configuration is empty.');
  rejectIllegalCharacters(text);
  rejectExcessiveMarkup(text);
  rejectMarkupDeclarations(text);
  const root = readDocument(text);
  if (!isCore(root, 'broker')) {
    throw parseError(
      `Configuration root is ${tag(root.localName)} in ${root.namespace === null ? 'no namespace' : quote(root.namespace)}; expected <broker> in ${ACTIVEMQ_CORE_NAMESPACE}.`,
    );
  }
  const pluginLists = coreChildren(root, 'plugins');
  // <plugins> is one list property of the broker bean: XBean sets it once per element and Spring does
  // not merge the lists (a later one replaces an earlier one), so an authorizationPlugin in one of
  // two <plugins> may not run at all. Which list wins is not mq-guardian's to guess.
  if (pluginLists.length > 1) {
    throw parseError(
      `Configuration has ${pluginLists.length} <plugins> elements; ActiveMQ does not add them together (one list replaces the other), so which plugins run is unknown.`,
    );
  }
  const plugins = pluginLists.flatMap((list) => coreChildren(list, 'authorizationPlugin'));
  if (plugins.length > 1) throw parseError('Configuration has more than one <authorizationPlugin>.');
  const plugin = plugins[0];
  if (plugin === undefined) return { authorizationPluginPresent: false, authorizationMap: null };
  return { authorizationPluginPresent: true, authorizationMap: authorizationMapOf(plugin) };
};

/** `DescribeConfigurationRevision.Data` → the parsed configuration. Throws ConfigurationParseError only. */
export const parseConfigurationData = (base64: string): ActiveMqConfiguration =>
  parseActiveMqConfiguration(decodeConfigurationData(base64));
