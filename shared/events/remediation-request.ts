import { z } from 'zod';
import { InvalidEventError } from '../errors.ts';
import { BROKER_ID_PATTERN } from './ids.ts';

/**
 * mq-guardian's own event: "evaluate these brokers again and remediate their ingress". Sent by the
 * broker-event and sweep functions to the remediating function. It carries only broker ids: the
 * remediator re-reads everything live and never trusts findings computed elsewhere.
 */
export const REMEDIATION_REQUEST_SOURCE = 'mq-guardian';
export const REMEDIATION_REQUEST_TYPE = 'Remediation Request';

const schema = z
  .object({
    source: z.literal(REMEDIATION_REQUEST_SOURCE),
    'detail-type': z.literal(REMEDIATION_REQUEST_TYPE),
    detail: z
      .object({
        brokerIds: z.array(z.string().regex(BROKER_ID_PATTERN)).min(1).max(200),
        /** What led to the request: an event id or `sweep`. */
        reason: z.string().min(1).max(256),
        actor: z
          .object({
            type: z.string().max(64),
            arn: z.string().max(2048).optional(),
            roleArn: z.string().max(2048).optional(),
            invokedBy: z.string().max(256).optional(),
            sourceIpAddress: z.string().max(256).optional(),
            userAgent: z.string().max(1024).optional(),
            eventTime: z.string().max(64),
            eventId: z.string().max(128),
            eventName: z.string().max(128),
          })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

export type RemediationRequest = z.infer<typeof schema>;

export const isRemediationRequest = (input: unknown): boolean =>
  typeof input === 'object' &&
  input !== null &&
  (input as { source?: unknown }).source === REMEDIATION_REQUEST_SOURCE;

export const parseRemediationRequest = (input: unknown): RemediationRequest => {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidEventError(
      `Invalid remediation request at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
};
