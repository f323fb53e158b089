/**
 * A loopback AWS: one HTTP server on 127.0.0.1 (ephemeral port) that answers the operations
 * mq-guardian uses in each service's own wire protocol, from a recorded account
 * (events/accounts/README.md) held by a backend. The real SDK clients talk to it with nothing changed
 * but `endpoint` and static credentials (or AWS_ENDPOINT_URL), so their serialisation, signing,
 * parsing, retries and error mapping all run.
 *
 * - Protocol codecs: query-xml.ts (EC2 Query, AWS Query), json.ts (JSON 1.0/1.1), rest-json.ts.
 * - Semantics (filters, pagination by NextToken, NotFound and Duplicate errors, writes applied): the
 *   backend, by default test/support/sdk-account.ts. Any object with `send(service, operation, input)`
 *   returning the SDK's output shape (or throwing an error whose `name` is the AWS error code and whose
 *   `$metadata.httpStatusCode` is the status) can stand in, such as the bench's timed simulator.
 * - Faults: `inject` answers throttling and 5xx in the protocol's error shape, holds a request and
 *   drops the connection (a timeout as the client sees it), or cuts a body short.
 * - Every request is recorded (service, operation, decoded input, the caller's access key id) for
 *   assertions and for the IAM evaluation of what each function sent.
 *
 * Bounded: at most `maxLifetimeMs` alive (then it closes itself), request bodies at most 1 MiB, and
 * the server never keeps the process alive on its own (unref'd).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { faultError, type Item, type Service } from '../sdk-account.ts';
import { fromJsonObject, jsonErrorBody, toJsonObject } from './json.ts';
import {
  awsQueryErrorXml,
  awsQueryResponseXml,
  decodeQueryInput,
  ec2ErrorXml,
  ec2ResponseXml,
} from './query-xml.ts';
import { decodeRestInput, encodeRestOutput, parseJson } from './rest-json.ts';
import { serviceSpecs, type ServiceSpec } from './services.ts';
import { type OperationShapes, WireInputError } from './shapes.ts';

/** What answers the decoded calls. `SdkAccount` is one. */
export interface AwsBackend {
  send(service: Service, operation: string, input: Item): Promise<unknown>;
}

export interface WireRequest {
  /** SigV4 signing name: ec2, mq, config, kms, dynamodb, ssm, securityhub, sns, lambda. */
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** From the SigV4 credential scope: tells which function (which role) sent it. */
  readonly accessKeyId: string;
  readonly method: string;
  readonly path: string;
  /** Raw body as sent (query protocols: the form-encoded parameters). */
  readonly body: string;
  readonly input: Record<string, unknown>;
  /** The backend's answer (SDK output shape), when it answered. */
  output?: Record<string, unknown>;
  status?: number;
  /** The AWS error code answered, if any. */
  errorCode?: string;
  /** Set when a fault was injected into this request. */
  fault?: WireFaultKind;
}

export type WireFaultKind = 'throttling' | 'server-error' | 'timeout' | 'truncated';

export interface WireFault {
  /** `Operation` or `service:Operation` (signing name); undefined: every request. */
  readonly on?: string;
  readonly fault: WireFaultKind;
  /** Matching requests to let through first (default 0). */
  readonly skip?: number;
  /** How many matching requests fail (default: all). */
  readonly times?: number;
}

interface ActiveFault {
  readonly rule: WireFault;
  skipped: number;
  fired: number;
}

export interface LoopbackAwsOptions {
  readonly backend: AwsBackend;
  /** The server closes itself after this long (default 10 minutes). */
  readonly maxLifetimeMs?: number;
  /** How long a `timeout` fault holds a request before dropping the connection (default 100 ms). */
  readonly holdMs?: number;
}

/**
 * Pages hold at most this many items whatever MaxResults asks (AWS may return fewer items than asked
 * with a NextToken: "a request can return fewer results than MaxResults"), so that callers' paging
 * runs on small accounts too. Undefined: MaxResults decides.
 */
export type PageSize = number | undefined;

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_LIFETIME_MS = 10 * 60 * 1000;

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The parts of an error the protocols carry: code, message, status. */
interface WireError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

