import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import type { Actor } from '../model/actor.ts';
import { optsOut } from '../policy/opt-out.ts';
import { TAGS } from '../policy/settings.ts';
import {
  BROKER_ID_PATTERN,
  CONFIGURATION_ID_PATTERN,
  PREFIX_LIST_ID_PATTERN,
  parseMqArn,
  SECURITY_GROUP_ID_PATTERN,
  SECURITY_GROUP_NAME_PATTERN,
  SECURITY_GROUP_RULE_ID_PATTERN,
} from './ids.ts';
import {
  AccountIdSchema,
  describeValue,
  invalid,
  IsoTimeSchema,
  isPlainObject,
  parseWith,
  RegionSchema,
  truncate,
  unique,
} from './validation.ts';
import { plural } from '../wording.ts';

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
export const MQ_EVENT_SOURCE = 'amazonmq.amazonaws.com';
export const EC2_EVENT_SOURCE = 'ec2.amazonaws.com';
export type ApiEventSource = typeof MQ_EVENT_SOURCE | typeof EC2_EVENT_SOURCE;

/** EventBridge `source` per CloudTrail `eventSource`: Amazon MQ is `aws.amazonmq`, not `aws.mq`. */
export const EVENTBRIDGE_SOURCES: { readonly [S in ApiEventSource]: string } = {
  [MQ_EVENT_SOURCE]: 'aws.amazonmq',
  [EC2_EVENT_SOURCE]: 'aws.ec2',
};

export const MQ_EVENT_NAMES = [
  'CreateBroker',
  'UpdateBroker',
  'RebootBroker',
  'DeleteBroker',
  'CreateConfiguration',
  'UpdateConfiguration',
  'CreateUser',
  'UpdateUser',
  'DeleteUser',
  'CreateTags',
  'DeleteTags',
] as const;

export const EC2_EVENT_NAMES = [
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ModifySecurityGroupRules',
  'CreateTags',
  'DeleteTags',
  // A change to a managed prefix list's entries changes what every rule that references it admits.
  'ModifyManagedPrefixList',
  'RestoreManagedPrefixListVersion',
] as const;

/** Every API call the parser understands; EventBridge patterns should select exactly these. */
export const SUPPORTED_EVENT_NAMES: { readonly [S in ApiEventSource]: readonly string[] } = {
  [MQ_EVENT_SOURCE]: MQ_EVENT_NAMES,
  [EC2_EVENT_SOURCE]: EC2_EVENT_NAMES,
};

/** Upper bound for any list of ids taken from one event (resources, rule sets). */
export const MAX_IDS_PER_EVENT = 1000;

/** What an API call changed, as far as mq-guardian needs to know to find the affected brokers. */
export type EventTarget =
  | { readonly kind: 'broker'; readonly brokerId: string }
  | { readonly kind: 'broker-deleted'; readonly brokerId: string }
  | { readonly kind: 'configuration'; readonly configurationId: string }
  | { readonly kind: 'security-groups'; readonly groupIds: readonly string[] }
  /** A request that names its group by name (EC2-Classic / default VPC); resolve the id before use. */
  | { readonly kind: 'security-group-name'; readonly groupName: string }
  /**
   * Rules whose ids the event names. `groupIds` holds the groups the event names alongside them; it may
   * be empty (tags on rules only): then the groups must be looked up from the rules.
   */
  | {
      readonly kind: 'security-group-rules';
      readonly ruleIds: readonly string[];
      readonly groupIds: readonly string[];
    }
  /**
   * A managed prefix list whose entries changed: the security groups that reference it are found
   * (GetManagedPrefixListAssociations) and each is evaluated as after a change to its own rules.
   */
  | { readonly kind: 'prefix-list'; readonly prefixListId: string }
  /** A supported call that cannot change any check's answer; acknowledge and do nothing. */
  | { readonly kind: 'ignored'; readonly reason: string };

export interface ApiCallEvent {
  /** The EventBridge event id, when the call arrived through EventBridge. */
  readonly envelopeId?: string;
  readonly eventId: string;
  readonly eventName: string;
  readonly eventSource: ApiEventSource;
  readonly eventTime: string;
  readonly account: string;
  readonly region: string;
  readonly actor: Actor;
  readonly target: EventTarget;
}

