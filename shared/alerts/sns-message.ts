/**
 * One alert as one SNS message. Pure.
 *
 * MessageStructure `json`: `Message` is a JSON object with one string per delivery protocol. People
 * (`default`: SMS, chat and anything unnamed; `email`) get the readable text; machines (`lambda`,
 * `sqs`, `http`, `https`, `firehose`, `email-json`) get the structured alert as a JSON string. So the
 * optional e-mail subscription reads like a message rather than a JSON dump, while notify-slack and
 * any queue or webhook subscriber parse one documented shape (`parseAlert`, schema.ts) without
 * scraping text. Subscribers with raw message delivery receive the same per-protocol string.
 *
 * Message attributes `severity`, `checkId` and `action` let subscriptions filter with SNS filter
 * policies (e.g. `{"action": ["revoked", "narrowed"]}`).
 */
import { GuardianError } from '../errors.ts';
import type { Alert } from './alert.ts';
import { renderAlertText, renderSubject } from './text.ts';

export const SNS_TEXT_PROTOCOLS = ['default', 'email'] as const;
export const SNS_STRUCTURED_PROTOCOLS = ['lambda', 'sqs', 'http', 'https', 'firehose', 'email-json'] as const;
/** SNS's limit for message and attributes together. */
export const SNS_MAX_BYTES = 262_144;
/** Detail lines kept when a message would not fit otherwise. */
const MAX_ALERT_DETAILS_WHEN_SHRUNK = 3;

export type SnsAttributeName = 'severity' | 'checkId' | 'action';

export interface SnsMessage {
  readonly Subject: string;
  /** JSON object: protocol → string. */
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Readonly<
    Record<SnsAttributeName, { readonly DataType: 'String'; readonly StringValue: string }>
  >;
}

const attribute = (value: string) => ({ DataType: 'String', StringValue: value }) as const;

const sizeOf = (message: SnsMessage): number =>
  Buffer.byteLength(message.Message) +
  Object.entries(message.MessageAttributes).reduce(
    (sum, [name, value]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      Buffer.byteLength(value.StringValue),
    0,
  );

const render = (alert: Alert): SnsMessage => {
  const text = renderAlertText(alert);
  const body = JSON.stringify(alert);
  const message: Record<string, string> = {};
  for (const protocol of SNS_TEXT_PROTOCOLS) message[protocol] = text;
  for (const protocol of SNS_STRUCTURED_PROTOCOLS) message[protocol] = body;
  return {
    Subject: renderSubject(alert),
    Message: JSON.stringify(message),
    MessageStructure: 'json',
    MessageAttributes: {
      severity: attribute(alert.severity),
      checkId: attribute(alert.checkId),
      action: attribute(alert.action),
    },
  };
};

/** The same alert with fewer detail lines (the rest counted): what must always fit. */
const shrink = (alert: Alert): Alert => ({
  ...alert,
  finding: {
    ...alert.finding,
    details: alert.finding.details.slice(0, MAX_ALERT_DETAILS_WHEN_SHRUNK),
    omittedDetails:
      alert.finding.omittedDetails +
      Math.max(0, alert.finding.details.length - MAX_ALERT_DETAILS_WHEN_SHRUNK),
  },
});

export const renderSnsMessage = (alert: Alert): SnsMessage => {
  const full = render(alert);
  if (sizeOf(full) <= SNS_MAX_BYTES) return full;
  const small = render(shrink(alert));
  if (sizeOf(small) <= SNS_MAX_BYTES) return small;
  throw new GuardianError(
    'ALERT_TOO_LARGE',
    `Alert ${alert.id} for ${alert.broker.id} does not fit in an SNS message (${sizeOf(small)} bytes)`,
  );
};