const asWireError = (error: unknown): WireError | undefined => {
  if (error instanceof WireInputError) {
    return { code: 'ValidationException', message: error.message, status: 400 };
  }
  const status = (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return undefined;
  // An AWS Query error keeps its wire code in `Code` (SNS: NotFoundException is `NotFound` on the wire).
  const code = (error as { Code?: unknown }).Code;
  return {
    code: typeof code === 'string' ? code : String((error as { name?: unknown }).name),
    message: String((error as { message?: unknown }).message ?? ''),
    status,
  };
};

export class LoopbackAws {
  readonly backend: AwsBackend;
  readonly #server: Server;
  readonly #holdMs: number;
  #url = '';
  #requests: WireRequest[] = [];
  #faults: ActiveFault[] = [];
  #unexpected: string[] = [];
  #lifetime: NodeJS.Timeout | undefined;
  /** See PageSize. */
  pageSize: PageSize;

  private constructor(options: LoopbackAwsOptions) {
    this.backend = options.backend;
    this.#holdMs = options.holdMs ?? 100;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server.keepAliveTimeout = 1000;
  }

  /** Starts a loopback AWS on 127.0.0.1 and an ephemeral port. */
  static async start(options: LoopbackAwsOptions): Promise<LoopbackAws> {
    const aws = new LoopbackAws(options);
    await new Promise<void>((resolve, reject) => {
      aws.#server.once('error', reject);
      aws.#server.listen(0, '127.0.0.1', () => resolve());
    });
    aws.#server.unref();
    const { port } = aws.#server.address() as AddressInfo;
    aws.#url = `http://127.0.0.1:${port}`;
    aws.#lifetime = setTimeout(() => void aws.stop(), options.maxLifetimeMs ?? DEFAULT_MAX_LIFETIME_MS);
    aws.#lifetime.unref();
    return aws;
  }

  /** `http://127.0.0.1:<port>`: the endpoint for every service. */
  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    if (this.#lifetime) clearTimeout(this.#lifetime);
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  get requests(): readonly WireRequest[] {
    return this.#requests;
  }

  /** Requests the loopback could not answer as AWS would (an operation or shape not simulated). */
  get unexpected(): readonly string[] {
    return this.#unexpected;
  }

  /** Forgets recorded requests, faults and unexpected requests; pages back to MaxResults. */
  clear(): void {
    this.pageSize = undefined;
    this.#requests = [];
    this.#faults = [];
    this.#unexpected = [];
  }

  inject(fault: WireFault): this {
    this.#faults.push({ rule: fault, skipped: 0, fired: 0 });
    return this;
  }

  #matchFault(request: WireRequest): WireFaultKind | undefined {
    for (const active of this.#faults) {
      const { on } = active.rule;
      if (on !== undefined && on !== request.operation && on !== `${request.service}:${request.operation}`) {
        continue;
      }
      if (active.skipped < (active.rule.skip ?? 0)) {
        active.skipped += 1;
        continue;
      }
      if (active.fired >= (active.rule.times ?? Number.POSITIVE_INFINITY)) continue;
      active.fired += 1;
      return active.rule.fault;
    }
    return undefined;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      response.writeHead(413).end();
      return;
    }
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', this.#url);
    const credential = CREDENTIAL.exec(String(request.headers.authorization ?? ''));
    const spec = credential ? serviceSpecs().get(credential[3] as string) : undefined;
    if (!credential || !spec) {
      this.#unexpected.push(`${request.method} ${url.pathname}: no known service in the credential scope`);
      response.writeHead(400, { 'content-type': 'text/plain' }).end('unknown service');
      return;
    }
    let decoded: { operation: OperationShapes; input: Record<string, unknown>; route?: unknown };
    try {
      decoded = decodeRequest(spec, request, url, body);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#unexpected.push(`${spec.signingName} ${request.method} ${url.pathname}: ${message}`);
      send(
        response,
        errorResponse(spec, 'Unknown', { code: 'InvalidAction', message, status: 400 }, requestId),
      );
      return;
    }
    const record: WireRequest = {
      service: spec.signingName,
      operation: decoded.operation.name,
      region: credential[2] as string,
      accessKeyId: credential[1] as string,
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      body: body.toString('utf8'),
      input: decoded.input,
    };
    this.#requests.push(record);
    const fault = this.#matchFault(record);
    if (fault) record.fault = fault;
    if (fault === 'timeout') {
      setTimeout(() => request.socket.destroy(), this.#holdMs).unref();
      return;
    }
    let answer: WireAnswer;
    if (fault === 'throttling' || fault === 'server-error') {
      const error = asWireError(faultError(fault, spec.service, record.operation)) as WireError;
      answer = errorResponse(spec, record.operation, error, requestId);
      record.errorCode = error.code;
    } else {
      answer = await this.#answer(spec, decoded.operation, decoded.input, record, requestId);
    }
    record.status = answer.status;
    if (fault === 'truncated') {
      response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      response.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      setTimeout(() => request.socket.destroy(), 10).unref();
      return;
    }
    send(response, answer);
  }

  async #answer(
    spec: ServiceSpec,
    operation: OperationShapes,
    input: Record<string, unknown>,
    record: WireRequest,
    requestId: string,
  ): Promise<WireAnswer> {
    try {
      const paged =
        this.pageSize !== undefined && typeof input.MaxResults === 'number'
          ? { ...input, MaxResults: Math.min(input.MaxResults, this.pageSize) }
          : input;
      const output = (await this.backend.send(spec.service, operation.name, paged as Item)) as Record<
        string,
        unknown
      >;
      record.output = output ?? {};
      return successResponse(spec, operation, output ?? {}, requestId);
    } catch (error) {
      if ((error as { name?: unknown }).name === 'TimeoutError') {
        // The backend's own timeout fault: answered as a dropped connection.
        record.fault = 'timeout';
        return { status: 0, headers: {}, body: Buffer.alloc(0), drop: true };
      }
      const wire = asWireError(error);
      if (!wire) {
        const message = error instanceof Error ? error.message : String(error);
        this.#unexpected.push(`${spec.signingName}:${operation.name}: ${message}`);
        record.errorCode = 'InternalFailure';
        return errorResponse(
          spec,
          operation.name,
          { code: 'InternalFailure', message, status: 500 },
          requestId,
        );
      }
      record.errorCode = wire.code;
      return errorResponse(spec, operation.name, wire, requestId);
    }
  }
}