// ---------------------------------------------------------------------------------------------
// Schemas

const informational = (max: number) =>
  z.nullish(
    z.pipe(
      z.string(),
      z.transform((text: string) => truncate(text, max)),
    ),
  );

const EnvelopeSchema = z.looseObject({
  version: z.optional(z.string().check(z.maxLength(16))),
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  source: z.string(),
  account: AccountIdSchema,
  time: IsoTimeSchema,
  region: RegionSchema,
  resources: z.optional(z.array(z.string().check(z.maxLength(2048))).check(z.maxLength(MAX_IDS_PER_EVENT))),
  detail: z.looseObject({}),
});

const RoutingSchema = z.looseObject({
  eventSource: z.string({ error: 'expected the name of the calling service' }).check(z.maxLength(256)),
  eventName: z.string({ error: 'expected the API call name' }).check(z.maxLength(256)),
});

const UserIdentitySchema = z.looseObject({
  type: z.string().check(z.minLength(1), z.maxLength(64)),
  arn: informational(2048),
  invokedBy: informational(256),
  sessionContext: z.nullish(
    z.looseObject({
      sessionIssuer: z.nullish(z.looseObject({ arn: informational(2048) })),
    }),
  ),
});

const ObjectOrNull = z.nullish(z.record(z.string(), z.unknown(), { error: 'expected an object or null' }));

const RecordSchema = z.looseObject({
  eventVersion: z.nullish(z.string().check(z.maxLength(16))),
  userIdentity: UserIdentitySchema,
  eventTime: IsoTimeSchema,
  awsRegion: RegionSchema,
  sourceIPAddress: informational(256),
  userAgent: informational(1024),
  requestParameters: ObjectOrNull,
  responseElements: ObjectOrNull,
  eventID: z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/, { error: 'expected an event id' })),
  recipientAccountId: z.nullish(AccountIdSchema),
});

type CloudTrailRecord = z.output<typeof RecordSchema>;
type Fields = Readonly<Record<string, unknown>>;

// ---------------------------------------------------------------------------------------------
// Parsing

/** Shows a value from the event in a message: short, and only for names (never identities). */
const quoted = describeValue;

const isSupportedSource = (source: string): source is ApiEventSource =>
  source === MQ_EVENT_SOURCE || source === EC2_EVENT_SOURCE;

interface Located {
  readonly envelope?: z.output<typeof EnvelopeSchema>;
  readonly record: Fields;
  /** Where the CloudTrail record sits, for messages: `detail.` inside an envelope. */
  readonly prefix: string;
}

const locateRecord = (input: unknown): Located => {
  if (!isPlainObject(input)) {
    throw new InvalidEventError(
      'Invalid event: expected a JSON object (an EventBridge event or a CloudTrail record)',
    );
  }
  // A record is recognised by its own keys first: a stray `detail` key must not turn it into an envelope.
  const looksLikeRecord = !('detail-type' in input) && ('eventSource' in input || 'eventName' in input);
  if (!looksLikeRecord && ('detail-type' in input || 'detail' in input)) {
    const detailType = input['detail-type'];
    if (detailType !== API_CALL_DETAIL_TYPE) {
      throw new InvalidEventError(
        `Invalid event: detail-type is ${detailType === undefined ? 'missing' : quoted(detailType)}, expected "${API_CALL_DETAIL_TYPE}"`,
      );
    }
    const source = input.source;
    if (source !== EVENTBRIDGE_SOURCES[MQ_EVENT_SOURCE] && source !== EVENTBRIDGE_SOURCES[EC2_EVENT_SOURCE]) {
      throw new InvalidEventError(
        `Unsupported event: source ${source === undefined ? 'is missing' : quoted(source)}; only aws.amazonmq and aws.ec2 API calls are handled`,
      );
    }
    const envelope = parseWith(EnvelopeSchema, input, '', 'EventBridge event');
    return { envelope, record: envelope.detail, prefix: 'detail.' };
  }
  if (looksLikeRecord) return { record: input, prefix: '' };
  throw new InvalidEventError(
    'Invalid event: neither an EventBridge event (detail-type, detail) nor a CloudTrail record (eventSource, eventName)',
  );
};

