/**
 * Shapes of the AWS identifiers that events name. Strict on purpose: an id that does not look like
 * one AWS issues is never passed on to an AWS call or into a finding.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const BROKER_ID_PATTERN = new RegExp(`^b-${UUID}$`);
export const CONFIGURATION_ID_PATTERN = new RegExp(`^c-${UUID}$`);
/** Old groups have 8 hex digits, newer ones 17. */
export const SECURITY_GROUP_ID_PATTERN = /^sg-[0-9a-f]{8,17}$/;
export const SECURITY_GROUP_RULE_ID_PATTERN = /^sgr-[0-9a-f]{8,17}$/;
/** Managed prefix lists: customer-managed ones have 17 hex digits, AWS-managed ones (`pl-63a5400a`) 8. */
export const PREFIX_LIST_ID_PATTERN = /^pl-[0-9a-f]{8,17}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-northwest-1`, `us-isob-east-1`. */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/**
 * Security-group names (EC2-Classic and default VPC requests name groups this way): up to 255
 * printable ASCII characters, and EC2 refuses names starting with `sg-`.
 */
export const SECURITY_GROUP_NAME_PATTERN = /^(?!sg-)[\x20-\x7e]{1,255}$/;

/**
 * Amazon MQ broker ARN: `arn:<partition>:mq:<region>:<account>:broker:<name>:<broker id>`.
 * Broker names hold letters, digits, `-`, `_`, `.` and `~` (no `:`), at most 50 characters.
 */
const BROKER_ARN_PATTERN = new RegExp(
  `^arn:aws(?:-[a-z]+)*:mq:[a-z0-9-]{1,32}:\\d{12}:broker:[A-Za-z0-9._~-]{1,50}:(b-${UUID})$`,
);
/** Amazon MQ configuration ARN: `arn:<partition>:mq:<region>:<account>:configuration:<configuration id>`. */
const CONFIGURATION_ARN_PATTERN = new RegExp(
  `^arn:aws(?:-[a-z]+)*:mq:[a-z0-9-]{1,32}:\\d{12}:configuration:(c-${UUID})$`,
);

export type MqResourceRef =
  | { readonly kind: 'broker'; readonly brokerId: string }
  | { readonly kind: 'configuration'; readonly configurationId: string };

/** The broker or configuration an Amazon MQ ARN names, or undefined when it is neither. */
export const parseMqArn = (arn: string): MqResourceRef | undefined => {
  const broker = BROKER_ARN_PATTERN.exec(arn);
  if (broker?.[1] !== undefined) return { kind: 'broker', brokerId: broker[1] };
  const configuration = CONFIGURATION_ARN_PATTERN.exec(arn);
  if (configuration?.[1] !== undefined) return { kind: 'configuration', configurationId: configuration[1] };
  return undefined;
};
