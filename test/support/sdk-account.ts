/**
 * A recorded account (events/accounts/*.json, SDK output shapes) served to the REAL SDK clients
 * through aws-sdk-client-mock: every `client.send` of the mocked client classes is answered from an
 * in-memory copy of the account, with the APIs' semantics (filters, NotFound errors, pagination),
 * and EC2 writes change that copy as EC2 would. So the handlers run with their real adapters
 * (shared/aws/*), and a test can inject faults per operation or per call and change the account
 * between two calls (a broker deleted between ListBrokers and DescribeBroker, a rule revoked between
 * the re-read and the revoke).
 *
 * The answering core is copied from test/bench/children/simulated-aws.ts (the bench file is left as
 * it is); this copy drops the latency and the token bucket, applies rule tags from
 * TagSpecifications, answers the Config, Lambda and SNS writes, keeps the DynamoDB alert-state table
 * (conditional updates interpreted as DynamoDB does), and adds fault injection and hooks.
 *
 * Errors are the services' own ServiceException classes with `name` and `$metadata` as the SDK raises
 * them: `name` is the exception name the SDK gives the AWS error code (Amazon SNS, an AWS Query service,
 * answers `NotFound` on the wire and the SDK raises NotFoundException with `Code` = `NotFound`); a timeout is a plain `TimeoutError` without `$metadata`, as the
 * SDK's HTTP handler raises it.
 */
