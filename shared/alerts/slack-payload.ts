/**
 * One alert as a Slack incoming-webhook message (Block Kit). Pure.
 *
 * Slack's limits are held by construction: a fixed handful of blocks (never more than 50), section
 * text clipped to 3000 characters and fields to 2000 after escaping, long lists summarised ("… and 12
 * more"). Every piece of text that came from AWS or from people (names, messages, reasons,
 * commands) is escaped (`&`, `<`, `>`), so it can neither ping a channel nor forge a link.
 */
import type { Alert } from './alert.ts';
import { engineDisplayName } from '../network/protocol-ports.ts';
import { alertHeadline } from './text.ts';

export const SLACK_MAX_BLOCKS = 50;
export const SLACK_MAX_SECTION_CHARS = 3000;
export const SLACK_MAX_FIELD_CHARS = 2000;
export const SLACK_MAX_HEADER_CHARS = 150;
export const SLACK_MAX_CONTEXT_ELEMENTS = 10;
/** Detail lines shown in Slack; the SNS message carries up to MAX_DETAILS. */
export const SLACK_MAX_DETAIL_LINES = 10;
/** Undo commands shown, one section each. */
export const SLACK_MAX_UNDO_BLOCKS = 10;
const MAX_FALLBACK_CHARS = 400;

interface TextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export type SlackBlock =
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: readonly TextObject[] }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }
  | { readonly type: 'divider' };

export interface SlackPayload {
  /** Notification and fallback text. */
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes the three characters Slack reserves for control sequences. */
export const escapeSlack = (text: string): string => text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);

/** Escapes and keeps the result within `max` characters, never cutting an entity in half. */
export const escapeWithin = (text: string, max: number): string => {
  const escaped = escapeSlack(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const char of text) {
    const piece = ESCAPES[char] ?? char;
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
};

/** A code block holds the command as it is; three backticks inside would end it early. */
const codeBlock = (command: string, max: number): string => {
  const body = escapeWithin(command.replaceAll('```', '` ` `'), max - 6);
  return `\`\`\`${body}\`\`\``;
};

const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text });

/** A section whose text is `prefix` (our own mrkdwn) then `body` (escaped), within Slack's limit. */
const section = (prefix: string, body: string): SlackBlock => ({
  type: 'section',
  text: mrkdwn(`${prefix}${escapeWithin(body, SLACK_MAX_SECTION_CHARS - prefix.length)}`),
});

const SEVERITY_EMOJI: Readonly<Record<Alert['severity'], string>> = {
  CRITICAL: ':rotating_light:',
  HIGH: ':red_circle:',
  MEDIUM: ':large_orange_circle:',
  LOW: ':large_yellow_circle:',
  INFORMATIONAL: ':large_blue_circle:',
};

const headerText = (alert: Alert): string => {
  const emoji = alert.action === 'resolved' ? ':white_check_mark:' : SEVERITY_EMOJI[alert.severity];
  return escapeWithin(
    `${emoji} ${alert.severity} · ${alertHeadline(alert)}: ${alert.title}`,
    SLACK_MAX_HEADER_CHARS,
  );
};

const field = (label: string, value: string): TextObject =>
  mrkdwn(`*${label}*\n${escapeWithin(value, SLACK_MAX_FIELD_CHARS - label.length - 3)}`);

const remediationTitle = (alert: Alert): string => {
  const mode = `mode \`${alert.remediation.mode}\``;
  switch (alert.remediation.status) {
    case 'done':
      return `*Done* (${mode})`;
    case 'planned':
      return `*Not done* (${mode}: nothing was changed; enforce mode would do it)`;
    case 'skipped':
      return `*Left unchanged* (${mode})`;
    case 'failed':
      return `*Failed* (${mode})`;
    default:
      return `*Remediation* (${mode})`;
  }
};

const detailsBlock = (alert: Alert): SlackBlock | undefined => {
  const details = alert.finding.details;
  if (details.length === 0) return undefined;
  const prefix = '*What was found*\n';
  // Room for the "… and N more" line, whatever N is.
  const budget = SLACK_MAX_SECTION_CHARS - prefix.length - 80;
  let body = '';
  let shown = 0;
  for (const line of details.slice(0, SLACK_MAX_DETAIL_LINES)) {
    const piece = `${body === '' ? '' : '\n'}• ${escapeWithin(line, 500)}`;
    if (body.length + piece.length > budget) break;
    body += piece;
    shown += 1;
  }
  const more = details.length - shown + alert.finding.omittedDetails;
  const suffix = more > 0 ? `\n… and ${more} more (the SNS message lists up to 20)` : '';
  return { type: 'section', text: mrkdwn(`${prefix}${body}${suffix}`) };
};

