import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/errors.ts';
import { CHECK_IDS } from '../../../shared/model/finding.ts';
import { ENGINE_PROTOCOLS } from '../../../shared/network/protocol-ports.ts';
import { loadSettings, SETTINGS_ENV, settingsFromRecord } from '../../../shared/policy/load-settings.ts';
import {
  allowedPattern,
  checkSettingsRecord,
  SETTING_NAMES,
  SETTINGS,
  settingProblem,
  settingSpec,
} from '../../../shared/policy/settings-schema.ts';

const spec = (name: string) => {
  const found = settingSpec(name);
  if (!found) throw new Error(`no setting ${name}`);
  return found;
};

describe('the settings schema', () => {
  it('describes exactly the settings of the README "Settings" table, in its order', () => {
    // Prepare
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings'), readme.indexOf('### What the stack creates'));
    // Act
    const documented = [...section.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1]);
    // Assess
    expect(documented).toEqual(SETTING_NAMES);
  });

  describe('the README "Settings" table', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings'), readme.indexOf('## Tags'));
    const row = (name: string): string[] => {
      const line = section.split('\n').find((l) => l.startsWith(`| \`${name}\` |`)) ?? '';
      return line.split(' | ').map((cell) => cell.trim());
    };

    it.each(SETTINGS.map((s) => [s.name, s] as const))('gives %s its default', (name, s) => {
      // Assess
      expect(row(name)[1]).toBe(s.default === '' ? '*(empty)*' : `\`${s.default}\``);
    });

    it.each(
      SETTINGS.filter((s) => s.rule.kind === 'enum' || s.rule.kind === 'number').map(
        (s) => [s.name, s] as const,
      ),
    )('names every value %s allows', (name, s) => {
      // Assess
      const text = `${row(name)[1]} ${row(name)[2]}`;
      for (const value of (s.rule as { values: readonly (string | number)[] }).values) {
        expect(text, String(value)).toMatch(new RegExp(`\`${value}\`|[ (]${value}[,)]`));
      }
    });

    it.each(SETTINGS.filter((s) => s.rule.kind === 'list').map((s) => [s.name, s] as const))(
      'names every name %s allows, in its row or in the README',
      (name, s) => {
        // Assess
        const text = row(name)[2] ?? '';
        for (const value of (s.rule as { values: readonly string[] }).values) {
          expect(text.includes(`\`${value}\``) || readme.includes(`\`${value}\``), value).toBe(true);
        }
        expect(text).toMatch(/[Cc]omma-separated/);
      },
    );
  });

  it('gives the functions an environment variable for exactly the settings load-settings reads', () => {
    // Assess
    expect(Object.keys(SETTINGS_ENV).sort()).toEqual(
      [
        'disabledChecks',
        'enabledOptInChecks',
        'protocolAllowlistActiveMq',
        'protocolAllowlistRabbitMq',
        'remediateSharedGroups',
        'remediationMode',
        'remediationRoleArn',
        'revokeWorldIngress',
      ].sort(),
    );
  });

  it('accepts every default', () => {
    // Assess
    for (const s of SETTINGS) expect(settingProblem(s, s.default), s.name).toBeUndefined();
  });

  it.each([
    ['protocolAllowlistActiveMq', ENGINE_PROTOCOLS.ACTIVEMQ],
    ['protocolAllowlistRabbitMq', ENGINE_PROTOCOLS.RABBITMQ],
    ['disabledChecks', CHECK_IDS],
  ] as const)('lets the %s pattern accept exactly comma lists of its names', (name, names) => {
    // Prepare
    const pattern = new RegExp(allowedPattern(spec(name).rule) as string);
    const known = fc.constantFrom(...names);
    const spaces = fc.constantFrom('', ' ', '  ');
    const item = fc.tuple(spaces, known, spaces).map(([a, n, b]) => `${a}${n}${b}`);
    // Assess
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), (items) => pattern.test(items.join(','))),
    );
    fc.assert(
      fc.property(
        fc.array(known, { minLength: 0, maxLength: 3 }),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter(
            (s) => s.trim() !== '' && !s.includes(',') && !(names as readonly string[]).includes(s.trim()),
          ),
        (items, typo) => !pattern.test([...items, typo].join(',')),
      ),
    );
  });

  it.each([
    ['an empty item', 'protocolAllowlistActiveMq', 'openwire,,console', 'has an empty item'],
    [
      'a name of the other engine',
      'protocolAllowlistRabbitMq',
      'openwire',
      'unknown RabbitMQ protocol "openwire"',
    ],
    ['upper case', 'protocolAllowlistActiveMq', 'OpenWire', 'did you mean "openwire"?'],
    [
      'a check id that is not opt-in',
      'enabledOptInChecks',
      'mq-broker-highly-available',
      'allowed: mq-broker-ldap-authentication',
    ],
    ['an unknown mode', 'remediationMode', 'enforced', 'did you mean "enforce"?'],
    ['yes for a boolean', 'configRules', 'yes', 'allowed: true, false'],
    ['a retention CloudWatch does not offer', 'logRetentionInDays', '31', 'allowed: 1, 3, 5'],
    [
      'a schedule that is not rate() or cron()',
      'sweepSchedule',
      'every hour',
      'EventBridge rate(...) or cron(...)',
    ],
    ['a plural rate of one', 'sweepSchedule', 'rate(1 hours)', 'EventBridge'],
    ['a topic name instead of its ARN', 'alertTopicArn', 'security-alerts', 'SNS standard topic ARN'],
  ])('refuses %s, saying what is allowed', (_case, name, value, message) => {
    // Act
    const problem = settingProblem(spec(name), value);
    // Assess
    expect(problem).toContain(message);
  });

  it.each([
    ['sweepSchedule', 'rate(30 minutes)'],
    ['sweepSchedule', 'cron(0 3 * * ? *)'],
    ['alertTopicArn', 'arn:aws:sns:eu-west-1:123456789012:security-alerts'],
    ['slackWebhookParameter', '/mq-guardian/slack-webhook'],
    ['alertEmail', 'security-team@example.com'],
    ['disabledChecks', 'mq-broker-highly-available, mq-broker-no-pii-in-identifiers'],
  ])('accepts %s = %s', (name, value) => {
    // Assess
    expect(settingProblem(spec(name), value)).toBeUndefined();
  });
});

