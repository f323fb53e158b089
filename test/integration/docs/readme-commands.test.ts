/**
 * The README's command-line table as a user reads it: every example in its first column is run as
 * written, through the `mq-guardian` launcher in a child process, offline (no AWS credentials, no
 * instance metadata), against the recorded demo account and sample events the repository ships. Each
 * must end with the exit code the README implies and print what the README says it prints.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../shared/cli/main.ts';
import { CHECK_IDS } from '../../../shared/model/finding.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'shared', 'cli', 'mq-guardian.mjs');
const HOME = mkdtempSync(join(tmpdir(), 'mqg-readme-'));

interface Ran {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** `npx mq-guardian …` as a newcomer without an AWS account runs it. */
const run = (args: readonly string[]): Ran => {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(HOME, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(HOME, 'none'),
    },
    encoding: 'utf8',
    // Catches a hang; how long a command takes is not asserted.
    timeout: 5 * 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

/** The examples of the README's command table, in order: `npx mq-guardian demo` → ['demo']. */
const readmeCommands = (): string[][] => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## The command line\n');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return Array.from(section.matchAll(/^\| `npx mq-guardian ([^`]+)` \|/gm), (m) =>
    (m[1] ?? '').trim().split(/\s+/),
  );
};

const brokerNames = (): string[] =>
  (
    JSON.parse(readFileSync(join(ROOT, 'events', 'accounts', 'demo-account.json'), 'utf8')) as {
      brokers: { BrokerName: string }[];
    }
  ).brokers.map((b) => b.BrokerName);

/** What each command's row promises, checked on what the example printed. */
const PROMISES: Record<string, (ran: Ran) => void> = {
  checks: ({ code, out }) => {
    // "the catalogue: id, severity, engines, whether it is fixed in place, title (at most 100 columns)"
    expect(code).toBe(0);
    expect(out).toMatch(/^id\s+severity\s+engines\s+auto-fix$/m);
    for (const id of CHECK_IDS) expect(out).toContain(id);
    expect(Math.max(...out.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  },
  demo: ({ code, out }) => {
    // "the demo account's compliance matrix, then each sample scenario in events/ replayed (dry-run)"
    expect(code).toBe(0);
    for (const name of brokerNames()) expect(out).toContain(name);
    for (const id of CHECK_IDS) expect(out).toContain(id);
    expect(out).toContain('dry-run');
    expect(out).toContain('ec2-authorize-security-group-ingress-world-tcp-all-ports');
  },
  replay: ({ code, out }) => {
    // "prints the evaluations, the remediation actions with their undo commands, every alert and every write"
    expect(code).toBe(0);
    expect(out).toMatch(/mq-broker-ingress-not-open-to-world\s+NON_COMPLIANT/);
    expect(out).toMatch(/undo: aws ec2 (authorize|revoke)-security-group-ingress /);
    expect(out).toContain('alert [HIGH');
    expect(out).toMatch(/writes: .*ec2:RevokeSecurityGroupIngress/);
  },
  scan: ({ code, out, err }) => {
    // Needs AWS credentials: without them, one line that says so, and a usage exit code.
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^mq-guardian scan: .*credentials/);
  },
  redrive: ({ code, out }) => {
    // "prints the AWS CLI steps …; it calls no AWS API itself" (it succeeds with no credentials)
    expect(code).toBe(0);
    expect(out).toContain('aws cloudformation describe-stack-resource --stack-name mq-guardian-prod');
    expect(out).toContain('--logical-resource-id OnIngressEventDeadLetterQueue');
    expect(out).toContain('aws sqs receive-message');
  },
};

/** A row whose command has no promise above: an offline example succeeds and prints something. */
const succeeds = ({ code, out }: Ran): void => {
  expect(code).toBe(0);
  expect(out.trim()).not.toBe('');
};

describe("the README's command table", () => {
  const commands = readmeCommands();

  it('shows one runnable example of every command the CLI has', () => {
    // Act
    const shown = commands.map(([name]) => name);

    // Assess
    expect(shown.toSorted()).toEqual(COMMANDS.map((c) => c.name).toSorted());
  });

  it.each(commands.map((args) => [args.join(' '), args] as const))(
    '`npx mq-guardian %s` does what its row says',
    (_, args) => {
      // Act
      const ran = run(args);

      // Assess
      (PROMISES[args[0] ?? ''] ?? succeeds)(ran);
    },
  );

  it('`checks --verbose` prints every check with its risk, remediation text and source URLs', () => {
    // Act
    const { code, out } = run(['checks', '--verbose']);

    // Assess
    expect(code).toBe(0);
    expect(out.match(/^ {2}Risk:$/gm)).toHaveLength(CHECK_IDS.length);
    expect(out.match(/^ {2}Remediation:$/gm)).toHaveLength(CHECK_IDS.length);
    expect(out.match(/^ {2}Sources:$/gm)).toHaveLength(CHECK_IDS.length);
    for (const id of CHECK_IDS) expect(out).toMatch(new RegExp(`^${id}$`, 'm'));
  });

  it('`checks --json` holds risk, remediation text and source URLs, as the row says', () => {
    // Act
    const { code, out } = run(['checks', '--json']);

    // Assess
    expect(code).toBe(0);
    const checks = JSON.parse(out) as {
      risk: string;
      remediation: { text: string; url: string };
      source: string;
    }[];
    expect(checks).toHaveLength(CHECK_IDS.length);
    for (const check of checks) {
      expect(check.risk).not.toBe('');
      expect(check.remediation.text).not.toBe('');
      expect(check.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(check.source).toMatch(/^https:\/\//);
    }
  });
});
