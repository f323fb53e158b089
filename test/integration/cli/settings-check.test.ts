/**
 * `mq-guardian settings check FILE` as a user runs it: the bin launcher in a child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'shared', 'cli', 'mq-guardian.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mqg-settings-'));

const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const run = (...args: string[]) => {
  const result = spawnSync(process.execPath, [bin, 'settings', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: dir },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('mq-guardian settings check', () => {
  it('accepts valid settings and lists those that differ from the defaults', () => {
    // Prepare
    const path = file('good.json', JSON.stringify({ remediationMode: 'enforce', configRules: true }));
    // Act
    const { code, out } = run('check', path);
    // Assess
    expect(code).toBe(0);
    expect(out).toContain('valid (2 of');
    expect(out).toContain('remediationMode = "enforce"');
  });

  it('exits 1 naming each wrong setting, protocol and check id with the allowed ones', () => {
    // Prepare
    const path = file(
      'typos.json',
      JSON.stringify({
        protocolAllowlistActiveMq: 'openwrie',
        disabledChecks: 'mq-broker-highly-availabel',
        remediatonMode: 'enforce',
      }),
    );
    // Act
    const { code, out } = run('check', path);
    // Assess
    expect(code).toBe(1);
    expect(out).toContain('3 problems');
    expect(out).toContain('"openwrie" (did you mean "openwire"?); allowed: openwire, amqp');
    expect(out).toContain('"mq-broker-highly-availabel" (did you mean "mq-broker-highly-available"?)');
    expect(out).toContain('"remediatonMode" is not a setting (did you mean "remediationMode"?)');
  });

  it('prints one JSON document with --json', () => {
    // Prepare
    const path = file('mode.json', JSON.stringify({ remediationMode: 'on' }));
    // Act
    const { code, out } = run('check', path, '--json');
    // Assess
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({
      valid: false,
      problems: [expect.stringContaining('remediationMode is "on"')],
    });
  });

  it('exits 2 on a file that is not a JSON object', () => {
    // Prepare
    const path = file('list.json', '[1, 2]');
    // Act
    const { code, err } = run('check', path);
    // Assess
    expect(code).toBe(2);
    expect(err).toContain('must be a JSON object of settings');
  });
});