/** What a resolved failure, or a failure that can no longer be judged, was. */
const wasBlocks = (alert: Alert): SlackBlock[] => {
  const was = alert.finding.previousMessage;
  if (was === undefined) return [];
  const since =
    alert.finding.failingSince === undefined ? '' : ` (failing since ${alert.finding.failingSince})`;
  return [section('*Was* ', `${was}${since}`)];
};

const remediationBlocks = (alert: Alert): SlackBlock[] => {
  const r = alert.remediation;
  if (alert.kind === 'resolved') return wasBlocks(alert);
  if (r.status === undefined) {
    const how =
      r.taken !== undefined
        ? 'What is still exposed is yours to fix.'
        : r.autoRemediable
          ? `mq-guardian revokes or narrows disallowed rules in enforce mode (mode \`${r.mode}\`).`
          : `Not fixed automatically (mode \`${r.mode}\`).`;
    const taken =
      r.taken === undefined
        ? []
        : [
            section(
              `*Remediation* (mode \`${r.mode}\`), in this same invocation\n`,
              [
                ...r.taken.map((t) => `• ${t}`),
                ...(r.stillExposed ? [`Still exposed: ${r.stillExposed}`] : []),
              ].join('\n'),
            ),
          ];
    return [
      ...wasBlocks(alert),
      ...taken,
      {
        type: 'section',
        text: mrkdwn(
          `*How to fix* ${how}\n${escapeWithin(r.guidance, SLACK_MAX_SECTION_CHARS - 400)}\n<${escapeSlack(r.guidanceUrl)}|Documentation>`,
        ),
      },
    ];
  }
  const parts = [
    r.reason && `Reason: ${r.reason}`,
    r.impact && `Impact: ${r.impact}`,
    r.stillExposed && `Still exposed: ${r.stillExposed}`,
    r.error && `Error: ${r.error}`,
  ]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .join('\n');
  const blocks: SlackBlock[] = [section(`${remediationTitle(alert)}\n`, parts)];
  const undo = r.undo.slice(0, SLACK_MAX_UNDO_BLOCKS);
  undo.forEach((command, index) => {
    const title = index === 0 ? (r.status === 'planned' ? '*Undo* (once applied)\n' : '*Undo*\n') : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(`${title}${codeBlock(command, SLACK_MAX_SECTION_CHARS - title.length)}`),
    });
  });
  if (r.undo.length > undo.length) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`… and ${r.undo.length - undo.length} more undo commands in the SNS message`)],
    });
  }
  return blocks;
};

const contextBlock = (alert: Alert): SlackBlock => {
  const a = alert.actor;
  const elements: TextObject[] =
    a === undefined
      ? [mrkdwn(`Found by an evaluation at ${escapeSlack(alert.time)} (no API call)`)]
      : [
          mrkdwn(`Changed by *${escapeWithin(a.arn ?? a.type, 500)}*`),
          mrkdwn(`${escapeWithin(a.eventName, 100)} at ${escapeWithin(a.eventTime, 40)}`),
          mrkdwn(`event \`${escapeWithin(a.eventId, 100)}\``),
        ];
  elements.push(mrkdwn(`alert \`${escapeSlack(alert.id)}\``));
  return { type: 'context', elements: elements.slice(0, SLACK_MAX_CONTEXT_ELEMENTS) };
};

export const renderSlackPayload = (alert: Alert): SlackPayload => {
  const checks = alert.checkIds.map((id) => `\`${id}\``).join('\n');
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: headerText(alert), emoji: true } },
    {
      type: 'section',
      fields: [
        field(
          'Broker',
          `${alert.broker.name} (${alert.broker.id})\n${engineDisplayName(alert.broker.engine)}`,
        ),
        field('Account', alert.account),
        field('Region', alert.region),
        // Check ids are ours (kebab-case): the backticks are the only markup.
        mrkdwn(`*Check*\n${checks}`),
      ],
    },
    section('', alert.summary),
  ];
  if (alert.kind === 'remediation' && alert.finding.message !== alert.summary) {
    blocks.push(section('*Found* ', alert.finding.message));
  }
  const details = detailsBlock(alert);
  if (details) blocks.push(details);
  blocks.push(...remediationBlocks(alert));
  if (alert.securityGroups.length > 0) {
    const groups = alert.securityGroups
      .slice(0, 10)
      .map((g) => `${g.groupId}: ${g.ruleIds.join(', ')}`)
      .join('\n');
    blocks.push(section('*Security groups*\n', groups));
  }
  blocks.push(contextBlock(alert));
  blocks.push({
    type: 'section',
    text: mrkdwn(`<${escapeSlack(alert.consoleUrl)}|Open in the AWS console>`),
  });
  return {
    text: escapeWithin(`[${alert.severity}] ${alertHeadline(alert)}: ${alert.summary}`, MAX_FALLBACK_CHARS),
    blocks: blocks.slice(0, SLACK_MAX_BLOCKS),
  };
};
