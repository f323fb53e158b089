import {
  AuthorizeSecurityGroupIngressCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  type ManagedPrefixList,
  type NetworkInterface,
  type PrefixListAssociation as SdkPrefixListAssociation,
  type PrefixListEntry as SdkPrefixListEntry,
  RevokeSecurityGroupIngressCommand,
  type RevokeSecurityGroupIngressCommandInput,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { AwsCallError, UnexpectedShapeError } from '../errors.ts';
import { toAuthorizeIngressInput, toRevokeIngressInput } from '../model/ec2-requests.ts';
import { mapNetworkInterface, mapSecurityGroup, mapSecurityGroupRule } from '../model/mappers.ts';
import {
  MAX_PREFIX_LIST_ENTRIES,
  mapManagedPrefixList,
  mapPrefixListAssociation,
  mapPrefixListEntry,
} from '../model/prefix-list-mappers.ts';
import type {
  IngressRule,
  NetworkInterfaceUse,
  PrefixListAssociation,
  PrefixListContents,
  PrefixListEntry,
} from '../model/types.ts';
import type {
  AuthorizeIngressRequest,
  AuthorizeIngressResult,
  IngressWriter,
  NetworkReader,
  RevokeIngressResult,
  SecurityGroupInfo,
} from '../ports.ts';
import { callAws, chunk, distinct, listOf, readAllPages } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/**
 * What `createEc2NetworkReader` calls to evaluate a broker; serverless.yml grants exactly these to every
 * role that reads security groups.
 */
export const EC2_READ_IAM_ACTIONS = [
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeManagedPrefixLists',
  'ec2:GetManagedPrefixListEntries',
] as const;

/**
 * What `createEc2NetworkReader` calls besides: the groups that use a prefix list whose entries changed.
 * Only the function that handles security-group changes asks; its role alone is granted this read.
 */
export const EC2_PREFIX_LIST_USERS_IAM_ACTIONS = ['ec2:GetManagedPrefixListAssociations'] as const;

/**
 * What `createEc2IngressWriter` calls. Tagging a rule as it is created (TagSpecifications) also needs
 * ec2:CreateTags; it can be limited with the condition `ec2:CreateAction = AuthorizeSecurityGroupIngress`.
 */
export const EC2_WRITE_IAM_ACTIONS = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:RevokeSecurityGroupIngress',
  'ec2:CreateTags',
] as const;

/** EC2 accepts at most 200 values in one filter. */
export const MAX_FILTER_VALUES = 200;
/** The largest page DescribeSecurityGroupRules, DescribeSecurityGroups and DescribeNetworkInterfaces allow. */
const PAGE_SIZE = 1000;
/** The largest page DescribeManagedPrefixLists and GetManagedPrefixListEntries allow (MaxResults 1-100). */
const PREFIX_LIST_PAGE_SIZE = 100;
/** The largest page GetManagedPrefixListAssociations allows (MaxResults 5-255, EC2 API Reference). */
const ASSOCIATIONS_PAGE_SIZE = 255;

export const getEc2Client: () => EC2Client = once(() => new EC2Client(sdkClientConfig()));

/**
 * Lists by filter, chunked to 200 values, every page of every chunk. Filters are used rather than id
 * parameters (GroupIds, SecurityGroupRuleIds) on purpose: an id parameter fails the whole call with
 * `*.NotFound` when a single id no longer exists, while a filter simply leaves it out, which is what the
 * ports promise ("unknown ids omitted") at one call per 200 ids instead of one call per id.
 */
const listByFilter = async <T>(
  operation: string,
  filterName: string,
  values: readonly string[],
  fetchPage: (
    filter: { Name: string; Values: string[] },
    nextToken: string | undefined,
  ) => Promise<{ items: readonly T[]; nextToken?: string | undefined }>,
): Promise<T[]> => {
  const results: T[] = [];
  for (const part of chunk(distinct(values), MAX_FILTER_VALUES)) {
    const filter = { Name: filterName, Values: part };
    results.push(...(await readAllPages(operation, (nextToken) => fetchPage(filter, nextToken))));
  }
  return results;
};

