import { describe, expect, it } from 'vitest';
import { command, commandHelp, parseCommandArgs, UsageError } from '../../../shared/cli/args.ts';

const SPEC = command({
  name: 'try',
  summary: 'A command to try the grammar with.',
  options: {
    event: { type: 'string', value: 'FILE', help: 'the event', required: true },
    mode: { type: 'string', value: 'MODE', help: 'the mode', choices: ['off', 'enforce'] },
    account: { type: 'string', value: 'ID', help: 'an account', multiple: true },
    json: { type: 'boolean', help: 'print JSON' },
  },
  run: () => 0,
});

const usageError = (args: string[]): UsageError => {
  try {
    parseCommandArgs(SPEC, args);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
};

describe('parseCommandArgs', () => {
  it('returns the declared options typed, without the common ones', () => {
    // Act
    const parsed = parseCommandArgs(SPEC, [
      '--event',
      'e.json',
      '--json',
      '--account',
      '1',
      '--account',
      '2',
      '--verbose',
    ]);

    // Assess
    expect(parsed).toEqual({
      help: false,
      verbose: true,
      values: { event: 'e.json', json: true, account: ['1', '2'] },
      arguments: [],
    });
  });

  it.each([['--help'], ['-h']])('answers %s with help, before checking required options', (flag) => {
    // Act
    const parsed = parseCommandArgs(SPEC, [flag]);

    // Assess
    expect(parsed).toEqual({ help: true });
  });

  it.each([
    [['--event', 'e', '--frobnicate'], 'unknown option --frobnicate'],
    [['--event'], '--event needs a value'],
    [['--event', 'e', 'extra'], 'unexpected argument extra'],
    [['--json', '--event', 'e', '--json=yes'], '--json takes no value'],
    [[], '--event FILE is required'],
    [['--event', 'e', '--mode', 'yolo'], '--mode must be one of off, enforce (got "yolo")'],
  ])('rejects %j in one line: %s', (args, message) => {
    // Act
    const error = usageError(args);

    // Assess
    expect(error.message).toBe(message);
    expect(error.command).toBe('try');
  });
});

const WITH_ARGUMENTS = command({
  name: 'settings',
  summary: 'A command with words after its name.',
  arguments: [
    { name: 'check', help: 'the action', choices: ['check'] },
    { name: 'FILE', help: 'the file' },
  ],
  options: { json: { type: 'boolean', help: 'print JSON' } },
  run: () => 0,
});

describe('parseCommandArgs with declared arguments', () => {
  it('returns the words in order, options anywhere', () => {
    // Act
    const parsed = parseCommandArgs(WITH_ARGUMENTS, ['check', '--json', 'f.json']);

    // Assess
    expect(parsed).toEqual({
      help: false,
      verbose: false,
      values: { json: true },
      arguments: ['check', 'f.json'],
    });
  });

  it.each([
    [['check'], 'FILE is required'],
    [[], 'check is required'],
    [['verify', 'f.json'], 'expected check (got "verify")'],
    [['check', 'f.json', 'g.json'], 'unexpected argument g.json'],
  ])('rejects %j in one line: %s', (args, message) => {
    // Act
    let error: unknown;
    try {
      parseCommandArgs(WITH_ARGUMENTS, args);
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe(message);
  });

  it('shows the words in the usage line and under Arguments', () => {
    // Act
    const help = commandHelp(WITH_ARGUMENTS);

    // Assess
    expect(help.split('\n')[0]).toBe('Usage: mq-guardian settings check FILE [--json]');
    expect(help).toMatch(/Arguments:\n {2}check\s+the action\n {2}FILE\s+the file/);
  });
});

const WITH_REPEATED = command({
  name: 'list',
  summary: 'A command that takes any number of words.',
  arguments: [{ name: 'ID', help: 'the entries to show', repeated: true }],
  options: {},
  run: () => 0,
});

describe('parseCommandArgs with a repeated argument', () => {
  it.each([
    [[], []],
    [['a'], ['a']],
    [
      ['a', '--verbose', 'b'],
      ['a', 'b'],
    ],
  ])('takes %j as the words %j', (args, words) => {
    // Act
    const parsed = parseCommandArgs(WITH_REPEATED, args);

    // Assess
    expect(parsed).toMatchObject({ help: false, arguments: words });
  });

  it('shows the argument as optional and repeated in the usage line', () => {
    // Act
    const help = commandHelp(WITH_REPEATED);

    // Assess
    expect(help.split('\n')[0]).toBe('Usage: mq-guardian list [ID...]');
  });
});

describe('commandHelp', () => {
  it('shows the usage line, the summary and every option with its help, within 100 columns', () => {
    // Act
    const help = commandHelp(SPEC);

    // Assess
    expect(help.split('\n')[0]).toBe(
      'Usage: mq-guardian try --event FILE [--mode MODE] [--account ID] [--json]',
    );
    expect(help).toContain('A command to try the grammar with.');
    for (const label of [
      '--event FILE',
      '--mode MODE',
      '--account ID',
      '--json',
      '--verbose',
      '-h, --help',
    ]) {
      expect(help).toContain(label);
    }
    expect(help).toMatch(/--mode MODE\s+the mode \(one of off, enforce\)/);
    expect(Math.max(...help.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});