import { ConfigServiceClient, ConfigServiceServiceException } from '@aws-sdk/client-config-service';
import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import { LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import { MqClient, MqServiceException } from '@aws-sdk/client-mq';
import { SecurityHubServiceException } from '@aws-sdk/client-securityhub';
import { SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import { OrganizationsServiceException } from '@aws-sdk/client-organizations';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describeConfigurationAnswer } from './recorded-configuration.ts';
import {
  type AnswerTools,
  describeManagedPrefixLists,
  getManagedPrefixListAssociations,
  getManagedPrefixListEntries,
} from './recorded-prefix-lists.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Item = { [key: string]: Json };

export interface AccountFile {
  readonly account: string;
  readonly region: string;
  brokers: Item[];
  configurations: Item[];
  securityGroups: Item[];
  securityGroupRules: Item[];
  networkInterfaces: Item[];
  kmsKeys: Item[];
  brokerEngineTypes?: Item[];
  /**
   * DescribeManagedPrefixLists items, each with its GetManagedPrefixListEntries `Entries` and, optionally,
   * its GetManagedPrefixListAssociations `Associations` (else the groups whose rules name the list).
   */
  prefixLists?: Item[];
  /**
   * `prefixLists`: GetManagedPrefixListEntries answers UnauthorizedOperation;
   * `prefixListAssociations`: GetManagedPrefixListAssociations does.
   */
  denied?: { kms?: string[]; prefixLists?: string[]; prefixListAssociations?: string[] };
}

/**
 * Services answered. SSM and Security Hub are answered only over the wire (test/support/loopback-aws):
 * their adapters' own tests mock those clients, so install() leaves them alone.
 */
export type Service =
  | 'ec2'
  | 'mq'
  | 'kms'
  | 'config-service'
  | 'lambda'
  | 'sns'
  | 'dynamodb'
  | 'ssm'
  | 'securityhub'
  | 'sts'
  | 'organizations';

export interface SdkCall {
  /** Position among all calls since the last reset, from 0. */
  readonly index: number;
  readonly service: Service;
  readonly operation: string;
  readonly input: Item;
  /** The error name the call was answered with (injected or by the simulated API). */
  error?: string;
  /** True when the error was injected by a fault rule. */
  injected?: boolean;
  output?: unknown;
}

/** Reads: Describe*, List*, Get*. Everything else (Authorize, Revoke, PutEvaluations, Invoke, Publish, ...) mutates. */
export const isReadOperation = (operation: string): boolean => /^(Describe|List|Get)/.test(operation);
export const EC2_WRITES: ReadonlySet<string> = new Set([
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ModifySecurityGroupRules',
]);

// -------------------------------------------------------------------------------------------------
// Errors as the SDK raises them

const EXCEPTIONS = {
  ec2: EC2ServiceException,
  mq: MqServiceException,
  kms: KMSServiceException,
  'config-service': ConfigServiceServiceException,
  lambda: LambdaServiceException,
  sns: SNSServiceException,
  dynamodb: DynamoDBServiceException,
  ssm: SSMServiceException,
  securityhub: SecurityHubServiceException,
  sts: STSServiceException,
  organizations: OrganizationsServiceException,
} as const;

let requestNumber = 0;

/**
 * Amazon SNS's wire codes for its modelled errors (the SDK model's awsQueryError trait): the SDK raises
 * each as the exception named on the left and keeps the wire code in `Code`.
 */
const SNS_WIRE_CODES: Readonly<Record<string, string>> = {
  AuthorizationErrorException: 'AuthorizationError',
  InternalErrorException: 'InternalError',
  InvalidParameterException: 'InvalidParameter',
  NotFoundException: 'NotFound',
  ThrottledException: 'Throttled',
};

/** A service error of `service` with AWS error code `name`, as the SDK throws it. */
export const serviceError = (
  service: Service,
  name: string,
  message: string,
  httpStatusCode = 400,
): Error => {
  requestNumber += 1;
  const Exception = EXCEPTIONS[service] as unknown as new (options: {
    name: string;
    message: string;
    $fault: 'client' | 'server';
    $metadata: { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number };
  }) => Error;
  const error = new Exception({
    name,
    message,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: {
      httpStatusCode,
      requestId: `00000000-0000-4000-8000-${String(requestNumber).padStart(12, '0')}`,
      attempts: 1,
      totalRetryDelay: 0,
    },
  });
  return service === 'sns' ? Object.assign(error, { Code: SNS_WIRE_CODES[name] ?? name }) : error;
};

export const FAULT_KINDS = ['throttling', 'server-error', 'timeout', 'access-denied', 'not-found'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const THROTTLING: Record<Service, [string, number]> = {
  ec2: ['RequestLimitExceeded', 503],
  mq: ['TooManyRequestsException', 429],
  kms: ['ThrottlingException', 400],
  'config-service': ['ThrottlingException', 400],
  lambda: ['TooManyRequestsException', 429],
  sns: ['ThrottledException', 429],
  dynamodb: ['ProvisionedThroughputExceededException', 400],
  ssm: ['ThrottlingException', 400],
  securityhub: ['LimitExceededException', 429],
  sts: ['Throttling', 400],
  organizations: ['TooManyRequestsException', 400],
};
const SERVER_ERROR: Record<Service, [string, number]> = {
  ec2: ['InternalError', 500],
  mq: ['InternalServerErrorException', 500],
  kms: ['KMSInternalException', 500],
  'config-service': ['InternalFailure', 500],
  lambda: ['ServiceException', 500],
  sns: ['InternalErrorException', 500],
  dynamodb: ['InternalServerError', 500],
  ssm: ['InternalServerError', 500],
  securityhub: ['InternalException', 500],
  sts: ['InternalFailure', 500],
  organizations: ['ServiceException', 500],
};
const ACCESS_DENIED: Record<Service, [string, number]> = {
  ec2: ['UnauthorizedOperation', 403],
  mq: ['ForbiddenException', 403],
  kms: ['AccessDeniedException', 400],
  'config-service': ['AccessDeniedException', 400],
  lambda: ['AccessDeniedException', 403],
  sns: ['AuthorizationErrorException', 403],
  dynamodb: ['AccessDeniedException', 400],
  ssm: ['AccessDeniedException', 400],
  securityhub: ['AccessDeniedException', 403],
  sts: ['AccessDenied', 403],
  organizations: ['AccessDeniedException', 400],
};
const NOT_FOUND: Record<string, [string, number]> = {
  'ec2:DescribeSecurityGroups': ['InvalidGroup.NotFound', 400],
  'ec2:DescribeSecurityGroupRules': ['InvalidSecurityGroupRuleId.NotFound', 400],
  'ec2:DescribeNetworkInterfaces': ['InvalidNetworkInterfaceID.NotFound', 400],
  'ec2:GetManagedPrefixListEntries': ['InvalidPrefixListID.NotFound', 400],
  'ec2:GetManagedPrefixListAssociations': ['InvalidPrefixListID.NotFound', 400],
  'ec2:AuthorizeSecurityGroupIngress': ['InvalidGroup.NotFound', 400],
  'ec2:RevokeSecurityGroupIngress': ['InvalidSecurityGroupRuleId.NotFound', 400],
  'config-service:GetResourceConfigHistory': ['ResourceNotDiscoveredException', 400],
  'config-service:PutEvaluations': ['NoSuchConfigRuleException', 400],
  'config-service:StartConfigRulesEvaluation': ['NoSuchConfigRuleException', 400],
  'lambda:Invoke': ['ResourceNotFoundException', 404],
  'sns:Publish': ['NotFoundException', 404],
  'dynamodb:BatchGetItem': ['ResourceNotFoundException', 400],
  'dynamodb:UpdateItem': ['ResourceNotFoundException', 400],
  'ssm:GetParameter': ['ParameterNotFound', 400],
};

/** The error a fault of `kind` on `service:operation` is answered with. */
export const faultError = (kind: FaultKind, service: Service, operation: string): Error => {
  switch (kind) {
    case 'timeout':
      // The SDK's HTTP handler: no response, so no $metadata.
      return Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' });
    case 'throttling': {
      const [name, status] = THROTTLING[service];
      return serviceError(service, name, 'Rate exceeded', status);
    }
    case 'server-error': {
      const [name, status] = SERVER_ERROR[service];
      return serviceError(service, name, 'We encountered an internal error. Please try again.', status);
    }
    case 'access-denied': {
      const [name, status] = ACCESS_DENIED[service];
      return serviceError(service, name, `You are not authorized to perform: ${operation}`, status);
    }
    case 'not-found': {
      const [name, status] = NOT_FOUND[`${service}:${operation}`] ?? ['NotFoundException', 404];
      return serviceError(service, name, `The resource of ${operation} does not exist`, status);
    }
  }
};

// -------------------------------------------------------------------------------------------------
// Fault rules and hooks

export interface FaultRule {
  /** `Operation`, `service:Operation` or a predicate; undefined: every call. */
  readonly on?: string | ((call: SdkCall) => boolean);
  /** Only the call with this index (SdkCall.index). */
  readonly atIndex?: number;
  /** Calls matching `on` to let through before failing (default 0). */
  readonly skip?: number;
  /** How many matching calls fail (default: all of them). */
  readonly times?: number;
  readonly error: Error | FaultKind | ((call: SdkCall) => Error);
}

interface ActiveFault {
  readonly rule: FaultRule;
  skipped: number;
  fired: number;
}

export type CallHook = (call: SdkCall, account: SdkAccount) => void;

const matches = (on: FaultRule['on'], call: SdkCall): boolean => {
  if (on === undefined) return true;
  if (typeof on === 'function') return on(call);
  return on.includes(':') ? on === `${call.service}:${call.operation}` : on === call.operation;
};

// -------------------------------------------------------------------------------------------------

const clone = <T>(value: T): T => structuredClone(value);

const toDate = (value: Json | undefined): Date | undefined =>
  typeof value === 'string' ? new Date(value) : undefined;

/** Filters as EC2 takes them: name → accepted values. Unknown filter names are refused, never ignored. */
const filtersOf = (input: Item, known: readonly string[]): Map<string, Set<string>> => {
  const filters = new Map<string, Set<string>>();
  for (const filter of (input.Filters as Item[] | undefined) ?? []) {
    const name = String(filter.Name);
    if (!known.includes(name)) throw new Error(`sdk-account: filter ${name} is not simulated`);
    if ((filter.Values as Json[] | undefined)?.length === 0) {
      throw serviceError('ec2', 'InvalidParameterValue', `The filter ${name} has no values`);
    }
    filters.set(name, new Set(((filter.Values as Json[]) ?? []).map(String)));
  }
  return filters;
};

/** One page of `items` (NextToken is the index of the next item, as a string). */
const page = <T>(items: readonly T[], input: Item, defaultSize: number): { items: T[]; next?: string } => {
  const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
  const size = typeof input.MaxResults === 'number' ? input.MaxResults : defaultSize;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: String(start + size) } : { items: slice };
};

const PREFIX_LIST_TOOLS: AnswerTools = {
  error: (name, message, httpStatusCode) => serviceError('ec2', name, message, httpStatusCode),
  filtersOf,
  page,
};

const CLIENTS: readonly { readonly service: Service; readonly Client: new (...args: never[]) => unknown }[] =
  [
    { service: 'ec2', Client: EC2Client },
    { service: 'mq', Client: MqClient },
    { service: 'kms', Client: KMSClient },
    { service: 'config-service', Client: ConfigServiceClient },
    { service: 'lambda', Client: LambdaClient },
    { service: 'sns', Client: SNSClient },
    { service: 'dynamodb', Client: DynamoDBClient },
  ];

const operationOf = (command: unknown): string => {
  const name = (command as { constructor?: { name?: unknown } })?.constructor?.name;
  if (typeof name !== 'string' || !/^[A-Z]\w*Command$/.test(name)) {
    throw new Error(`sdk-account: cannot tell the operation of ${String(name)}`);
  }
  return name.slice(0, -'Command'.length);
};

export class SdkAccount {
  #fileText: string;
  #state!: AccountFile;
  /** Set when the state may differ from the file: reset() parses the file again only then. */
  #dirty = true;
  #calls: SdkCall[] = [];
  #faults: ActiveFault[] = [];
  #before = new Map<string, CallHook[]>();
  #answers = new Map<string, (call: SdkCall) => unknown>();
  #ruleNumber = 1;
  /** SSM parameters by name (not part of the recorded-account file: the stack's own settings). */
  #parameters = new Map<string, { Type: string; Value: string }>();
  /** DynamoDB tables (the alert state): table → key → item, AttributeValue maps as DynamoDB stores them. */
  #tables = new Map<string, Map<string, Item>>();
  #stubs: ReturnType<typeof mockClient>[] = [];

  /** `file`: the account as JSON text or as a parsed object (events/accounts/README.md). */
  constructor(file: string | object) {
    this.#fileText = typeof file === 'string' ? file : JSON.stringify(file);
    this.reset();
  }

  /**
   * Routes every `send` of the EC2, Amazon MQ, KMS, Config, Lambda, SNS and DynamoDB client classes (every
   * instance, existing or future) to this account. Call once per test file.
   */
  install(): this {
    for (const { service, Client } of CLIENTS) {
      const stub = mockClient(Client as never) as unknown as ReturnType<typeof mockClient>;
      stub.send.callsFake(
        (command: { input?: object }) =>
          this.send(service, operationOf(command), (command.input ?? {}) as Item) as Promise<never>,
      );
      this.#stubs.push(stub);
    }
    return this;
  }

  restore(): void {
    for (const stub of this.#stubs) stub.restore();
    this.#stubs = [];
  }

  /** Serves another account file from now on (the mocks stay installed). */
  useFile(file: string | object): void {
    this.#fileText = typeof file === 'string' ? file : JSON.stringify(file);
    this.#dirty = true;
    this.reset();
  }

  /** Back to the file's state; calls, faults, hooks and answers cleared. Cheap when nothing was written. */
  reset(): void {
    if (this.#dirty) {
      this.#state = JSON.parse(this.#fileText) as AccountFile;
      this.#state.denied ??= {};
      this.#tables = new Map();
      this.#parameters = new Map();
      this.#dirty = false;
    }
    this.#calls = [];
    this.#faults = [];
    this.#before.clear();
    this.#answers.clear();
    // The stubs' own call history would grow without bound over thousands of fuzz runs.
    for (const stub of this.#stubs) stub.send.resetHistory();
  }

  /** Every call since the last reset or clearCalls, in order. */
  get calls(): readonly SdkCall[] {
    return this.#calls;
  }

  /** Forgets the calls so far (the state stays): for a second invocation against the same account. */
  clearCalls(): void {
    this.#calls = [];
    for (const stub of this.#stubs) stub.send.resetHistory();
  }

  /** Drops the fault rules, hooks and answers (the state and the calls stay): the fault is over. */
  clearFaults(): void {
    this.#faults = [];
    this.#before.clear();
    this.#answers.clear();
  }

  /** Calls that change something (attempted, whether they succeeded or not). */
  mutatingCalls(): SdkCall[] {
    return this.#calls.filter((c) => !isReadOperation(c.operation));
  }

  /** AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress / ModifySecurityGroupRules attempted. */
  ec2Writes(): SdkCall[] {
    return this.#calls.filter((c) => c.service === 'ec2' && EC2_WRITES.has(c.operation));
  }

  /** `service:Operation` of every call, in order. */
  operations(): string[] {
    return this.#calls.map((c) => `${c.service}:${c.operation}`);
  }

  /** The live state (mutate it only through the helpers below, or call markDirty()). */
  get state(): AccountFile {
    return this.#state;
  }

  markDirty(): void {
    this.#dirty = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Test controls

  /** Fails the calls the rule matches with its error. */
  fail(rule: FaultRule): this {
    this.#faults.push({ rule, skipped: 0, fired: 0 });
    return this;
  }

  /** Runs `hook` just before `operation` (`Operation` or `service:Operation`) is answered. */
  before(operation: string, hook: CallHook): this {
    const list = this.#before.get(operation) ?? [];
    list.push(hook);
    this.#before.set(operation, list);
    return this;
  }

  /** Answers `operation` with `answer(call)` instead of the simulation (a value, or a thrown error). */
  answer(operation: string, answer: (call: SdkCall) => unknown): this {
    this.#answers.set(operation, answer);
    return this;
  }

  ingressRules(groupId: string): Item[] {
    return this.#state.securityGroupRules.filter((r) => r.GroupId === groupId && r.IsEgress === false);
  }

  removeRule(ruleId: string): void {
    this.#dirty = true;
    this.#state.securityGroupRules = this.#state.securityGroupRules.filter(
      (r) => r.SecurityGroupRuleId !== ruleId,
    );
  }

  addRule(rule: Item): void {
    this.#dirty = true;
    this.#state.securityGroupRules.push(clone(rule));
  }

  /** Stores an SSM parameter (SecureString values are returned decrypted, as GetParameter WithDecryption does). */
  putParameter(name: string, value: string, type = 'SecureString'): void {
    this.#dirty = true;
    this.#parameters.set(name, { Type: type, Value: value });
  }

  removeBroker(brokerId: string): void {
    this.#dirty = true;
    this.#state.brokers = this.#state.brokers.filter((b) => b.BrokerId !== brokerId);
  }

  updateBroker(brokerId: string, change: (broker: Item) => void): void {
    this.#dirty = true;
    const broker = this.#state.brokers.find((b) => b.BrokerId === brokerId);
    if (!broker) throw new Error(`sdk-account: no broker ${brokerId}`);
    change(broker);
  }

  // ---------------------------------------------------------------------------------------------

  #hooks(call: SdkCall): CallHook[] {
    return [
      ...(this.#before.get(call.operation) ?? []),
      ...(this.#before.get(`${call.service}:${call.operation}`) ?? []),
    ];
  }

  #fault(call: SdkCall): Error | undefined {
    for (const active of this.#faults) {
      const { rule } = active;
      if (rule.atIndex !== undefined && rule.atIndex !== call.index) continue;
      if (!matches(rule.on, call)) continue;
      if (active.skipped < (rule.skip ?? 0)) {
        active.skipped += 1;
        continue;
      }
      if (active.fired >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
      active.fired += 1;
      const { error } = rule;
      if (typeof error === 'function') return error(call);
      if (typeof error === 'string') return faultError(error, call.service, call.operation);
      return error;
    }
    return undefined;
  }

  /** One SDK call. */
  async send(service: Service, operation: string, input: Item): Promise<unknown> {
    const call: SdkCall = { index: this.#calls.length, service, operation, input: clone(input) };
    this.#calls.push(call);
    for (const hook of this.#hooks(call)) {
      this.#dirty = true;
      hook(call, this);
    }
    const injected = this.#fault(call);
    if (injected) {
      call.error = injected.name;
      call.injected = true;
      throw injected;
    }
    try {
      if (!isReadOperation(operation)) this.#dirty = true;
      const override =
        this.#answers.get(`${service}:${operation}`) ?? this.#answers.get(operation) ?? undefined;
      const output = override ? override(call) : this.#answer(service, operation, input);
      call.output = output;
      return clone(output);
    } catch (error) {
      call.error = error instanceof Error ? error.name : String(error);
      throw error;
    }
  }

  #answer(service: Service, operation: string, input: Item): unknown {
    const key = `${service}:${operation}`;
    switch (key) {
      case 'mq:DescribeBroker':
        return this.#describeBroker(input);
      case 'mq:ListBrokers':
        return this.#listBrokers(input);
      case 'mq:DescribeConfigurationRevision':
        return this.#describeConfigurationRevision(input);
      case 'mq:DescribeConfiguration':
        return this.#describeConfiguration(input);
      case 'mq:DescribeBrokerEngineTypes':
        return this.#describeBrokerEngineTypes(input);
      case 'ec2:DescribeSecurityGroupRules':
        return this.#describeSecurityGroupRules(input);
      case 'ec2:DescribeSecurityGroups':
        return this.#describeSecurityGroups(input);
      case 'ec2:DescribeNetworkInterfaces':
        return this.#describeNetworkInterfaces(input);
      case 'ec2:DescribeManagedPrefixLists':
        return describeManagedPrefixLists(this.#state, PREFIX_LIST_TOOLS, input);
      case 'ec2:GetManagedPrefixListEntries':
        return getManagedPrefixListEntries(this.#state, PREFIX_LIST_TOOLS, input);
      case 'ec2:GetManagedPrefixListAssociations':
        return getManagedPrefixListAssociations(this.#state, PREFIX_LIST_TOOLS, input);
      case 'ec2:AuthorizeSecurityGroupIngress':
        return this.#authorizeIngress(input);
      case 'ec2:RevokeSecurityGroupIngress':
        return this.#revokeIngress(input);
      case 'kms:DescribeKey':
        return this.#describeKey(input);
      case 'lambda:Invoke':
        return input.InvocationType === 'Event' ? { StatusCode: 202 } : { StatusCode: 200 };
      case 'config-service:StartConfigRulesEvaluation':
        return {};
      case 'config-service:PutEvaluations':
        return { FailedEvaluations: [] };
      case 'config-service:GetResourceConfigHistory':
        return { configurationItems: [] };
      case 'sns:Publish':
        return { MessageId: `00000000-0000-4000-9000-${String(this.#calls.length).padStart(12, '0')}` };
      case 'dynamodb:BatchGetItem':
        return this.#batchGetItem(input);
      case 'dynamodb:UpdateItem':
        return this.#updateItem(input);
      case 'ssm:GetParameter':
        return this.#getParameter(input);
      case 'securityhub:BatchImportFindings': {
        const findings = (input.Findings as Item[] | undefined) ?? [];
        return { FailedCount: 0, SuccessCount: findings.length, FailedFindings: [] };
      }
      default:
        throw new Error(`sdk-account: ${key} is not simulated`);
    }
  }

  #getParameter(input: Item): unknown {
    const name = String(input.Name);
    const parameter = this.#parameters.get(name);
    if (!parameter) throw serviceError('ssm', 'ParameterNotFound', `Parameter ${name} not found.`);
    if (parameter.Type === 'SecureString' && input.WithDecryption !== true) {
      return { Parameter: { Name: name, Type: parameter.Type, Value: 'AQICAH…(encrypted)', Version: 1 } };
    }
    return {
      Parameter: {
        Name: name,
        Type: parameter.Type,
        Value: parameter.Value,
        Version: 1,
        ARN: `arn:aws:ssm:${this.#state.region}:${this.#state.account}:parameter/${name.replace(/^\//, '')}`,
        DataType: 'text',
      },
    };
  }

  #describeBroker(input: Item): unknown {
    const broker = this.#state.brokers.find((b) => b.BrokerId === input.BrokerId);
    if (!broker) {
      throw serviceError(
        'mq',
        'NotFoundException',
        `Can't find requested broker [${String(input.BrokerId)}].`,
        404,
      );
    }
    const output = clone(broker) as Record<string, unknown>;
    if (typeof broker.Created === 'string') output.Created = toDate(broker.Created);
    return output;
  }

  #listBrokers(input: Item): unknown {
    const summaries = this.#state.brokers.map((b) => ({
      BrokerArn: b.BrokerArn,
      BrokerId: b.BrokerId,
      BrokerName: b.BrokerName,
      BrokerState: b.BrokerState,
      Created: toDate(b.Created),
      DeploymentMode: b.DeploymentMode,
      EngineType: b.EngineType,
      HostInstanceType: b.HostInstanceType,
    }));
    const { items, next } = page(summaries, input, 100);
    return { BrokerSummaries: items, ...(next === undefined ? {} : { NextToken: next }) };
  }

  /** The file's `brokerEngineTypes` (none: an empty answer, which the check reads as "not listed"). */
  #describeBrokerEngineTypes(input: Item): unknown {
    const { items, next } = page(this.#state.brokerEngineTypes ?? [], input, 100);
    return { BrokerEngineTypes: clone(items), ...(next === undefined ? {} : { NextToken: next }) };
  }

  /** The file's configuration: Name, Description, and its highest revision as LatestRevision. */
  #describeConfiguration(input: Item): unknown {
    const configuration = this.#state.configurations.find((c) => c.Id === input.ConfigurationId);
    if (!configuration) {
      throw serviceError(
        'mq',
        'NotFoundException',
        `Can't find requested configuration [${String(input.ConfigurationId)}].`,
        404,
      );
    }
    return describeConfigurationAnswer(configuration, this.#state.region, this.#state.account);
  }

  #describeConfigurationRevision(input: Item): unknown {
    const configuration = this.#state.configurations.find((c) => c.Id === input.ConfigurationId);
    const revision = ((configuration?.Revisions as Item[] | undefined) ?? []).find(
      (r) => String(r.Revision) === String(input.ConfigurationRevision),
    );
    if (!configuration || !revision) {
      throw serviceError(
        'mq',
        'NotFoundException',
        `Can't find requested configuration [${String(input.ConfigurationId)}].`,
        404,
      );
    }
    return {
      ConfigurationId: configuration.Id,
      Created: new Date('2024-01-01T00:00:00.000Z'),
      Data: revision.Data,
      ...(revision.Description === undefined ? {} : { Description: revision.Description }),
    };
  }

  #describeSecurityGroupRules(input: Item): unknown {
    const filters = filtersOf(input, ['group-id', 'security-group-rule-id']);
    const ids = input.SecurityGroupRuleIds as string[] | undefined;
    for (const id of ids ?? []) {
      if (!this.#state.securityGroupRules.some((r) => r.SecurityGroupRuleId === id)) {
        throw serviceError(
          'ec2',
          'InvalidSecurityGroupRuleId.NotFound',
          `The security group rule ID '${id}' does not exist`,
        );
      }
    }
    const groups = filters.get('group-id');
    const ruleIds = filters.get('security-group-rule-id');
    const rules = this.#state.securityGroupRules.filter(
      (r) =>
        (groups === undefined || groups.has(String(r.GroupId))) &&
        (ruleIds === undefined || ruleIds.has(String(r.SecurityGroupRuleId))) &&
        (ids === undefined || ids.includes(String(r.SecurityGroupRuleId))),
    );
    const { items, next } = page(rules, input, 1000);
    return { SecurityGroupRules: clone(items), ...(next === undefined ? {} : { NextToken: next }) };
  }

  #describeSecurityGroups(input: Item): unknown {
    const filters = filtersOf(input, ['group-id', 'group-name']);
    const ids = input.GroupIds as string[] | undefined;
    for (const id of ids ?? []) {
      if (!this.#state.securityGroups.some((g) => g.GroupId === id)) {
        throw serviceError('ec2', 'InvalidGroup.NotFound', `The security group '${id}' does not exist`);
      }
    }
    const byId = filters.get('group-id');
    const byName = filters.get('group-name');
    const groups = this.#state.securityGroups.filter(
      (g) =>
        (byId === undefined || byId.has(String(g.GroupId))) &&
        (byName === undefined || byName.has(String(g.GroupName))) &&
        (ids === undefined || ids.includes(String(g.GroupId))),
    );
    const { items, next } = page(groups, input, 1000);
    return { SecurityGroups: clone(items), ...(next === undefined ? {} : { NextToken: next }) };
  }

  #describeNetworkInterfaces(input: Item): unknown {
    const groups = filtersOf(input, ['group-id']).get('group-id');
    const interfaces = this.#state.networkInterfaces.filter(
      (eni) =>
        groups === undefined ||
        ((eni.Groups as Item[] | undefined) ?? []).some((g) => groups.has(String(g.GroupId))),
    );
    const { items, next } = page(interfaces, input, 1000);
    return { NetworkInterfaces: clone(items), ...(next === undefined ? {} : { NextToken: next }) };
  }

  #authorizeIngress(input: Item): unknown {
    const groupId = String(input.GroupId);
    if (!this.#state.securityGroups.some((g) => g.GroupId === groupId)) {
      throw serviceError('ec2', 'InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    }
    const tags = ((input.TagSpecifications as Item[] | undefined) ?? [])
      .filter((spec) => spec.ResourceType === 'security-group-rule')
      .flatMap((spec) => (spec.Tags as Item[] | undefined) ?? []);
    const created: Item[] = [];
    for (const permission of (input.IpPermissions as Item[] | undefined) ?? []) {
      const protocol = String(permission.IpProtocol).toLowerCase();
      const ports =
        protocol === '-1'
          ? { FromPort: -1, ToPort: -1 }
          : { FromPort: permission.FromPort ?? -1, ToPort: permission.ToPort ?? -1 };
      const sources: Item[] = [
        ...((permission.IpRanges as Item[] | undefined) ?? []).map((r) => ({
          CidrIpv4: r.CidrIp ?? null,
          Description: r.Description ?? null,
        })),
        ...((permission.Ipv6Ranges as Item[] | undefined) ?? []).map((r) => ({
          CidrIpv6: r.CidrIpv6 ?? null,
          Description: r.Description ?? null,
        })),
        ...((permission.PrefixListIds as Item[] | undefined) ?? []).map((r) => ({
          PrefixListId: r.PrefixListId ?? null,
          Description: r.Description ?? null,
        })),
        ...((permission.UserIdGroupPairs as Item[] | undefined) ?? []).map((r) => ({
          ReferencedGroupInfo: { GroupId: r.GroupId ?? null, ...(r.UserId ? { UserId: r.UserId } : {}) },
          Description: r.Description ?? null,
        })),
      ];
      for (const source of sources) {
        const { Description, ...where } = source;
        const duplicate = this.#state.securityGroupRules.some(
          (r) =>
            r.GroupId === groupId &&
            r.IsEgress === false &&
            r.IpProtocol === protocol &&
            r.FromPort === ports.FromPort &&
            r.ToPort === ports.ToPort &&
            JSON.stringify(Object.keys(where).map((k) => [k, r[k] ?? null])) ===
              JSON.stringify(Object.entries(where)),
        );
        if (duplicate) {
          throw serviceError(
            'ec2',
            'InvalidPermission.Duplicate',
            'the specified rule "peer: …, TCP, from port: …, to port: …, ALLOW" already exists',
          );
        }
        const rule: Item = {
          SecurityGroupRuleId: `sgr-0f${(this.#ruleNumber++).toString(16).padStart(15, '0')}`,
          GroupId: groupId,
          GroupOwnerId: this.#state.account,
          IsEgress: false,
          IpProtocol: protocol,
          ...ports,
          ...where,
          ...(Description === null ? {} : { Description }),
          Tags: clone(tags),
        };
        this.#state.securityGroupRules.push(rule);
        created.push(clone(rule));
      }
    }
    return { Return: true, SecurityGroupRules: created };
  }

  #revokeIngress(input: Item): unknown {
    const groupId = String(input.GroupId);
    const ids = (input.SecurityGroupRuleIds as string[] | undefined) ?? [];
    if (ids.length === 0) throw new Error('sdk-account: only revokes by SecurityGroupRuleIds are simulated');
    const rules = this.#state.securityGroupRules;
    const missing = ids.find(
      (id) =>
        !rules.some((r) => r.SecurityGroupRuleId === id && r.GroupId === groupId && r.IsEgress === false),
    );
    if (missing !== undefined) {
      throw serviceError(
        'ec2',
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${missing}' does not exist`,
      );
    }
    const gone = new Set(ids);
    this.#state.securityGroupRules = rules.filter((r) => !gone.has(String(r.SecurityGroupRuleId)));
    return { Return: true };
  }

  /** Items of a DynamoDB table, by their key attribute's string value (for assertions). */
  tableItems(table: string): Map<string, Item> {
    return new Map(this.#tables.get(table) ?? []);
  }

  #table(name: string): Map<string, Item> {
    let table = this.#tables.get(name);
    if (!table) {
      table = new Map();
      this.#tables.set(name, table);
    }
    return table;
  }

  #batchGetItem(input: Item): unknown {
    const requests = (input.RequestItems ?? {}) as Record<string, Item>;
    const responses: Record<string, Item[]> = {};
    for (const [name, request] of Object.entries(requests)) {
      const table = this.#table(name);
      responses[name] = ((request.Keys as Item[] | undefined) ?? []).flatMap((key) => {
        const found = table.get(keyString(key));
        return found ? [clone(found)] : [];
      });
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  #updateItem(input: Item): unknown {
    const table = this.#table(String(input.TableName));
    const key = input.Key as Item;
    const id = keyString(key);
    const current = table.get(id);
    const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (input.ExpressionAttributeValues ?? {}) as Record<string, Item>;
    const context = { names, values };
    if (
      typeof input.ConditionExpression === 'string' &&
      !evaluateCondition(input.ConditionExpression, current, context)
    ) {
      throw serviceError('dynamodb', 'ConditionalCheckFailedException', 'The conditional request failed');
    }
    const next = applyUpdate(String(input.UpdateExpression ?? ''), clone(current ?? { ...key }), context);
    table.set(id, next);
    return {};
  }

  #describeKey(input: Item): unknown {
    const keyId = String(input.KeyId);
    const key = this.#state.kmsKeys.find((k) => {
      const aliases = (k.Aliases as string[] | undefined) ?? [];
      return (
        k.KeyId === keyId ||
        k.Arn === keyId ||
        aliases.includes(keyId) ||
        aliases.some((alias) => keyId === `arn:aws:kms:${this.#state.region}:${this.#state.account}:${alias}`)
      );
    });
    const names = key === undefined ? [keyId] : [keyId, String(key.KeyId), String(key.Arn)];
    if (names.some((name) => (this.#state.denied?.kms ?? []).includes(name))) {
      throw serviceError(
        'kms',
        'AccessDeniedException',
        `User is not authorized to perform kms:DescribeKey on ${keyId}`,
      );
    }
    if (key === undefined) throw serviceError('kms', 'NotFoundException', `Key '${keyId}' does not exist`);
    const { Aliases: _aliases, ...metadata } = clone(key);
    const output: Record<string, unknown> = { ...metadata };
    for (const field of ['CreationDate', 'DeletionDate', 'ValidTo']) {
      if (typeof metadata[field] === 'string') output[field] = toDate(metadata[field]);
    }
    return { KeyMetadata: output };
  }
}