const pageToken = (nextToken: string | undefined) =>
  nextToken === undefined ? {} : { NextToken: nextToken };

export const createEc2NetworkReader = (client: EC2Client = getEc2Client()): NetworkReader => {
  const describeRules = async (filterName: string, values: readonly string[]): Promise<IngressRule[]> => {
    const rules = await listByFilter(
      'DescribeSecurityGroupRules',
      filterName,
      values,
      async (filter, token) => {
        const output = await callAws('DescribeSecurityGroupRules', () =>
          client.send(
            new DescribeSecurityGroupRulesCommand({
              Filters: [filter],
              MaxResults: PAGE_SIZE,
              ...pageToken(token),
            }),
          ),
        );
        return {
          items: listOf<SecurityGroupRule>('DescribeSecurityGroupRules', output, 'SecurityGroupRules'),
          nextToken: output.NextToken,
        };
      },
    );
    return rules
      .map((rule) => mapSecurityGroupRule(rule))
      .filter((rule): rule is IngressRule => rule !== null);
  };

  const describeGroups = (filterName: string, values: readonly string[]) =>
    listByFilter('DescribeSecurityGroups', filterName, values, async (filter, token) => {
      const output = await callAws('DescribeSecurityGroups', () =>
        client.send(
          new DescribeSecurityGroupsCommand({
            Filters: [filter],
            MaxResults: PAGE_SIZE,
            ...pageToken(token),
          }),
        ),
      );
      return {
        items: listOf<SecurityGroup>('DescribeSecurityGroups', output, 'SecurityGroups'),
        nextToken: output.NextToken,
      };
    });

  /**
   * GetManagedPrefixListEntries of one list from its first page, or null when EC2 does not find it
   * (InvalidPrefixListID.NotFound). `version` pins every page to one version of the list (TargetVersion):
   * pages read while the list changes would otherwise mix two versions. `firstPageOnly` stops after one
   * page and says whether more followed.
   */
  const readEntries = async (
    prefixListId: string,
    version: number | undefined,
    firstPageOnly: boolean,
  ): Promise<{ entries: PrefixListEntry[]; complete: boolean } | null> => {
    let found = true;
    let complete = true;
    let count = 0;
    const entries = await readAllPages('GetManagedPrefixListEntries', async (token) => {
      if (token !== undefined && firstPageOnly) {
        complete = false;
        return { items: [] };
      }
      const output = await callAws(
        'GetManagedPrefixListEntries',
        () =>
          client.send(
            new GetManagedPrefixListEntriesCommand({
              PrefixListId: prefixListId,
              MaxResults: PREFIX_LIST_PAGE_SIZE,
              ...(version === undefined ? {} : { TargetVersion: version }),
              ...pageToken(token),
            }),
          ),
        { 'InvalidPrefixListID.NotFound': prefixListNotFound },
      );
      if (output === PREFIX_LIST_NOT_FOUND) {
        found = false;
        return { items: [] };
      }
      const items = listOf<SdkPrefixListEntry>('GetManagedPrefixListEntries', output, 'Entries');
      count += items.length;
      if (count > MAX_PREFIX_LIST_ENTRIES) {
        throw new UnexpectedShapeError(
          `GetManagedPrefixListEntries returned more than ${MAX_PREFIX_LIST_ENTRIES} entries for ${prefixListId}, more than a list a security group rule references can hold; refusing to continue`,
        );
      }
      return {
        items: items.map((item) => mapPrefixListEntry(item, prefixListId)),
        nextToken: output.NextToken,
      };
    });
    return found ? { entries, complete } : null;
  };

  const describePrefixList = async (prefixListId: string) => {
    const output = await callAws('DescribeManagedPrefixLists', () =>
      client.send(
        new DescribeManagedPrefixListsCommand({
          Filters: [{ Name: 'prefix-list-id', Values: [prefixListId] }],
          MaxResults: PREFIX_LIST_PAGE_SIZE,
        }),
      ),
    );
    const lists = listOf<ManagedPrefixList>('DescribeManagedPrefixLists', output, 'PrefixLists');
    return lists.map((item) => mapManagedPrefixList(item)).find((list) => list.prefixListId === prefixListId);
  };

  return {
    /** Every page; a list EC2 does not find (InvalidPrefixListID.NotFound) is null, never no resource. */
    async prefixListAssociations(prefixListId): Promise<PrefixListAssociation[] | null> {
      let found = true;
      const associations = await readAllPages('GetManagedPrefixListAssociations', async (token) => {
        const output = await callAws(
          'GetManagedPrefixListAssociations',
          () =>
            client.send(
              new GetManagedPrefixListAssociationsCommand({
                PrefixListId: prefixListId,
                MaxResults: ASSOCIATIONS_PAGE_SIZE,
                ...pageToken(token),
              }),
            ),
          { 'InvalidPrefixListID.NotFound': prefixListNotFound },
        );
        if (output === PREFIX_LIST_NOT_FOUND) {
          found = false;
          return { items: [] };
        }
        const items = listOf<SdkPrefixListAssociation>(
          'GetManagedPrefixListAssociations',
          output,
          'PrefixListAssociations',
        );
        return {
          items: items.map((item) => mapPrefixListAssociation(item, prefixListId)),
          nextToken: output.NextToken,
        };
      });
      return found ? associations : null;
    },

    /**
     * The list's description and its first page of entries in one round; a list longer than a page
     * is read again, every page of the version DescribeManagedPrefixLists named.
     */
    async readPrefixList(prefixListId): Promise<PrefixListContents | null> {
      const [header, first] = await Promise.all([
        describePrefixList(prefixListId),
        readEntries(prefixListId, undefined, true),
      ]);
      if (header === undefined || first === null) return null;
      const all = first.complete ? first : await readEntries(prefixListId, header.version, false);
      if (all === null) return null;
      return { ...header, entries: all.entries };
    },

    describeIngressRules: (groupIds) => describeRules('group-id', groupIds),

    describeRulesById: (ruleIds) => describeRules('security-group-rule-id', ruleIds),

    async describeSecurityGroups(groupIds): Promise<SecurityGroupInfo[]> {
      const groups = await describeGroups('group-id', groupIds);
      return groups.map((group) => mapSecurityGroup(group));
    },

    async findSecurityGroupIdsByName(groupName): Promise<string[]> {
      // Names are unique per VPC only: every match is returned, so that no group is left unchecked.
      const groups = await describeGroups('group-name', [groupName]);
      return distinct(groups.map((group) => mapSecurityGroup(group).groupId));
    },

    async describeNetworkInterfaces(groupIds): Promise<NetworkInterfaceUse[]> {
      const interfaces = await listByFilter(
        'DescribeNetworkInterfaces',
        'group-id',
        groupIds,
        async (filter, token) => {
          const output = await callAws('DescribeNetworkInterfaces', () =>
            client.send(
              new DescribeNetworkInterfacesCommand({
                Filters: [filter],
                MaxResults: PAGE_SIZE,
                ...pageToken(token),
              }),
            ),
          );
          return {
            items: listOf<NetworkInterface>('DescribeNetworkInterfaces', output, 'NetworkInterfaces'),
            nextToken: output.NextToken,
          };
        },
      );
      // An interface in groups of two different chunks is listed twice.
      const byId = new Map<string, NetworkInterfaceUse>();
      for (const eni of interfaces.map((item) => mapNetworkInterface(item))) {
        if (!byId.has(eni.networkInterfaceId)) byId.set(eni.networkInterfaceId, eni);
      }
      return [...byId.values()];
    },
  };
};

