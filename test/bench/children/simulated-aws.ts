/**
 * A simulated AWS account behind the SDK clients' `send`: every SDK call of the code under test is
 * answered from a recorded-account file (SDK output shapes, events/accounts/README) after a fixed
 * latency, and recorded with when it started and ended, so the bench can tell sequential round trips
 * from parallel ones and the time spent waiting on "AWS" from the time spent computing.
 *
 * Round trips: calls that start while another is in flight are parallel. Calls whose latency ends in
 * the same millisecond complete in one timer callback, before any continuation runs, so the calls a
 * batch's completion triggers always see it as finished (Node runs microtasks between timer
 * callbacks, which would otherwise make a follow-up call look parallel to its own predecessors).
 *
 * The SDK boundary is prototype-stub.ts: `send` replaced on each client class's prototype.
 *
 * Optionally enforces the Amazon MQ account token bucket on the service side: a call beyond it is
 * answered with ThrottlingException (the stub bypasses the SDK's retries, so every
 * throttle reaches the code under test and is counted).
 */
import { describeConfigurationAnswer } from '../../support/recorded-configuration.ts';
import {
  type AnswerTools,
  describeManagedPrefixLists,
  getManagedPrefixListAssociations,
  getManagedPrefixListEntries,
} from '../../support/recorded-prefix-lists.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Item = { [key: string]: Json };

export interface AccountFile {
  readonly account: string;
  readonly region: string;
  readonly brokers: Item[];
  readonly configurations: Item[];
  readonly securityGroups: Item[];
  readonly securityGroupRules: Item[];
  readonly networkInterfaces: Item[];
  readonly kmsKeys: Item[];
  readonly brokerEngineTypes?: Item[];
  /** DescribeManagedPrefixLists items with their `Entries` (and optionally `Associations`). */
  readonly prefixLists?: Item[];
  readonly denied?: {
    readonly kms?: string[];
    readonly prefixLists?: string[];
    readonly prefixListAssociations?: string[];
  };
}

export interface CallRecord {
  readonly service: string;
  readonly operation: string;
  readonly startMs: number;
  endMs: number;
  /** Calls already in flight when this one started (0: a new sequential round trip). */
  readonly inFlightAtStart: number;
  /** 1 + the deepest call finished before this one started: its place on the critical path. */
  readonly depth: number;
  readonly throttled: boolean;
  /** The service error it was answered with, if any. */
  error?: string;
}

export interface TokenBucketLimits {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Operations that change what a broker exposes, or hand that change to the function that does. */
export const REMEDIATION_WRITES: ReadonlySet<string> = new Set([
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ModifySecurityGroupRules',
  'Invoke',
]);

export const isRead = (operation: string): boolean => /^(Describe|List|Get)/.test(operation);

class ServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: {
    httpStatusCode: number;
    requestId: string;
    attempts: number;
    totalRetryDelay: number;
  };

  constructor(name: string, message: string, httpStatusCode = 400) {
    super(message);
    this.name = name;
    this.$fault = httpStatusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode, requestId: 'bench-0000', attempts: 1, totalRetryDelay: 0 };
  }
}

const clone = <T>(value: T): T => structuredClone(value);

const toDate = (value: Json | undefined): Date | undefined =>
  typeof value === 'string' ? new Date(value) : undefined;

