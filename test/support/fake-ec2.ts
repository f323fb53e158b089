/**
 * An in-memory EC2 security-group rule store implementing NetworkReader and IngressWriter the way the
 * ports contract says AWS behaves: duplicates answer `alreadyExisted`, unknown rule ids come back as
 * missing, failures are `AwsCallError`. Every call is recorded so tests can assert the exact writes
 * and their order. Failures can be queued per operation.
 */
import { AwsCallError } from '../../shared/errors.ts';
import type {
  IngressRule,
  NetworkInterfaceUse,
  PrefixListAssociation,
  PrefixListContents,
  RuleSource,
} from '../../shared/model/types.ts';
import type {
  AuthorizeIngressRequest,
  AuthorizeIngressResult,
  IngressWriter,
  NetworkReader,
  RevokeIngressResult,
  SecurityGroupInfo,
} from '../../shared/ports.ts';

export type FakeOperation =
  | 'DescribeSecurityGroupRules'
  | 'AuthorizeSecurityGroupIngress'
  | 'RevokeSecurityGroupIngress';

export type FakeCall =
  | { readonly operation: 'DescribeSecurityGroupRules'; readonly groupIds: readonly string[] }
  | { readonly operation: 'AuthorizeSecurityGroupIngress'; readonly request: AuthorizeIngressRequest }
  | {
      readonly operation: 'RevokeSecurityGroupIngress';
      readonly groupId: string;
      readonly ruleIds: readonly string[];
    };

const sourceKey = (source: RuleSource): string => {
  switch (source.kind) {
    case 'cidrIpv4':
    case 'cidrIpv6':
      return `${source.kind}:${source.cidr.toLowerCase()}`;
    case 'prefixList':
      return `pl:${source.prefixListId}`;
    case 'securityGroup':
      return `sg:${source.groupId}`;
  }
};

export class FakeEc2 implements NetworkReader, IngressWriter {
  readonly calls: FakeCall[] = [];
  private rules: IngressRule[];
  private readonly failures = new Map<FakeOperation, AwsCallError[]>();
  private nextId = 1;

  constructor(rules: readonly IngressRule[] = []) {
    this.rules = [...rules];
  }

  /** The rules as they are now. */
  get currentRules(): readonly IngressRule[] {
    return this.rules;
  }

  /** Write calls attempted (including those that failed), in order. */
  get writes(): FakeCall[] {
    return this.calls.filter((c) => c.operation !== 'DescribeSecurityGroupRules');
  }

  /** The next `times` calls of `operation` fail with an AwsCallError named `awsErrorName`. */
  failNext(operation: FakeOperation, awsErrorName: string, times = 1): this {
    const queue = this.failures.get(operation) ?? [];
    for (let i = 0; i < times; i += 1) {
      queue.push(new AwsCallError(operation, awsErrorName, `${operation} failed: ${awsErrorName}: injected`));
    }
    this.failures.set(operation, queue);
    return this;
  }

  /** Replaces rules from outside (another person's change between evaluation and execution). */
  setRules(rules: readonly IngressRule[]): void {
    this.rules = [...rules];
  }

  private maybeFail(operation: FakeOperation): void {
    const error = this.failures.get(operation)?.shift();
    if (error) throw error;
  }

  async describeIngressRules(groupIds: readonly string[]): Promise<IngressRule[]> {
    this.calls.push({ operation: 'DescribeSecurityGroupRules', groupIds: [...groupIds] });
    this.maybeFail('DescribeSecurityGroupRules');
    return this.rules.filter((r) => groupIds.includes(r.groupId));
  }

  async describeRulesById(ruleIds: readonly string[]): Promise<IngressRule[]> {
    return this.rules.filter((r) => ruleIds.includes(r.ruleId));
  }

  async describeSecurityGroups(groupIds: readonly string[]): Promise<SecurityGroupInfo[]> {
    return [...new Set(this.rules.map((r) => r.groupId))]
      .filter((id) => groupIds.includes(id))
      .map((groupId) => ({ groupId, tags: {} }));
  }

  async findSecurityGroupIdsByName(): Promise<string[]> {
    return [];
  }

  async describeNetworkInterfaces(): Promise<NetworkInterfaceUse[]> {
    return [];
  }

  /** Prefix lists by id (setPrefixList); any other id is one EC2 does not find. */
  private readonly prefixLists = new Map<string, PrefixListContents>();

  setPrefixList(list: PrefixListContents): this {
    this.prefixLists.set(list.prefixListId, list);
    return this;
  }

  async readPrefixList(prefixListId: string): Promise<PrefixListContents | null> {
    return this.prefixLists.get(prefixListId) ?? null;
  }

  /** The resources that reference a list set with setPrefixList: its groups' rules, none else. */
  async prefixListAssociations(prefixListId: string): Promise<PrefixListAssociation[] | null> {
    if (!this.prefixLists.has(prefixListId)) return null;
    const groups = this.rules
      .filter((r) => r.source.kind === 'prefixList' && r.source.prefixListId === prefixListId)
      .map((r) => r.groupId);
    return [...new Set(groups)].map((resourceId) => ({ resourceId }));
  }

  async authorizeIngress(request: AuthorizeIngressRequest): Promise<AuthorizeIngressResult> {
    this.calls.push({ operation: 'AuthorizeSecurityGroupIngress', request });
    this.maybeFail('AuthorizeSecurityGroupIngress');
    const duplicate = this.rules.some(
      (r) =>
        r.groupId === request.groupId &&
        r.protocol === request.protocol &&
        r.fromPort === request.fromPort &&
        r.toPort === request.toPort &&
        sourceKey(r.source) === sourceKey(request.source),
    );
    if (duplicate) return { ruleIds: [], alreadyExisted: true };
    const ruleId = `sgr-fake${String(this.nextId).padStart(13, '0')}`;
    this.nextId += 1;
    this.rules.push({
      ruleId,
      groupId: request.groupId,
      protocol: request.protocol,
      fromPort: request.fromPort,
      toPort: request.toPort,
      source: request.source,
      description: request.description,
      tags: request.tags ?? {},
    });
    return { ruleIds: [ruleId], alreadyExisted: false };
  }

  async revokeIngress(groupId: string, ruleIds: readonly string[]): Promise<RevokeIngressResult> {
    this.calls.push({ operation: 'RevokeSecurityGroupIngress', groupId, ruleIds: [...ruleIds] });
    this.maybeFail('RevokeSecurityGroupIngress');
    const present = ruleIds.filter((id) => this.rules.some((r) => r.ruleId === id && r.groupId === groupId));
    this.rules = this.rules.filter((r) => !present.includes(r.ruleId));
    return { revokedRuleIds: present, missingRuleIds: ruleIds.filter((id) => !present.includes(id)) };
  }
}
