/**
 * `mq-guardian demo`: every sample event in events/ replayed against the bundled demo account, with
 * no AWS account. The demo runs as a stack deployed in the demo account would: its remediation role
 * is the one the sample self-trigger event names, so that event is seen being ignored. Each event is
 * replayed against the account as that event left it (demo-state.ts), and shown as a short story
 * (demo-text.ts); `--verbose` prints every replay in full.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../checks/registry.ts';
import { GuardianError } from '../errors.ts';
import { parseEventJson } from '../events/detect.ts';
import { DEFAULT_SETTINGS, type Settings } from '../policy/settings.ts';
import { parseJsonFile, recordedAccountFrom } from '../recorded/recorded-account.ts';
import { command } from './args.ts';
import { accountForEvent, cloudTrailRecord, rulesCreated } from './demo-state.ts';
import { REMEDIATION_ROLE_OPTION, remediationRoleOption } from './remediation-role.ts';
import { DEMO_WIDTH, type DemoEvent, renderStories } from './demo-text.ts';
import { type ReplayEvaluation, replayAccount, replayEvent } from './replay.ts';
import { renderReplay } from './replay-text.ts';
import { renderTable } from './table.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The remediation role of the demo's stack (the role the sample self-trigger event was made by). */
export const DEMO_REMEDIATION_ROLE_ARN = 'arn:aws:iam::123456789012:role/mq-guardian-dev-remediator';

export const DEMO_SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  remediationMode: 'dry-run',
  remediationRoleArn: DEMO_REMEDIATION_ROLE_ARN,
};

const MARK: Readonly<Record<string, string>> = {
  PASS: 'ok',
  FAIL: 'FAIL',
  NOT_APPLICABLE: '-',
  ERROR: 'ERR',
};

/** The whole account at a glance: one row per broker, one column per check (catalogue order). */
export const renderMatrix = (evaluations: readonly ReplayEvaluation[]): string => {
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
  const width = Math.max(...checkIds.map((id, i) => `  #${i + 1} ${id}`.length)) + 2;
  const columns = Math.max(1, Math.floor(DEMO_WIDTH / width));
  const legend: string[] = [];
  for (let i = 0; i < checkIds.length; i += columns) {
    const row = checkIds.slice(i, i + columns).map((id, j) => `#${i + j + 1} ${id}`.padEnd(width - 2));
    legend.push(`  ${row.join('  ')}`.trimEnd());
  }
  return [
    renderTable(header, rows),
    '',
    'ok = compliant, FAIL = not compliant, - = not applicable, ERR = could not evaluate,',
    'off = check disabled',
    ...legend,
  ].join('\n');
};

/** When an event happened (ISO 8601, so it sorts as text); empty when it does not say. */
const eventTime = (event: unknown): string => {
  const record = cloudTrailRecord(event);
  return typeof record?.eventTime === 'string' ? record.eventTime : '';
};

const runDemo = async (
  settings: Settings,
): Promise<{ overview: ReplayEvaluation[]; events: DemoEvent[] }> => {
  const eventsDir = join(repoRoot, 'events');
  const state = join(eventsDir, 'accounts', 'demo-account.json');
  const files = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
  const recorded = parseJsonFile(await readFile(state, 'utf8'), state);
  const parsed = await Promise.all(
    files.map(async (file) => {
      try {
        return { file, input: parseEventJson(await readFile(join(eventsDir, file), 'utf8')) };
      } catch (error) {
        if (!(error instanceof GuardianError)) throw error;
        return { file, error: `${error.name}: ${error.message}` };
      }
    }),
  );
  // In the order the events happened (Config invocations carry no time and come first), so that a
  // story that an earlier one explains (a broker created, then its group opened) reads in that order.
  parsed.sort((a, b) => eventTime(a.input).localeCompare(eventTime(b.input)));
  const created = new Map(parsed.map(({ file, input }) => [file, rulesCreated(input)]));
  const events: DemoEvent[] = [];
  for (const { file, input, error } of parsed) {
    if (error !== undefined) {
      events.push({ file, error });
      continue;
    }
    const elsewhere = new Set([...created].flatMap(([other, ids]) => (other === file ? [] : ids)));
    try {
      // A fresh copy of the account per event, as the event left it: each replay shows that event alone.
      const account = recordedAccountFrom(accountForEvent(recorded, input, elsewhere), state);
      events.push({
        file,
        result: await replayEvent(input, account, { settings, now: new Date() }),
      });
    } catch (error) {
      if (!(error instanceof GuardianError)) throw error;
      events.push({ file, error: `${error.name}: ${error.message}` });
    }
  }
  const overview = await replayAccount(recordedAccountFrom(recorded, state), {
    settings,
    now: new Date(),
  });
  return { overview, events };
};

export const demoCommand = (print: (text: string) => void) =>
  command({
    name: 'demo',
    summary: 'Replay every sample event in events/ against the bundled demo account (no AWS account).',
    options: {
      json: { type: 'boolean', help: 'print the account and every replay as one JSON document' },
      'remediation-role': {
        ...REMEDIATION_ROLE_OPTION,
        help: `${REMEDIATION_ROLE_OPTION.help} (default: the demo stack's, ${DEMO_REMEDIATION_ROLE_ARN})`,
      },
    },
    verbose: 'show every event in full (all evaluations, alerts as received)',
    run: async (values, context) => {
      const role = remediationRoleOption(values['remediation-role'], 'demo') ?? DEMO_REMEDIATION_ROLE_ARN;
      const { overview, events } = await runDemo({ ...DEMO_SETTINGS, remediationRoleArn: role });
      if (values.json) {
        print(JSON.stringify({ account: overview, events }, null, 2));
        return 0;
      }
      print('mq-guardian demo — no AWS account is used.');
      print('Recorded account: events/accounts/demo-account.json.');
      print('Mode: dry-run (plans are shown, nothing is changed).');
      print(`Its remediation role (changes by it are never remediated):\n  ${role}\n`);
      print(
        `Every broker of the account, every check (what the hourly sweep sees):\n\n${renderMatrix(overview)}\n`,
      );
      if (!context.verbose) {
        print('Each sample event of events/, replayed against the account as the event left it:');
        print('one block per distinct outcome (--verbose shows every event in full).\n');
        print(renderStories(events).join('\n'));
        return 0;
      }
      for (const { file, result, error } of events) {
        print(result ? renderReplay(file, result) : `== ${file}: rejected — ${error}`);
        print('');
      }
      return 0;
    },
  });
