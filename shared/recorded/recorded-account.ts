/**
 * The ports served from a recorded account file (account-file.ts), with the semantics of the real
 * APIs and through the same mappers and request builders as the SDK adapters, so that replaying an
 * event runs the deployed code paths. EC2 writes change the in-memory state as EC2 would (replaying
 * an event twice writes once); every write is logged as the SDK command input the function sends.
 */
import { readFile } from 'node:fs/promises';
import { AwsCallError, errorMessage, GuardianError, UnexpectedShapeError } from '../errors.ts';
import { toAuthorizeIngressInput, toRevokeIngressInput } from '../model/ec2-requests.ts';
import { mapConfiguration, mapConfigurationRevision } from '../model/configuration-mappers.ts';
import { mapBrokerEngineTypes } from '../model/engine-types.ts';
import {
  MAX_PREFIX_LIST_ENTRIES,
  mapManagedPrefixList,
  mapPrefixListAssociation,
  mapPrefixListEntry,
} from '../model/prefix-list-mappers.ts';
import {
  mapBroker,
  mapBrokerSummary,
  mapKeyMetadata,
  mapNetworkInterface,
  mapSecurityGroup,
  mapSecurityGroupRule,
} from '../model/mappers.ts';
import type {
  Broker,
  BrokerEngineTypeOffer,
  BrokerSummary,
  ConfigurationDetails,
  ConfigurationRef,
  ConfigurationRevisionDetails,
  IngressRule,
  KmsKeyState,
  NetworkInterfaceUse,
  PrefixListAssociation,
  PrefixListContents,
  RuleSource,
} from '../model/types.ts';
import type {
  AuthorizeIngressRequest,
  AuthorizeIngressResult,
  BrokerReader,
  ComplianceReporter,
  ConfigEvaluation,
  IngressWriter,
  KeyReader,
  NetworkReader,
  RevokeIngressResult,
  SecurityGroupInfo,
  WriteRecord,
} from '../ports.ts';
import {
  parseRecordedAccountFile,
  type RecordedAccountFile,
  RecordedAccountFileError,
} from './account-file.ts';

type RuleItem = RecordedAccountFile['securityGroupRules'][number];

/** The same limits the Config adapter enforces: a caller that breaks them has a bug the replay must show. */
const MAX_EVALUATIONS_PER_PUT = 100;
const MAX_RULES_PER_START = 25;

const clone = <T>(value: T): T => structuredClone(value);

const distinct = (values: readonly string[]): string[] => [...new Set(values)];

const sameSource = (a: RuleSource, b: RuleSource): boolean => {
  switch (a.kind) {
    case 'cidrIpv4':
    case 'cidrIpv6':
      return b.kind === a.kind && b.cidr.toLowerCase() === a.cidr.toLowerCase();
    case 'prefixList':
      return b.kind === 'prefixList' && b.prefixListId === a.prefixListId;
    case 'securityGroup':
      return b.kind === 'securityGroup' && b.groupId === a.groupId;
  }
};

/** EC2 ignores the ports of an all-traffic rule, so two such rules with one source are the same permission. */
const samePermission = (rule: IngressRule, request: AuthorizeIngressRequest): boolean => {
  const protocol = request.protocol.trim().toLowerCase();
  if (rule.protocol !== protocol || !sameSource(rule.source, request.source)) return false;
  return protocol === '-1' || (rule.fromPort === request.fromPort && rule.toPort === request.toPort);
};

const sourceFields = (source: RuleSource): Record<string, unknown> => {
  switch (source.kind) {
    case 'cidrIpv4':
      return { CidrIpv4: source.cidr };
    case 'cidrIpv6':
      return { CidrIpv6: source.cidr };
    case 'prefixList':
      return { PrefixListId: source.prefixListId };
    case 'securityGroup':
      return {
        ReferencedGroupInfo: { GroupId: source.groupId, ...(source.userId ? { UserId: source.userId } : {}) },
      };
  }
};