/** Filters as EC2 takes them: name → accepted values. Unknown filter names are refused, never ignored. */
const filtersOf = (input: Item, known: readonly string[]): Map<string, Set<string>> => {
  const filters = new Map<string, Set<string>>();
  for (const filter of (input.Filters as Item[] | undefined) ?? []) {
    const name = String(filter.Name);
    if (!known.includes(name)) throw new Error(`bench simulator: filter ${name} is not simulated`);
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
  error: (name, message, httpStatusCode) => new ServiceError(name, message, httpStatusCode),
  filtersOf,
  page,
};

export interface SimulatedAwsOptions {
  readonly latencyMs: number;
  readonly mqBucket?: TokenBucketLimits;
}

interface Batch {
  readonly records: CallRecord[];
  readonly resolvers: (() => void)[];
}

export class SimulatedAws {
  readonly latencyMs: number;
  /** The file as text: parsed afresh on every reset, so only one copy of the account is in memory. */
  readonly #fileText: string;
  readonly #mqBucket: TokenBucketLimits | undefined;
  #state!: AccountFile;
  #calls: CallRecord[] = [];
  #inFlight = 0;
  #deepestFinished = 0;
  #busySince = 0;
  #waitedMs = 0;
  #simulatorMs = 0;
  #tokens = 0;
  #refilledAt = 0;
  #ruleNumber = 1;
  readonly #batches = new Map<number, Batch>();

  constructor(fileText: string, options: SimulatedAwsOptions) {
    this.#fileText = fileText;
    this.latencyMs = options.latencyMs;
    this.#mqBucket = options.mqBucket;
    this.reset();
  }

  /** Back to the file's state, no calls recorded, a full token bucket. */
  reset(): void {
    if (this.#inFlight > 0) throw new Error('bench simulator: reset with calls in flight');
    this.#state = JSON.parse(this.#fileText) as AccountFile;
    this.#calls = [];
    this.#deepestFinished = 0;
    this.#waitedMs = 0;
    this.#simulatorMs = 0;
    this.#tokens = this.#mqBucket?.capacity ?? 0;
    this.#refilledAt = performance.now();
  }

  get calls(): readonly CallRecord[] {
    return this.#calls;
  }

  /** Time with at least one call in flight: the simulated waiting, as the code under test saw it. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** Time the simulator itself spent building answers (not the code under test's). */
  get simulatorMs(): number {
    return this.#simulatorMs;
  }

  #takeMqToken(now: number): boolean {
    const bucket = this.#mqBucket;
    if (bucket === undefined) return true;
    this.#tokens = Math.min(
      bucket.capacity,
      this.#tokens + ((now - this.#refilledAt) * bucket.refillPerSecond) / 1000,
    );
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #wait(record: CallRecord): Promise<void> {
    const due = Math.ceil(record.startMs + this.latencyMs);
    let batch = this.#batches.get(due);
    if (batch === undefined) {
      const created: Batch = { records: [], resolvers: [] };
      batch = created;
      this.#batches.set(due, created);
      setTimeout(() => this.#finish(due, created), Math.max(0, due - performance.now()));
    }
    batch.records.push(record);
    return new Promise((resolve) => batch.resolvers.push(resolve));
  }

  #finish(due: number, batch: Batch): void {
    this.#batches.delete(due);
    const now = performance.now();
    for (const record of batch.records) {
      record.endMs = now;
      this.#deepestFinished = Math.max(this.#deepestFinished, record.depth);
    }
    this.#inFlight -= batch.records.length;
    if (this.#inFlight === 0) this.#waitedMs += now - this.#busySince;
    for (const resolve of batch.resolvers) resolve();
  }

  /** One SDK call: answer computed now, delivered after the latency. */
  async send(service: string, operation: string, input: Item): Promise<unknown> {
    const startMs = performance.now();
    const throttled = service === 'mq' && !this.#takeMqToken(startMs);
    const record: CallRecord = {
      service,
      operation,
      startMs,
      endMs: Number.NaN,
      inFlightAtStart: this.#inFlight,
      depth: this.#deepestFinished + 1,
      throttled,
    };
    this.#calls.push(record);
    if (this.#inFlight === 0) this.#busySince = startMs;
    this.#inFlight += 1;
    let answer: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      if (throttled) throw new ServiceError('ThrottlingException', 'Rate exceeded', 429);
      answer = { ok: true, value: this.#answer(service, operation, input) };
    } catch (error) {
      answer = { ok: false, error };
      record.error = error instanceof Error ? error.name : String(error);
    }
    this.#simulatorMs += performance.now() - startMs;
    await this.#wait(record);
    if (!answer.ok) throw answer.error;
    return answer.value;
  }

  #answer(service: string, operation: string, input: Item): unknown {
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
        return { MessageId: `bench-${this.#calls.length}` };
      // Alert state: an empty table (every alert is new, the most calls); writes always succeed.
      case 'dynamodb:BatchGetItem':
        return {
          Responses: Object.fromEntries(
            Object.keys((input.RequestItems as Item | undefined) ?? {}).map((t) => [t, []]),
          ),
          UnprocessedKeys: {},
        };
      case 'dynamodb:UpdateItem':
      case 'dynamodb:PutItem':
        return {};
      case 'securityhub:BatchImportFindings':
        return {
          FailedCount: 0,
          SuccessCount: ((input.Findings as Json[]) ?? []).length,
          FailedFindings: [],
        };
      default:
        throw new Error(`bench simulator: ${key} is not simulated`);
    }
  }

  #describeBroker(input: Item): unknown {
    const broker = this.#state.brokers.find((b) => b.BrokerId === input.BrokerId);
    if (!broker)
      throw new ServiceError('NotFoundException', `Broker ${String(input.BrokerId)} not found`, 404);
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
      throw new ServiceError(
        'NotFoundException',
        `Configuration ${String(input.ConfigurationId)} not found`,
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
      throw new ServiceError(
        'NotFoundException',
        `Configuration ${String(input.ConfigurationId)} not found`,
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
        throw new ServiceError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
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
      throw new ServiceError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    }
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
            Object.keys(where).every((k) => JSON.stringify(r[k]) === JSON.stringify(where[k])),
        );
        if (duplicate)
          throw new ServiceError('InvalidPermission.Duplicate', 'the specified rule already exists');
        const rule: Item = {
          SecurityGroupRuleId: `sgr-b${(this.#ruleNumber++).toString(16).padStart(16, '0')}`,
          GroupId: groupId,
          GroupOwnerId: this.#state.account,
          IsEgress: false,
          IpProtocol: protocol,
          ...ports,
          ...where,
          ...(Description === null ? {} : { Description }),
          Tags: [],
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
    if (ids.length === 0)
      throw new Error('bench simulator: only revokes by SecurityGroupRuleIds are simulated');
    const rules = this.#state.securityGroupRules;
    const missing = ids.find(
      (id) =>
        !rules.some((r) => r.SecurityGroupRuleId === id && r.GroupId === groupId && r.IsEgress === false),
    );
    if (missing !== undefined) {
      throw new ServiceError(
        'InvalidSecurityGroupRuleId.NotFound',
        `The security group rule ID '${missing}' does not exist`,
      );
    }
    const gone = new Set(ids);
    (this.#state as { securityGroupRules: Item[] }).securityGroupRules = rules.filter(
      (r) => !gone.has(String(r.SecurityGroupRuleId)),
    );
    return { Return: true };
  }

  #describeKey(input: Item): unknown {
    const keyId = String(input.KeyId);
    const key = this.#state.kmsKeys.find((k) => {
      const aliases = ((k.Aliases as string[] | undefined) ?? []) as string[];
      return (
        k.KeyId === keyId ||
        k.Arn === keyId ||
        aliases.includes(keyId) ||
        aliases.some((alias) => keyId === `arn:aws:kms:${this.#state.region}:${this.#state.account}:${alias}`)
      );
    });
    const names = key === undefined ? [keyId] : [keyId, String(key.KeyId), String(key.Arn)];
    if (names.some((name) => (this.#state.denied?.kms ?? []).includes(name))) {
      throw new ServiceError(
        'AccessDeniedException',
        `User is not authorized to perform kms:DescribeKey on ${keyId}`,
      );
    }
    if (key === undefined) throw new ServiceError('NotFoundException', `Key '${keyId}' does not exist`);
    const { Aliases: _aliases, ...metadata } = clone(key);
    const output: Record<string, unknown> = { ...metadata };
    for (const field of ['CreationDate', 'DeletionDate', 'ValidTo']) {
      if (typeof metadata[field] === 'string') output[field] = toDate(metadata[field]);
    }
    return { KeyMetadata: output };
  }
}

