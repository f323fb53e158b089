/**
 * The `mq-guardian` command as a user runs it: the bin launcher in a child process, on this
 * machine's Node 22 from node_modules, with no AWS credentials and the instance metadata service
 * disabled (so no request ever leaves the machine).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../../shared/model/finding.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'shared', 'cli', 'mq-guardian.mjs');
const empty = mkdtempSync(join(tmpdir(), 'mqg-cli-'));

const run = (...args: string[]) => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(empty, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(empty, 'none'),
  };
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
};

describe('mq-guardian command', () => {
  it('lists the catalogue as JSON', () => {
    // Act
    const { code, out } = run('checks', '--json');

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(out) as { id: string }[]).map((c) => c.id)).toEqual([...CHECK_IDS]);
  });

  it('replays an event against a recorded account and prints one JSON object', () => {
    // Act
    const { code, out } = run(
      'replay',
      '--event',
      'events/ec2-authorize-security-group-ingress-world-tcp-all-ports.json',
      '--state',
      'events/accounts/demo-account.json',
      '--mode',
      'dry-run',
      '--json',
    );

    // Assess
    expect(code).toBe(0);
    const result = JSON.parse(out) as { evaluations: { compliance: string }[]; writes: unknown[] };
    expect(result.evaluations.length).toBeGreaterThan(0);
    expect(
      result.evaluations.every((e) =>
        ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'].includes(e.compliance),
      ),
    ).toBe(true);
    expect(result.writes).toEqual([]);
  });

  // Every mistake is covered in-process (test/unit/cli/main.test.ts); these go through the real launcher.
  it.each([
    [['replay', '--event', 'events', '--state', 'events/accounts/demo-account.json'], /is a directory/],
    [['frobnicate'], /unknown command/],
  ])('rejects bad input %j with exit code 2 and a clear message on one line', (args, message) => {
    // Act
    const { code, err } = run(...args);

    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('says how to set a region when scan has none', () => {
    // Act
    const { code, err } = run('scan');

    // Assess
    expect(code).toBe(2);
    expect(err.trimEnd()).toBe(
      'mq-guardian scan: scan needs a region: pass --region REGION, set AWS_REGION, or give the profile a region (aws configure set region REGION [--profile PROFILE])',
    );
  });

  it('names a profile that does not exist, and where it was looked for', () => {
    // Act
    const { code, err } = run('scan', '--profile', 'no-such-profile', '--region', 'us-east-1');

    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(/AWS profile "no-such-profile" \(--profile\) is not in .*none or .*none/);
  });

  it('says plainly that scan needs credentials', () => {
    // Act
    const { code, err } = run('scan', '--region', 'us-east-1');

    // Assess
    expect(code).toBe(2);
    expect(err).toMatch(/no usable AWS credentials/);
  });
});
