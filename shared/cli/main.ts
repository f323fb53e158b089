/**
 * The mq-guardian command line: `checks`, `scan`, `replay`, `demo`, `settings check`, `redrive`. Every command but
 * `scan` works offline; `scan` reads a live account through the same adapters the functions use.
 *
 * Each command is declared once below (options, help, run); shared/cli/args.ts parses and validates
 * from that declaration. Mistakes are reported on one line with exit code 2; usage only on request.
 */
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuardianError } from '../errors.ts';
import { parseEventJson } from '../events/detect.ts';
import { logger } from '../logger.ts';
import { SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import { DEFAULT_SETTINGS, type Settings } from '../policy/settings.ts';
import { parseJsonFile, recordedAccountFrom } from '../recorded/recorded-account.ts';
import { InputFileError, readInputFile } from './input.ts';
import { commandHelp, command, type CommandSpec, overview, parseCommandArgs, UsageError } from './args.ts';
import { checksCommand } from './checks.ts';
import { demoCommand } from './demo.ts';
import { REDRIVE_COMMAND } from './redrive.ts';
import { REMEDIATION_ROLE_OPTION, remediationRoleOption } from './remediation-role.ts';
import { replayEvent } from './replay.ts';
import { renderReplay } from './replay-text.ts';
import {
  isOrganizationScan,
  ORGANIZATION_SCAN_OPTIONS,
  runOrganizationScan,
} from './scan-organization-command.ts';
import { settingsFromFile } from './settings-file.ts';
import { settingsCommand } from './settings-check.ts';

const print = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const json = (value: unknown): string => JSON.stringify(value, null, 2);

/** The settings of `--settings FILE`, or the defaults. */
const settingsOption = async (path: string | undefined): Promise<Settings> =>
  path === undefined ? DEFAULT_SETTINGS : settingsFromFile(await readInputFile(path, '--settings'), path);

const SCAN = command({
  name: 'scan',
  summary:
    'Evaluate every broker of a live account (needs AWS credentials and a region). Read-only unless ' +
    '--remediate --mode enforce; --remediate alone shows the plan (dry-run).',
  details: [
    'Exit code 1 when a finding at or above --fail-on fails or cannot be evaluated (a broker that ' +
      'cannot be read); 3 when a remediation action failed (the output says which; every broker is still reported).',
    'With --accounts, --organization or --recorded-organization: the same read-only scan in every account ' +
      'and region through an assumed role, one matrix (account × broker × check); an account that cannot ' +
      'be entered is reported and skipped, and makes the exit code 1 like a broker that cannot be read.',
  ],
  options: {
    region: { type: 'string', value: 'REGION', help: 'the region (default: AWS_REGION or the profile’s)' },
    profile: { type: 'string', value: 'PROFILE', help: 'the AWS CLI profile to use (default: AWS_PROFILE)' },
    'endpoint-url': {
      type: 'string',
      value: 'URL',
      help:
        'send every AWS call to this AWS-compatible endpoint (LocalStack, `npm run loopback-aws`); ' +
        'default: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, else AWS',
    },
    json: {
      type: 'boolean',
      help: 'print findings, actions with undo commands and failures as one JSON document',
    },
    'fail-on': {
      type: 'string',
      value: 'SEVERITY',
      help: `exit 1 at or above this severity (default HIGH; one of ${SEVERITY_ORDER.join(', ')})`,
    },
    remediate: { type: 'boolean', help: 'plan (dry-run) or carry out (enforce) the ingress remediation' },
    mode: {
      type: 'string',
      value: 'MODE',
      help: 'with --remediate (default dry-run)',
      choices: ['dry-run', 'enforce'],
    },
    settings: {
      type: 'string',
      value: 'FILE',
      help: 'the stack settings as a JSON object of README "Settings" names (the mode comes from --remediate/--mode)',
    },
    ...ORGANIZATION_SCAN_OPTIONS,
  },
  run: async (values) => {
    const failOn = (values['fail-on'] ?? 'HIGH').toUpperCase() as Severity;
    if (!SEVERITY_ORDER.includes(failOn)) {
      throw new UsageError(
        `--fail-on must be one of ${SEVERITY_ORDER.join(', ')} (got "${values['fail-on']}")`,
        'scan',
      );
    }
    if (values.mode && !values.remediate) throw new UsageError('--mode goes with --remediate', 'scan');
    const settings = await settingsOption(values.settings);
    const organization = isOrganizationScan(values);
    for (const name of Object.keys(ORGANIZATION_SCAN_OPTIONS)) {
      if (!organization && values[name as keyof typeof ORGANIZATION_SCAN_OPTIONS] !== undefined) {
        throw new UsageError(
          `--${name} goes with --accounts, --organization or --recorded-organization`,
          'scan',
        );
      }
    }
    const scan = await import('./scan.ts');
    const endpointUrl = values['endpoint-url'];
    if (endpointUrl !== undefined && scan.parseEndpointUrl(endpointUrl) === undefined) {
      throw new UsageError(
        `--endpoint-url must be an http:// or https:// URL (got "${endpointUrl}")`,
        'scan',
      );
    }
    if (organization && values['recorded-organization'] !== undefined) {
      return runOrganizationScan(values, settings, failOn, print);
    }
    const profile = values.profile ?? process.env.AWS_PROFILE;
    if (profile) {
      await scan.assertProfileExists(profile, values.profile ? '--profile' : 'AWS_PROFILE');
      process.env.AWS_PROFILE = profile;
    }
    if (values.region) process.env.AWS_REGION = values.region;
    if (organization) return runOrganizationScan(values, settings, failOn, print);
    const report = await scan.scanAccount(
      {
        failOn,
        ...(profile ? { profile } : {}),
        remediationMode: values.remediate ? (values.mode === 'enforce' ? 'enforce' : 'dry-run') : 'off',
        settings,
        ...(values.region ? { region: values.region } : {}),
      },
      scan.awsScanDeps(endpointUrl === undefined ? {} : { endpointUrl }),
    );
    print(values.json ? json(report) : scan.renderScan(report));
    return report.exitCode;
  },
});

const REPLAY = command({
  name: 'replay',
  summary:
    'Run what the deployed functions run for an event (EventBridge envelope, CloudTrail record or AWS ' +
    'Config rule invocation) against a recorded account, and print what would happen.',
  details: ['The recorded account is changed in memory only; the file is never written.'],
  options: {
    event: { type: 'string', value: 'FILE', help: 'the event (JSON)', required: true },
    state: { type: 'string', value: 'FILE', help: 'the recorded account (JSON)', required: true },
    mode: {
      type: 'string',
      value: 'MODE',
      help: 'the remediation mode (default dry-run)',
      choices: ['off', 'dry-run', 'enforce'],
    },
    settings: {
      type: 'string',
      value: 'FILE',
      help: 'the stack settings as a JSON object of README "Settings" names (--mode wins over its remediationMode)',
    },
    'remediation-role': REMEDIATION_ROLE_OPTION,
    json: { type: 'boolean', help: 'print the result as one JSON document' },
  },
  run: async (values) => {
    const role = remediationRoleOption(values['remediation-role'], 'replay');
    const base = await settingsOption(values.settings);
    const settings: Settings = {
      ...base,
      remediationMode: (values.mode ??
        (values.settings ? base.remediationMode : 'dry-run')) as Settings['remediationMode'],
      ...(role ? { remediationRoleArn: role } : {}),
    };
    const event = values.event ?? '';
    const state = values.state ?? '';
    const account = recordedAccountFrom(parseJsonFile(await readInputFile(state, '--state'), state), state);
    const input = parseEventJson(await readInputFile(event, '--event'));
    const result = await replayEvent(input, account, { settings, now: new Date() });
    print(values.json ? json(result) : renderReplay(basename(event), result));
    return result.failure ? 3 : 0;
  },
});

/** Every command, in the order the overview lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  checksCommand(print),
  SCAN,
  REPLAY,
  demoCommand(print),
  settingsCommand(print),
  REDRIVE_COMMAND,
];

const OVERVIEW = overview(
  'mq-guardian — Amazon MQ security best practices, checked and safely remediated',
  COMMANDS,
  [
    'Exit codes: 0 ok; 1 findings at or above --fail-on (scan) or messages left in the queue (redrive);',
    '2 usage or input error; 3 a remediation action of scan failed, or the invocation replay ran would',
    'fail and be retried (replay).',
  ],
);

/** One line, whatever went wrong; `null` when the error is not the user's to fix (a bug). */
const oneLine = (error: unknown): string | null => {
  const flat = (text: string) => text.replace(/\s*\n\s*/g, '; ');
  if (error instanceof UsageError) {
    return (
      flat(error.message) +
      (error.command ? ` (see mq-guardian ${error.command} --help)` : ' (see mq-guardian --help)')
    );
  }
  if (error instanceof InputFileError) return flat(error.message);
  if (error instanceof GuardianError) {
    return flat(error.name === 'GuardianError' ? error.message : `${error.name}: ${error.message}`);
  }
  return null;
};

export const main = async (argv: string[]): Promise<number> => {
  const [name, ...rest] = argv;
  const wantsJson = rest.includes('--json');
  // The functions' structured logs are for CloudWatch; on a terminal only errors are shown unless asked.
  logger.setLogLevel('ERROR');
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      print(topic ? commandHelp(topic) : OVERVIEW);
      return name === undefined ? 2 : 0;
    }
    const spec = COMMANDS.find((c) => c.name === name);
    if (!spec)
      throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    const parsed = parseCommandArgs(spec, rest);
    if (parsed.help) {
      print(commandHelp(spec));
      return 0;
    }
    if (parsed.verbose && !spec.verbose) logger.setLogLevel('DEBUG');
    return await spec.run(parsed.values, { verbose: parsed.verbose, arguments: parsed.arguments });
  } catch (error) {
    const message = oneLine(error);
    const shown = message ?? `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    const known = COMMANDS.some((c) => c.name === name);
    process.stderr.write(`mq-guardian${known ? ` ${name}` : ''}: ${shown}\n`);
    if (message === null && argv.includes('--verbose') && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
    }
    // --json promises one JSON document on stdout, whatever happened.
    if (wantsJson) {
      const code =
        error instanceof GuardianError ? error.code : error instanceof UsageError ? 'USAGE' : 'UNEXPECTED';
      print(json({ error: { code, message: shown } }));
    }
    return message === null ? 1 : 2;
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}
