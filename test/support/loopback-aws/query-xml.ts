/**
 * The two query protocols: EC2 Query (`ec2Query`) and AWS Query (`awsQuery`, here SNS). Requests are
 * `application/x-www-form-urlencoded` bodies (`Action=…&Version=…&Member.1.Sub=…`), responses XML.
 *
 * Serialisation rules from the Smithy protocol specifications ("AWS EC2 query protocol", "AWS query
 * protocol"): EC2 input names come from `ec2QueryName`, else the capitalised `xmlName`, else the member
 * name; EC2 lists are always flattened (`SecurityGroupRuleId.1`); AWS Query lists are
 * `Name.member.N` unless `xmlFlattened`, maps `Name.entry.N.key` / `.value`.
 *
 * Response and error envelopes as AWS documents them:
 * - EC2: `<OperationResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>…` with the
 *   output members directly inside, lists as `<xxxSet><item>…</item></xxxSet>` (EC2 API Reference,
 *   e.g. DescribeSecurityGroupRules "Example response"; moto `moto/ec2/responses/security_groups.py`).
 *   Errors: `<Response><Errors><Error><Code>InvalidGroup.NotFound</Code><Message>…</Message></Error>
 *   </Errors><RequestID>…</RequestID></Response>` (EC2 API Reference, "Error codes for the Amazon
 *   EC2 API", "Error response").
 * - AWS Query (SNS): `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>
 *   <MessageId>…</MessageId></PublishResult><ResponseMetadata><RequestId>…</RequestId>
 *   </ResponseMetadata></PublishResponse>`; errors `<ErrorResponse><Error><Type>Sender</Type>
 *   <Code>…</Code><Message>…</Message></Error><RequestId>…</RequestId></ErrorResponse>` (Amazon SNS
 *   API Reference, Publish "Examples"; "Common Errors").
 */
import {
  escapeXml,
  members,
  type Schema,
  scalarFromText,
  scalarText,
  traitsOf,
  upperFirst,
  WireInputError,
} from './shapes.ts';

export type QueryFlavour = 'ec2' | 'aws';

const stringTrait = (schema: Schema, trait: string): string | undefined => {
  const value = traitsOf(schema)[trait];
  return typeof value === 'string' ? value : undefined;
};

const queryName = (flavour: QueryFlavour, memberName: string, schema: Schema): string =>
  flavour === 'ec2'
    ? (stringTrait(schema, 'ec2QueryName') ?? upperFirst(stringTrait(schema, 'xmlName') ?? memberName))
    : (stringTrait(schema, 'xmlName') ?? memberName);

const hasPrefix = (params: URLSearchParams, prefix: string): boolean => {
  for (const key of params.keys()) if (key === prefix || key.startsWith(`${prefix}.`)) return true;
  return false;
};

const readIndexed = (params: URLSearchParams, prefix: string, read: (path: string) => unknown): unknown[] => {
  const items: unknown[] = [];
  for (let index = 1; hasPrefix(params, `${prefix}.${index}`); index += 1) {
    items.push(read(`${prefix}.${index}`));
  }
  return items;
};

const readValue = (flavour: QueryFlavour, schema: Schema, params: URLSearchParams, path: string): unknown => {
  if (schema.isStructSchema()) {
    if (!hasPrefix(params, path)) return undefined;
    return readStruct(flavour, schema, params, `${path}.`);
  }
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const flattened = flavour === 'ec2' || traitsOf(schema).xmlFlattened !== undefined;
    const base = flattened ? path : `${path}.${stringTrait(member, 'xmlName') ?? 'member'}`;
    if (!hasPrefix(params, path)) return undefined;
    return readIndexed(params, base, (item) => readValue(flavour, member, params, item));
  }
  if (schema.isMapSchema()) {
    if (!hasPrefix(params, path)) return undefined;
    const keyName = stringTrait(schema.getKeySchema(), 'xmlName') ?? 'key';
    const valueName = stringTrait(schema.getValueSchema(), 'xmlName') ?? 'value';
    const base = traitsOf(schema).xmlFlattened !== undefined ? path : `${path}.entry`;
    const map: Record<string, unknown> = {};
    readIndexed(params, base, (entry) => {
      const key = params.get(`${entry}.${keyName}`);
      if (key === null) throw new WireInputError(`${entry}.${keyName} is missing`);
      map[key] = readValue(flavour, schema.getValueSchema(), params, `${entry}.${valueName}`);
      return key;
    });
    return map;
  }
  const text = params.get(path);
  return text === null ? undefined : scalarFromText(schema, text);
};

