/**
 * The README's example alert, derived from the golden alert fixtures so the two cannot drift: the
 * e-mail as SNS delivers it (subject and text body) and the Slack message, its Block Kit payload
 * shown as Markdown (Slack's own rendering cannot be put in a README).
 */
import { readFile } from 'node:fs/promises';

/** The golden scenario the README shows: the first alert a new installation (dry-run) sends. */
export const README_ALERT_SCENARIO = 'ingress-would-revoke-dry-run';

const GOLDEN_DIR = new URL('../fixtures/golden/alerts/', import.meta.url);

const EMOJI: Readonly<Record<string, string>> = {
  ':rotating_light:': '🚨',
  ':red_circle:': '🔴',
  ':large_orange_circle:': '🟠',
  ':large_yellow_circle:': '🟡',
  ':large_blue_circle:': '🔵',
  ':white_check_mark:': '✅',
};

interface SlackText {
  readonly type: string;
  readonly text: string;
}
interface SlackBlock {
  readonly type: string;
  readonly text?: SlackText;
  readonly fields?: readonly SlackText[];
  readonly elements?: readonly SlackText[];
}

const decodeEntities = (text: string): string =>
  text.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** Slack mrkdwn → Markdown lines: *bold*, <url|label> links, ```code``` blocks, entities. */
const mrkdwnLines = (text: string): string[] => {
  const lines: string[] = [];
  const parts = text.split('```');
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      lines.push('```', ...decodeEntities(part).split('\n'), '```');
      return;
    }
    const inline = part
      .replace(/<(https:[^|>]+)\|([^>]+)>/g, '[$2]($1)')
      .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1**$2**');
    lines.push(
      ...decodeEntities(inline)
        .split('\n')
        .filter((l) => l.trim() !== ''),
    );
  });
  return lines;
};

/** Markdown joins a paragraph's lines; Slack keeps them: a hard break (`\\`) between two text lines. */
const withLineBreaks = (lines: string[]): string[] => {
  let inCode = false;
  return lines.map((line, i) => {
    if (line === '```') inCode = !inCode;
    const next = lines[i + 1];
    return !inCode && line !== '```' && next !== undefined && next !== '```' ? `${line} \\` : line;
  });
};

/** A Block Kit payload as Markdown: one paragraph per block. */
export const slackPayloadAsMarkdown = (payload: { blocks: readonly SlackBlock[] }): string => {
  const paragraphs = payload.blocks.map((block) => {
    if (block.type === 'header' && block.text) {
      const text = block.text.text.replace(/^:[a-z_]+:/, (code) => EMOJI[code] ?? code);
      return [`**${text}**`];
    }
    if (block.fields) {
      return [
        block.fields
          .map((f) =>
            mrkdwnLines(f.text)
              .join(' · ')
              .replace(/^(\*\*[^*]+\*\*) · /, '$1: '),
          )
          .join(' \\\n'),
      ];
    }
    if (block.elements) return [block.elements.map((e) => mrkdwnLines(e.text).join(' ')).join(' · ')];
    if (block.text) return withLineBreaks(mrkdwnLines(block.text.text));
    throw new Error(`unexpected Slack block ${block.type}`);
  });
  return paragraphs.map((lines) => lines.join('\n')).join('\n\n');
};

/** The README section body between its markers, exactly. */
export const readmeAlertExample = async (): Promise<string> => {
  const read = (suffix: string) => readFile(new URL(`${README_ALERT_SCENARIO}${suffix}`, GOLDEN_DIR), 'utf8');
  const sns = JSON.parse(await read('.sns.json')) as { Subject: string };
  const text = await read('.txt');
  const slack = JSON.parse(await read('.slack.json')) as { blocks: SlackBlock[] };
  return [
    'E-mail (subject, then body):',
    '',
    '```text',
    `Subject: ${sns.Subject}`,
    '',
    text.trimEnd(),
    '```',
    '',
    'Slack (the Block Kit message, shown here as Markdown):',
    '',
    slackPayloadAsMarkdown(slack)
      .split('\n')
      .map((l) => (l === '' ? '>' : `> ${l}`))
      .join('\n'),
  ].join('\n');
};
