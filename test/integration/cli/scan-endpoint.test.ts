/**
 * `scan --endpoint-url` as a user runs it: the bin launcher in a child process, pointed at a loopback
 * AWS serving the demo account over HTTP (real SDK clients, signing, wire protocols), with static
 * credentials, no AWS config files and the instance metadata service disabled.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { ScanReport } from '../../../shared/cli/scan.ts';
import { useLoopbackAws } from '../aws/wire/support.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'shared', 'cli', 'mq-guardian.mjs');
const empty = mkdtempSync(join(tmpdir(), 'mqg-endpoint-'));

/** The demo account's all-ports world rule and the broker behind its group (events/accounts). */
const WIDE_RULE = 'sgr-0a1b2c3d4e5f60050';
const WIDE_RULE_GROUP = 'sg-0a1b2c3d4e5f60005';

/** Runs the command asynchronously: the loopback AWS answers from this process meanwhile. */
const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(empty, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(empty, 'none'),
    AWS_ACCESS_KEY_ID: 'AKIDSCANCLI',
    AWS_SECRET_ACCESS_KEY: 'loopback-secret',
    AWS_MAX_ATTEMPTS: '1',
    ...extraEnv,
  };
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: root, env });
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
};

const report = (out: string): ScanReport => JSON.parse(out) as ScanReport;

describe('scan against an AWS-compatible endpoint', () => {
  const loopback = useLoopbackAws();

  it('reads every broker of the account at --endpoint-url and writes nothing', async () => {
    // Act
    const { code, out } = await run([
      'scan',
      '--endpoint-url',
      loopback.aws.url,
      '--region',
      'us-east-1',
      '--json',
    ]);

    // Assess
    const scanned = report(out);
    expect(code).toBe(1);
    expect(scanned.failures).toEqual([]);
    expect(scanned.actions).toEqual([]);
    expect(new Set(scanned.findings.map((f) => f.resource.id)).size).toBe(
      loopback.aws.requests.filter((r) => r.operation === 'DescribeBroker').length,
    );
    expect(new Set(loopback.aws.requests.map((r) => r.service))).toEqual(new Set(['mq', 'ec2', 'kms']));
    expect(loopback.aws.requests.every((r) => /^(Describe|List|Get)/.test(r.operation))).toBe(true);
    expect(loopback.aws.requests.every((r) => r.accessKeyId === 'AKIDSCANCLI')).toBe(true);
    const wide = scanned.findings.filter(
      (f) => f.checkId === 'mq-broker-ingress-limited-to-used-protocols' && f.status === 'FAIL',
    );
    expect(wide.map((f) => f.message).join('\n')).toContain(WIDE_RULE);
  });

  it('carries out the remediation with --remediate --mode enforce, and the account then shows it', async () => {
    // Act
    const enforced = await run([
      'scan',
      '--endpoint-url',
      loopback.aws.url,
      '--region',
      'us-east-1',
      '--remediate',
      '--mode',
      'enforce',
      '--json',
    ]);
    const after = await run(['scan', '--endpoint-url', loopback.aws.url, '--region', 'us-east-1', '--json']);

    // Assess
    const actions = report(enforced.out).actions;
    expect(enforced.code).toBe(1);
    expect(actions.filter((a) => a.status === 'failed')).toEqual([]);
    expect(actions.filter((a) => a.status === 'done').length).toBeGreaterThan(0);
    const revoked = loopback.aws.requests
      .filter((r) => r.operation === 'RevokeSecurityGroupIngress')
      .map((r) => [r.input.GroupId, r.input.SecurityGroupRuleIds]);
    expect(revoked).toContainEqual([WIDE_RULE_GROUP, [WIDE_RULE]]);
    const stillThere = report(after.out).findings.filter(
      (f) => f.checkId === 'mq-broker-ingress-limited-to-used-protocols' && f.status === 'FAIL',
    );
    expect(stillThere.map((f) => f.message).join('\n')).not.toContain(WIDE_RULE);
  });

  it('prints ONE JSON document with the findings, the actions with their undo and the failure when a revoke fails, and exits 3', async () => {
    // Arrange
    loopback.aws.inject({ on: 'RevokeSecurityGroupIngress', fault: 'server-error' });

    // Act
    const { code, out } = await run([
      'scan',
      '--endpoint-url',
      loopback.aws.url,
      '--region',
      'us-east-1',
      '--remediate',
      '--mode',
      'enforce',
      '--json',
    ]);

    // Assess
    expect(code).toBe(3);
    const whole = report(out);
    expect(whole.findings.filter((f) => f.status === 'FAIL').length).toBeGreaterThan(0);
    const failed = whole.actions.filter((a) => a.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.kind === 'revoke' && typeof a.error === 'string')).toBe(true);
    expect(whole.failures.map((f) => f.brokerId).sort()).toEqual(
      [...new Set(failed.map((a) => a.brokerId))].sort(),
    );
    const done = whole.actions.filter((a) => a.status === 'done');
    expect(done.every((a) => a.undo?.startsWith('aws ec2 '))).toBe(true);
  });

  it('reads through AWS_ENDPOINT_URL when no --endpoint-url is given, as the SDK documents', async () => {
    // Act
    const { out } = await run(['scan', '--region', 'us-east-1', '--json'], {
      AWS_ENDPOINT_URL: loopback.aws.url,
    });

    // Assess
    expect(report(out).failures).toEqual([]);
    expect(report(out).findings.length).toBeGreaterThan(0);
    expect(loopback.aws.requests.map((r) => r.operation)).toContain('ListBrokers');
  });

  it('refuses an endpoint that is not an http(s) URL, on one line with exit code 2', async () => {
    // Act
    const { code, err } = await run(['scan', '--endpoint-url', 'localhost:4566', '--region', 'us-east-1']);

    // Assess
    expect(code).toBe(2);
    expect(err?.trimEnd()).toBe(
      'mq-guardian scan: --endpoint-url must be an http:// or https:// URL (got "localhost:4566") (see mq-guardian scan --help)',
    );
  });
});
