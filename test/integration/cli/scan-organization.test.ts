/**
 * `mq-guardian scan` over the shipped recorded organization (events/organization/): the command as a
 * user runs it (the bin launcher in a child process, no AWS credentials, no network), and the same
 * command in process for the JSON document and the options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../../shared/model/finding.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { roleArnFor, scanOrganization } from '../../../shared/cli/scan-organization.ts';
import {
  type OrganizationScanValues,
  runOrganizationScan,
} from '../../../shared/cli/scan-organization-command.ts';
import { scanAccount } from '../../../shared/cli/scan.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import { loadRecordedOrganization } from '../../../shared/recorded/recorded-organization.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'shared', 'cli', 'mq-guardian.mjs');
const home = mkdtempSync(join(tmpdir(), 'mqg-scan-org-'));
const ORGANIZATION = join(root, 'events', 'organization');

const DENIED = '456789012345';
const SUSPENDED = '567890123456';

interface JsonMember {
  account: string;
  name?: string;
  region: string;
  roleArn: string;
  status: string;
  reason?: string;
  message?: string;
  brokers?: { brokerName: string; checks: Record<string, { status: string; severity: string }> }[];
}

interface JsonReport {
  roleName: string;
  members: JsonMember[];
  notScanned: { account: string; state: string }[];
  failing: number;
  exitCode: number;
}

const scan = async (values: OrganizationScanValues, failOn = 'HIGH' as const) => {
  const printed: string[] = [];
  const code = await runOrganizationScan(
    { 'recorded-organization': ORGANIZATION, json: true, ...values },
    DEFAULT_SETTINGS,
    failOn,
    (text) => printed.push(text),
  );
  expect(printed).toHaveLength(1);
  return { code, report: JSON.parse(printed[0] ?? '') as JsonReport };
};

describe('mq-guardian scan --recorded-organization', () => {
  it('prints one matrix of every broker of every account and region and exits 1 on a HIGH failure', () => {
    // Act
    const result = spawnSync(
      process.execPath,
      [bin, 'scan', '--recorded-organization', 'events/organization'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
    const out = result.stdout;
    expect(out).toMatch(/^210987654321 +us-east-1 +payments-prod( +ok){11} +\.$/m);
    expect(out).toMatch(/^345678901234 +us-east-1 +inventory-dev +F +F /m);
    expect(out).toContain(`sandbox (${DENIED}): 0 of 2 regions scanned`);
    expect(out.replace(/\s+/g, ' ')).toContain(
      `us-east-1: ROLE NOT ASSUMABLE: not authorized to perform sts:AssumeRole on resource arn:aws:iam::${DENIED}:role/mq-guardian-scan-us-east-1`,
    );
    expect(out).toContain(`closed-project (${SUSPENDED}): SUSPENDED, not scanned`);
    expect(out.replace(/\s+/g, ' ')).toContain(
      '6 of 8 account-regions scanned, 2 skipped, 1 account not ACTIVE; 3 failing findings at or above HIGH.',
    );
    expect(Math.max(...out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('answers one JSON document with every check of every broker, the skipped members and the suspended account', async () => {
    // Act
    const { code, report } = await scan({ regions: 'us-east-1' });

    // Assess
    expect(code).toBe(1);
    expect(report.exitCode).toBe(1);
    expect(report.members.map((m) => [m.name, m.region, m.status, m.reason])).toEqual([
      ['management', 'us-east-1', 'scanned', undefined],
      ['payments', 'us-east-1', 'scanned', undefined],
      ['analytics', 'us-east-1', 'scanned', undefined],
      ['sandbox', 'us-east-1', 'skipped', 'role-not-assumable'],
    ]);
    expect(report.members.find((m) => m.account === DENIED)?.roleArn).toBe(
      `arn:aws:iam::${DENIED}:role/mq-guardian-scan-us-east-1`,
    );
    for (const broker of report.members.flatMap((m) => m.brokers ?? [])) {
      expect(Object.keys(broker.checks).sort()).toEqual(
        CHECK_IDS.filter((id) => id !== 'mq-broker-ldap-authentication').sort(),
      );
    }
    expect(report.notScanned).toEqual([{ account: SUSPENDED, name: 'closed-project', state: 'SUSPENDED' }]);
    expect(report.failing).toBe(3);
  });

  it('exits 0 when every member is scanned and nothing fails at or above --fail-on', async () => {
    // Act
    const { code, report } = await scan({ accounts: '210987654321,999988887777' });

    // Assess
    expect(report.members.map((m) => [m.account, m.region, m.status])).toEqual([
      ['210987654321', 'us-east-1', 'scanned'],
      ['210987654321', 'eu-west-1', 'scanned'],
      ['999988887777', 'us-east-1', 'scanned'],
      ['999988887777', 'eu-west-1', 'scanned'],
    ]);
    expect(report.failing).toBe(0);
    expect(code).toBe(0);
  });

  it('exits 1 for a member it could not enter even when nothing it read fails', async () => {
    // Act
    const { code, report } = await scan({ accounts: `210987654321,${DENIED}` });

    // Assess
    expect(report.failing).toBe(0);
    expect(report.members.filter((m) => m.status === 'skipped').map((m) => m.reason)).toEqual([
      'role-not-assumable',
      'role-not-assumable',
    ]);
    expect(code).toBe(1);
  });

  it('reports an account with nothing recorded as not recorded, and the role name given in each ARN', async () => {
    // Act
    const { report } = await scan({ accounts: '111111111111', 'role-name': 'audit/OrganizationAuditRole' });

    // Assess
    expect(report.roleName).toBe('audit/OrganizationAuditRole');
    expect(report.members.map((m) => [m.region, m.reason, m.roleArn])).toEqual([
      ['us-east-1', 'not-recorded', 'arn:aws:iam::111111111111:role/audit/OrganizationAuditRole'],
      ['eu-west-1', 'not-recorded', 'arn:aws:iam::111111111111:role/audit/OrganizationAuditRole'],
    ]);
  });

  it('counts CRITICAL failures only with --fail-on CRITICAL', async () => {
    // Act
    const { report } = await scan({ accounts: '345678901234' }, 'CRITICAL' as never);

    // Assess
    expect(report.failing).toBe(0);
    expect(report.exitCode).toBe(0);
  });

  it.each([
    [{ accounts: '12345' }, '--accounts takes 12-digit account ids'],
    [{ accounts: '210987654321', organization: true }, 'give --accounts or --organization, not both'],
    [{ concurrency: '0' }, '--concurrency must be a whole number from 1 to 32'],
    [{ concurrency: '2.5' }, '--concurrency must be a whole number from 1 to 32'],
    [{ regions: 'mars-1' }, '--regions takes region names'],
    [{ 'role-name': 'has space' }, '--role-name must be an IAM role name'],
    [{ remediate: true }, 'an organization scan is read-only'],
  ] as [OrganizationScanValues, string][])('refuses %j with a usage error', async (values, message) => {
    // Act
    const failure = scan(values);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'UsageError',
      message: expect.stringContaining(message),
    });
  });
});

// docs/organizations.md "API calls per account" quotes these counts.
describe('reads per account-region', () => {
  it('are ListBrokers, DescribeBrokerEngineTypes when there are brokers, and 5 to 8 reads per broker', async () => {
    // Prepare
    const organization = await loadRecordedOrganization(ORGANIZATION);
    const entered: [string, RecordedAccount][] = [];

    // Act
    await scanOrganization(
      {
        roleName: 'mq-guardian-scan-{region}',
        regions: organization.regions,
        concurrency: 1,
        failOn: 'HIGH',
        settings: DEFAULT_SETTINGS,
      },
      {
        directory: organization,
        roleArn: roleArnFor,
        scanAccount,
        enter: async (account, region, roleArn) => {
          const readers = await organization.enter(account, region, roleArn);
          entered.push([`${account} ${region}`, readers.brokers as RecordedAccount]);
          return {
            readers,
            writer: () => {
              throw new Error('never');
            },
          };
        },
      },
    );
    const totals = Object.fromEntries(
      entered.map(([target, account]) => [
        target,
        Object.values(account.readCounts()).reduce((sum, n) => sum + n, 0),
      ]),
    );

    // Assess
    expect(totals).toEqual({
      '999988887777 us-east-1': 1,
      '999988887777 eu-west-1': 1,
      '210987654321 us-east-1': 16,
      '210987654321 eu-west-1': 7,
      '345678901234 us-east-1': 16,
      '345678901234 eu-west-1': 1,
    });
    expect(entered.find(([t]) => t === '210987654321 eu-west-1')?.[1].readCounts()).toEqual({
      ListBrokers: 1,
      DescribeBrokerEngineTypes: 1,
      DescribeBroker: 1,
      DescribeConfiguration: 1,
      DescribeSecurityGroupRules: 1,
      DescribeSecurityGroups: 1,
      DescribeNetworkInterfaces: 1,
    });
  });
});
