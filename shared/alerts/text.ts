/**
 * The readable text of an alert: the SNS `default` / `email` body, the e-mail subject and what the
 * CLI prints. Pure.
 */
import { ACTION_LABELS, type Alert } from './alert.ts';
import { engineDisplayName } from '../network/protocol-ports.ts';

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
const MAX_SUBJECT = 99;

/** "New finding", "Finding worsened", "Ingress narrowed", ... */
export const alertHeadline = (alert: Alert): string =>
  alert.action === 'alert' && alert.finding.change === 'worsened'
    ? 'Finding worsened'
    : ACTION_LABELS[alert.action];

const toAscii = (text: string): string =>
  text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[^\x20-\x7e]/g, '?');

/** `[HIGH] New finding on orders-prod: mq-broker-not-publicly-accessible`, shortened to SNS's limit. */
export const renderSubject = (alert: Alert): string => {
  const subject = toAscii(
    `[${alert.severity}] ${alertHeadline(alert)} on ${alert.broker.name}: ${alert.checkId}`,
  );
  return subject.length <= MAX_SUBJECT ? subject : `${subject.slice(0, MAX_SUBJECT - 3)}...`;
};

const field = (label: string, value: string): string => `${`${label}:`.padEnd(9)} ${value}`;

const modeLine = (alert: Alert): string => {
  const { mode, status } = alert.remediation;
  return status === 'planned' ? `Mode: ${mode} (nothing was changed)` : `Mode: ${mode}`;
};

export const renderAlertText = (alert: Alert): string => {
  const lines: string[] = [
    `[${alert.severity}] ${alertHeadline(alert)}: ${alert.title}`,
    alert.summary,
    '',
    field('Broker', `${alert.broker.name} (${alert.broker.id}), ${engineDisplayName(alert.broker.engine)}`),
    field('Account', alert.account),
    field('Region', alert.region),
    field('Check', alert.checkIds.join(', ')),
  ];
  for (const group of alert.securityGroups) {
    lines.push(field('Group', `${group.groupId}: ${group.ruleIds.join(', ')}`));
  }

  if (alert.kind === 'remediation') {
    lines.push('', `Found: ${alert.finding.message}`);
  }
  if (alert.finding.details.length > 0) {
    lines.push('', 'What was found:', ...alert.finding.details.map((d) => `  - ${d}`));
    if (alert.finding.omittedDetails > 0) lines.push(`  - ... and ${alert.finding.omittedDetails} more`);
  }
  // A resolved failure, or a failure that can no longer be judged: what it was.
  if (alert.finding.previousMessage !== undefined) {
    const since =
      alert.finding.failingSince === undefined ? '' : ` (failing since ${alert.finding.failingSince})`;
    lines.push('', `Was: ${alert.finding.previousMessage}${since}`);
  }

  const r = alert.remediation;
  lines.push('');
  if (r.status !== undefined) {
    lines.push(modeLine(alert));
    if (r.reason !== undefined) lines.push(`Reason: ${r.reason}`);
    if (r.impact !== undefined) lines.push(`Impact: ${r.impact}`);
    if (r.stillExposed !== undefined) lines.push(`Still exposed: ${r.stillExposed}`);
    if (r.error !== undefined) lines.push(`Error: ${r.error}`);
    if (r.undo.length > 0) {
      lines.push(r.status === 'planned' ? 'Undo (once applied):' : 'Undo:', ...r.undo.map((u) => `  ${u}`));
    }
  } else if (alert.kind !== 'resolved' && r.taken !== undefined) {
    lines.push(
      `Remediation (mode ${r.mode}), in this same invocation:`,
      ...r.taken.map((t) => `  - ${t}`),
      ...(r.stillExposed === undefined ? [] : [`Still exposed: ${r.stillExposed}`]),
      `How to fix: ${r.guidance}`,
      `More: ${r.guidanceUrl}`,
    );
  } else if (alert.kind !== 'resolved') {
    lines.push(
      r.autoRemediable
        ? `Remediation (mode ${r.mode}): mq-guardian revokes or narrows disallowed rules in enforce mode.`
        : `Remediation (mode ${r.mode}): not fixed automatically.`,
      `How to fix: ${r.guidance}`,
      `More: ${r.guidanceUrl}`,
    );
  } else {
    lines.push(`Remediation mode: ${r.mode}`);
  }

  lines.push('');
  if (alert.actor !== undefined) {
    const a = alert.actor;
    lines.push(
      `Changed by: ${a.arn ?? a.type} (${a.eventName} at ${a.eventTime}, event ${a.eventId})`,
      ...(a.invokedBy === undefined ? [] : [`Invoked by: ${a.invokedBy}`]),
    );
  } else {
    lines.push(`Found by: an evaluation at ${alert.time} (no API call)`);
  }
  lines.push(`Console: ${alert.consoleUrl}`, `Alert: ${alert.id} (${alert.schema} v${alert.schemaVersion})`);
  return lines.join('\n');
};
