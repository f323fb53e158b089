import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.ts';
import { BROKER_ID_PATTERN } from './ids.ts';
import { safeParse } from './validation.ts';

/**
 * mq-guardian's own event: "evaluate these brokers again and remediate their ingress". Sent by the
 * broker-event and sweep functions to the remediating function. It carries only broker ids: the
 * remediator re-reads everything live and never trusts findings computed elsewhere.
 */
export const REMEDIATION_REQUEST_SOURCE = 'mq-guardian';
export const REMEDIATION_REQUEST_TYPE = 'Remediation Request';

const schema = z.strictObject({
  source: z.literal(REMEDIATION_REQUEST_SOURCE),
  'detail-type': z.literal(REMEDIATION_REQUEST_TYPE),
  detail: z.strictObject({
    brokerIds: z.array(z.string().check(z.regex(BROKER_ID_PATTERN))).check(z.minLength(1), z.maxLength(200)),
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
      }),
    ),
  }),
});

export type RemediationRequest = z.infer<typeof schema>;

export const isRemediationRequest = (input: unknown): boolean =>
  typeof input === 'object' &&
  input !== null &&
  (input as { source?: unknown }).source === REMEDIATION_REQUEST_SOURCE;

export const parseRemediationRequest = (input: unknown): RemediationRequest => {
  const result = safeParse(schema, input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidEventError(
      `Invalid remediation request at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
};