/**
 * The call an event records, when it failed (CloudTrail `errorCode` present): such a call changed
 * nothing. Undefined for anything else, including input that is not a CloudTrail event at all.
 */
export const failedApiCall = (
  input: unknown,
): { readonly eventId?: string; readonly eventName?: string; readonly errorCode: string } | undefined => {
  let record: Record<string, unknown>;
  try {
    record = locateRecord(input).record as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { errorCode, eventID, eventName } = record;
  if (typeof errorCode !== 'string' || errorCode === '') return undefined;
  const envelopeId = typeof input === 'object' && input !== null ? (input as { id?: unknown }).id : undefined;
  const eventId =
    typeof envelopeId === 'string' ? envelopeId : typeof eventID === 'string' ? eventID : undefined;
  return {
    errorCode,
    ...(eventId === undefined ? {} : { eventId }),
    ...(typeof eventName === 'string' ? { eventName } : {}),
  };
};

/**
 * An Amazon MQ or EC2 API call, delivered by EventBridge or as a bare CloudTrail record, reduced to
 * what changed and who changed it. Throws InvalidEventError for everything else, failed calls
 * included: the handler acknowledges those instead of retrying them.
 */
export function parseApiCallEvent(input: unknown): ApiCallEvent {
  const { envelope, record, prefix } = locateRecord(input);

  const { eventSource, eventName } = parseWith(RoutingSchema, record, prefix, 'CloudTrail record');
  if (!isSupportedSource(eventSource)) {
    throw new InvalidEventError(
      `Unsupported event: eventSource ${quoted(eventSource)} is not Amazon MQ or EC2`,
    );
  }
  if (envelope !== undefined && envelope.source !== EVENTBRIDGE_SOURCES[eventSource]) {
    throw invalid(
      'source',
      `${quoted(envelope.source)} does not match ${prefix}eventSource ${quoted(eventSource)}`,
    );
  }
  // Failed calls changed nothing; the EventBridge pattern drops them too, this is the second line.
  if (record.errorCode !== undefined) {
    throw new InvalidEventError(
      `Failed call ${eventName} (errorCode ${quoted(record.errorCode)}) changed nothing: ignored`,
    );
  }
  if (!SUPPORTED_EVENT_NAMES[eventSource].includes(eventName)) {
    throw new InvalidEventError(`Unsupported event: ${eventSource} ${quoted(eventName)} is not handled`);
  }

  const detail = parseWith(RecordSchema, record, prefix, 'CloudTrail record');
  const account = envelope?.account ?? detail.recipientAccountId;
  if (account === undefined || account === null) {
    throw invalid(`${prefix}recipientAccountId`, 'is required in a CloudTrail record without an envelope');
  }
  if (envelope !== undefined) {
    if (detail.recipientAccountId != null && detail.recipientAccountId !== envelope.account) {
      throw invalid(`${prefix}recipientAccountId`, 'differs from the event account');
    }
    if (detail.awsRegion !== envelope.region) {
      throw invalid(`${prefix}awsRegion`, 'differs from the event region');
    }
  }

  const call: CallContext = {
    eventName,
    requestParameters: detail.requestParameters ?? undefined,
    responseElements: detail.responseElements ?? undefined,
    requestPath: `${prefix}requestParameters`,
    responsePath: `${prefix}responseElements`,
    responseIsNull: detail.responseElements === null,
  };
  const target = eventSource === MQ_EVENT_SOURCE ? mqTarget(call) : ec2Target(call);
  const exempted = eventSource === EC2_EVENT_SOURCE ? exemptedRules(call, target) : [];
  const optedOut = eventSource === EC2_EVENT_SOURCE ? optedOutGroups(call, target) : [];
  const optedOutBrokers = eventSource === MQ_EVENT_SOURCE ? optedOutBroker(call, target) : [];

  return {
    ...(envelope === undefined ? {} : { envelopeId: envelope.id }),
    eventId: detail.eventID,
    eventName,
    eventSource,
    eventTime: detail.eventTime,
    account,
    region: detail.awsRegion,
    actor: {
      ...actorOf(detail, eventName),
      ...(exempted.length > 0 ? { exemptedRuleIds: exempted } : {}),
      ...(optedOut.length > 0 ? { optedOutGroupIds: optedOut } : {}),
      ...(optedOutBrokers.length > 0 ? { optedOutBrokerIds: optedOutBrokers } : {}),
    },
    target,
  };
}

/** Whether a CloudTrail tag list (`[{ key, value }]`, as EC2 records it) sets `mq-guardian:allow`. */
const setsAllowTag = (tags: readonly unknown[], path: string): boolean =>
  tags.some((tag, index) => {
    const key = fieldOfItem(tag, `${path}[${index}]`, 'key');
    if (typeof key !== 'string') throw invalid(`${path}[${index}].key`, 'is not a tag key');
    return key === TAGS.allow;
  });

/**
 * The rules an EC2 call exempted by tagging them `mq-guardian:allow`: CreateTags records the tags as
 * requestParameters.tagSet.items[] { key, value }; AuthorizeSecurityGroupIngress records
 * TagSpecifications as requestParameters.tagSpecificationSet.items[] { resourceType, tags[] }, and the
 * rules it created in the response (the target's rule ids).
 */
const exemptedRules = (call: CallContext, target: EventTarget): string[] => {
  if (target.kind !== 'security-group-rules') return [];
  const request = call.requestParameters;
  if (call.eventName === 'CreateTags') {
    const path = `${call.requestPath}.tagSet.items`;
    return setsAllowTag(itemsOf(request?.tagSet, `${call.requestPath}.tagSet`), path)
      ? [...target.ruleIds]
      : [];
  }
  if (call.eventName === 'AuthorizeSecurityGroupIngress') {
    const setPath = `${call.requestPath}.tagSpecificationSet`;
    const tagged = itemsOf(request?.tagSpecificationSet, setPath).some((spec, index) => {
      const path = `${setPath}.items[${index}]`;
      if (fieldOfItem(spec, path, 'resourceType') !== 'security-group-rule') return false;
      const tags = fieldOfItem(spec, path, 'tags') ?? [];
      if (!Array.isArray(tags)) throw invalid(`${path}.tags`, 'is not a list');
      return setsAllowTag(tags, `${path}.tags`);
    });
    return tagged ? [...target.ruleIds] : [];
  }
  return [];
};

/**
 * The security groups a CreateTags call opted out of remediation: it sets `mq-guardian:remediation` to
 * a value that opts out (the same reading as the code and the IAM Deny, policy/opt-out.ts).
 */
const optedOutGroups = (call: CallContext, target: EventTarget): string[] => {
  if (target.kind !== 'security-groups' || call.eventName !== 'CreateTags') return [];
  const path = `${call.requestPath}.tagSet`;
  const optsOutHere = itemsOf(call.requestParameters?.tagSet, path).some((tag, index) => {
    const item = `${path}.items[${index}]`;
    const key = fieldOfItem(tag, item, 'key');
    if (key !== TAGS.remediation) return false;
    const value = fieldOfItem(tag, item, 'value') ?? '';
    if (typeof value !== 'string') throw invalid(`${item}.value`, 'is not a tag value');
    return optsOut({ [TAGS.remediation]: value });
  });
  return optsOutHere ? [...target.groupIds] : [];
};

/**
 * The broker an Amazon MQ call opted out of remediation: CreateTags on the broker's ARN, or
 * CreateBroker, whose `tags` map sets `mq-guardian:remediation` to a value that opts out.
 */
const optedOutBroker = (call: CallContext, target: EventTarget): string[] => {
  if (target.kind !== 'broker' || (call.eventName !== 'CreateTags' && call.eventName !== 'CreateBroker')) {
    return [];
  }
  const path = `${call.requestPath}.tags`;
  const tags = call.requestParameters?.tags;
  if (tags === undefined || tags === null) return [];
  if (!isPlainObject(tags)) throw invalid(path, 'is not a map of tags');
  if (!Object.hasOwn(tags, TAGS.remediation)) return [];
  const value = tags[TAGS.remediation] ?? '';
  if (typeof value !== 'string') throw invalid(`${path}["${TAGS.remediation}"]`, 'is not a tag value');
  return optsOut({ [TAGS.remediation]: value }) ? [target.brokerId] : [];
};

const actorOf = (detail: CloudTrailRecord, eventName: string): Actor => {
  const identity = detail.userIdentity;
  const actor: { -readonly [K in keyof Actor]: Actor[K] } = {
    type: identity.type,
    eventTime: detail.eventTime,
    eventId: detail.eventID,
    eventName,
  };
  // Only what says who acted and from where: never the whole userIdentity (keys, session details).
  if (identity.arn != null) actor.arn = identity.arn;
  const roleArn = identity.sessionContext?.sessionIssuer?.arn;
  if (roleArn != null) actor.roleArn = roleArn;
  if (identity.invokedBy != null) actor.invokedBy = identity.invokedBy;
  if (detail.sourceIPAddress != null) actor.sourceIpAddress = detail.sourceIPAddress;
  if (detail.userAgent != null) actor.userAgent = detail.userAgent;
  return actor;
};

// ---------------------------------------------------------------------------------------------
// Targets

interface CallContext {
  readonly eventName: string;
  readonly requestParameters: Fields | undefined;
  readonly responseElements: Fields | undefined;
  readonly requestPath: string;
  readonly responsePath: string;
  readonly responseIsNull: boolean;
}

interface IdRule {
  readonly pattern: RegExp;
  readonly what: string;
}

const BROKER_ID: IdRule = { pattern: BROKER_ID_PATTERN, what: 'a broker id (b-<uuid>)' };
const CONFIGURATION_ID: IdRule = { pattern: CONFIGURATION_ID_PATTERN, what: 'a configuration id (c-<uuid>)' };
const GROUP_ID: IdRule = { pattern: SECURITY_GROUP_ID_PATTERN, what: 'a security group id (sg-…)' };
const RULE_ID: IdRule = { pattern: SECURITY_GROUP_RULE_ID_PATTERN, what: 'a security group rule id (sgr-…)' };
const GROUP_NAME: IdRule = { pattern: SECURITY_GROUP_NAME_PATTERN, what: 'a security group name' };
const PREFIX_LIST_ID: IdRule = { pattern: PREFIX_LIST_ID_PATTERN, what: 'a prefix list id (pl-…)' };

/**
 * Amazon MQ is a REST API: its path parameters are recorded as `brokerId` in the AWS example, but
 * other events may use the wire name (`broker-id`). Accept both rather than drop a real change.
 */
const firstKey = (fields: Fields, keys: readonly string[]): string | undefined =>
  keys.find((key) => fields[key] !== undefined);

const requiredId = (
  fields: Fields | undefined,
  fieldsPath: string,
  keys: readonly string[],
  rule: IdRule,
  call: CallContext,
): string => {
  if (fields === undefined) {
    throw invalid(
      `${fieldsPath}.${keys[0]}`,
      `is required for ${call.eventName} (${fieldsPath} is missing or null)`,
    );
  }
  const key = firstKey(fields, keys);
  if (key === undefined) throw invalid(`${fieldsPath}.${keys[0]}`, `is required for ${call.eventName}`);
  return checkedId(fields[key], `${fieldsPath}.${key}`, rule);
};

const checkedId = (value: unknown, path: string, rule: IdRule): string => {
  if (typeof value !== 'string' || !rule.pattern.test(value)) throw invalid(path, `is not ${rule.what}`);
  return value;
};

/** EC2 records lists as `{ "items": [...] }`, and empty lists as `{}`. */
const itemsOf = (value: unknown, path: string): readonly unknown[] => {
  if (value === undefined || value === null) return [];
  if (!isPlainObject(value)) throw invalid(path, 'is not an object with items');
  const items = value.items;
  if (items === undefined) return [];
  if (!Array.isArray(items)) throw invalid(`${path}.items`, 'is not a list');
  if (items.length > MAX_IDS_PER_EVENT)
    throw invalid(`${path}.items`, `holds more than ${MAX_IDS_PER_EVENT} entries`);
  return items;
};

const fieldOfItem = (item: unknown, path: string, key: string): unknown => {
  if (!isPlainObject(item)) throw invalid(path, 'is not an object');
  return item[key];
};

const BROKER_ID_KEYS = ['brokerId', 'broker-id'] as const;

const mqTarget = (call: CallContext): EventTarget => {
  const request = call.requestParameters;
  const brokerFromRequest = (): string =>
    requiredId(request, call.requestPath, BROKER_ID_KEYS, BROKER_ID, call);
  switch (call.eventName) {
    case 'CreateBroker': {
      // The id only exists once the call succeeded: it is in the response, never in the request.
      if (call.responseIsNull) {
        throw invalid(
          `${call.responsePath}.brokerId`,
          'is required for CreateBroker (responseElements is null)',
        );
      }
      return {
        kind: 'broker',
        brokerId: requiredId(call.responseElements, call.responsePath, ['brokerId'], BROKER_ID, call),
      };
    }
    case 'UpdateBroker':
    case 'RebootBroker':
    case 'CreateUser':
    case 'UpdateUser':
    case 'DeleteUser':
      return { kind: 'broker', brokerId: brokerFromRequest() };
    case 'DeleteBroker':
      return { kind: 'broker-deleted', brokerId: brokerFromRequest() };
    case 'CreateConfiguration': {
      // A new configuration is used by no broker until CreateBroker / UpdateBroker names it, and those
      // calls are evaluated themselves.
      const id = call.responseElements?.id;
      const named = typeof id === 'string' && CONFIGURATION_ID_PATTERN.test(id) ? ` ${id}` : '';
      return { kind: 'ignored', reason: `new configuration${named} is not used by any broker yet` };
    }
    case 'UpdateConfiguration':
      return {
        kind: 'configuration',
        configurationId: requiredId(
          request,
          call.requestPath,
          ['configurationId', 'configuration-id'],
          CONFIGURATION_ID,
          call,
        ),
      };
    case 'CreateTags':
    case 'DeleteTags':
      return mqTagTarget(call);
    default:
      throw new InvalidEventError(
        `Unsupported event: ${MQ_EVENT_SOURCE} ${quoted(call.eventName)} is not handled`,
      );
  }
};

const mqTagTarget = (call: CallContext): EventTarget => {
  const request = call.requestParameters;
  const keys = ['resourceArn', 'resource-arn'];
  if (request === undefined)
    throw invalid(`${call.requestPath}.resourceArn`, `is required for ${call.eventName}`);
  const key = firstKey(request, keys);
  if (key === undefined)
    throw invalid(`${call.requestPath}.resourceArn`, `is required for ${call.eventName}`);
  const arn = request[key];
  const resource = typeof arn === 'string' && arn.length <= 2048 ? parseMqArn(arn) : undefined;
  if (resource === undefined) {
    throw invalid(`${call.requestPath}.${key}`, 'is not an Amazon MQ broker or configuration ARN');
  }
  return resource.kind === 'broker'
    ? { kind: 'broker', brokerId: resource.brokerId }
    : { kind: 'configuration', configurationId: resource.configurationId };
};

const ec2Target = (call: CallContext): EventTarget => {
  switch (call.eventName) {
    case 'AuthorizeSecurityGroupIngress':
      return authorizeTarget(call);
    case 'RevokeSecurityGroupIngress': {
      const group = groupOfRequest(call);
      return group.groupId !== undefined
        ? { kind: 'security-groups', groupIds: [group.groupId] }
        : { kind: 'security-group-name', groupName: group.groupName };
    }
    case 'ModifySecurityGroupRules':
      return modifyRulesTarget(call);
    case 'CreateTags':
    case 'DeleteTags':
      return ec2TagTarget(call);
    case 'ModifyManagedPrefixList':
    case 'RestoreManagedPrefixListVersion':
      return prefixListTarget(call);
    default:
      throw new InvalidEventError(
        `Unsupported event: ${EC2_EVENT_SOURCE} ${quoted(call.eventName)} is not handled`,
      );
  }
};

type GroupRef =
  | { readonly groupId: string; readonly groupName?: undefined }
  | { readonly groupId?: undefined; readonly groupName: string };

const groupOfRequest = (call: CallContext): GroupRef => {
  const request = call.requestParameters;
  const path = call.requestPath;
  if (request === undefined) throw invalid(`${path}.groupId`, `is required for ${call.eventName}`);
  if (request.groupId !== undefined)
    return { groupId: checkedId(request.groupId, `${path}.groupId`, GROUP_ID) };
  if (request.groupName !== undefined) {
    return { groupName: checkedId(request.groupName, `${path}.groupName`, GROUP_NAME) };
  }
  throw invalid(`${path}.groupId`, `or ${path}.groupName is required for ${call.eventName}`);
};

const authorizeTarget = (call: CallContext): EventTarget => {
  const group = groupOfRequest(call);
  const setPath = `${call.responsePath}.securityGroupRuleSet`;
  const items = itemsOf(call.responseElements?.securityGroupRuleSet, setPath);
  const ruleIds: string[] = [];
  const groupIds: string[] = group.groupId === undefined ? [] : [group.groupId];
  items.forEach((item, index) => {
    const itemPath = `${setPath}.items[${index}]`;
    ruleIds.push(
      checkedId(
        fieldOfItem(item, itemPath, 'securityGroupRuleId'),
        `${itemPath}.securityGroupRuleId`,
        RULE_ID,
      ),
    );
    groupIds.push(checkedId(fieldOfItem(item, itemPath, 'groupId'), `${itemPath}.groupId`, GROUP_ID));
  });
  if (ruleIds.length > 0)
    return { kind: 'security-group-rules', ruleIds: unique(ruleIds), groupIds: unique(groupIds) };
  // Events recorded before security-group rule ids existed carry only `_return`.
  return group.groupId !== undefined
    ? { kind: 'security-groups', groupIds: [group.groupId] }
    : { kind: 'security-group-name', groupName: group.groupName };
};

/**
 * CloudTrail records this call in the SDK's PascalCase, wrapped: `ModifySecurityGroupRulesRequest`
 * { GroupId, SecurityGroupRule }, where SecurityGroupRule is one object (`tag` = its index) or a
 * list. Only ids are taken from it: the rule itself is re-read before anything acts on it.
 */
const modifyRulesTarget = (call: CallContext): EventTarget => {
  const request = call.requestParameters;
  const wrapperPath = `${call.requestPath}.ModifySecurityGroupRulesRequest`;
  const wrapper = request?.ModifySecurityGroupRulesRequest;
  if (wrapper === undefined && request?.groupId !== undefined) {
    // Tolerate a flat camelCase body too: the wrapped shape is only known from recorded events.
    return {
      kind: 'security-groups',
      groupIds: [checkedId(request.groupId, `${call.requestPath}.groupId`, GROUP_ID)],
    };
  }
  if (!isPlainObject(wrapper))
    throw invalid(`${wrapperPath}.GroupId`, 'is required for ModifySecurityGroupRules');
  if (wrapper.GroupId === undefined)
    throw invalid(`${wrapperPath}.GroupId`, 'is required for ModifySecurityGroupRules');
  const groupId = checkedId(wrapper.GroupId, `${wrapperPath}.GroupId`, GROUP_ID);

  const rulesPath = `${wrapperPath}.SecurityGroupRule`;
  const raw = wrapper.SecurityGroupRule;
  const entries: readonly unknown[] =
    raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (entries.length > MAX_IDS_PER_EVENT)
    throw invalid(rulesPath, `holds more than ${MAX_IDS_PER_EVENT} entries`);
  const ruleIds = entries.map((entry, index) => {
    const entryPath = Array.isArray(raw) ? `${rulesPath}[${index}]` : rulesPath;
    return checkedId(
      fieldOfItem(entry, entryPath, 'SecurityGroupRuleId'),
      `${entryPath}.SecurityGroupRuleId`,
      RULE_ID,
    );
  });
  return ruleIds.length > 0
    ? { kind: 'security-group-rules', ruleIds: unique(ruleIds), groupIds: [groupId] }
    : { kind: 'security-groups', groupIds: [groupId] };
};

/**
 * Members of a ModifyManagedPrefixList request that change no entry: the list's name and maximum size
 * (which cannot change together with the entries), the version it expects, DryRun. A request of only
 * these leaves every rule that references the list admitting what it admitted.
 */
const ENTRY_NEUTRAL_MEMBERS = new Set([
  'PrefixListId',
  'CurrentVersion',
  'PrefixListName',
  'MaxEntries',
  'DryRun',
]);

/**
 * CloudTrail records the prefix-list calls as it records ModifySecurityGroupRules: in the SDK's
 * PascalCase, wrapped as `<call>Request` — `ModifyManagedPrefixListRequest` { PrefixListId,
 * CurrentVersion, AddEntry, RemoveEntry, PrefixListName, MaxEntries }, `RestoreManagedPrefixListVersionRequest`
 * { PrefixListId, PreviousVersion, CurrentVersion }. Only the list id is taken: its entries are read
 * again before anything is judged. A Modify that only renames or resizes the list changes no entry;
 * any member not known to be harmless (AddEntry, RemoveEntry, anything new) is taken as a change.
 */
const prefixListTarget = (call: CallContext): EventTarget => {
  const request = call.requestParameters;
  const wrapperName = `${call.eventName}Request`;
  const wrapperPath = `${call.requestPath}.${wrapperName}`;
  const wrapper = request?.[wrapperName];
  if (wrapper === undefined && request?.prefixListId !== undefined) {
    // Tolerate a flat camelCase body too: the wrapped shape is only known from recorded events.
    return {
      kind: 'prefix-list',
      prefixListId: checkedId(request.prefixListId, `${call.requestPath}.prefixListId`, PREFIX_LIST_ID),
    };
  }
  if (!isPlainObject(wrapper) || wrapper.PrefixListId === undefined) {
    throw invalid(`${wrapperPath}.PrefixListId`, `is required for ${call.eventName}`);
  }
  const prefixListId = checkedId(wrapper.PrefixListId, `${wrapperPath}.PrefixListId`, PREFIX_LIST_ID);
  if (
    call.eventName === 'ModifyManagedPrefixList' &&
    Object.keys(wrapper).every((member) => ENTRY_NEUTRAL_MEMBERS.has(member))
  ) {
    return {
      kind: 'ignored',
      reason: `prefix list ${prefixListId} was renamed or resized: no entry was added or removed`,
    };
  }
  return { kind: 'prefix-list', prefixListId };
};

/** Tags matter on groups and rules (`mq-guardian:allow` exempts them); tags on anything else do not. */
const ec2TagTarget = (call: CallContext): EventTarget => {
  const setPath = `${call.requestPath}.resourcesSet`;
  if (call.requestParameters === undefined) throw invalid(setPath, `is required for ${call.eventName}`);
  const items = itemsOf(call.requestParameters.resourcesSet, setPath);
  if (items.length === 0) throw invalid(`${setPath}.items`, `is empty or missing for ${call.eventName}`);
  const groupIds: string[] = [];
  const ruleIds: string[] = [];
  items.forEach((item, index) => {
    const path = `${setPath}.items[${index}].resourceId`;
    const resourceId = fieldOfItem(item, `${setPath}.items[${index}]`, 'resourceId');
    if (typeof resourceId !== 'string' || resourceId.length === 0 || resourceId.length > 256) {
      throw invalid(path, 'is not a resource id');
    }
    if (resourceId.startsWith('sgr-')) ruleIds.push(checkedId(resourceId, path, RULE_ID));
    else if (resourceId.startsWith('sg-')) groupIds.push(checkedId(resourceId, path, GROUP_ID));
  });
  if (ruleIds.length > 0)
    return { kind: 'security-group-rules', ruleIds: unique(ruleIds), groupIds: unique(groupIds) };
  if (groupIds.length > 0) return { kind: 'security-groups', groupIds: unique(groupIds) };
  return {
    kind: 'ignored',
    reason: `tags changed on ${plural(items.length, 'resource')}, none of them a security group or security-group rule`,
  };
};
