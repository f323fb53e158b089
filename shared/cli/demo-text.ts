/**
 * The demo as a person reads it: one short block per distinct scenario (detect → plan → undo → alert
 * as received), never the same finding, action or alert twice, every line at most DEMO_WIDTH columns.
 * Events that show exactly the same thing share one block; what an event shows that an earlier
 * block already showed is counted, not repeated. `replay` (and `demo --verbose`) print everything.
 */
import type { ReplayAction, ReplayResult } from './replay.ts';
import { plural, wrapWords } from './text.ts';

export const DEMO_WIDTH = 100;

export interface DemoEvent {
  readonly file: string;
  readonly result?: ReplayResult;
  readonly error?: string;
}

const LABEL = 10;

const cut = (line: string): string => (line.length > DEMO_WIDTH ? `${line.slice(0, DEMO_WIDTH - 1)}…` : line);
const PAD = ' '.repeat(3 + LABEL);

/** `text` wrapped to the width, the first line after `label`, the rest aligned under it. */
const labelled = (label: string, text: string, maxLines = Number.POSITIVE_INFINITY): string[] => {
  const lines = wrapWords(text, DEMO_WIDTH - PAD.length);
  const shown =
    lines.length > maxLines ? [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1]} …`] : lines;
  return shown.map((line, i) => cut(`${i === 0 ? `   ${label.padEnd(LABEL)}` : PAD}${line}`));
};

/**
 * Breaks after the structural commas of a JSON text (JSON allows whitespace there): lines of at most
 * `width`, the first of at most `first`.
 */
const wrapJson = (text: string, width: number, first = width): string[] => {
  const pieces: string[] = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',') {
      pieces.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line !== '' && line.length + piece.length > (lines.length === 0 ? first : width)) {
      lines.push(line);
      line = piece;
    } else line += piece;
  }
  return [...lines, line];
};

/**
 * A shell command over several lines that still runs when pasted: options packed up to `width`
 * (continued with `\\`), a long quoted JSON value broken between its elements.
 */
export const wrapCommand = (command: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const part of command.split(/ (?=--)/)) {
    const prefix = line === '' ? (lines.length === 0 ? '' : '  ') : `${line} `;
    if (prefix.length + part.length <= width) {
      line = `${prefix}${part}`;
      continue;
    }
    if (line !== '') lines.push(`${line} \\`);
    const json = /^(--\S+ )'(.*)'$/.exec(part);
    const head = `  ${json?.[1] ?? ''}'`;
    if (!json || head.length + 20 > width) {
      line = `  ${part}`;
      continue;
    }
    const body = wrapJson(json[2] ?? '', width - 5, width - head.length);
    body.forEach((piece, j) => {
      const text = `${j === 0 ? head : '    '}${piece}${j === body.length - 1 ? "'" : ''}`;
      if (j === body.length - 1) line = text;
      else lines.push(text);
    });
  }
  return [...lines, line];
};

/** Authorize actions that narrow the same rule, as one line listing the ports. */
const AUTHORIZE = /^Authorize (\S+) (\S+) from (\S+) on (\S+) \(narrowing (\S+)\)\.$/;

const planLines = (actions: readonly ReplayAction[]): string[] => {
  const lines: string[] = [];
  const narrowing = new Map<string, string[]>();
  for (const action of actions) {
    const m = AUTHORIZE.exec(action.summary);
    if (m) {
      const key = `${action.status}|${m[1]}|${m[3]}|${m[4]}|${m[5]}`;
      const ports = narrowing.get(key);
      if (ports) {
        ports.push(m[2] ?? '');
        continue;
      }
      narrowing.set(key, [m[2] ?? '']);
      lines.push(key);
      continue;
    }
    lines.push(`[${action.status}] ${action.summary}`);
  }
  return lines.map((line) => {
    const ports = narrowing.get(line);
    if (!ports) return line;
    const [status, protocol, source, group, rule] = line.split('|');
    return `[${status}] Authorize ${protocol} ${ports.join(', ')} from ${source} on ${group} (narrowing ${rule}).`;
  });
};

