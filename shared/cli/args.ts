/**
 * The command line's grammar: each command declares its options once (name, value placeholder, help,
 * required, allowed values), and that one declaration drives parsing (`node:util` parseArgs, strict),
 * validation, the per-command `--help` and the overview. Adding an option is one entry in a command's
 * `options`; its value then appears, typed, in the command's `run`.
 */
import { parseArgs } from 'node:util';
import { wrapWords } from './text.ts';

/** A mistake in how the command was called: reported on one line, exit code 2. */
export class UsageError extends Error {
  /** The command the mistake was made in, for the `--help` hint. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the value is, as shown in help (`FILE`, `REGION`); string options only. */
  readonly value?: string;
  readonly help: string;
  readonly required?: boolean;
  /** The only values accepted (string options). */
  readonly choices?: readonly string[];
  /** The option may be given more than once; its value is then a list. */
  readonly multiple?: boolean;
  readonly short?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A word after the command (`settings check FILE`): required, in the declared order. */
export interface ArgumentSpec {
  /** As shown in help (`FILE`); a word with one choice is shown as that word (`check`). */
  readonly name: string;
  readonly help: string;
  /** The only values accepted. */
  readonly choices?: readonly string[];
  /** Zero or more words (`checks [ID...]`); only the last argument may be repeated. */
  readonly repeated?: boolean;
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S extends { multiple: true }
    ? string[]
    : string;

export type OptionValues<O extends OptionSpecs> = { readonly [K in keyof O]?: ValueOf<O[K]> };

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /** Further lines shown by `<command> --help`. */
  readonly details?: readonly string[];
  readonly options: O;
  /** Words the command takes after its name, required unless `repeated`; none when absent. */
  readonly arguments?: readonly ArgumentSpec[];
  /** Extra usage lines (alternatives the options alone do not show), e.g. for `redrive`. */
  readonly usage?: readonly string[];
  /**
   * What `--verbose` means for this command, when not the default (the functions' structured logs);
   * a command that sets it gets `verbose` in its context and the logs stay quiet.
   */
  readonly verbose?: string;
  readonly run: (values: OptionValues<O>, context: CommandContext) => Promise<number> | number;
}

export interface CommandContext {
  readonly verbose: boolean;
  /** The declared `arguments`, in order. */
  readonly arguments: readonly string[];
}

/** Declares a command; the identity function that lets TypeScript type `run`'s values from `options`. */
export const command = <O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> => spec;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  verbose: { type: 'boolean', help: "show the functions' structured logs" },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies OptionSpecs;

const flag = (name: string, spec: OptionSpec): string =>
  spec.type === 'string' ? `--${name} ${spec.value ?? 'VALUE'}` : `--${name}`;

const argumentLabel = (argument: ArgumentSpec): string =>
  argument.choices ? argument.choices.join('|') : argument.name;

const argumentSynopsis = (argument: ArgumentSpec): string =>
  argument.repeated ? `[${argumentLabel(argument)}...]` : argumentLabel(argument);

const synopsis = (spec: CommandSpec): string => {
  const parts = Object.entries(spec.options).map(([name, option]) => {
    const shown =
      option.choices && !option.value ? `--${name} ${option.choices.join('|')}` : flag(name, option);
    return option.required ? shown : `[${shown}]`;
  });
  const words = (spec.arguments ?? []).map(argumentSynopsis);
  return `mq-guardian ${spec.name} ${[...words, ...parts].join(' ')}`.trimEnd();
};

/** `first` then `text` wrapped to the help width, continuation lines indented to `first`'s length. */
const hanging = (first: string, text: string, width = HELP_WIDTH): string => {
  const pad = ' '.repeat(first.length);
  return wrapWords(text, width - first.length)
    .map((line, i) => `${i === 0 ? first : pad}${line}`)
    .join('\n');
};

const HELP_WIDTH = 100;

/** What `mq-guardian <command> --help` prints. */
export const commandHelp = (spec: CommandSpec): string => {
  const usage = [synopsis(spec), ...(spec.usage ?? []).map((u) => `mq-guardian ${spec.name} ${u}`)];
  const common: OptionSpecs = spec.verbose
    ? { ...COMMON_OPTIONS, verbose: { type: 'boolean', help: spec.verbose } }
    : COMMON_OPTIONS;
  const all: [string, OptionSpec][] = [...Object.entries(spec.options), ...Object.entries(common)];
  const labels = all.map(
    ([name, option]) => (option.short ? `-${option.short}, ` : '    ') + flag(name, option),
  );
  const column = Math.min(Math.max(...labels.map((l) => l.length)) + 4, 34);
  const options = all.map(([, option], i) => {
    const label = `  ${labels[i] ?? ''}`;
    const extra = [
      option.required ? 'required' : '',
      option.choices ? `one of ${option.choices.join(', ')}` : '',
      option.multiple ? 'may be repeated' : '',
    ].filter((e) => e !== '');
    const help = extra.length > 0 ? `${option.help} (${extra.join('; ')})` : option.help;
    return label.length + 2 > column
      ? `${label}\n${hanging(' '.repeat(column), help)}`
      : hanging(label.padEnd(column), help);
  });
  return [
    ...usage.map((u, i) => hanging(i === 0 ? 'Usage: ' : '       ', u)),
    '',
    hanging('', spec.summary),
    ...(spec.details ?? []).map((d) => hanging('', d)),
    ...((spec.arguments ?? []).length > 0
      ? [
          '',
          'Arguments:',
          ...(spec.arguments ?? []).map((a) => hanging(`  ${argumentLabel(a)}`.padEnd(column), a.help)),
        ]
      : []),
    '',
    'Options:',
    ...options,
  ].join('\n');
};

interface ParseArgsError extends TypeError {
  readonly code: string;
}

const isParseArgsError = (error: unknown): error is ParseArgsError =>
  error instanceof TypeError &&
  typeof (error as Partial<ParseArgsError>).code === 'string' &&
  (error as ParseArgsError).code.startsWith('ERR_PARSE_ARGS');

/** parseArgs' messages are several sentences long; the first clause names the problem. */
const shortParseMessage = (error: ParseArgsError): string => {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? error.message}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trimEnd();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `${option ?? 'an option'} needs a value`
        : `${option ?? 'an option'} takes no value`;
    default:
      return error.message.split('. ')[0] ?? error.message;
  }
};

