import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import { type CheckId, isCheckId } from '../model/finding.ts';
import {
  AccountIdSchema,
  describeValue,
  invalid,
  IsoTimeSchema,
  isPlainObject,
  parseWith,
  RegionSchema,
} from './validation.ts';

export const CONFIGURATION_ITEM_STATUSES = [
  'OK',
  'ResourceDiscovered',
  'ResourceNotRecorded',
  'ResourceDeleted',
  'ResourceDeletedNotRecorded',
] as const;
export type ConfigurationItemStatus = (typeof CONFIGURATION_ITEM_STATUSES)[number];

/** Deleted resources are reported NOT_APPLICABLE, never evaluated. */
export const isDeletedStatus = (status: ConfigurationItemStatus): boolean =>
  status === 'ResourceDeleted' || status === 'ResourceDeletedNotRecorded';

export const CONFIG_MESSAGE_TYPES = [
  'ConfigurationItemChangeNotification',
  'OversizedConfigurationItemChangeNotification',
  'ScheduledNotification',
] as const;
export type ConfigMessageType = (typeof CONFIG_MESSAGE_TYPES)[number];

/** Lambda's asynchronous payload limit is 256 KB; anything much larger is not a real invocation. */
export const MAX_INVOKING_EVENT_CHARS = 1_048_576;
const MAX_RULE_PARAMETERS_CHARS = 65_536;
const MAX_RELATIONSHIPS = 1000;
const INVOCATION = 'Config invocation';

export interface ConfigRelationship {
  readonly resourceType: string;
  readonly resourceId?: string;
  readonly resourceName?: string;
  /** `Is associated with SecurityGroup`, `Is attached to ElasticIp`, ... */
  readonly name?: string;
}

export interface ConfigurationItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly arn?: string;
  readonly awsRegion?: string;
  readonly awsAccountId?: string;
  /** `configurationItemCaptureTime`: the OrderingTimestamp of the evaluation. */
  readonly captureTime: string;
  /** `configurationItemStatus`. */
  readonly status: ConfigurationItemStatus;
  /** AWS::AmazonMQ::Broker: PascalCase keys; AWS::EC2::SecurityGroup: camelCase. Absent when null (deleted). */
  readonly configuration?: Readonly<Record<string, unknown>>;
  readonly relationships?: readonly ConfigRelationship[];
  readonly tags?: Readonly<Record<string, string>>;
}

/** An oversized item's summary: the item itself must be read with GetResourceConfigHistory. */
export interface ConfigurationItemSummary {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string;
  readonly arn?: string;
  readonly awsRegion?: string;
  readonly captureTime: string;
  readonly status: ConfigurationItemStatus;
  /** `CREATE` | `UPDATE` | `DELETE` as Config says. */
  readonly changeType?: string;
}

interface ConfigInvocationCommon {
  readonly configRuleName: string;
  readonly configRuleArn?: string;
  readonly accountId: string;
  /** Needed by PutEvaluations; only a Config invocation carries one. */
  readonly resultToken: string;
  /** True when the resource is no longer in the rule's scope: report NOT_APPLICABLE. */
  readonly eventLeftScope: boolean;
  /** The check this rule runs (`ruleParameters.checkId`). */
  readonly checkId: CheckId;
  /** All rule parameters, including checkId. */
  readonly ruleParameters: Readonly<Record<string, string>>;
}

export type ConfigInvocation =
  | (ConfigInvocationCommon & {
      readonly messageType: 'ConfigurationItemChangeNotification';
      readonly configurationItem: ConfigurationItem;
    })
  | (ConfigInvocationCommon & {
      readonly messageType: 'OversizedConfigurationItemChangeNotification';
      readonly summary: ConfigurationItemSummary;
    })
  | (ConfigInvocationCommon & {
      readonly messageType: 'ScheduledNotification';
      readonly notificationCreationTime: string;
    });

// ---------------------------------------------------------------------------------------------
// Schemas