// -------------------------------------------------------------------------------------------------
// DynamoDB expressions: the subset the alert-state store uses (shared/aws/dynamodb.ts), interpreted
// rather than matched, so that a changed expression is evaluated as DynamoDB would, or refused.

const keyString = (key: Item): string =>
  JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)));

interface ExpressionContext {
  readonly names: Record<string, string>;
  readonly values: Record<string, Item>;
}

const tokenize = (text: string): string[] => {
  const tokens = text.match(/\s*(<>|<=|>=|[=<>+(),[\]-]|[#:]?[A-Za-z_][A-Za-z0-9_]*|\d+)/g);
  if (!tokens || tokens.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) {
    throw new Error(`sdk-account: cannot read the DynamoDB expression ${text}`);
  }
  return tokens.map((t) => t.trim());
};

class Tokens {
  #at = 0;
  constructor(readonly list: string[]) {}
  peek(): string | undefined {
    return this.list[this.#at];
  }
  next(): string {
    const token = this.list[this.#at++];
    if (token === undefined) throw new Error('sdk-account: DynamoDB expression ends too early');
    return token;
  }
  expect(token: string): void {
    const got = this.next();
    if (got.toUpperCase() !== token.toUpperCase())
      throw new Error(`sdk-account: expected ${token}, got ${got}`);
  }
  done(): boolean {
    return this.#at >= this.list.length;
  }
}

type Path = (string | number)[];

const readPath = (tokens: Tokens, context: ExpressionContext): Path => {
  const first = tokens.next();
  const name = first.startsWith('#') ? context.names[first] : first;
  if (name === undefined) throw new Error(`sdk-account: no ExpressionAttributeNames entry for ${first}`);
  const path: Path = [name];
  while (tokens.peek() === '[') {
    tokens.next();
    path.push(Number(tokens.next()));
    tokens.expect(']');
  }
  return path;
};

const getPath = (item: Item | undefined, path: Path): Item | undefined => {
  let node: unknown = item;
  for (const part of path) {
    if (node === undefined) return undefined;
    if (typeof part === 'number') node = ((node as { L?: unknown[] }).L ?? [])[part];
    else node = (node as Record<string, unknown>)[part];
  }
  return node as Item | undefined;
};

const readOperand = (
  tokens: Tokens,
  item: Item | undefined,
  context: ExpressionContext,
): Item | undefined => {
  const token = tokens.peek() ?? '';
  if (token.startsWith(':')) {
    tokens.next();
    const value = context.values[token];
    if (value === undefined) throw new Error(`sdk-account: no ExpressionAttributeValues entry for ${token}`);
    return clone(value);
  }
  if (token === 'if_not_exists') {
    tokens.next();
    tokens.expect('(');
    const path = readPath(tokens, context);
    tokens.expect(',');
    const fallback = readOperand(tokens, item, context);
    tokens.expect(')');
    return clone(getPath(item, path)) ?? fallback;
  }
  if (token === 'list_append') {
    tokens.next();
    tokens.expect('(');
    const a = readOperand(tokens, item, context);
    tokens.expect(',');
    const b = readOperand(tokens, item, context);
    tokens.expect(')');
    return { L: [...((a?.L as Json[] | undefined) ?? []), ...((b?.L as Json[] | undefined) ?? [])] };
  }
  return clone(getPath(item, readPath(tokens, context)));
};

const compare = (a: Item | undefined, b: Item | undefined): number | undefined => {
  if (a === undefined || b === undefined) return undefined;
  if (a.N !== undefined && b.N !== undefined) return Number(a.N) - Number(b.N);
  if (a.S !== undefined && b.S !== undefined) return String(a.S).localeCompare(String(b.S));
  return undefined;
};

const readComparison = (tokens: Tokens, item: Item | undefined, context: ExpressionContext): boolean => {
  if (tokens.peek() === '(') {
    tokens.next();
    const inner = readOr(tokens, item, context);
    tokens.expect(')');
    return inner;
  }
  if (tokens.peek() === 'attribute_not_exists' || tokens.peek() === 'attribute_exists') {
    const negate = tokens.next() === 'attribute_not_exists';
    tokens.expect('(');
    const exists = getPath(item, readPath(tokens, context)) !== undefined;
    tokens.expect(')');
    return negate ? !exists : exists;
  }
  const left = readOperand(tokens, item, context);
  const op = tokens.next();
  const right = readOperand(tokens, item, context);
  const order = compare(left, right);
  if (order === undefined) return op === '<>' ? JSON.stringify(left) !== JSON.stringify(right) : false;
  switch (op) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      throw new Error(`sdk-account: comparison ${op} is not simulated`);
  }
};

const readAnd = (tokens: Tokens, item: Item | undefined, context: ExpressionContext): boolean => {
  let result = readComparison(tokens, item, context);
  while (tokens.peek()?.toUpperCase() === 'AND') {
    tokens.next();
    result = readComparison(tokens, item, context) && result;
  }
  return result;
};

const readOr = (tokens: Tokens, item: Item | undefined, context: ExpressionContext): boolean => {
  let result = readAnd(tokens, item, context);
  while (tokens.peek()?.toUpperCase() === 'OR') {
    tokens.next();
    result = readAnd(tokens, item, context) || result;
  }
  return result;
};

const evaluateCondition = (text: string, item: Item | undefined, context: ExpressionContext): boolean => {
  const tokens = new Tokens(tokenize(text));
  const result = readOr(tokens, item, context);
  if (!tokens.done()) throw new Error(`sdk-account: cannot read the DynamoDB condition ${text}`);
  return result;
};

const setPath = (item: Item, path: Path, value: Item | undefined): void => {
  const [head, ...rest] = path;
  if (head === undefined || typeof head === 'number' || rest.length > 0) {
    throw new Error('sdk-account: only top-level SET is simulated');
  }
  if (value === undefined) throw new Error(`sdk-account: SET ${head} to an absent value`);
  item[head] = value as Json;
};

const applyUpdate = (text: string, item: Item, context: ExpressionContext): Item => {
  const tokens = new Tokens(tokenize(text));
  // Every operand reads the item as it was before the update, as DynamoDB does.
  const before = clone(item);
  const removals: Path[] = [];
  while (!tokens.done()) {
    const clause = tokens.next().toUpperCase();
    if (clause === 'SET') {
      do {
        if (tokens.peek() === ',') tokens.next();
        const path = readPath(tokens, context);
        tokens.expect('=');
        let value = readOperand(tokens, before, context);
        if (tokens.peek() === '+' || tokens.peek() === '-') {
          const sign = tokens.next() === '+' ? 1 : -1;
          const other = readOperand(tokens, before, context);
          value = { N: String(Number(value?.N) + sign * Number(other?.N)) };
        }
        setPath(item, path, value);
      } while (tokens.peek() === ',');
    } else if (clause === 'REMOVE') {
      do {
        if (tokens.peek() === ',') tokens.next();
        removals.push(readPath(tokens, context));
      } while (tokens.peek() === ',');
    } else {
      throw new Error(`sdk-account: update clause ${clause} is not simulated`);
    }
  }
  // List elements by index, highest first, so that earlier indexes stay valid.
  const sorted = [...removals].sort((a, b) => Number(b[1] ?? -1) - Number(a[1] ?? -1));
  for (const path of sorted) {
    const [head, index] = path;
    if (typeof head !== 'string') continue;
    if (typeof index === 'number') {
      const list = (item[head] as { L?: Json[] } | undefined)?.L;
      if (list) list.splice(index, 1);
    } else {
      delete item[head];
    }
  }
  return item;
};