/** Undo commands of the shown actions; the same call on one group for several rules becomes one command. */
const undoCommands = (actions: readonly ReplayAction[]): string[] => {
  const merged = new Map<string, unknown[]>();
  const commands: string[] = [];
  for (const action of actions) {
    if (!action.undo || action.status === 'skipped') continue;
    const m = /^(aws ec2 \S+ .* --ip-permissions) '(\[.*\])'$/.exec(action.undo);
    if (!m) {
      commands.push(action.undo);
      continue;
    }
    const permissions = JSON.parse(m[2] ?? '[]') as unknown[];
    const known = merged.get(m[1] ?? '');
    if (known) known.push(...permissions);
    else {
      merged.set(m[1] ?? '', [...permissions]);
      commands.push(m[1] ?? '');
    }
  }
  return commands.map((c) => {
    const permissions = merged.get(c);
    return permissions ? `${c} '${JSON.stringify(permissions)}'` : c;
  });
};

/** What an alert's reader sees first: its subject line, headline and, if any, what stays exposed. */
const alertLines = (text: string): string[] => {
  const lines = text.split('\n');
  return [...lines.slice(0, 2), ...lines.filter((l) => l.startsWith('Still exposed:'))];
};

interface Shown {
  readonly findings: string[];
  readonly actions: ReplayAction[];
  readonly skips: string[];
  readonly alerts: { readonly key: string; readonly text: string; readonly label: string }[];
}

const itemsOf = (result: ReplayResult): Shown => ({
  findings: result.evaluations
    .filter((e) => e.compliance === 'NON_COMPLIANT')
    .map((e) => `${e.resourceName ?? e.resourceId}|${e.checkId}|${e.annotation}`),
  actions: [...result.remediation],
  skips: [
    ...(result.ownChange && !result.remediationSkipped.some((s) => s.reason === result.ownChange)
      ? [result.ownChange]
      : []),
    ...result.remediationSkipped.map((s) => s.reason),
  ],
  alerts: result.alerts.map(({ alert, text }) => ({
    key: `${alert.severity}|${alert.action}|${alert.summary}`,
    text,
    label: `${alert.severity} ${alert.action}`,
  })),
});

const keysOf = (items: Shown): string[] => [
  ...items.findings.map((f) => `finding|${f}`),
  ...items.actions.map((a) => `action|${a.status}|${a.summary}`),
  ...items.skips.map((s) => `skip|${s}`),
  ...items.alerts.map((a) => `alert|${a.key}`),
];

const listFiles = (files: readonly string[]): string[] => {
  const header = `── ${files.join(', ')} `;
  const lines = wrapWords(files.join(', '), DEMO_WIDTH - 3);
  return lines.length === 1 && header.length < DEMO_WIDTH
    ? [header.padEnd(DEMO_WIDTH, '─')]
    : lines.map((line, i) => (i === 0 ? `── ${line}` : `   ${line}`));
};

/** The longest undo shown in full; a longer one is printed by `--verbose`. */
const MAX_UNDO_LINES = 6;

/** Failing checks per broker, in the order found: `inventory-dev: not-publicly-accessible, …`. */
const detectLines = (findings: readonly string[]): string[] => {
  const byBroker = new Map<string, string[]>();
  for (const finding of findings) {
    const [resource = '', checkId = ''] = finding.split('|');
    const checks = byBroker.get(resource) ?? [];
    if (!checks.includes(checkId)) checks.push(checkId);
    byBroker.set(resource, checks);
  }
  return [...byBroker].flatMap(([resource, checks]) =>
    labelled('detect', `${resource} fails ${checks.map((c) => c.replace(/^mq-broker-/, '')).join(', ')}`),
  );
};

/** One alert of each kind as its reader sees it; the others of that kind counted by severity. */
const alertBlock = (alerts: Shown['alerts']): string[] => {
  const byKind = new Map<string, Shown['alerts'][number][]>();
  for (const alert of alerts) {
    const kind = alert.label.split(' ')[1] ?? alert.label;
    byKind.set(kind, [...(byKind.get(kind) ?? []), alert]);
  }
  return [...byKind.values()].flatMap(([first, ...more]) => {
    if (!first) return [];
    const lines = alertLines(first.text).flatMap((text, i) =>
      labelled(i === 0 ? 'alert' : '', `${i === 0 ? '' : '| '}${text}`, 3),
    );
    if (more.length === 0) return lines;
    const severities = new Map<string, number>();
    for (const alert of more) {
      const severity = alert.label.split(' ')[0] ?? '';
      severities.set(severity, (severities.get(severity) ?? 0) + 1);
    }
    const counts = [...severities].map(([severity, n]) => `${n} ${severity}`).join(', ');
    return [...lines, ...labelled('', `and ${plural(more.length, 'more alert')} like it (${counts})`)];
  });
};

