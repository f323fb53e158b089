/**
 * REST-JSON bindings (Amazon MQ, Lambda, Security Hub): which operation a method and path are, and
 * which members travel in the path (`httpLabel`), query string (`httpQuery`), headers (`httpHeader`),
 * status code (`httpResponseCode`) or as the raw payload (`httpPayload`), the rest in a JSON body.
 * The routes are the operations' own `http` traits, e.g. `GET /v1/brokers/{BrokerId}` (Amazon MQ REST
 * API Reference, "Brokers: Broker Id"), `POST /2015-03-31/functions/{FunctionName}/invocations`
 * (Lambda API Reference, Invoke), `POST /findings/import` (Security Hub API Reference).
 */
import { fromJsonObject, fromJsonValue, type JsonFlavour, toJsonObject, toJsonValue } from './json.ts';
import {
  members,
  type OperationShapes,
  type Schema,
  scalarFromText,
  scalarText,
  toBytes,
  traitsOf,
  WireInputError,
} from './shapes.ts';

const REST_JSON: JsonFlavour = { useJsonName: true };

export interface HttpRoute {
  readonly method: string;
  readonly path: RegExp;
  readonly labels: readonly string[];
  readonly status: number;
}

export const routeOf = (shapes: OperationShapes): HttpRoute => {
  const http = shapes.traits.http;
  if (!Array.isArray(http)) throw new Error(`loopback AWS: ${shapes.name} has no http trait`);
  const [method, uri, status] = http as [string, string, number];
  const [pathPart = ''] = uri.split('?');
  const labels: string[] = [];
  const pattern = pathPart
    .split('/')
    .map((segment) => {
      const label = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!label) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(label[1] as string);
      return label[2] === '+' ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { method, path: new RegExp(`^${pattern}$`), labels, status };
};

const binding = (member: Schema): 'label' | 'query' | 'header' | 'payload' | 'status' | 'body' => {
  const traits = traitsOf(member);
  if (traits.httpLabel) return 'label';
  if (traits.httpQuery !== undefined) return 'query';
  if (traits.httpHeader !== undefined) return 'header';
  if (traits.httpPayload) return 'payload';
  if (traits.httpResponseCode) return 'status';
  return 'body';
};

export interface RestRequest {
  readonly pathMatch: RegExpExecArray;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

const headerValue = (headers: RestRequest['headers'], name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
};

export const decodeRestInput = (
  shapes: OperationShapes,
  route: HttpRoute,
  request: RestRequest,
): Record<string, unknown> => {
  const input: Record<string, unknown> = {};
  const bodyMembers: string[] = [];
  for (const [memberName, member] of members(shapes.input)) {
    const traits = traitsOf(member);
    switch (binding(member)) {
      case 'label': {
        const index = route.labels.indexOf(memberName);
        const text = request.pathMatch[index + 1];
        if (text !== undefined) input[memberName] = scalarFromText(member, decodeURIComponent(text));
        break;
      }
      case 'query': {
        const name = String(traits.httpQuery);
        if (member.isListSchema()) {
          const values = request.query.getAll(name);
          if (values.length > 0)
            input[memberName] = values.map((v) => scalarFromText(member.getValueSchema(), v));
        } else {
          const text = request.query.get(name);
          if (text !== null) input[memberName] = scalarFromText(member, text);
        }
        break;
      }
      case 'header': {
        const text = headerValue(request.headers, String(traits.httpHeader));
        if (text !== undefined) input[memberName] = scalarFromText(member, text);
        break;
      }
      case 'payload':
        if (member.isBlobSchema() || member.isStringSchema()) {
          if (request.body.length > 0) {
            input[memberName] = member.isBlobSchema()
              ? new Uint8Array(request.body)
              : request.body.toString();
          }
        } else if (request.body.length > 0) {
          input[memberName] = fromJsonValue(REST_JSON, member, parseJson(request.body));
        }
        break;
      default:
        bodyMembers.push(memberName);
    }
  }
  if (bodyMembers.length > 0 && request.body.length > 0) {
    const json = parseJson(request.body) as Record<string, unknown>;
    const fromBody = fromJsonObject(REST_JSON, shapes.input, json);
    for (const name of bodyMembers) if (fromBody[name] !== undefined) input[name] = fromBody[name];
  }
  return input;
};

export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new WireInputError('the request body is not JSON');
  }
};

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export const encodeRestOutput = (
  shapes: OperationShapes,
  route: HttpRoute,
  output: Record<string, unknown>,
): RestResponse => {
  let status = route.status;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let payload: Buffer | undefined;
  for (const [memberName, member] of members(shapes.output)) {
    const value = output[memberName];
    if (value === undefined || value === null) continue;
    const traits = traitsOf(member);
    switch (binding(member)) {
      case 'status':
        status = Number(value);
        break;
      case 'header':
        headers[String(traits.httpHeader).toLowerCase()] = scalarText(member, value, 'http-date');
        break;
      case 'payload':
        payload =
          member.isBlobSchema() || member.isStringSchema()
            ? Buffer.from(toBytes(value))
            : Buffer.from(JSON.stringify(toJsonValue(REST_JSON, member, value)));
        if (member.isBlobSchema()) headers['content-type'] = 'application/octet-stream';
        break;
      default:
        break;
    }
  }
  const body =
    payload ??
    Buffer.from(
      JSON.stringify(
        toJsonObject(REST_JSON, shapes.output, output, (_, member) => binding(member) === 'body'),
      ),
    );
  return { status, headers, body };
};
