import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderScan, type ScanDeps, scanAccount } from '../../../shared/cli/scan.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import { logger } from '../../../shared/logger.ts';
import type { IngressWriter } from '../../../shared/ports.ts';
import { loadRecordedAccount, type RecordedAccount } from '../../../shared/recorded/recorded-account.ts';

const STATE = join(import.meta.dirname, '..', '..', '..', 'events', 'accounts', 'demo-account.json');

const depsOf = (account: RecordedAccount, writer: IngressWriter = account): ScanDeps => ({
  readers: { brokers: account, network: account, keys: account },
  writer: () => writer,
});

/** Authorizes as the account does; every revoke is refused as EC2 refuses a caller without permission. */
const refusingRevokes = (account: RecordedAccount): IngressWriter => ({
  authorizeIngress: (request) => account.authorizeIngress(request),
  revokeIngress: () =>
    Promise.reject(
      new AwsCallError(
        'RevokeSecurityGroupIngress',
        'UnauthorizedOperation',
        'RevokeSecurityGroupIngress failed: UnauthorizedOperation: You are not authorized to perform this operation.',
      ),
    ),
});

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('scanAccount', () => {
  it('reports every finding and no action when not asked to remediate', async () => {
    // Prepare
    const account = await loadRecordedAccount(STATE);

    // Act
    const report = await scanAccount(
      { failOn: 'HIGH', remediationMode: 'off', region: 'us-east-1' },
      depsOf(account),
    );

    // Assess
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.actions).toEqual([]);
    expect(report.failures).toEqual([]);
    expect(report.exitCode).toBe(1);
    expect(account.writes()).toEqual([]);
  });

  it('lists the planned actions with their undo commands in dry-run, and writes nothing', async () => {
    // Prepare
    const account = await loadRecordedAccount(STATE);

    // Act
    const report = await scanAccount({ failOn: 'CRITICAL', remediationMode: 'dry-run' }, depsOf(account));

    // Assess
    const planned = report.actions.filter((a) => a.status === 'planned');
    expect(planned.length).toBeGreaterThan(0);
    expect(planned.every((a) => a.undo?.startsWith('aws ec2 '))).toBe(true);
    expect(account.writes()).toEqual([]);
  });

  it('still reports every broker’s findings when a remediation action fails, and names the failure', async () => {
    // Prepare
    const account = await loadRecordedAccount(STATE);
    const all = await scanAccount({ failOn: 'HIGH', remediationMode: 'off' }, depsOf(account));

    // Act
    const report = await scanAccount(
      { failOn: 'HIGH', remediationMode: 'enforce' },
      depsOf(account, refusingRevokes(account)),
    );

    // Assess
    expect(report.findings.map((f) => `${f.resource.id} ${f.checkId}`).sort()).toEqual(
      all.findings.map((f) => `${f.resource.id} ${f.checkId}`).sort(),
    );
    const failed = report.actions.filter((a) => a.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((a) => a.kind === 'revoke' && a.error?.includes('UnauthorizedOperation'))).toBe(true);
    const done = report.actions.filter((a) => a.status === 'done');
    expect(done.every((a) => a.undo?.startsWith('aws ec2 revoke-security-group-ingress'))).toBe(true);
    expect(report.failures.map((f) => f.brokerId).sort()).toEqual(
      [...new Set(failed.map((a) => a.brokerId))].sort(),
    );
    expect(report.failures.every((f) => f.error.includes('RemediationFailedError'))).toBe(true);
    expect(report.exitCode).toBe(3);
  });

  it('says in the text what failed after the findings and actions', async () => {
    // Prepare
    const account = await loadRecordedAccount(STATE);
    const report = await scanAccount(
      { failOn: 'HIGH', remediationMode: 'enforce' },
      depsOf(account, refusingRevokes(account)),
    );

    // Act
    const text = renderScan(report);

    // Assess
    const lines = text.split('\n');
    const firstFailure = lines.findIndex((l) => l.startsWith('failed: broker '));
    expect(lines[0]).toMatch(/^broker\s+check\s+severity\s+result\s+message$/);
    expect(firstFailure).toBeGreaterThan(lines.findIndex((l) => l.startsWith('remediation [failed]')));
    expect(text).toContain('  error: RevokeSecurityGroupIngress failed: UnauthorizedOperation');
  });
});
