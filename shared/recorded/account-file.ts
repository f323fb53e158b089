/**
 * The recorded-account file: one AWS account and region as the AWS APIs describe it, so that
 * `replay`, the demo and the tests run the deployed code paths without AWS.
 *
 * Format (JSON, every AWS object PascalCase exactly as the SDK / `aws --output json` returns it):
 *
 * ```jsonc
 * {
 *   "account": "123456789012",                 // 12 digits
 *   "region": "us-east-1",
 *   "brokers": [ <DescribeBroker output> ],     // BrokerId, BrokerArn, BrokerName, EngineType, Users, ...
 *   "configurations": [                         // Amazon MQ configurations and their revisions
 *     { "Id": "c-…", "Name": "orders", "EngineType": "ACTIVEMQ",
 *       "Description": "…",                     // optional: DescribeConfiguration's Description
 *       "Tags": { "team": "orders" },           // optional: DescribeConfiguration's Tags
 *       "Revisions": [ { "Revision": 1, "Data": "<base64 of the XML>", "Description": "…" } ] }
 *   ],                                          // DescribeConfiguration answers Name, Description and
 *                                               // LatestRevision (the highest Revision)
 *   "securityGroups": [ { "GroupId": "sg-…", "GroupName": "…", "VpcId": "vpc-…", "Tags": [] } ],
 *                                               // a group brokers or rules name but not listed here is
 *                                               // one DescribeSecurityGroups leaves out of its answer
 *   "securityGroupRules": [ <DescribeSecurityGroupRules item> ],   // ingress and egress
 *   "networkInterfaces": [ <DescribeNetworkInterfaces item> ],     // Groups[].GroupId decides membership
 *   "kmsKeys": [ <DescribeKey KeyMetadata> ],   // may add "Aliases": ["alias/…"] to be found by alias
 *   "prefixLists": [                            // optional: managed prefix lists rules reference
 *     { "PrefixListId": "pl-…", "PrefixListName": "…", "OwnerId": "123456789012" | "AWS",
 *       "AddressFamily": "IPv4" | "IPv6", "Version": 3,   // a DescribeManagedPrefixLists item
 *       "Entries": [ { "Cidr": "10.0.0.0/16", "Description": "…" } ],   // GetManagedPrefixListEntries
 *       "Associations": [ { "ResourceId": "rtb-…", "ResourceOwner": "…" } ] }   // optional, see below
 *   ],                                          // a list rules name but not listed here is not found;
 *                                               // GetManagedPrefixListAssociations answers Associations
 *                                               // when given, else the groups whose rules name the list
 *   "brokerEngineTypes": [                      // optional: DescribeBrokerEngineTypes BrokerEngineTypes
 *     { "EngineType": "RABBITMQ", "EngineVersions": [ { "Name": "4.2" }, { "Name": "3.13" } ] }
 *   ],
 *   "denied": {                                 // optional: reads IAM refuses the caller
 *     "kms": [ "<key id or ARN whose DescribeKey answers AccessDeniedException>" ],
 *     "configurations": [ "c-…" ],              // DescribeConfiguration answers ForbiddenException
 *     "prefixLists": [ "pl-…" ],                // GetManagedPrefixListEntries answers UnauthorizedOperation
 *     "prefixListAssociations": [ "pl-…" ]      // GetManagedPrefixListAssociations: UnauthorizedOperation
 *   },
 *   "unanswered": {                             // optional: reads that do not tell everything
 *     "securityGroups": [ "sg-…" ],             // listed by the brokers, left out of DescribeSecurityGroups
 *     "brokers": [ "b-…" ],                     // listed by ListBrokers, not found by DescribeBroker
 *     "failing": [ "DescribeNetworkInterfaces" ] // read operations that fail with a server error
 *   }
 * }
 * ```
 *
 * Times (`Created`, `DeletionDate`) are ISO strings. Loading validates the layout here and then maps
 * every item through the same mappers the SDK adapters use, so a file the functions could not read
 * fails at load time with the path of the offending item.
 */
