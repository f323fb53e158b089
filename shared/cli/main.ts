/**
 * The mq-guardian command line: `checks`, `scan`, `replay`, `demo`. Every command but `scan` works
 * offline; `scan` reads a live account read-only through the same adapters the functions use.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALL_CHECKS } from '../checks/registry.ts';
import { errorMessage, GuardianError } from '../errors.ts';
import { parseEventJson } from '../events/detect.ts';
import { logger } from '../logger.ts';
import { SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import { DEFAULT_SETTINGS, type RemediationMode, type Settings } from '../policy/settings.ts';
import { loadRecordedAccount } from '../recorded/recorded-account.ts';
import { type ReplayEvaluation, type ReplayResult, replayAccount, replayEvent } from './replay.ts';
import { renderTable } from './table.ts';

const USAGE = `mq-guardian — Amazon MQ security best practices, checked and safely remediated

Usage:
  mq-guardian checks [--json]
      List the catalogue of checks.
  mq-guardian scan [--region R] [--profile P] [--json] [--fail-on SEVERITY]
                   [--remediate [--mode dry-run|enforce]]
      Evaluate every broker of a live account (needs AWS credentials); read-only unless
      --remediate --mode enforce. --remediate alone shows the plan (dry-run).
      Exit code 1 when a finding at or above SEVERITY (default HIGH) fails.
  mq-guardian replay --event FILE --state FILE [--mode off|dry-run|enforce] [--json]
      Run what the deployed functions run for an event (EventBridge envelope, CloudTrail record or
      AWS Config rule invocation) against a recorded account, and print what would happen.
  mq-guardian demo [--json]
      Replay every sample event in events/ against the bundled demo account.
  mq-guardian redrive (--queue-url URL | --queue LOGICAL_ID --stack NAME) [--messages FILE] [--region R]
      Print the AWS CLI commands that send a dead-letter queue's events back to their function.

Every command takes --verbose to show the functions' structured logs.
Exit codes: 0 ok, 1 findings at or above --fail-on (scan) or messages left in the queue (redrive),
2 usage or input error.`;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

class UsageError extends Error {}

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const parseMode = (value: string | undefined): RemediationMode => {
  const mode = value ?? 'dry-run';
  if (mode !== 'off' && mode !== 'dry-run' && mode !== 'enforce') {
    throw new UsageError(`--mode must be off, dry-run or enforce (got "${mode}")`);
  }
  return mode;
};

const checksCommand = (args: string[]): number => {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  if (values.json) {
    print(
      JSON.stringify(
        ALL_CHECKS.map((c) => c.meta),
        null,
        2,
      ),
    );
    return 0;
  }
  print(
    renderTable(
      ['id', 'severity', 'engines', 'auto-fix', 'title'],
      ALL_CHECKS.map((c) => [
        c.meta.id,
        c.meta.severity,
        c.meta.engines.map((e) => (e === 'ACTIVEMQ' ? 'ActiveMQ' : 'RabbitMQ')).join(', '),
        c.meta.autoRemediable ? 'yes' : c.meta.optIn ? 'no (opt-in)' : 'no',
        c.meta.title,
      ]),
    ),
  );
  return 0;
};

const MARK: Readonly<Record<string, string>> = {
  PASS: 'ok',
  FAIL: 'FAIL',
  NOT_APPLICABLE: '-',
  ERROR: 'ERR',
};

/** One event: what it resolved to, what fails, what remediation would do or did, and every write. */
const renderReplay = (name: string, result: ReplayResult, onlyFailing = false): string => {
  const lines = [`== ${name}: ${result.event.name ?? result.event.kind} — ${result.resolution}`];
  const shown = onlyFailing
    ? result.evaluations.filter((e) => e.compliance === 'NON_COMPLIANT')
    : result.evaluations;
  if (result.evaluations.length === 0) {
    lines.push('   no broker affected: nothing evaluated');
  } else if (shown.length === 0) {
    lines.push(`   ${result.evaluations.length} evaluations, none failing`);
  } else {
    lines.push(
      renderTable(
        ['resource', 'check', 'result', 'annotation'],
        shown.map((e) => [e.resourceName ?? e.resourceId, e.checkId, e.compliance, e.annotation]),
        110,
      )
        .split('\n')
        .map((l) => `   ${l}`)
        .join('\n'),
    );
    if (onlyFailing && shown.length < result.evaluations.length) {
      lines.push(
        `   (${result.evaluations.length - shown.length} more evaluations compliant or not applicable)`,
      );
    }
  }
  for (const action of result.remediation) {
    lines.push(`   remediation [${action.status}] ${action.summary}`);
    if (action.status === 'skipped' && action.reason && !action.summary.includes(action.reason)) {
      lines.push(`     reason: ${action.reason}`);
    }
    if (action.undo && action.status !== 'skipped') lines.push(`     undo: ${action.undo}`);
  }
  for (const { alert, text } of result.alerts) {
    lines.push(`   alert [${alert.severity} ${alert.action}] ${alert.summary}`);
    // replay shows each alert as e-mail subscribers would read it; the demo keeps one line each.
    if (!onlyFailing) lines.push(...text.split('\n').map((l) => `     | ${l}`));
  }
  lines.push(
    result.writes.length === 0
      ? '   writes: none'
      : `   writes: ${result.writes.map((w) => `${w.service}:${w.operation}`).join(', ')}`,
  );
  return lines.join('\n');
};

