/**
 * The one description of the stack's settings (README "Settings"): name, default, what values are
 * allowed and, for the settings the function code reads, the environment variable that carries them.
 *
 * Every place a setting is written or read checks it against this table: the osls plugin while
 * packaging (`--param`), the CloudFormation Parameters it emits (AllowedValues / AllowedPattern, so a
 * StackSet instance with a typo fails to deploy), `mq-guardian settings check FILE`, and the functions
 * at cold start (load-settings.ts). A list setting's pattern is built from the same names the code
 * accepts, so the template and the code cannot disagree.
 */
import { CHECK_IDS, OPT_IN_CHECK_IDS } from '../model/finding.ts';
import type { EngineType } from '../model/types.ts';
import { ENGINE_PROTOCOLS, engineDisplayName } from '../network/protocol-ports.ts';

export type SettingRule =
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'number'; readonly values: readonly number[] }
  /** A comma-separated list of names, each one of `values`; empty allowed. */
  | { readonly kind: 'list'; readonly values: readonly string[]; readonly what: string }
  /** A free-form value that must match `pattern` (an empty value always allowed). */
  | { readonly kind: 'pattern'; readonly pattern: string; readonly what: string };

export interface SettingSpec {
  readonly name: string;
  readonly default: string;
  readonly rule: SettingRule;
  /** The environment variable the functions read it from, when the code reads it. */
  readonly env?: string;
  readonly description: string;
}

const BOOLEAN = { kind: 'enum', values: ['true', 'false'] } as const;

const protocolList = (engine: EngineType): SettingRule => ({
  kind: 'list',
  values: ENGINE_PROTOCOLS[engine],
  what: `${engineDisplayName(engine)} protocol`,
});

/** CloudWatch Logs' accepted retention periods (AWS::Logs::LogGroup RetentionInDays). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** In README "Settings" order. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    name: 'remediationMode',
    default: 'dry-run',
    rule: { kind: 'enum', values: ['off', 'dry-run', 'enforce'] },
    env: 'REMEDIATION_MODE',
    description: 'off | dry-run (announce, change nothing) | enforce (revoke or narrow disallowed ingress).',
  },
  {
    name: 'protocolAllowlistActiveMq',
    default: '',
    rule: protocolList('ACTIVEMQ'),
    env: 'PROTOCOL_ALLOWLIST_ACTIVEMQ',
    description:
      'Comma-separated ActiveMQ protocols brokers without a mq-guardian:protocols tag use; empty = all.',
  },
  {
    name: 'protocolAllowlistRabbitMq',
    default: '',
    rule: protocolList('RABBITMQ'),
    env: 'PROTOCOL_ALLOWLIST_RABBITMQ',
    description:
      'Comma-separated RabbitMQ protocols brokers without a mq-guardian:protocols tag use; empty = all.',
  },
  {
    name: 'remediateSharedGroups',
    default: 'false',
    rule: BOOLEAN,
    env: 'REMEDIATE_SHARED_GROUPS',
    description: 'Also change security groups that non-broker network interfaces use.',
  },
  {
    name: 'revokeWorldIngress',
    default: 'false',
    rule: BOOLEAN,
    env: 'REVOKE_WORLD_INGRESS',
    description: 'Revoke rules open to 0.0.0.0/0 or ::/0 even on used ports.',
  },
  {
    name: 'disabledChecks',
    default: '',
    rule: { kind: 'list', values: CHECK_IDS, what: 'check id' },
    env: 'DISABLED_CHECKS',
    description: 'Comma-separated check ids not to evaluate (and no Config rule for them).',
  },
  {
    name: 'enabledOptInChecks',
    default: '',
    rule: { kind: 'list', values: OPT_IN_CHECK_IDS, what: 'opt-in check id' },
    env: 'ENABLED_OPT_IN_CHECKS',
    description: 'Comma-separated opt-in check ids to switch on.',
  },
  {
    name: 'configRules',
    default: 'false',
    rule: BOOLEAN,
    description: 'One AWS Config custom rule per enabled check (needs a Config recorder).',
  },
  {
    name: 'configRuleFrequency',
    default: 'TwentyFour_Hours',
    rule: {
      kind: 'enum',
      values: ['One_Hour', 'Three_Hours', 'Six_Hours', 'Twelve_Hours', 'TwentyFour_Hours'],
    },
    description: 'How often AWS Config re-runs every rule on its own.',
  },
  {
    name: 'sweepSchedule',
    default: 'rate(1 hour)',
    rule: {
      kind: 'pattern',
      // EventBridge: rate(1 minute|hour|day), rate(N minutes|hours|days) for N > 1, cron(six fields).
      pattern:
        '^(rate\\(1 (minute|hour|day)\\)|rate\\(([2-9]|[1-9][0-9]+) (minutes|hours|days)\\)|cron\\([^ ()]+( [^ ()]+){5}\\))$',
      what: 'an EventBridge rate(...) or cron(...) expression',
    },
    description: 'When the sweep of every broker runs (EventBridge rate or cron expression).',
  },
  {
    name: 'alertEmail',
    default: '',
    rule: { kind: 'pattern', pattern: '^[^@ ,]+@[^@ ,]+\\.[^@ ,]+$', what: 'an e-mail address' },
    description: 'An address subscribed to the alert topic; empty = none.',
  },
  {
    name: 'alertTopicArn',
    default: '',
    rule: {
      kind: 'pattern',
      pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$',
      what: 'an SNS standard topic ARN',
    },
    description: 'Publish to this existing topic (same account and region) instead of one the stack creates.',
  },
  {
    name: 'centralAlertTopicArn',
    default: '',
    rule: {
      kind: 'pattern',
      pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$',
      what: 'an SNS standard topic ARN',
    },
    description:
      "Also publish every alert to this topic of the organization's security account (the central template's CentralAlertTopicArn output; any region); empty = none.",
  },
  {
    name: 'slackWebhookParameter',
    default: '',
    rule: {
      kind: 'pattern',
      pattern: '^/?[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$',
      what: 'an SSM parameter name',
    },
    description: 'Name of the SSM SecureString holding a Slack incoming-webhook URL; empty = no Slack.',
  },
  {
    name: 'securityHub',
    default: 'false',
    rule: BOOLEAN,
    description: 'Also import findings into AWS Security Hub.',
  },
  {
    name: 'dashboard',
    default: 'false',
    rule: BOOLEAN,
    description: 'A CloudWatch dashboard of evaluations, actions, alerts, errors and dead letters.',
  },
  {
    name: 'organizationScanAccount',
    default: '',
    rule: { kind: 'pattern', pattern: '^[0-9]{12}$', what: 'a 12-digit account id' },
    description:
      'The account allowed to assume the read-only role mq-guardian-scan-<region> for `mq-guardian scan --organization`; empty = no role.',
  },
  {
    name: 'logLevel',
    default: 'INFO',
    rule: { kind: 'enum', values: ['DEBUG', 'INFO', 'WARN', 'ERROR'] },
    description: 'Function log level.',
  },
  {
    name: 'logRetentionInDays',
    default: '30',
    rule: { kind: 'number', values: LOG_RETENTION_DAYS },
    description: "How long the functions' log groups keep logs.",
  },
];

export const SETTING_NAMES: readonly string[] = SETTINGS.map((s) => s.name);

export const settingSpec = (name: string): SettingSpec | undefined => SETTINGS.find((s) => s.name === name);

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The regular expression a setting's value must match, as CloudFormation's AllowedPattern takes it
 * (whole value; only constructs Java and JavaScript read alike). A list: names separated by commas,
 * spaces around them allowed (the code trims them), or nothing at all.
 */