interface WireAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly drop?: boolean;
}

const send = (response: ServerResponse, answer: WireAnswer): void => {
  if (answer.drop) {
    response.socket?.destroy();
    return;
  }
  response.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
  response.end(answer.body);
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const operationNamed = (spec: ServiceSpec, name: string | undefined): OperationShapes => {
  const operation = name === undefined ? undefined : spec.operations.get(name);
  if (!operation) throw new Error(`operation ${String(name)} is not simulated`);
  return operation;
};

const decodeRequest = (
  spec: ServiceSpec,
  request: IncomingMessage,
  url: URL,
  body: Buffer,
): { operation: OperationShapes; input: Record<string, unknown> } => {
  switch (spec.protocol) {
    case 'ec2Query':
    case 'awsQuery': {
      const params = new URLSearchParams(body.toString('utf8'));
      const operation = operationNamed(spec, params.get('Action') ?? undefined);
      const flavour = spec.protocol === 'ec2Query' ? 'ec2' : 'aws';
      return { operation, input: decodeQueryInput(flavour, operation.input, params) };
    }
    case 'awsJson1_0':
    case 'awsJson1_1': {
      const target = String(request.headers['x-amz-target'] ?? '');
      const [prefix, name] = target.split('.');
      if (prefix !== spec.target) throw new Error(`X-Amz-Target ${target} is not ${spec.target}.*`);
      const operation = operationNamed(spec, name);
      const json = body.length === 0 ? {} : (parseJson(body) as Record<string, unknown>);
      return { operation, input: fromJsonObject({ useJsonName: false }, operation.input, json) };
    }
    case 'restJson1': {
      for (const [name, route] of spec.routes) {
        if (route.method !== request.method) continue;
        const pathMatch = route.path.exec(url.pathname);
        if (!pathMatch) continue;
        const operation = operationNamed(spec, name);
        const input = decodeRestInput(operation, route, {
          pathMatch,
          query: url.searchParams,
          headers: request.headers,
          body,
        });
        return { operation, input };
      }
      throw new Error(`no simulated operation answers ${request.method} ${url.pathname}`);
    }
  }
};

const successResponse = (
  spec: ServiceSpec,
  operation: OperationShapes,
  output: Record<string, unknown>,
  requestId: string,
): WireAnswer => {
  switch (spec.protocol) {
    case 'ec2Query':
      return xml(200, ec2ResponseXml(operation.name, operation.output, output, requestId));
    case 'awsQuery':
      return xml(
        200,
        awsQueryResponseXml(spec.namespace as string, operation.name, operation.output, output, requestId),
      );
    case 'awsJson1_0':
    case 'awsJson1_1':
      return {
        status: 200,
        headers: {
          'content-type': `application/x-amz-json-${spec.protocol === 'awsJson1_0' ? '1.0' : '1.1'}`,
          'x-amzn-requestid': requestId,
        },
        body: Buffer.from(JSON.stringify(toJsonObject({ useJsonName: false }, operation.output, output))),
      };
    case 'restJson1': {
      const route = spec.routes.get(operation.name);
      if (!route) throw new Error(`no route for ${operation.name}`);
      const rest = encodeRestOutput(operation, route, output);
      return { ...rest, headers: { ...rest.headers, 'x-amzn-requestid': requestId } };
    }
  }
};

const xml = (status: number, text: string): WireAnswer => ({
  status,
  headers: { 'content-type': 'text/xml;charset=UTF-8' },
  body: Buffer.from(text),
});

const errorResponse = (
  spec: ServiceSpec,
  _operation: string,
  error: WireError,
  requestId: string,
): WireAnswer => {
  switch (spec.protocol) {
    case 'ec2Query':
      return xml(error.status, ec2ErrorXml(error.code, error.message, requestId));
    case 'awsQuery':
      return xml(
        error.status,
        awsQueryErrorXml(spec.namespace as string, error.code, error.message, error.status, requestId),
      );
    case 'awsJson1_0':
    case 'awsJson1_1':
    case 'restJson1':
      return {
        status: error.status,
        headers: {
          'content-type': spec.protocol === 'restJson1' ? 'application/json' : 'application/x-amz-json-1.1',
          'x-amzn-requestid': requestId,
          ...(spec.protocol === 'restJson1' ? { 'x-amzn-errortype': error.code } : {}),
        },
        body: Buffer.from(jsonErrorBody(error.code, error.message)),
      };
  }
};