describe('checkSettingsRecord', () => {
  it('names a misspelt setting and the one meant', () => {
    // Act
    const { problems } = checkSettingsRecord({ remediatonMode: 'enforce' });
    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"remediatonMode" is not a setting (did you mean "remediationMode"?)');
  });

  it('takes lists as arrays and booleans and numbers as JSON values', () => {
    // Act
    const { problems, values } = checkSettingsRecord({
      protocolAllowlistActiveMq: ['openwire', 'console'],
      revokeWorldIngress: true,
      logRetentionInDays: 90,
    });
    // Assess
    expect(problems).toEqual([]);
    expect(values).toMatchObject({
      protocolAllowlistActiveMq: 'openwire,console',
      revokeWorldIngress: 'true',
      logRetentionInDays: '90',
      remediationMode: 'dry-run',
    });
  });

  it('refuses a value of another JSON type', () => {
    // Act
    const { problems } = checkSettingsRecord({ disabledChecks: { id: 'x' } });
    // Assess
    expect(problems).toEqual(['disabledChecks must be a string, number, boolean or list of strings']);
  });
});

describe('settingsFromRecord', () => {
  it('builds the settings the functions would run with', () => {
    // Act
    const settings = settingsFromRecord(
      {
        remediationMode: 'enforce',
        protocolAllowlistRabbitMq: 'amqp',
        disabledChecks: 'mq-broker-highly-available',
      },
      { remediationRoleArn: 'arn:aws:iam::123456789012:role/remediator' },
    );
    // Assess
    expect(settings).toEqual({
      remediationMode: 'enforce',
      protocolAllowlist: { RABBITMQ: ['amqp'] },
      remediateSharedGroups: false,
      revokeWorldIngress: false,
      disabledChecks: ['mq-broker-highly-available'],
      enabledOptInChecks: [],
      remediationRoleArn: 'arn:aws:iam::123456789012:role/remediator',
    });
  });

  it('throws one ConfigurationError listing every problem', () => {
    // Act
    const build = () => settingsFromRecord({ remediationMode: 'on', configRules: 'yes' });
    // Assess
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/remediationMode is "on".*\nconfigRules is "yes"/s);
  });
});

describe('loadSettings', () => {
  it('refuses an environment value the template would refuse, naming the variable', () => {
    // Act
    const load = () => loadSettings({ PROTOCOL_ALLOWLIST_ACTIVEMQ: 'openwire,http' });
    // Assess
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(
      'PROTOCOL_ALLOWLIST_ACTIVEMQ: protocolAllowlistActiveMq names unknown ActiveMQ protocol "http"',
    );
  });

  it('takes unset and empty variables as the defaults', () => {
    // Act
    const settings = loadSettings({ REMEDIATION_MODE: '', DISABLED_CHECKS: ' ' });
    // Assess
    expect(settings.remediationMode).toBe('dry-run');
    expect(settings.disabledChecks).toEqual([]);
  });
});