const InvocationSchema = z.looseObject({
  invokingEvent: z
    .string({ error: 'expected a JSON string' })
    .check(
      z.maxLength(MAX_INVOKING_EVENT_CHARS, { error: `longer than ${MAX_INVOKING_EVENT_CHARS} characters` }),
    ),
  ruleParameters: z.nullish(
    z.string({ error: 'expected a JSON string' }).check(
      z.maxLength(MAX_RULE_PARAMETERS_CHARS, {
        error: `longer than ${MAX_RULE_PARAMETERS_CHARS} characters`,
      }),
    ),
  ),
  resultToken: z.string().check(z.minLength(1), z.maxLength(100_000)),
  eventLeftScope: z.boolean(),
  executionRoleArn: z.nullish(z.string().check(z.maxLength(2048))),
  configRuleArn: z.nullish(z.string().check(z.maxLength(2048))),
  configRuleName: z.string().check(z.minLength(1), z.maxLength(128)),
  configRuleId: z.nullish(z.string().check(z.maxLength(128))),
  accountId: AccountIdSchema,
  version: z.nullish(z.string().check(z.maxLength(16))),
});

const StatusSchema = z.enum(CONFIGURATION_ITEM_STATUSES, {
  error: `expected one of ${CONFIGURATION_ITEM_STATUSES.join(', ')}`,
});
const ResourceTypeSchema = z.string().check(
  z.regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, {
    error: 'expected a resource type such as AWS::AmazonMQ::Broker',
  }),
);
const ResourceIdSchema = z.string().check(z.minLength(1), z.maxLength(768));
const NameSchema = z.nullish(z.string().check(z.maxLength(768)));
const ArnSchema = z.nullish(z.string().check(z.maxLength(2048)));

const RelationshipSchema = z.looseObject({
  resourceType: ResourceTypeSchema,
  resourceId: z.nullish(ResourceIdSchema),
  resourceName: NameSchema,
  name: z.nullish(z.string().check(z.maxLength(256))),
});

const ConfigurationItemSchema = z.looseObject({
  configurationItemCaptureTime: IsoTimeSchema,
  configurationItemStatus: StatusSchema,
  resourceType: ResourceTypeSchema,
  resourceId: ResourceIdSchema,
  resourceName: NameSchema,
  ARN: ArnSchema,
  awsRegion: z.nullish(RegionSchema),
  awsAccountId: z.nullish(AccountIdSchema),
  configuration: z.nullish(z.record(z.string(), z.unknown(), { error: 'expected an object or null' })),
  relationships: z.nullish(z.array(RelationshipSchema).check(z.maxLength(MAX_RELATIONSHIPS))),
  tags: z.nullish(z.record(z.string(), z.string())),
});

const ChangeNotificationSchema = z.looseObject({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  configurationItem: ConfigurationItemSchema,
});

const OversizedNotificationSchema = z.looseObject({
  messageType: z.literal('OversizedConfigurationItemChangeNotification'),
  configurationItemSummary: z.looseObject({
    configurationItemCaptureTime: IsoTimeSchema,
    configurationItemStatus: StatusSchema,
    resourceType: ResourceTypeSchema,
    resourceId: ResourceIdSchema,
    resourceName: NameSchema,
    ARN: ArnSchema,
    awsRegion: z.nullish(RegionSchema),
    changeType: z.nullish(z.string().check(z.maxLength(32))),
  }),
});

const ScheduledNotificationSchema = z.looseObject({
  messageType: z.literal('ScheduledNotification'),
  notificationCreationTime: IsoTimeSchema,
});

const RuleParametersSchema = z
  .record(
    z.string().check(z.maxLength(256)),
    z.string({ error: 'expected a string value' }).check(z.maxLength(4096)),
  )
  .check(
    z.refine((parameters) => Object.keys(parameters).length <= 64, {
      error: 'holds more than 64 parameters',
    }),
  );

// ---------------------------------------------------------------------------------------------
// Parsing

const parseJsonField = (text: string, path: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidEventError(`Invalid Config invocation: ${path} is not valid JSON`, { cause: error });
  }
};

/** Copies the defined optional fields only, so that results compare cleanly and carry no nulls. */
const defined = <T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)) as {
    [K in keyof T]?: Exclude<T[K], null | undefined>;
  };