const readStruct = (
  flavour: QueryFlavour,
  schema: Schema,
  params: URLSearchParams,
  prefix: string,
): Record<string, unknown> => {
  const input: Record<string, unknown> = {};
  for (const [memberName, member] of members(schema)) {
    const value = readValue(flavour, member, params, `${prefix}${queryName(flavour, memberName, member)}`);
    if (value !== undefined) input[memberName] = value;
  }
  return input;
};

/** The SDK input object a query body stands for (`Action` and `Version` excluded). */
export const decodeQueryInput = (
  flavour: QueryFlavour,
  schema: Schema,
  params: URLSearchParams,
): Record<string, unknown> => readStruct(flavour, schema, params, '');

// -------------------------------------------------------------------------------------------------
// XML

/** Both query protocols name response elements by `xmlName`, else by the member name. */
const xmlElementName = (memberName: string, schema: Schema): string =>
  stringTrait(schema, 'xmlName') ?? memberName;

const writeValue = (flavour: QueryFlavour, schema: Schema, name: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (schema.isStructSchema()) {
    return `<${name}>${writeMembers(flavour, schema, value as Record<string, unknown>)}</${name}>`;
  }
  if (schema.isListSchema()) {
    const member = schema.getValueSchema();
    const items = value as unknown[];
    if (flavour !== 'ec2' && traitsOf(schema).xmlFlattened !== undefined) {
      return items.map((item) => writeValue(flavour, member, name, item)).join('');
    }
    const itemName = stringTrait(member, 'xmlName') ?? (flavour === 'ec2' ? 'item' : 'member');
    return `<${name}>${items.map((item) => writeValue(flavour, member, itemName, item)).join('')}</${name}>`;
  }
  if (schema.isMapSchema()) {
    const keyName = stringTrait(schema.getKeySchema(), 'xmlName') ?? 'key';
    const valueName = stringTrait(schema.getValueSchema(), 'xmlName') ?? 'value';
    const entries = Object.entries(value as Record<string, unknown>)
      .map(
        ([key, item]) =>
          `<entry><${keyName}>${escapeXml(key)}</${keyName}>${writeValue(flavour, schema.getValueSchema(), valueName, item)}</entry>`,
      )
      .join('');
    return `<${name}>${entries}</${name}>`;
  }
  return `<${name}>${escapeXml(scalarText(schema, value, 'date-time'))}</${name}>`;
};

const writeMembers = (flavour: QueryFlavour, schema: Schema, value: Record<string, unknown>): string =>
  members(schema)
    .map(([memberName, member]) =>
      writeValue(flavour, member, xmlElementName(memberName, member), value[memberName]),
    )
    .join('');

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export const ec2ResponseXml = (
  operation: string,
  schema: Schema,
  output: Record<string, unknown>,
  requestId: string,
): string =>
  `${XML_DECLARATION}<${operation}Response xmlns="${EC2_NAMESPACE}"><requestId>${requestId}</requestId>${writeMembers('ec2', schema, output)}</${operation}Response>`;

export const ec2ErrorXml = (code: string, message: string, requestId: string): string =>
  `${XML_DECLARATION}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`;

export const awsQueryResponseXml = (
  namespace: string,
  operation: string,
  schema: Schema,
  output: Record<string, unknown>,
  requestId: string,
): string =>
  `${XML_DECLARATION}<${operation}Response xmlns="${namespace}"><${operation}Result>${writeMembers('aws', schema, output)}</${operation}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;

export const awsQueryErrorXml = (
  namespace: string,
  code: string,
  message: string,
  status: number,
  requestId: string,
): string =>
  `${XML_DECLARATION}<ErrorResponse xmlns="${namespace}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
