/**
 * The JSON protocols: AWS JSON 1.0 (DynamoDB) and 1.1 (Config, KMS, SSM) — `POST /` with
 * `X-Amz-Target: <Service>.<Operation>` — and REST-JSON (Amazon MQ, Lambda, Security Hub), where the
 * operation's `http` trait binds members to the path, query string, headers and payload.
 *
 * Rules from the Smithy specifications ("AWS JSON 1.0/1.1 protocol", "AWS restJson1 protocol"):
 * JSON 1.x ignores `jsonName`, REST-JSON honours it (Amazon MQ's camelCase `brokerId`); timestamps are
 * epoch seconds unless the member says otherwise (Amazon MQ's `created` is `date-time`); blobs base64.
 * Errors: JSON 1.x `{"__type": "…#Code", "message": "…"}`; REST-JSON the same body with the code also
 * in the `X-Amzn-ErrorType` header (AWS documentation, "Error responses" of the Amazon MQ and Lambda
 * API references; the SDKs' protocol tests `awsJson1_1`/`restJson1` "parses the error type").
 */
import {
  base64,
  formatTimestamp,
  members,
  type Schema,
  scalarFromText,
  type TimestampFormat,
  timestampFormat,
  toDate,
  traitsOf,
  WireInputError,
} from './shapes.ts';

export interface JsonFlavour {
  readonly useJsonName: boolean;
}

const memberKey = (flavour: JsonFlavour, memberName: string, schema: Schema): string => {
  const jsonName = traitsOf(schema).jsonName;
  return flavour.useJsonName && typeof jsonName === 'string' ? jsonName : memberName;
};

const DEFAULT_FORMAT: TimestampFormat = 'epoch-seconds';

export const toJsonValue = (flavour: JsonFlavour, schema: Schema, value: unknown): unknown => {
  if (value === undefined || value === null) return undefined;
  if (schema.isStructSchema()) return toJsonObject(flavour, schema, value as Record<string, unknown>);
  if (schema.isListSchema()) {
    return (value as unknown[]).map((item) => toJsonValue(flavour, schema.getValueSchema(), item));
  }
  if (schema.isMapSchema()) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        toJsonValue(flavour, schema.getValueSchema(), item),
      ]),
    );
  }
  if (schema.isTimestampSchema()) return formatTimestamp(value, timestampFormat(schema, DEFAULT_FORMAT));
  if (schema.isBlobSchema()) return base64(value);
  return value;
};

export const toJsonObject = (
  flavour: JsonFlavour,
  schema: Schema,
  value: Record<string, unknown>,
  only?: (memberName: string, member: Schema) => boolean,
): Record<string, unknown> => {
  const object: Record<string, unknown> = {};
  for (const [memberName, member] of members(schema)) {
    if (only && !only(memberName, member)) continue;
    const json = toJsonValue(flavour, member, value[memberName]);
    if (json !== undefined) object[memberKey(flavour, memberName, member)] = json;
  }
  return object;
};

export const fromJsonValue = (flavour: JsonFlavour, schema: Schema, json: unknown): unknown => {
  if (json === undefined || json === null) return undefined;
  if (schema.isStructSchema()) {
    if (typeof json !== 'object' || Array.isArray(json)) throw new WireInputError('expected a JSON object');
    return fromJsonObject(flavour, schema, json as Record<string, unknown>);
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(json)) throw new WireInputError('expected a JSON array');
    return json.map((item) => fromJsonValue(flavour, schema.getValueSchema(), item));
  }
  if (schema.isMapSchema()) {
    return Object.fromEntries(
      Object.entries(json as Record<string, unknown>).map(([key, item]) => [
        key,
        fromJsonValue(flavour, schema.getValueSchema(), item),
      ]),
    );
  }
  if (schema.isTimestampSchema()) return toDate(json);
  if (schema.isBlobSchema()) return scalarFromText(schema, String(json));
  if (schema.isNumericSchema() && typeof json !== 'number')
    throw new WireInputError(`${json} is not a number`);
  if (schema.isBooleanSchema() && typeof json !== 'boolean')
    throw new WireInputError(`${json} is not a boolean`);
  return json;
};

export const fromJsonObject = (
  flavour: JsonFlavour,
  schema: Schema,
  json: Record<string, unknown>,
): Record<string, unknown> => {
  const input: Record<string, unknown> = {};
  for (const [memberName, member] of members(schema)) {
    const value = fromJsonValue(flavour, member, json[memberKey(flavour, memberName, member)]);
    if (value !== undefined) input[memberName] = value;
  }
  return input;
};

export const jsonErrorBody = (code: string, message: string): string =>
  JSON.stringify({ __type: code, message });