import * as z from 'zod/mini';
import { errorMessage, GuardianError } from '../errors.ts';
import { safeParse } from '../events/validation.ts';
import { mapBrokerEngineTypes } from '../model/engine-types.ts';
import {
  mapManagedPrefixList,
  mapPrefixListAssociation,
  mapPrefixListEntry,
} from '../model/prefix-list-mappers.ts';
import {
  mapBroker,
  mapKeyMetadata,
  mapNetworkInterface,
  mapSecurityGroup,
  mapSecurityGroupRule,
} from '../model/mappers.ts';

/** The read operations a recorded account answers (and can be told to fail). */
export const RECORDED_READS = [
  'DescribeBroker',
  'ListBrokers',
  'DescribeConfigurationRevision',
  'DescribeConfiguration',
  'DescribeBrokerEngineTypes',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
  'DescribeNetworkInterfaces',
  'DescribeManagedPrefixLists',
  'GetManagedPrefixListEntries',
  'GetManagedPrefixListAssociations',
  'DescribeKey',
  'GetResourceConfigHistory',
] as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** AWS objects are checked by the mappers; the schema only pins what the recorded account itself indexes by. */
const awsObject = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);

const nonEmpty = () => z.string().check(z.minLength(1));

const revisionSchema = z.object({
  Revision: z.number().check(z.int(), z.positive()),
  Data: z.string().check(z.regex(BASE64, 'is not base64')),
  Description: z.optional(z.string()),
});

const configurationSchema = z.object({
  Id: nonEmpty(),
  Name: nonEmpty(),
  EngineType: nonEmpty(),
  Description: z.optional(z.string()),
  Tags: z.optional(z.record(z.string(), z.string())),
  Revisions: z.array(revisionSchema).check(z.minLength(1)),
});

// Strict at the top: an EventBridge event also has "account" and "region", and must not load as an empty account.
export const recordedAccountFileSchema = z.strictObject({
  account: z.string().check(z.regex(/^\d{12}$/, 'is not a 12-digit account id')),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'is not a region name')),
  brokers: z._default(z.array(awsObject({ BrokerId: nonEmpty() })), []),
  configurations: z._default(z.array(configurationSchema), []),
  securityGroups: z._default(
    z.array(
      awsObject({
        GroupId: nonEmpty(),
        GroupName: z.optional(z.string()),
        VpcId: z.optional(z.string()),
        Tags: z.optional(z.array(z.object({ Key: z.string(), Value: z.string() }))),
      }),
    ),
    [],
  ),
  securityGroupRules: z._default(
    z.array(
      awsObject({
        SecurityGroupRuleId: nonEmpty(),
        GroupId: nonEmpty(),
        IsEgress: z.boolean(),
      }),
    ),
    [],
  ),
  networkInterfaces: z._default(z.array(awsObject({ NetworkInterfaceId: nonEmpty() })), []),
  kmsKeys: z._default(
    z.array(
      awsObject({
        KeyId: nonEmpty(),
        Arn: nonEmpty(),
        Aliases: z.optional(z.array(z.string())),
      }),
    ),
    [],
  ),
  brokerEngineTypes: z.optional(z.array(awsObject({ EngineType: nonEmpty() }))),
  prefixLists: z._default(
    z.array(
      awsObject({
        PrefixListId: nonEmpty(),
        Entries: z.array(awsObject({ Cidr: nonEmpty(), Description: z.optional(z.string()) })),
        Associations: z.optional(
          z.array(awsObject({ ResourceId: nonEmpty(), ResourceOwner: z.optional(z.string()) })),
        ),
      }),
    ),
    [],
  ),
  denied: z._default(
    z.object({
      kms: z._default(z.array(z.string()), []),
      configurations: z._default(z.array(z.string()), []),
      prefixLists: z._default(z.array(z.string()), []),
      prefixListAssociations: z._default(z.array(z.string()), []),
    }),
    { kms: [], configurations: [], prefixLists: [], prefixListAssociations: [] },
  ),
  unanswered: z._default(
    z.strictObject({
      securityGroups: z._default(z.array(nonEmpty()), []),
      brokers: z._default(z.array(nonEmpty()), []),
      failing: z._default(z.array(z.enum(RECORDED_READS)), []),
    }),
    { securityGroups: [], brokers: [], failing: [] },
  ),
});

