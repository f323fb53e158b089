/**
 * `mq-guardian demo`: every sample event in events/ replayed against the bundled demo account, with
 * no AWS account. The demo runs as a stack deployed in the demo account would: its remediation role
 * is the one the sample self-trigger event names, so that event is seen being ignored.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../checks/registry.ts';
import { GuardianError } from '../errors.ts';
import { parseEventJson } from '../events/detect.ts';
import { DEFAULT_SETTINGS, type Settings } from '../policy/settings.ts';
import { loadRecordedAccount } from '../recorded/recorded-account.ts';
import { command } from './args.ts';
import { type ReplayEvaluation, type ReplayResult, replayAccount, replayEvent } from './replay.ts';
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
  const legend = checkIds.map((id, i) => `  #${i + 1} ${id}`).join('\n');
  return `${renderTable(header, rows)}\n\nok = compliant, FAIL = not compliant, - = not applicable, ERR = could not evaluate, off = check disabled\n${legend}`;
};

interface DemoEvent {
  readonly file: string;
  readonly result?: ReplayResult;
  readonly error?: string;
}

const runDemo = async (): Promise<{ overview: ReplayEvaluation[]; events: DemoEvent[] }> => {
  const eventsDir = join(repoRoot, 'events');
  const state = join(eventsDir, 'accounts', 'demo-account.json');
  const files = (await readdir(eventsDir)).filter((f) => f.endsWith('.json')).sort();
  const events: DemoEvent[] = [];
  for (const file of files) {
    // A fresh copy of the account per event, so each replay shows that event's effect alone.
    const account = await loadRecordedAccount(state);
    try {
      const input = parseEventJson(await readFile(join(eventsDir, file), 'utf8'));
      events.push({
        file,
        result: await replayEvent(input, account, { settings: DEMO_SETTINGS, now: new Date() }),
      });
    } catch (error) {
      if (!(error instanceof GuardianError)) throw error;
      events.push({ file, error: `${error.name}: ${error.message}` });
    }
  }
  const overview = await replayAccount(await loadRecordedAccount(state), {
    settings: DEMO_SETTINGS,
    now: new Date(),
  });
  return { overview, events };
};

export const demoCommand = (print: (text: string) => void) =>
  command({
    name: 'demo',
    summary: 'Replay every sample event in events/ against the bundled demo account (no AWS account).',
    options: { json: { type: 'boolean', help: 'print the account and every replay as one JSON document' } },
    verbose: 'show every event in full (all evaluations, alerts as received)',
    run: async (values, context) => {
      const { overview, events } = await runDemo();
      if (values.json) {
        print(JSON.stringify({ account: overview, events }, null, 2));
        return 0;
      }
      print('mq-guardian demo — no AWS account is used.');
      print(
        'Recorded account: events/accounts/demo-account.json. Mode: dry-run (plans are shown, nothing is changed).\n',
      );
      print(
        `Every broker of the account, every check (what the hourly sweep sees):\n\n${renderMatrix(overview)}\n`,
      );
      for (const { file, result, error } of events) {
        const shown =
          result && !context.verbose
            ? { ...result, evaluations: result.evaluations.filter((e) => e.compliance === 'NON_COMPLIANT') }
            : result;
        print(shown ? renderReplay(file, shown, context.verbose) : `== ${file}: rejected — ${error}`);
        print('');
      }
      return 0;
    },
  });