const PREFIX_LIST_NOT_FOUND: unique symbol = Symbol('prefix-list-not-found');
const prefixListNotFound = (): typeof PREFIX_LIST_NOT_FOUND => PREFIX_LIST_NOT_FOUND;

const PERMISSION_DUPLICATE: unique symbol = Symbol('permission-duplicate');
const RULE_NOT_FOUND: unique symbol = Symbol('rule-not-found');
const ruleNotFound = (): typeof RULE_NOT_FOUND => RULE_NOT_FOUND;

/** EC2 mutations answer `Return: true` on success; anything else is not a success we can build on. */
const assertReturnedTrue = (operation: string, output: { Return?: boolean | undefined }): void => {
  if (output.Return === true) return;
  const name = output.Return === false ? 'ReturnFalse' : 'ReturnMissing';
  throw new AwsCallError(
    operation,
    name,
    `${operation} did not return true (Return: ${String(output.Return)})`,
  );
};

export const createEc2IngressWriter = (client: EC2Client = getEc2Client()): IngressWriter => {
  const revoke = async (groupId: string, ruleIds: readonly string[]): Promise<RevokeIngressResult> => {
    const input = toRevokeIngressInput(groupId, ruleIds) as RevokeSecurityGroupIngressCommandInput;
    const output = await callAws(
      'RevokeSecurityGroupIngress',
      () => client.send(new RevokeSecurityGroupIngressCommand(input)),
      {
        'InvalidSecurityGroupRuleId.NotFound': ruleNotFound,
        'InvalidPermission.NotFound': ruleNotFound,
      },
    );
    if (output !== RULE_NOT_FOUND) {
      assertReturnedTrue('RevokeSecurityGroupIngress', output);
      return { revokedRuleIds: [...ruleIds], missingRuleIds: [] };
    }
    if (ruleIds.length === 1) return { revokedRuleIds: [], missingRuleIds: [...ruleIds] };
    // The call is all or nothing and the error does not say (in a parseable way) which id is missing:
    // one call per id still revokes every rule that exists. Sequential, to stay gentle on throttling.
    const revokedRuleIds: string[] = [];
    const missingRuleIds: string[] = [];
    for (const ruleId of ruleIds) {
      const single = await revoke(groupId, [ruleId]);
      revokedRuleIds.push(...single.revokedRuleIds);
      missingRuleIds.push(...single.missingRuleIds);
    }
    return { revokedRuleIds, missingRuleIds };
  };

  return {
    async authorizeIngress(request: AuthorizeIngressRequest): Promise<AuthorizeIngressResult> {
      const input = toAuthorizeIngressInput(request) as AuthorizeSecurityGroupIngressCommandInput;
      const output = await callAws(
        'AuthorizeSecurityGroupIngress',
        () => client.send(new AuthorizeSecurityGroupIngressCommand(input)),
        { 'InvalidPermission.Duplicate': (): typeof PERMISSION_DUPLICATE => PERMISSION_DUPLICATE },
      );
      if (output === PERMISSION_DUPLICATE) return { ruleIds: [], alreadyExisted: true };
      assertReturnedTrue('AuthorizeSecurityGroupIngress', output);
      // Return true says the rules were added. SecurityGroupRules (optional in the answer) only names
      // them: without it their ids are unknown, never "nothing added", and the undo falls back to the
      // rule's protocol, ports and source.
      const ruleIds = (output.SecurityGroupRules ?? [])
        .map((rule) => rule.SecurityGroupRuleId)
        .filter((id): id is string => typeof id === 'string' && id.length > 0);
      return { ruleIds, alreadyExisted: false };
    },

    async revokeIngress(groupId: string, ruleIds: readonly string[]): Promise<RevokeIngressResult> {
      const ids = distinct(ruleIds);
      if (ids.length === 0) return { revokedRuleIds: [], missingRuleIds: [] };
      return revoke(groupId, ids);
    },
  };
};
