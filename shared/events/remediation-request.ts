import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import { BROKER_ID_PATTERN, SECURITY_GROUP_ID_PATTERN, SECURITY_GROUP_RULE_ID_PATTERN } from './ids.ts';
import { REMEDIATION_REQUEST_SOURCE, REMEDIATION_REQUEST_TYPE } from './remediation-request-kind.ts';
import { safeParse } from './validation.ts';

export {
  isRemediationRequest,
  REMEDIATION_REQUEST_SOURCE,
  REMEDIATION_REQUEST_TYPE,
} from './remediation-request-kind.ts';

/**
 * mq-guardian's own event: "evaluate these brokers again and remediate their ingress". Sent by the
 * broker-event and sweep functions to the remediating function. It carries only broker ids: the
 * remediator re-reads everything live and never trusts findings computed elsewhere.
 */
/** A list of resource ids, each of the given pattern. */
const idList = (pattern: RegExp) =>
  z.readonly(z.array(z.string().check(z.regex(pattern))).check(z.minLength(1), z.maxLength(1000)));

/**
 * Built on the first request parsed, not at start-up: most of on-ingress-event's invocations are
 * CloudTrail events.
 */
const buildSchema = () =>
  z.strictObject({
    source: z.literal(REMEDIATION_REQUEST_SOURCE),
    'detail-type': z.literal(REMEDIATION_REQUEST_TYPE),
    detail: z.strictObject({
      brokerIds: z
        .array(z.string().check(z.regex(BROKER_ID_PATTERN)))
        .check(z.minLength(1), z.maxLength(200)),
      /** What led to the request: an event id or `sweep`. */
      reason: z.string().check(z.minLength(1), z.maxLength(256)),
      actor: z.optional(
        z.strictObject({
          type: z.string().check(z.maxLength(64)),
          arn: z.optional(z.string().check(z.maxLength(2048))),
          roleArn: z.optional(z.string().check(z.maxLength(2048))),
          invokedBy: z.optional(z.string().check(z.maxLength(256))),
          sourceIpAddress: z.optional(z.string().check(z.maxLength(256))),
          userAgent: z.optional(z.string().check(z.maxLength(1024))),
          eventTime: z.string().check(z.maxLength(64)),
          eventId: z.string().check(z.maxLength(128)),
          eventName: z.string().check(z.maxLength(128)),
          // What the call itself exempted or opted out (model/actor.ts): the remediator leaves them
          // alone even when its own reads do not show the tags yet.
          exemptedRuleIds: z.optional(idList(SECURITY_GROUP_RULE_ID_PATTERN)),
          optedOutGroupIds: z.optional(idList(SECURITY_GROUP_ID_PATTERN)),
          optedOutBrokerIds: z.optional(idList(BROKER_ID_PATTERN)),
        }),
      ),
    }),
  });

let schema: ReturnType<typeof buildSchema> | undefined;

export type RemediationRequest = z.infer<ReturnType<typeof buildSchema>>;

export const parseRemediationRequest = (input: unknown): RemediationRequest => {
  schema ??= buildSchema();
  const result = safeParse(schema, input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidEventError(
      `Invalid remediation request at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
};