export type RecordedAccountFile = z.infer<typeof recordedAccountFileSchema>;

export class RecordedAccountFileError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_RECORDED_ACCOUNT', message, options);
  }
}

const issuePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`,
    '',
  ) || '(root)';

const uniqueIds = (source: string, field: string, ids: readonly string[]): void => {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (seen.has(id))
      throw new RecordedAccountFileError(`${source}: ${field}[${index}] repeats the id ${id}`);
    seen.add(id);
  }
};

/** Runs a mapper over every item so that a bad item is reported by its path in the file. */
const mapEach = (
  source: string,
  field: string,
  items: readonly unknown[],
  map: (item: never) => unknown,
): void => {
  for (const [index, item] of items.entries()) {
    try {
      map(item as never);
    } catch (error) {
      throw new RecordedAccountFileError(`${source}: ${field}[${index}]: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  }
};

/**
 * Validates a parsed recorded-account file. `source` (a path) prefixes every error message.
 * Throws RecordedAccountFileError.
 */
export const parseRecordedAccountFile = (json: unknown, source = 'recorded account'): RecordedAccountFile => {
  const result = safeParse(recordedAccountFileSchema, json);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => `${issuePath(issue.path)}: ${issue.message}`)
      .join('; ');
    throw new RecordedAccountFileError(`${source}: ${details}`, { cause: result.error });
  }
  const file = result.data;
  mapEach(source, 'brokers', file.brokers, mapBroker);
  mapEach(source, 'securityGroups', file.securityGroups, mapSecurityGroup);
  mapEach(source, 'securityGroupRules', file.securityGroupRules, mapSecurityGroupRule);
  mapEach(source, 'networkInterfaces', file.networkInterfaces, mapNetworkInterface);
  mapEach(source, 'kmsKeys', file.kmsKeys, mapKeyMetadata);
  mapEach(source, 'prefixLists', file.prefixLists, (item: RecordedAccountFile['prefixLists'][number]) => {
    mapManagedPrefixList(item);
    for (const entry of item.Entries) mapPrefixListEntry(entry, item.PrefixListId);
    for (const association of item.Associations ?? []) {
      mapPrefixListAssociation(association, item.PrefixListId);
    }
  });
  if (file.brokerEngineTypes !== undefined) {
    mapEach(source, 'brokerEngineTypes', file.brokerEngineTypes, (item) => mapBrokerEngineTypes([item]));
  }
  uniqueIds(
    source,
    'brokers',
    file.brokers.map((b) => b.BrokerId),
  );
  uniqueIds(
    source,
    'configurations',
    file.configurations.map((c) => c.Id),
  );
  uniqueIds(
    source,
    'securityGroups',
    file.securityGroups.map((g) => g.GroupId),
  );
  uniqueIds(
    source,
    'securityGroupRules',
    file.securityGroupRules.map((r) => r.SecurityGroupRuleId),
  );
  uniqueIds(
    source,
    'prefixLists',
    file.prefixLists.map((p) => p.PrefixListId),
  );
  uniqueIds(
    source,
    'networkInterfaces',
    file.networkInterfaces.map((n) => n.NetworkInterfaceId),
  );
  for (const [index, configuration] of file.configurations.entries()) {
    uniqueIds(
      source,
      `configurations[${index}].Revisions`,
      configuration.Revisions.map((r) => String(r.Revision)),
    );
  }
  return file;
};