export const allowedPattern = (rule: SettingRule): string | undefined => {
  if (rule.kind === 'pattern') return `^$|${rule.pattern}`;
  if (rule.kind !== 'list') return undefined;
  const name = `(${rule.values.map(escapeRegExp).join('|')})`;
  return `^ *(${name} *(, *${name} *)*)?$`;
};

const matchesPattern = (rule: SettingRule, value: string): boolean => {
  const pattern = allowedPattern(rule);
  return pattern !== undefined && new RegExp(pattern).test(value);
};

/** A setting value as people write it in JSON: lists may be arrays, booleans and numbers plain. */
export const settingText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  return undefined;
};

/** Levenshtein distance, for suggesting the name someone meant. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
};

/** ` (did you mean "x"?)` when one allowed value is a few typos away, else nothing. */
const didYouMean = (value: string, allowed: readonly string[]): string => {
  const scored = allowed.map((a) => ({ a, d: distance(value.toLowerCase(), a.toLowerCase()) }));
  const best = scored.sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(best.a.length / 4))
    ? ` (did you mean ${JSON.stringify(best.a)}?)`
    : '';
};

/** Why `value` is not allowed for `spec`, naming the allowed values; undefined when it is allowed. */
export const settingProblem = (spec: SettingSpec, value: string): string | undefined => {
  const { rule } = spec;
  const shown = JSON.stringify(value);
  switch (rule.kind) {
    case 'enum':
      return rule.values.includes(value)
        ? undefined
        : `${spec.name} is ${shown}${didYouMean(value, rule.values)}; allowed: ${rule.values.join(', ')}`;
    case 'number':
      return rule.values.map(String).includes(value)
        ? undefined
        : `${spec.name} is ${shown}; allowed: ${rule.values.join(', ')}`;
    case 'list': {
      if (matchesPattern(rule, value)) return undefined;
      const items = value.split(',').map((item) => item.trim());
      const unknown = [...new Set(items.filter((item) => !rule.values.includes(item)))];
      const what = unknown.some((item) => item === '')
        ? `has an empty item in ${shown}`
        : `names unknown ${rule.what}${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => `${JSON.stringify(u)}${didYouMean(u, rule.values)}`).join(', ')}`;
      return `${spec.name} ${what}; allowed: ${rule.values.join(', ')} (comma-separated, or empty)`;
    }
    case 'pattern':
      return matchesPattern(rule, value)
        ? undefined
        : `${spec.name} is ${shown}, not ${rule.what} (or empty)`;
  }
};

export interface SettingsCheck {
  /** One sentence per problem, each naming the valid names or values. */
  readonly problems: readonly string[];
  /** Every setting's value: the given one where given and valid, else the default. */
  readonly values: Readonly<Record<string, string>>;
}

/** Checks settings keyed by their names (`--param` names, a settings file's keys). */
export const checkSettingsRecord = (record: Readonly<Record<string, unknown>>): SettingsCheck => {
  const problems: string[] = [];
  const values: Record<string, string> = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default]));
  for (const [name, raw] of Object.entries(record)) {
    const spec = settingSpec(name);
    if (!spec) {
      problems.push(
        `${JSON.stringify(name)} is not a setting${didYouMean(name, SETTING_NAMES)}; settings: ${SETTING_NAMES.join(', ')}`,
      );
      continue;
    }
    const value = settingText(raw);
    if (value === undefined) {
      problems.push(`${name} must be a string, number, boolean or list of strings`);
      continue;
    }
    const problem = settingProblem(spec, value);
    if (problem) problems.push(problem);
    else values[name] = value;
  }
  return { problems, values };
};

/** The environment variables the functions would get for these (checked) setting values. */
export const settingsEnvironment = (values: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    SETTINGS.filter((s) => s.env !== undefined).map((s) => [s.env as string, values[s.name] ?? s.default]),
  );