const parseRuleParameters = (
  text: string | null | undefined,
): { checkId: CheckId; parameters: Record<string, string> } => {
  if (text === undefined || text === null)
    throw invalid('ruleParameters', 'is missing: it must hold checkId', INVOCATION);
  const parameters = parseWith(
    RuleParametersSchema,
    parseJsonField(text, 'ruleParameters'),
    'ruleParameters',
    'Config invocation',
  );
  const checkId = parameters.checkId;
  if (checkId === undefined) throw invalid('ruleParameters.checkId', 'is missing', INVOCATION);
  if (!isCheckId(checkId)) {
    throw invalid('ruleParameters.checkId', `${describeValue(checkId)} is not a known check id`, INVOCATION);
  }
  return { checkId, parameters };
};

/**
 * The event AWS Config sends a custom Lambda rule. `ruleParameters` must name the check the rule
 * runs (`{"checkId": "mq-broker-…"}`). Throws InvalidEventError for anything malformed.
 */
export function parseConfigInvocation(input: unknown): ConfigInvocation {
  if (!isPlainObject(input)) throw new InvalidEventError('Invalid Config invocation: expected a JSON object');
  const invocation = parseWith(InvocationSchema, input, '', 'Config invocation');
  const { checkId, parameters } = parseRuleParameters(invocation.ruleParameters);
  const common: ConfigInvocationCommon = {
    configRuleName: invocation.configRuleName,
    ...defined({ configRuleArn: invocation.configRuleArn }),
    accountId: invocation.accountId,
    resultToken: invocation.resultToken,
    eventLeftScope: invocation.eventLeftScope,
    checkId,
    ruleParameters: parameters,
  };

  const invoking = parseJsonField(invocation.invokingEvent, 'invokingEvent');
  if (!isPlainObject(invoking)) throw invalid('invokingEvent', 'is not a JSON object', INVOCATION);
  const messageType = invoking.messageType;
  switch (messageType) {
    case 'ConfigurationItemChangeNotification': {
      const { configurationItem: item } = parseWith(
        ChangeNotificationSchema,
        invoking,
        'invokingEvent',
        'Config invocation',
      );
      return {
        ...common,
        messageType,
        configurationItem: {
          resourceType: item.resourceType,
          resourceId: item.resourceId,
          captureTime: item.configurationItemCaptureTime,
          status: item.configurationItemStatus,
          ...defined({
            resourceName: item.resourceName,
            arn: item.ARN,
            awsRegion: item.awsRegion,
            awsAccountId: item.awsAccountId,
            configuration: item.configuration,
            tags: item.tags,
          }),
          ...(item.relationships == null
            ? {}
            : {
                relationships: item.relationships.map((relationship) => ({
                  resourceType: relationship.resourceType,
                  ...defined({
                    resourceId: relationship.resourceId,
                    resourceName: relationship.resourceName,
                    name: relationship.name,
                  }),
                })),
              }),
        },
      };
    }
    case 'OversizedConfigurationItemChangeNotification': {
      const { configurationItemSummary: summary } = parseWith(
        OversizedNotificationSchema,
        invoking,
        'invokingEvent',
        'Config invocation',
      );
      return {
        ...common,
        messageType,
        summary: {
          resourceType: summary.resourceType,
          resourceId: summary.resourceId,
          captureTime: summary.configurationItemCaptureTime,
          status: summary.configurationItemStatus,
          ...defined({
            resourceName: summary.resourceName,
            arn: summary.ARN,
            awsRegion: summary.awsRegion,
            changeType: summary.changeType,
          }),
        },
      };
    }
    case 'ScheduledNotification': {
      const scheduled = parseWith(
        ScheduledNotificationSchema,
        invoking,
        'invokingEvent',
        'Config invocation',
      );
      return { ...common, messageType, notificationCreationTime: scheduled.notificationCreationTime };
    }
    default:
      throw invalid(
        'invokingEvent.messageType',
        messageType === undefined
          ? 'is missing'
          : `${describeValue(messageType)} is not one of ${CONFIG_MESSAGE_TYPES.join(', ')}`,
        INVOCATION,
      );
  }
}
