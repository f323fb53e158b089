/**
 * Values to and from the wire, driven by the service model the SDK itself carries (the Smithy schemas
 * every `@aws-sdk/client-*` command holds since 2025). The loopback AWS therefore speaks the member
 * names, list and map layouts and timestamp formats AWS publishes for each operation, the way moto
 * serialises from botocore's copy of the same models (getmoto/moto `moto/core/serialize.py`), instead
 * of from hand-kept tables.
 *
 * Where AWS's documented examples disagree with a model (none found for the operations served), the
 * contract tests hold the documented example: see test/integration/aws/wire/.
 */
import { NormalizedSchema } from '@smithy/core/schema';

export type Schema = NormalizedSchema;

interface OperationSchemaRef {
  readonly schema?: unknown;
}

export interface OperationShapes {
  readonly name: string;
  readonly input: Schema;
  readonly output: Schema;
  /** The operation's traits (`http` for REST protocols). */
  readonly traits: Record<string, unknown>;
}

/** The input and output schemas of a command class (`new DescribeBrokerCommand({}).schema`). */
export const operationShapes = (name: string, command: OperationSchemaRef): OperationShapes => {
  const schema = command.schema;
  if (!Array.isArray(schema) || schema[0] !== 9) {
    throw new Error(
      `loopback AWS: ${name} carries no operation schema (SDK older than the schema-based serde?)`,
    );
  }
  const [, , , traits, input, output] = schema as [number, string, string, unknown, unknown, unknown];
  return {
    name,
    input: NormalizedSchema.of(input as never),
    output: NormalizedSchema.of(output as never),
    traits: (typeof traits === 'object' && traits !== null ? traits : {}) as Record<string, unknown>,
  };
};

export const traitsOf = (schema: Schema): Record<string, unknown> =>
  schema.getMergedTraits() as Record<string, unknown>;

export const members = (schema: Schema): [string, Schema][] => [...schema.structIterator()];

/** Smithy timestamp formats by the schema's own number (5 date-time, 6 http-date, 7 epoch-seconds). */
export type TimestampFormat = 'date-time' | 'http-date' | 'epoch-seconds';

export const timestampFormat = (schema: Schema, protocolDefault: TimestampFormat): TimestampFormat => {
  const own = traitsOf(schema).timestampFormat;
  if (own === 'date-time' || own === 'http-date' || own === 'epoch-seconds') return own;
  switch (schema.getSchema()) {
    case 5:
      return 'date-time';
    case 6:
      return 'http-date';
    case 7:
      return 'epoch-seconds';
    default:
      return protocolDefault;
  }
};

export const toDate = (value: unknown): Date => {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new Error(`loopback AWS: ${JSON.stringify(value)} is not a timestamp`);
};

/** ISO 8601 without milliseconds when there are none, as AWS writes them. */
export const isoTimestamp = (date: Date): string => date.toISOString().replace('.000Z', 'Z');

export const formatTimestamp = (value: unknown, format: TimestampFormat): string | number => {
  const date = toDate(value);
  switch (format) {
    case 'date-time':
      return isoTimestamp(date);
    case 'http-date':
      return date.toUTCString();
    case 'epoch-seconds':
      return date.getTime() / 1000;
  }
};

export const toBytes = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new TextEncoder().encode(value);
  throw new Error('loopback AWS: a blob must be bytes or text');
};

export const base64 = (value: unknown): string => Buffer.from(toBytes(value)).toString('base64');

/** A scalar as text (query parameters, XML text, headers). */
export const scalarText = (schema: Schema, value: unknown, format: TimestampFormat): string => {
  if (schema.isTimestampSchema()) return String(formatTimestamp(value, format));
  if (schema.isBlobSchema()) return base64(value);
  return String(value);
};

/** Text (query parameter, XML element, header) to the scalar the SDK would have given. */
export const scalarFromText = (schema: Schema, text: string): unknown => {
  if (schema.isNumericSchema()) {
    const number = Number(text);
    if (text.trim() === '' || Number.isNaN(number)) throw new WireInputError(`${text} is not a number`);
    return number;
  }
  if (schema.isBooleanSchema()) {
    if (text !== 'true' && text !== 'false') throw new WireInputError(`${text} is not a boolean`);
    return text === 'true';
  }
  if (schema.isTimestampSchema()) return toDate(text);
  if (schema.isBlobSchema()) return new Uint8Array(Buffer.from(text, 'base64'));
  return text;
};

/** A request the services would refuse as malformed (400 with the protocol's validation error). */
export class WireInputError extends Error {
  override readonly name = 'WireInputError';
}

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);

export const lowerFirst = (name: string): string => name.charAt(0).toLowerCase() + name.slice(1);
export const upperFirst = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