export class RecordedAccount
  implements BrokerReader, NetworkReader, KeyReader, IngressWriter, ComplianceReporter
{
  readonly accountId: string;
  readonly region: string;
  readonly #state: RecordedAccountFile;
  readonly #writes: WriteRecord[] = [];
  readonly #reads = new Map<string, number>();
  #nextRuleNumber = 1;
  #engineTypes: Promise<readonly BrokerEngineTypeOffer[]> | undefined;

  constructor(file: RecordedAccountFile) {
    this.#state = clone(file);
    this.accountId = file.account;
    this.region = file.region;
  }

  /** Every write made so far, in order, as SDK command inputs. */
  writes(): WriteRecord[] {
    return clone(this.#writes);
  }

  /** Calls per read operation (`DescribeBroker`, `DescribeNetworkInterfaces`, ...), for read-budget tests. */
  readCounts(): Record<string, number> {
    return Object.fromEntries(this.#reads);
  }

  /** The account as it is now (after applied writes), in the file format. */
  toJSON(): RecordedAccountFile {
    return clone(this.#state);
  }

  #read(operation: string): void {
    this.#reads.set(operation, (this.#reads.get(operation) ?? 0) + 1);
    if ((this.#state.unanswered.failing as readonly string[]).includes(operation)) {
      throw new AwsCallError(
        operation,
        'InternalError',
        `${operation} failed: the recorded account says it fails`,
      );
    }
  }

  #write(service: string, operation: string, input: Record<string, unknown>): void {
    this.#writes.push({ service, operation, input: clone(input) });
  }

  // -------------------------------------------------------------------------------------------
  // BrokerReader

  async describeBroker(brokerId: string): Promise<Broker | null> {
    this.#read('DescribeBroker');
    // A broker ListBrokers lists but DescribeBroker does not find yet (or any more): NotFoundException.
    if (this.#state.unanswered.brokers.includes(brokerId)) return null;
    const item = this.#state.brokers.find((b) => b.BrokerId === brokerId);
    return item === undefined ? null : mapBroker(clone(item));
  }

  async listBrokers(): Promise<BrokerSummary[]> {
    this.#read('ListBrokers');
    return this.#state.brokers.map((b) =>
      mapBrokerSummary({
        BrokerId: b.BrokerId,
        BrokerArn: b.BrokerArn as string | undefined,
        BrokerName: b.BrokerName as string | undefined,
        BrokerState: b.BrokerState as string | undefined,
        EngineType: b.EngineType as string | undefined,
        DeploymentMode: b.DeploymentMode as string | undefined,
      }),
    );
  }

  async describeConfigurationRevision(ref: ConfigurationRef): Promise<ConfigurationRevisionDetails | null> {
    this.#read('DescribeConfigurationRevision');
    const configuration = this.#state.configurations.find((c) => c.Id === ref.id);
    const revision = configuration?.Revisions.find((r) => r.Revision === ref.revision);
    return revision === undefined ? null : mapConfigurationRevision(clone(revision), ref);
  }

  /** The file's configuration: its Name and Description, and its highest revision as LatestRevision. */
  async describeConfiguration(configurationId: string): Promise<ConfigurationDetails | null> {
    this.#read('DescribeConfiguration');
    if (this.#state.denied.configurations.includes(configurationId)) {
      throw new AwsCallError(
        'DescribeConfiguration',
        'ForbiddenException',
        'DescribeConfiguration failed: ForbiddenException: User is not authorized to perform mq:DescribeConfiguration',
      );
    }
    const configuration = this.#state.configurations.find((c) => c.Id === configurationId);
    if (configuration === undefined) return null;
    const latest = configuration.Revisions.reduce((a, b) => (b.Revision > a.Revision ? b : a));
    return mapConfiguration(
      {
        Name: configuration.Name,
        Description: configuration.Description,
        LatestRevision: { Revision: latest.Revision, Description: latest.Description },
        Tags: clone(configuration.Tags),
      },
      configurationId,
    );
  }

  /**
   * The file's `brokerEngineTypes`, read once per account object as the SDK adapter reads once per
   * container. A file without them answers as a failed call: the engine-version check then says
   * Amazon MQ's list was not read and decides from the shipped table.
   */
  describeBrokerEngineTypes(): Promise<readonly BrokerEngineTypeOffer[]> {
    this.#engineTypes ??= (async () => {
      this.#read('DescribeBrokerEngineTypes');
      const recorded = this.#state.brokerEngineTypes;
      if (recorded === undefined) {
        throw new AwsCallError(
          'DescribeBrokerEngineTypes',
          'NotRecorded',
          'the recorded account holds no DescribeBrokerEngineTypes answer',
        );
      }
      return mapBrokerEngineTypes(clone(recorded));
    })();
    return this.#engineTypes;
  }

  // -------------------------------------------------------------------------------------------
  // NetworkReader

  #ingressRules(keep: (item: RuleItem) => boolean): IngressRule[] {
    return this.#state.securityGroupRules
      .filter(keep)
      .map((item) => mapSecurityGroupRule(clone(item)))
      .filter((rule): rule is IngressRule => rule !== null);
  }

  async describeIngressRules(groupIds: readonly string[]): Promise<IngressRule[]> {
    if (groupIds.length === 0) return [];
    this.#read('DescribeSecurityGroupRules');
    const wanted = new Set(groupIds);
    return this.#ingressRules((item) => wanted.has(item.GroupId));
  }

  async describeRulesById(ruleIds: readonly string[]): Promise<IngressRule[]> {
    if (ruleIds.length === 0) return [];
    this.#read('DescribeSecurityGroupRules');
    const wanted = new Set(ruleIds);
    return this.#ingressRules((item) => wanted.has(item.SecurityGroupRuleId));
  }

  async describeSecurityGroups(groupIds: readonly string[]): Promise<SecurityGroupInfo[]> {
    if (groupIds.length === 0) return [];
    this.#read('DescribeSecurityGroups');
    const wanted = new Set(groupIds);
    const left = new Set(this.#state.unanswered.securityGroups);
    return this.#state.securityGroups
      .filter((g) => wanted.has(g.GroupId) && !left.has(g.GroupId))
      .map((g) => mapSecurityGroup(clone(g)));
  }

  async findSecurityGroupIdsByName(groupName: string): Promise<string[]> {
    this.#read('DescribeSecurityGroups');
    return distinct(
      this.#state.securityGroups.filter((g) => g.GroupName === groupName).map((g) => g.GroupId),
    );
  }

  async describeNetworkInterfaces(groupIds: readonly string[]): Promise<NetworkInterfaceUse[]> {
    if (groupIds.length === 0) return [];
    this.#read('DescribeNetworkInterfaces');
    const wanted = new Set(groupIds);
    return this.#state.networkInterfaces
      .map((item) => mapNetworkInterface(clone(item)))
      .filter((eni) => eni.groupIds.some((id) => wanted.has(id)));
  }

  /**
   * The file's prefix list: DescribeManagedPrefixLists and GetManagedPrefixListEntries (one read each,
   * whatever the number of entries). A list in `denied.prefixLists` answers UnauthorizedOperation.
   */
  async readPrefixList(prefixListId: string): Promise<PrefixListContents | null> {
    this.#read('DescribeManagedPrefixLists');
    this.#read('GetManagedPrefixListEntries');
    if (this.#state.denied.prefixLists.includes(prefixListId)) {
      throw unauthorizedOperation('GetManagedPrefixListEntries');
    }
    const item = this.#state.prefixLists.find((p) => p.PrefixListId === prefixListId);
    if (item === undefined) return null;
    if (item.Entries.length > MAX_PREFIX_LIST_ENTRIES) {
      throw new UnexpectedShapeError(
        `GetManagedPrefixListEntries returned more than ${MAX_PREFIX_LIST_ENTRIES} entries for ${prefixListId}, more than a list a security group rule references can hold; refusing to continue`,
      );
    }
    const { Entries, ...header } = clone(item);
    return {
      ...mapManagedPrefixList(header),
      entries: Entries.map((entry) => mapPrefixListEntry(entry, prefixListId)),
    };
  }

  /**
   * GetManagedPrefixListAssociations: the list's recorded `Associations` when the file gives them (route
   * tables, groups of other accounts), else the groups whose rules name the list, owned by this account.
   * A list in `denied.prefixListAssociations` answers UnauthorizedOperation; one not in the file, null.
   */
  async prefixListAssociations(prefixListId: string): Promise<PrefixListAssociation[] | null> {
    this.#read('GetManagedPrefixListAssociations');
    if (this.#state.denied.prefixListAssociations.includes(prefixListId)) {
      throw unauthorizedOperation('GetManagedPrefixListAssociations');
    }
    const item = this.#state.prefixLists.find((p) => p.PrefixListId === prefixListId);
    if (item === undefined) return null;
    if (item.Associations !== undefined) {
      return clone(item.Associations).map((a) => mapPrefixListAssociation(a, prefixListId));
    }
    const groupIds = this.#state.securityGroupRules
      .filter((r) => r.PrefixListId === prefixListId)
      .map((r) => String(r.GroupId));
    return [...new Set(groupIds)].map((resourceId) => ({ resourceId, resourceOwner: this.accountId }));
  }

  // -------------------------------------------------------------------------------------------
  // KeyReader

  async describeKey(keyId: string): Promise<KmsKeyState> {
    this.#read('DescribeKey');
    const key = this.#state.kmsKeys.find((k) => {
      const aliases = k.Aliases ?? [];
      return (
        k.KeyId === keyId ||
        k.Arn === keyId ||
        aliases.includes(keyId) ||
        aliases.some((alias) => keyId === `arn:aws:kms:${this.region}:${this.accountId}:${alias}`)
      );
    });
    const names = key === undefined ? [keyId] : [keyId, key.KeyId, key.Arn, ...(key.Aliases ?? [])];
    if (names.some((name) => this.#state.denied.kms.includes(name))) {
      return {
        status: 'unreadable',
        keyId,
        reason: `AccessDeniedException: User is not authorized to perform kms:DescribeKey on ${keyId}`,
      };
    }
    if (key === undefined) {
      return { status: 'unreadable', keyId, reason: `NotFoundException: Key '${keyId}' does not exist` };
    }
    const { Aliases: _aliases, ...metadata } = clone(key);
    return mapKeyMetadata(metadata);
  }

  // -------------------------------------------------------------------------------------------
  // IngressWriter

  #newRuleId(): string {
    const taken = new Set(this.#state.securityGroupRules.map((r) => r.SecurityGroupRuleId));
    let id: string;
    do {
      id = `sgr-${(this.#nextRuleNumber++).toString(16).padStart(17, '0')}`;
    } while (taken.has(id));
    return id;
  }

  async authorizeIngress(request: AuthorizeIngressRequest): Promise<AuthorizeIngressResult> {
    const input = toAuthorizeIngressInput(request);
    this.#write('ec2', 'AuthorizeSecurityGroupIngress', input);
    if (!this.#state.securityGroups.some((g) => g.GroupId === request.groupId)) {
      throw new AwsCallError(
        'AuthorizeSecurityGroupIngress',
        'InvalidGroup.NotFound',
        `AuthorizeSecurityGroupIngress failed: InvalidGroup.NotFound: The security group '${request.groupId}' does not exist`,
      );
    }
    const existing = this.#ingressRules((item) => item.GroupId === request.groupId);
    if (existing.some((rule) => samePermission(rule, request))) return { ruleIds: [], alreadyExisted: true };
    const protocol = request.protocol.trim().toLowerCase();
    const allTraffic = protocol === '-1';
    const ruleId = this.#newRuleId();
    const tags = Object.entries(request.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    this.#state.securityGroupRules.push({
      SecurityGroupRuleId: ruleId,
      GroupId: request.groupId,
      GroupOwnerId: this.accountId,
      IsEgress: false,
      IpProtocol: protocol,
      FromPort: allTraffic ? -1 : request.fromPort,
      ToPort: allTraffic ? -1 : request.toPort,
      ...sourceFields(request.source),
      ...(request.description === '' ? {} : { Description: request.description }),
      Tags: tags,
    });
    return { ruleIds: [ruleId], alreadyExisted: false };
  }

  /** One RevokeSecurityGroupIngress call: all or nothing, as EC2 does it. */
  #revoke(groupId: string, ruleIds: readonly string[]): boolean {
    this.#write('ec2', 'RevokeSecurityGroupIngress', toRevokeIngressInput(groupId, ruleIds));
    const rules = this.#state.securityGroupRules;
    const found = ruleIds.every((id) =>
      rules.some((r) => r.SecurityGroupRuleId === id && r.GroupId === groupId && !r.IsEgress),
    );
    if (!found) return false;
    const gone = new Set(ruleIds);
    this.#state.securityGroupRules = rules.filter((r) => !gone.has(r.SecurityGroupRuleId));
    return true;
  }

  async revokeIngress(groupId: string, ruleIds: readonly string[]): Promise<RevokeIngressResult> {
    const ids = distinct(ruleIds);
    if (ids.length === 0) return { revokedRuleIds: [], missingRuleIds: [] };
    if (this.#revoke(groupId, ids)) return { revokedRuleIds: ids, missingRuleIds: [] };
    // Like the SDK adapter: after a NotFound for several ids, one call per id revokes those that exist.
    if (ids.length === 1) return { revokedRuleIds: [], missingRuleIds: ids };
    const revokedRuleIds: string[] = [];
    const missingRuleIds: string[] = [];
    for (const id of ids) (this.#revoke(groupId, [id]) ? revokedRuleIds : missingRuleIds).push(id);
    return { revokedRuleIds, missingRuleIds };
  }

  // -------------------------------------------------------------------------------------------
  // ComplianceReporter

  async putEvaluations(
    resultToken: string,
    evaluations: readonly ConfigEvaluation[],
  ): Promise<ConfigEvaluation[]> {
    if (evaluations.length > MAX_EVALUATIONS_PER_PUT) {
      throw new GuardianError(
        'AWS_CONFIG_LIMIT',
        `PutEvaluations takes at most ${MAX_EVALUATIONS_PER_PUT} evaluations a call, got ${evaluations.length}: batch them`,
      );
    }
    if (evaluations.length === 0) return [];
    this.#write('config', 'PutEvaluations', {
      ResultToken: resultToken,
      Evaluations: evaluations.map((e) => ({
        ComplianceResourceType: e.complianceResourceType,
        ComplianceResourceId: e.complianceResourceId,
        ComplianceType: e.complianceType,
        ...(e.annotation.length > 0 ? { Annotation: e.annotation } : {}),
        OrderingTimestamp: e.orderingTimestamp,
      })),
    });
    return [];
  }

  async startRulesEvaluation(ruleNames: readonly string[]): Promise<'started' | 'limited'> {
    if (ruleNames.length > MAX_RULES_PER_START) {
      throw new GuardianError(
        'AWS_CONFIG_LIMIT',
        `StartConfigRulesEvaluation takes at most ${MAX_RULES_PER_START} rules a call, got ${ruleNames.length}`,
      );
    }
    if (ruleNames.length === 0) return 'started';
    this.#write('config', 'StartConfigRulesEvaluation', { ConfigRuleNames: [...ruleNames] });
    return 'started';
  }

  /** A recorded account holds no configuration history: as for a resource Config never recorded. */
  async getLatestConfigurationItem(
    _resourceType: string,
    _resourceId: string,
  ): Promise<Record<string, unknown> | null> {
    this.#read('GetResourceConfigHistory');
    return null;
  }
}

/** What EC2 answers a call IAM refuses. */
const unauthorizedOperation = (operation: string): AwsCallError =>
  new AwsCallError(
    operation,
    'UnauthorizedOperation',
    `${operation} failed: UnauthorizedOperation: You are not authorized to perform this operation.`,
  );

/** A recorded account from parsed JSON; `source` names it in error messages. */
export const recordedAccountFrom = (json: unknown, source?: string): RecordedAccount =>
  new RecordedAccount(parseRecordedAccountFile(json, source));

/** Reads and validates a recorded-account file. Throws RecordedAccountFileError naming the path. */
export const loadRecordedAccount = async (path: string): Promise<RecordedAccount> =>
  recordedAccountFrom(parseJsonFile(await readFile(path, 'utf8'), path), path);

/** The JSON in a recorded-account file's text; RecordedAccountFileError naming `path` when it is not JSON. */
export const parseJsonFile = (text: string, path: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RecordedAccountFileError(`${path}: not JSON: ${errorMessage(error)}`, { cause: error });
  }
};