export type Parsed<O extends OptionSpecs> =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly verbose: boolean;
      readonly values: OptionValues<O>;
      readonly arguments: readonly string[];
    };

/** Parses and validates one command's arguments; throws UsageError (one line) on any mistake. */
export const parseCommandArgs = <O extends OptionSpecs>(spec: CommandSpec<O>, args: string[]): Parsed<O> => {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  const all: [string, OptionSpec][] = [...Object.entries(spec.options), ...Object.entries(COMMON_OPTIONS)];
  for (const [name, option] of all) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  const declared = spec.arguments ?? [];
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: declared.length > 0,
    }));
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(shortParseMessage(error), spec.name);
    throw error;
  }
  if (values.help === true) return { help: true };
  for (const [i, argument] of declared.entries()) {
    const given = argument.repeated ? positionals.slice(i) : positionals.slice(i, i + 1);
    if (given.length === 0 && !argument.repeated) {
      throw new UsageError(`${argumentLabel(argument)} is required`, spec.name);
    }
    for (const word of given) {
      if (argument.choices && !argument.choices.includes(word)) {
        throw new UsageError(`expected ${argument.choices.join(' or ')} (got "${word}")`, spec.name);
      }
    }
  }
  if (declared.at(-1)?.repeated !== true && positionals.length > declared.length) {
    throw new UsageError(`unexpected argument ${positionals[declared.length]}`, spec.name);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    if (option.required && (value === undefined || value === '')) {
      throw new UsageError(`${flag(name, option)} is required`, spec.name);
    }
    const given = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const one of given) {
      if (option.choices && !option.choices.includes(String(one))) {
        throw new UsageError(
          `--${name} must be one of ${option.choices.join(', ')} (got "${String(one)}")`,
          spec.name,
        );
      }
    }
  }
  const { verbose, help: _help, ...own } = values;
  return { help: false, verbose: verbose === true, values: own as OptionValues<O>, arguments: positionals };
};

/** The overview `mq-guardian --help` prints. */
export const overview = (
  title: string,
  commands: readonly CommandSpec[],
  footer: readonly string[],
): string =>
  [
    title,
    '',
    'Usage: mq-guardian COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => hanging(`  ${c.name.padEnd(9)} `, c.summary)),
    '',
    'Run `mq-guardian COMMAND --help` for the options of a command.',
    ...footer,
  ].join('\n');