const undoLines = (actions: readonly ReplayAction[]): string[] =>
  undoCommands(actions).flatMap((command) => {
    const wrapped = wrapCommand(command, DEMO_WIDTH - PAD.length);
    if (wrapped.length > MAX_UNDO_LINES) {
      const call = /^aws ec2 (\S+)/.exec(command)?.[1] ?? 'the calls';
      return labelled('undo', `${call} with the ${wrapped.length}-line command --verbose prints`);
    }
    return wrapped.map((line, i) => `${i === 0 ? `   ${'undo'.padEnd(LABEL)}` : PAD}${line}`);
  });

/** One block: the events, how they resolved, then what is new in them. */
const renderBlock = (files: readonly string[], result: ReplayResult, seen: Set<string>): string[] => {
  const items = itemsOf(result);
  const fresh = <T>(list: readonly T[], key: (t: T) => string): T[] => list.filter((t) => !seen.has(key(t)));
  const findings = fresh(items.findings, (f) => `finding|${f}`);
  const actions = fresh(items.actions, (a) => `action|${a.status}|${a.summary}`);
  const skips = fresh(items.skips, (s) => `skip|${s}`);
  const alerts = fresh(items.alerts, (a) => `alert|${a.key}`);
  const repeated =
    items.findings.length +
    items.actions.length +
    items.skips.length +
    items.alerts.length -
    (findings.length + actions.length + skips.length + alerts.length);
  for (const key of keysOf(items)) seen.add(key);
  const writes = [...new Set(result.writes.map((w) => `${w.service}:${w.operation}`))];
  return [
    ...listFiles(files),
    ...(files.length === 1
      ? labelled('event', `${result.event.name ?? result.event.kind} — ${result.resolution}`, 2)
      : labelled('events', `${files.length} events, the same outcome for each`)),
    ...detectLines(findings),
    ...(items.findings.length === 0 && result.evaluations.length > 0
      ? labelled('detect', `nothing fails (${plural(result.evaluations.length, 'evaluation')})`)
      : []),
    ...skips.flatMap((skip) => labelled('ignored', skip, 3)),
    ...planLines(
      actions.filter((a) => !(a.status === 'skipped' && skips.some((s) => a.summary.includes(s)))),
    ).flatMap((line) => labelled('plan', line, 2)),
    ...undoLines(actions),
    ...alertBlock(alerts),
    ...(repeated > 0
      ? labelled(
          '',
          `(and ${plural(repeated, 'finding, action or alert', 'findings, actions or alerts')} shown above)`,
        )
      : []),
    ...(result.failure ? labelled('failed', `Lambda would retry it: ${result.failure.message}`, 2) : []),
    ...labelled('writes', writes.length === 0 ? 'none' : writes.join(', ')),
  ];
};

const hasStory = (result: ReplayResult): boolean =>
  keysOf(itemsOf(result)).length > 0 || result.failure !== undefined;

/** The events after the matrix: one block per distinct scenario, then one line per quiet event. */
export const renderStories = (events: readonly DemoEvent[]): string[] => {
  const groups = new Map<string, { files: string[]; result: ReplayResult }>();
  const quiet: string[] = [];
  for (const { file, result, error } of events) {
    if (!result || !hasStory(result)) {
      const what = result
        ? `${result.resolution}${
            result.evaluations.length > 0
              ? ` (${plural(result.evaluations.length, 'evaluation')}, none failing)`
              : ' (no broker affected)'
          }`
        : `rejected: ${error ?? ''}`;
      quiet.push(
        ...wrapWords(`${file}: ${what}`, DEMO_WIDTH - 4).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`),
      );
      continue;
    }
    const signature = JSON.stringify([...keysOf(itemsOf(result))].sort());
    const group = groups.get(signature);
    if (group) group.files.push(file);
    else groups.set(signature, { files: [file], result });
  }
  const seen = new Set<string>();
  const blocks = [...groups.values()].flatMap(({ files, result }) => [
    ...renderBlock(files, result, seen),
    '',
  ]);
  return [...blocks, ...(quiet.length > 0 ? ['Events with nothing to act on:', ...quiet] : [])];
};
