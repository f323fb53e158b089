import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../../shared/cli/main.ts';
import { captureCommandOutput } from '../../support/captured-output.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const STATE = join(root, 'events', 'accounts', 'demo-account.json');
const EVENT = join(root, 'events', 'mq-create-broker.json');
const dir = mkdtempSync(join(tmpdir(), 'mqg-main-'));

const output = captureCommandOutput();

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => l.length));

describe('mq-guardian help', () => {
  it.each(
    COMMANDS.flatMap((c) => [
      [c.name, '--help'],
      [c.name, '-h'],
    ]),
  )('`%s %s` prints the command’s usage and options and exits 0', async (name, flag) => {
    // Act
    const code = await main([name, flag]);

    // Assess
    expect(code).toBe(0);
    expect(output.out).toMatch(new RegExp(`^Usage: mq-guardian ${name}`));
    expect(output.out).toContain('Options:');
    expect(output.err).toBe('');
    expect(widest(output.out)).toBeLessThanOrEqual(100);
  });

  it.each([['--help'], ['-h'], ['help']])('`%s` lists every command and exits 0', async (flag) => {
    // Act
    const code = await main([flag]);

    // Assess
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(output.out).toMatch(new RegExp(`^  ${command.name} `, 'm'));
  });

  it('`help replay` is `replay --help`', async () => {
    // Act
    await main(['help', 'replay']);

    // Assess
    expect(output.out).toMatch(/^Usage: mq-guardian replay --event FILE --state FILE/);
  });
});

describe('mq-guardian mistakes', () => {
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"version": "0", ');

  it.each([
    [['frobnicate'], /^mq-guardian: unknown command "frobnicate"; commands: checks, scan/],
    [
      ['replay', '--event', EVENT],
      /^mq-guardian replay: --state FILE is required \(see mq-guardian replay --help\)$/,
    ],
    [['replay', '--event', root, '--state', STATE], /--event .*: it is a directory, not a file$/],
    [['replay', '--event', join(dir, 'nope.json'), '--state', STATE], /--event .*nope\.json: no such file$/],
    [['replay', '--event', EVENT, '--state', dir], /--state .*: it is a directory, not a file$/],
    [['replay', '--event', broken, '--state', STATE], /InvalidEventError: Invalid event JSON/],
    [['replay', '--event', EVENT, '--state', broken], /RecordedAccountFileError: .*broken\.json: not JSON/],
    [['replay', '--event', EVENT, '--state', EVENT], /RecordedAccountFileError: .*Unrecognized keys/],
    [
      ['replay', '--event', EVENT, '--state', STATE, '--mode', 'yolo'],
      /--mode must be one of off, dry-run, enforce/,
    ],
    [['replay', '--event', EVENT, '--state', STATE, '--bogus'], /unknown option --bogus/],
    [
      ['replay', '--event', EVENT, '--state', STATE, '--remediation-role', 'mq-guardian-remediator'],
      /^mq-guardian replay: --remediation-role must be an IAM role ARN .*\(got "mq-guardian-remediator"\)/,
    ],
    [
      ['demo', '--remediation-role', 'arn:aws:sts::123456789012:assumed-role/r/s'],
      /^mq-guardian demo: --remediation-role must be an IAM role ARN/,
    ],
    [['checks', 'extra'], /^mq-guardian checks: unknown check "extra"; mq-guardian checks lists the ids/],
    [
      ['scan', '--fail-on', 'SOMETIMES'],
      /--fail-on must be one of INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL/,
    ],
    [['scan', '--mode', 'enforce'], /--mode goes with --remediate/],
    [['redrive'], /redrive needs --queue-url URL, or --queue LOGICAL_ID and --stack STACK_NAME/],
    [['redrive', '--queue', 'Nope', '--stack', 's'], /--queue must be one of OnBrokerEventDeadLetterQueue/],
  ])('answers %j with one line on stderr and exit code 2', async (args, message) => {
    // Act
    const code = await main(args);

    // Assess
    expect(code).toBe(2);
    expect(output.err.endsWith('\n')).toBe(true);
    expect(output.err.trimEnd().split('\n')).toHaveLength(1);
    expect(output.err.trimEnd()).toMatch(message);
    expect(output.out).toBe('');
  });

  it('still prints one JSON document on stdout when --json was asked for', async () => {
    // Act
    const code = await main(['replay', '--event', root, '--state', STATE, '--json']);

    // Assess
    expect(code).toBe(2);
    expect(JSON.parse(output.out)).toEqual({
      error: { code: 'INPUT_FILE', message: expect.stringContaining('it is a directory') },
    });
  });

  it('prints the overview and exits 2 when no command is given', async () => {
    // Act
    const code = await main([]);

    // Assess
    expect(code).toBe(2);
    expect(output.out).toContain('Usage: mq-guardian COMMAND [options]');
  });
});

describe('mq-guardian checks and the age of the engine calendar', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('warns on stderr, and still exits 0, once the shipped table is more than 180 days old', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-12-05T00:00:00.000Z'));

    // Act
    const code = await main(['checks', '--json']);

    // Assess
    expect(code).toBe(0);
    expect(output.err).toMatch(
      /^warning: mq-guardian's engine end-of-support table was compiled on \d{4}-\d{2}-\d{2}, \d+ days ago/,
    );
    expect(JSON.parse(output.out)).toHaveLength(12);
  });

  it('says nothing while the table is fresh', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T00:00:00.000Z'));

    // Act
    const code = await main(['checks']);

    // Assess
    expect(code).toBe(0);
    expect(output.err).toBe('');
  });
});
