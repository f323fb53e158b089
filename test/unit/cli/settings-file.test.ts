import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../shared/cli/main.ts';
import { SETTING_NAMES, settingsFromFile } from '../../../shared/cli/settings-file.ts';
import { InputFileError } from '../../../shared/cli/input.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const SCENARIO = 'shared-group-activemq-rabbitmq';
const STATE = join(root, 'events', 'accounts', `${SCENARIO}.json`);
const EVENT = join(root, 'events', 'scenarios', SCENARIO, '1-authorize-all-tcp.json');
const dir = mkdtempSync(join(tmpdir(), 'mqg-settings-'));

const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('settingsFromFile', () => {
  it('takes every setting the functions read, in the forms --param takes, on top of the defaults', () => {
    // Act
    const settings = settingsFromFile(
      JSON.stringify({
        remediationMode: 'enforce',
        protocolAllowlistActiveMq: ['openwire', 'console'],
        protocolAllowlistRabbitMq: 'amqp',
        remediateSharedGroups: true,
        revokeWorldIngress: 'false',
        disabledChecks: 'mq-broker-highly-available',
        enabledOptInChecks: ['mq-broker-ldap-authentication'],
        logRetentionInDays: 30,
        sweepSchedule: 'rate(1 hour)',
      }),
      'settings.json',
    );

    // Assess
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      remediationMode: 'enforce',
      protocolAllowlist: { ACTIVEMQ: ['openwire', 'console'], RABBITMQ: ['amqp'] },
      remediateSharedGroups: true,
      revokeWorldIngress: false,
      disabledChecks: ['mq-broker-highly-available'],
      enabledOptInChecks: ['mq-broker-ldap-authentication'],
    });
  });

  it('is the defaults for an empty object', () => {
    // Act
    const settings = settingsFromFile('{}', 'settings.json');

    // Assess
    expect(settings).toEqual(DEFAULT_SETTINGS);
  });

  it('names every problem at once, with the valid names and values', () => {
    // Prepare
    const text = JSON.stringify({
      remediationMod: 'enforce',
      remediationMode: 'on',
      remediateSharedGroups: 'yes',
      protocolAllowlistRabbitMq: 'amqp,mqtt',
      disabledChecks: ['mq-broker-typo'],
      dashboard: { on: true },
    });

    // Act
    const read = () => settingsFromFile(text, 'settings.json');

    // Assess
    expect(read).toThrow(InputFileError);
    const message = (() => {
      try {
        read();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain(
      `"remediationMod" is not a setting (did you mean "remediationMode"?); settings: ${SETTING_NAMES.join(', ')}`,
    );
    expect(message).toContain(
      'remediationMode is "on" (did you mean "off"?); allowed: off, dry-run, enforce',
    );
    expect(message).toContain('remediateSharedGroups is "yes"; allowed: true, false');
    expect(message).toContain(
      'protocolAllowlistRabbitMq names unknown RabbitMQ protocol "mqtt"; allowed: amqp, console',
    );
    expect(message).toContain('disabledChecks names unknown check id "mq-broker-typo"; allowed: ');
    expect(message).toContain('dashboard must be a string, number, boolean or list of strings');
  });

  it.each([
    ['not JSON', '{remediationMode: enforce}', 'is not JSON'],
    ['a list', '["remediationMode"]', 'must be a JSON object of settings'],
    ['null', 'null', 'must be a JSON object of settings'],
  ])('refuses a file that is %s', (_case, text, expected) => {
    // Act
    const read = () => settingsFromFile(text, 'settings.json');

    // Assess
    expect(read).toThrow(expected);
  });
});

/** Runs the command line, returning its exit code and what it wrote to each stream. */
const runCli = async (args: string[]) => {
  const written = { out: '', err: '' };
  const capture = (key: 'out' | 'err') => (chunk: unknown) => {
    written[key] += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture('out') as never);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture('err') as never);
  try {
    return { code: await main(args), ...written };
  } finally {
    vi.restoreAllMocks();
  }
};

const replayWith = (settings: string, ...more: string[]) =>
  runCli(['replay', '--event', EVENT, '--state', STATE, '--settings', settings, ...more]);

describe('replay --settings', () => {
  it('replays with every setting of the file: a shared group is narrowed to what both brokers use', async () => {
    // Prepare
    const settings = file('shared.json', { remediationMode: 'enforce', remediateSharedGroups: 'true' });

    // Act
    const { code, out } = await replayWith(settings, '--json');

    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      writes: { operation: string; input: { IpPermissions?: { FromPort: number }[] } }[];
    };
    expect(result.writes.map((w) => w.operation)).toContain('RevokeSecurityGroupIngress');
    expect(
      result.writes
        .flatMap((w) => (w.input.IpPermissions ?? []).map((p) => p.FromPort))
        .sort((a, b) => a - b),
    ).toEqual([443, 5671, 15671, 61617]);
  });

  it('lets --mode win over the file’s remediationMode', async () => {
    // Prepare
    const settings = file('enforce.json', { remediationMode: 'enforce', remediateSharedGroups: true });

    // Act
    const { code, out } = await replayWith(settings, '--mode', 'dry-run', '--json');

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(out) as { writes: unknown[] }).writes).toEqual([]);
  });

  it('exits 2 on one line naming the wrong setting and the valid ones', async () => {
    // Prepare
    const settings = file('typo.json', { remediateSharedGroup: true });

    // Act
    const { code, out, err } = await replayWith(settings);

    // Assess
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('"remediateSharedGroup" is not a setting');
    expect(err).toContain('remediateSharedGroups');
    expect(out).toBe('');
  });

  it('exits 2 when the file cannot be read', async () => {
    // Act
    const { code, err } = await runCli([
      'scan',
      '--settings',
      join(dir, 'missing.json'),
      '--region',
      'eu-west-1',
    ]);

    // Assess
    expect(code).toBe(2);
    expect(err).toContain('--settings');
    expect(err).toContain('no such file');
  });
});
