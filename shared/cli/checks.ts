/**
 * `mq-guardian checks [ID...] [--verbose] [--json]`: the catalogue of checks. By default one entry per
 * check (id, severity, engines, whether it is fixed in place, title); `--verbose`, or naming checks,
 * prints each check in full: its risk, its remediation and its sources (AWS documentation URLs).
 * Text stays within 100 columns; only a URL longer than that gets a line of its own that is wider.
 */
import type { CheckMeta } from '../checks/check.ts';
import { ALL_CHECKS } from '../checks/registry.ts';
import { staleTableWarning } from '../checks/support/engine-versions.ts';
import { isCheckId } from '../model/finding.ts';
import { command, UsageError } from './args.ts';
import { renderTable } from './table.ts';
import { wrapWords } from './text.ts';

/** The widest line the catalogue prints (a URL longer than this is printed whole). */
export const CATALOGUE_WIDTH = 100;

const engines = (meta: CheckMeta): string =>
  meta.engines.map((e) => (e === 'ACTIVEMQ' ? 'ActiveMQ' : 'RabbitMQ')).join(', ');

const autoFix = (meta: CheckMeta): string =>
  meta.autoRemediable ? 'yes' : meta.optIn ? 'no (opt-in check)' : 'no';

/**
 * `line` indented by `prefix`, or by as much of it as fits: a word longer than the width (a URL)
 * starts further left, at the margin when even that is too wide, and is never broken.
 */
const indented = (line: string, prefix: string): string =>
  `${prefix.slice(0, Math.max(0, CATALOGUE_WIDTH - line.length))}${line}`;

/** `text` wrapped within the catalogue width, every line indented by `prefix`. */
const wrapped = (text: string, prefix: string): string[] =>
  wrapWords(text, CATALOGUE_WIDTH - prefix.length).map((line) => indented(line, prefix));

/** The documentation a check stands on: the best practice, then the remediation guide if different. */
export const checkSources = (meta: CheckMeta): string[] => [...new Set([meta.source, meta.remediation.url])];

/** One check in full: what must hold, the risk, the remediation and the sources. */
export const renderCheckDetail = (meta: CheckMeta): string =>
  [
    meta.id,
    ...wrapped(`severity ${meta.severity} · engines ${engines(meta)} · auto-fix ${autoFix(meta)}`, '  '),
    ...wrapped(meta.title, '  '),
    '  Risk:',
    ...wrapped(meta.risk, '    '),
    '  Remediation:',
    ...wrapped(meta.remediation.text, '    '),
    '  Sources:',
    ...checkSources(meta).map((url) => indented(url, '    ')),
  ].join('\n');

/** The short catalogue: a row per check (id, severity, engines, auto-fix), its title beneath. */
export const renderCatalogue = (metas: readonly CheckMeta[]): string => {
  const rows = metas.map((m) => [m.id, m.severity, engines(m), autoFix(m)]);
  const [header = '', rule = '', ...lines] = renderTable(
    ['id', 'severity', 'engines', 'auto-fix'],
    rows,
  ).split('\n');
  return [
    header,
    rule,
    ...lines.flatMap((line, i) => [line, ...wrapped(metas[i]?.title ?? '', '    ')]),
    '',
    'Risk, remediation and sources: mq-guardian checks --verbose (every check) or checks ID.',
  ].join('\n');
};

/** The checks named on the command line, in the order given; every check when none is named. */
const selected = (ids: readonly string[]): CheckMeta[] => {
  if (ids.length === 0) return ALL_CHECKS.map((c) => c.meta);
  return ids.map((id) => {
    const found = isCheckId(id) ? ALL_CHECKS.find((c) => c.meta.id === id) : undefined;
    if (!found) throw new UsageError(`unknown check "${id}"; mq-guardian checks lists the ids`, 'checks');
    return found.meta;
  });
};

export const checksCommand = (print: (text: string) => void) =>
  command({
    name: 'checks',
    summary: 'List the catalogue of checks; --verbose or naming checks adds risk, remediation and sources.',
    arguments: [
      {
        name: 'ID',
        help: 'show only these checks, in full (e.g. mq-broker-ingress-not-open-to-world)',
        repeated: true,
      },
    ],
    verbose: 'print every check in full: risk, remediation and sources',
    options: {
      json: {
        type: 'boolean',
        help: 'print the checks with risk, remediation and sources as one JSON document',
      },
    },
    run: (values, context) => {
      const metas = selected(context.arguments);
      // On stderr, so that --json stays one document: an old table is a warning, not a failure.
      const stale = staleTableWarning(new Date());
      if (stale) process.stderr.write(`warning: ${stale}\n`);
      if (values.json) print(JSON.stringify(metas, null, 2));
      else if (context.verbose || context.arguments.length > 0) {
        print(metas.map(renderCheckDetail).join('\n\n'));
      } else print(renderCatalogue(metas));
      return 0;
    },
  });
