/**
 * Parses the structured alert (schema `mq-guardian/alert`, version 1) as subscribers receive it:
 * notify-slack, and anything else subscribed to the topic. Unknown fields are dropped (a newer
 * publisher may add optional ones); a missing or mistyped field, or another schema version, is an
 * InvalidEventError that names the field and never echoes the message.
 */
import * as z from 'zod/mini';
import { CHECK_IDS } from '../model/finding.ts';
import { InvalidEventError } from '../errors.ts';
import { parseWith } from '../events/validation.ts';
import { ALERT_ACTIONS, ALERT_SCHEMA, ALERT_SCHEMA_VERSION, type Alert } from './alert.ts';

const text = z.string();
const checkId = z.enum(CHECK_IDS);

const alertSchema = z.object({
  schema: z.literal(ALERT_SCHEMA),
  schemaVersion: z.literal(ALERT_SCHEMA_VERSION),
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['finding', 'remediation', 'resolved']),
  action: z.enum(ALERT_ACTIONS),
  severity: z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']),
  checkId,
  checkIds: z.array(checkId).check(z.minLength(1)),
  title: text,
  summary: text,
  time: text,
  account: text,
  region: text,
  partition: text,
  broker: z.object({
    id: text,
    name: text,
    arn: text,
    engine: z.enum(['ACTIVEMQ', 'RABBITMQ']),
  }),
  finding: z.object({
    status: z.enum(['PASS', 'FAIL', 'NOT_APPLICABLE', 'ERROR']),
    message: text,
    change: z.optional(z.enum(['new', 'worsened'])),
    details: z.array(text),
    omittedDetails: z.number().check(z.int(), z.nonnegative()),
    previousMessage: z.optional(text),
    failingSince: z.optional(text),
  }),
  securityGroups: z.array(z.object({ groupId: text, ruleIds: z.array(text) })),
  remediation: z.object({
    mode: z.enum(['off', 'dry-run', 'enforce']),
    autoRemediable: z.boolean(),
    status: z.optional(z.enum(['done', 'planned', 'skipped', 'failed'])),
    summary: z.optional(text),
    reason: z.optional(text),
    impact: z.optional(text),
    error: z.optional(text),
    undo: z.array(text),
    createdRuleIds: z.optional(z.array(text)),
    taken: z.optional(z.array(text)),
    stillExposed: z.optional(text),
    guidance: text,
    guidanceUrl: text,
  }),
  actor: z.optional(
    z.object({
      type: text,
      arn: z.optional(text),
      roleArn: z.optional(text),
      invokedBy: z.optional(text),
      sourceIpAddress: z.optional(text),
      eventId: text,
      eventName: text,
      eventTime: text,
    }),
  ),
  consoleUrl: text,
});

/** An alert from its structured JSON form (already parsed from the message string). */
export const parseAlert = (value: unknown): Alert => parseWith(alertSchema, value, '', 'alert') as Alert;

/** An alert from the message string a structured-protocol subscriber receives. */
export const parseAlertMessage = (message: string): Alert => {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    // The parser's message quotes the input: left out, like every other echo of an event.
    throw new InvalidEventError('Invalid alert: the message is not JSON');
  }
  return parseAlert(value);
};