export interface MockableClient {
  /** The service's name in records: `ec2`, `mq`, `kms`, `lambda`, `config-service`, ... */
  readonly service: string;
  /** Any SDK v3 client class (`never[]`: any constructor signature fits). */
  readonly Client: new (
    ...args: never[]
  ) => unknown;
}

/** The operation an SDK command stands for: its class name without `Command` (bundles keep names). */
export const operationOf = (command: unknown): string => {
  const name = (command as { constructor?: { name?: unknown } })?.constructor?.name;
  if (typeof name !== 'string' || !/^[A-Z]\w*Command$/.test(name)) {
    throw new Error(`bench simulator: cannot tell the operation of ${String(name)} (keepNames off?)`);
  }
  return name.slice(0, -'Command'.length);
};

/** Round trips that started with nothing in flight, before `until` (an index into `calls`). */
export const sequentialRoundTrips = (calls: readonly CallRecord[], until = calls.length): number =>
  calls.slice(0, until).filter((c) => c.inFlightAtStart === 0).length;

/**
 * Read round trips on the critical path before `until`: the deepest read's depth. Counting reads that
 * start with nothing in flight would miss a round that starts while a straggler of the previous one
 * is still in flight (a lazily loaded client's first call).
 */
export const sequentialReads = (calls: readonly CallRecord[], until = calls.length): number =>
  Math.max(
    0,
    ...calls
      .slice(0, until)
      .filter((c) => isRead(c.operation))
      .map((c) => c.depth),
  );

/** Calls by operation, `service:Operation` → count. */
export const countByOperation = (calls: readonly CallRecord[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.service}:${call.operation}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
};

/**
 * Time from `fromMs` to `untilMs` with no call in flight: the code under test's own time there. The
 * simulator answers a call while it is in flight (inside its latency), so its time is never in this.
 */
export const notInFlightMs = (calls: readonly CallRecord[], fromMs: number, untilMs: number): number => {
  const spans = calls
    .filter((c) => c.startMs < untilMs)
    .map((c) => ({
      start: Math.max(c.startMs, fromMs),
      end: Math.min(Number.isNaN(c.endMs) ? untilMs : c.endMs, untilMs),
    }))
    .sort((a, b) => a.start - b.start);
  let inFlight = 0;
  let cursor = fromMs;
  for (const { start, end } of spans) {
    if (end <= cursor) continue;
    inFlight += end - Math.max(start, cursor);
    cursor = end;
  }
  return untilMs - fromMs - inFlight;
};