/** The whole account at a glance: one row per broker, one column per check (catalogue order). */
const renderMatrix = (evaluations: readonly ReplayEvaluation[]): string => {
  const checkIds = ALL_CHECKS.map((c) => c.meta.id);
  const brokers = [...new Set(evaluations.map((e) => e.resourceName ?? e.resourceId))];
  const header = ['broker', ...checkIds.map((_, i) => `#${i + 1}`)];
  const rows = brokers.map((broker) => [
    broker,
    ...checkIds.map((id) => {
      const e = evaluations.find((x) => (x.resourceName ?? x.resourceId) === broker && x.checkId === id);
      return e ? (MARK[e.status] ?? e.status) : 'off';
    }),
  ]);
  const legend = checkIds.map((id, i) => `  #${i + 1} ${id}`).join('\n');
  return `${renderTable(header, rows)}\n\nok = compliant, FAIL = not compliant, - = not applicable, ERR = could not evaluate, off = check disabled\n${legend}`;
};

const replaySettings = (mode: RemediationMode): Settings => ({ ...DEFAULT_SETTINGS, remediationMode: mode });

const replayCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      event: { type: 'string' },
      state: { type: 'string' },
      mode: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.event || !values.state) throw new UsageError('replay needs --event FILE and --state FILE');
  const settings = replaySettings(parseMode(values.mode));
  const account = await loadRecordedAccount(values.state);
  const input = parseEventJson(await readFile(values.event, 'utf8'));
  const result = await replayEvent(input, account, { settings, now: new Date() });
  print(values.json ? JSON.stringify(result, null, 2) : renderReplay(basename(values.event), result));
  return 0;
};

const demoCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const eventsDir = join(repoRoot, 'events');
  const state = join(eventsDir, 'accounts', 'demo-account.json');
  const files = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
  const settings = replaySettings('dry-run');
  const results: { file: string; result?: ReplayResult; error?: string }[] = [];
  for (const file of files) {
    // A fresh copy of the account per event, so each replay shows that event's effect alone.
    const account = await loadRecordedAccount(state);
    try {
      const input = parseEventJson(await readFile(join(eventsDir, file), 'utf8'));
      results.push({ file, result: await replayEvent(input, account, { settings, now: new Date() }) });
    } catch (error) {
      if (!(error instanceof GuardianError)) throw error;
      results.push({ file, error: `${error.name}: ${error.message}` });
    }
  }
  const overview = await replayAccount(await loadRecordedAccount(state), { settings, now: new Date() });
  if (values.json) {
    print(JSON.stringify({ account: overview, events: results }, null, 2));
    return 0;
  }
  print('mq-guardian demo — no AWS account is used.');
  print(
    'Recorded account: events/accounts/demo-account.json. Mode: dry-run (plans are shown, nothing is changed).\n',
  );
  print(
    `Every broker of the account, every check (what the hourly sweep sees):\n\n${renderMatrix(overview)}\n`,
  );
  print('Every sample event in events/, replayed one at a time against a fresh copy of the account');
  print('(failing evaluations only; `mq-guardian replay --event FILE --state FILE` shows all):\n');
  for (const { file, result, error } of results) {
    print(result ? renderReplay(file, result, true) : `== ${file}: rejected — ${error}`);
    print('');
  }
  return 0;
};

const failOnSeverity = (value: string | undefined): Severity => {
  const severity = (value ?? 'HIGH').toUpperCase();
  if (!SEVERITY_ORDER.includes(severity as Severity)) {
    throw new UsageError(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}`);
  }
  return severity as Severity;
};

const scanCommand = async (args: string[]): Promise<number> => {
  const { values } = parseArgs({
    args,
    options: {
      region: { type: 'string' },
      profile: { type: 'string' },
      json: { type: 'boolean' },
      'fail-on': { type: 'string' },
      remediate: { type: 'boolean' },
      mode: { type: 'string' },
    },
    strict: true,
  });
  const failOn = failOnSeverity(values['fail-on']);
  if (values.mode && !values.remediate) throw new UsageError('--mode goes with --remediate');
  const remediationMode = values.remediate ? parseMode(values.mode) : 'off';
  if (values.profile) process.env.AWS_PROFILE = values.profile;
  if (values.region) process.env.AWS_REGION = values.region;
  const { scanAccount } = await import('./scan.ts');
  return scanAccount({ json: values.json === true, failOn, print, remediationMode });
};

export const main = async (argv: string[]): Promise<number> => {
  // The functions' structured logs are for CloudWatch; on a terminal only errors are shown unless asked.
  const verbose = argv.includes('--verbose');
  logger.setLogLevel(verbose ? 'DEBUG' : 'ERROR');
  const [command, ...rest] = argv.filter((a) => a !== '--verbose');
  try {
    switch (command) {
      case 'checks':
        return checksCommand(rest);
      case 'scan':
        return await scanCommand(rest);
      case 'replay':
        return await replayCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'redrive':
        return await (await import('./redrive.ts')).redriveCommand(rest, print);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        print(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      process.stderr.write(`mq-guardian: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof GuardianError) {
      process.stderr.write(`mq-guardian: ${error.name}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && 'code' in error && (error as { code: unknown }).code === 'ENOENT') {
      process.stderr.write(`mq-guardian: ${errorMessage(error)}\n`);
      return 2;
    }
    throw error;
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
