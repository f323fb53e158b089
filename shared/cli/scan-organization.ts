/**
 * `mq-guardian scan` over many accounts and regions, read-only, the way c7n-org does: the accounts
 * named (`--accounts`) or the organization's ACTIVE ones (Organizations ListAccounts), a role assumed
 * in each (`--role-name`), every region asked for, at most `--concurrency` account-regions at a time.
 * Each account-region is the single-account scan (scanAccount) with remediation off, on that account's
 * readers. One that cannot be entered or read (role missing or not trusting the caller, access denied,
 * region not enabled) is reported with its reason and skipped: one account never stops the others.
 */
import type { AccountDirectory, OrganizationAccount } from '../aws/organizations.ts';
import { ALL_CHECKS } from '../checks/registry.ts';
import { AwsCallError, errorMessage, GuardianError } from '../errors.ts';
import { type Finding, SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import type { Settings } from '../policy/settings.ts';
import { NOT_RECORDED } from '../recorded/recorded-organization.ts';
import { settleBounded } from '../use-cases/bounded.ts';
import type { ScanDeps, ScanFailure, ScanReport } from './scan.ts';
import { renderTable } from './table.ts';
import { plural, wrapWords } from './text.ts';

/**
 * The role the member stack creates for organization scans (serverless.yml `OrganizationScanRole`),
 * one per region because IAM role names are global to an account: `{region}` is each region scanned.
 */
export const DEFAULT_SCAN_ROLE_NAME = 'mq-guardian-scan-{region}';
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;

/** The partition a region belongs to (role ARNs differ in China and GovCloud). */
export const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/** The ARN of role `roleName` (it may carry a path: `security/mq-guardian-scan`) in `account`. */
export const roleArnFor = (account: string, roleName: string, region: string): string =>
  `arn:${partitionOf(region)}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;

/** The role name for one region (`{region}` replaced). */
export const roleNameIn = (template: string, region: string): string =>
  template.replaceAll('{region}', region);

export interface OrganizationScanOptions {
  /** Account ids to scan; undefined: every ACTIVE account the directory lists. */
  readonly accounts?: readonly string[];
  readonly roleName: string;
  readonly regions: readonly string[];
  readonly concurrency: number;
  readonly failOn: Severity;
  readonly settings: Settings;
}

export interface OrganizationScanDeps {
  /** Where the organization's accounts come from (Organizations, or a recorded organization). */
  readonly directory?: AccountDirectory;
  /** The role's ARN in an account (partitions differ by region). */
  readonly roleArn: (account: string, roleName: string, region: string) => string;
  /** Readers for one account and region as `roleArn`; throws when the account cannot be entered. */
  readonly enter: (account: string, region: string, roleArn: string) => Promise<ScanDeps>;
  /** The single-account scan (shared/cli/scan.ts scanAccount). */
  readonly scanAccount: (
    options: { failOn: Severity; remediationMode: 'off'; settings: Settings; region: string },
    deps: ScanDeps,
  ) => Promise<ScanReport>;
}

/**
 * Why an account-region was not scanned:
 * - `role-not-assumable`: AssumeRole was refused (the role does not exist or does not trust the caller);
 * - `access-denied`: the role was assumed but may not read Amazon MQ;
 * - `region-disabled`: the region is not enabled for the account (opt-in regions);
 * - `not-recorded`: offline, the recorded organization holds no file for it;
 * - `failed`: anything else (throttling after retries, network), with the error.
 */
export type SkipReason =
  | 'role-not-assumable'
  | 'access-denied'
  | 'region-disabled'
  | 'not-recorded'
  | 'failed';

interface MemberBase {
  readonly account: string;
  readonly name?: string;
  readonly region: string;
  readonly roleArn: string;
}

export type MemberScan =
  | (MemberBase & { readonly status: 'scanned'; readonly report: ScanReport })
  | (MemberBase & { readonly status: 'skipped'; readonly reason: SkipReason; readonly message: string });

export interface OrganizationScanReport {
  readonly roleName: string;
  readonly regions: readonly string[];
  readonly failOn: Severity;
  readonly members: readonly MemberScan[];
  /** Accounts of the organization that are not ACTIVE: listed, never entered. */
  readonly notScanned: readonly OrganizationAccount[];
  /** Findings (FAIL or ERROR) at or above failOn, over every member. */
  readonly failing: number;
  /** 0 ok; 1 a finding at or above failOn failed or could not be evaluated, or an account-region was skipped. */
  readonly exitCode: number;
}

const ROLE_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'NoSuchEntity']);
/** What an account answers in a region it has not enabled: the credentials are unknown there. */
const REGION_ERRORS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'OptInRequired',
  'RegionDisabledException',
  'AuthFailure',
]);
const ACCESS_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'ForbiddenException',
  'UnauthorizedOperation',
]);

/** The AwsCallError behind an error (scanAccount wraps credential problems in a GuardianError). */
const awsCause = (error: unknown): AwsCallError | undefined => {
  for (
    let e = error, depth = 0;
    e !== undefined && depth < 10;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    if (e instanceof AwsCallError) return e;
    if (!(e instanceof Error)) return undefined;
  }
  return undefined;
};

/** Why an account-region could not be scanned, from the AWS error name and the operation that failed. */
export const skipReason = (error: unknown): SkipReason => {
  const cause = awsCause(error);
  if (!cause) return 'failed';
  if (cause.awsErrorName === NOT_RECORDED) return 'not-recorded';
  if (REGION_ERRORS.has(cause.awsErrorName)) return 'region-disabled';
  if (cause.operation === 'AssumeRole')
    return ROLE_ERRORS.has(cause.awsErrorName) ? 'role-not-assumable' : 'failed';
  return ACCESS_ERRORS.has(cause.awsErrorName) ? 'access-denied' : 'failed';
};

const isFailing = (finding: Finding, failOn: Severity): boolean =>
  (finding.status === 'FAIL' || finding.status === 'ERROR') &&
  SEVERITY_ORDER.indexOf(finding.severity) >= SEVERITY_ORDER.indexOf(failOn);

export const scanOrganization = async (
  options: OrganizationScanOptions,
  deps: OrganizationScanDeps,
): Promise<OrganizationScanReport> => {
  let accounts: { id: string; name?: string }[];
  let notScanned: OrganizationAccount[] = [];
  const listed = options.accounts === undefined || deps.directory ? await deps.directory?.listAccounts() : [];
  if (options.accounts === undefined) {
    if (!listed) throw new GuardianError('NO_ACCOUNTS', 'an organization scan needs accounts or a directory');
    accounts = listed.filter((a) => a.state === 'ACTIVE');
    notScanned = listed.filter((a) => a.state !== 'ACTIVE');
  } else {
    // Named accounts keep the names the organization gives them, when it is known.
    const names = new Map((listed ?? []).map((a) => [a.id, a.name]));
    accounts = [...new Set(options.accounts)].map((id) => {
      const name = names.get(id);
      return name === undefined ? { id } : { id, name };
    });
  }
  const targets = accounts.flatMap((a) =>
    options.regions.map((region) => ({
      account: a.id,
      ...(a.name === undefined ? {} : { name: a.name }),
      region,
      roleArn: deps.roleArn(a.id, roleNameIn(options.roleName, region), region),
    })),
  );
  const settled = await settleBounded(targets, options.concurrency, async (target) =>
    deps.scanAccount(
      { failOn: options.failOn, remediationMode: 'off', settings: options.settings, region: target.region },
      await deps.enter(target.account, target.region, target.roleArn),
    ),
  );
  const members: MemberScan[] = settled.map((result, i) => {
    const target = targets[i] as MemberBase;
    return result.status === 'fulfilled'
      ? { ...target, status: 'scanned', report: result.value }
      : {
          ...target,
          status: 'skipped',
          reason: skipReason(result.reason),
          message: errorMessage(result.reason),
        };
  });
  const failing = members
    .flatMap((m) => (m.status === 'scanned' ? m.report.findings : []))
    .filter((f) => isFailing(f, options.failOn)).length;
  const skipped = members.some((m) => m.status === 'skipped');
  return {
    roleName: options.roleName,
    regions: options.regions,
    failOn: options.failOn,
    members,
    notScanned,
    failing,
    exitCode: failing > 0 || skipped ? 1 : 0,
  };
};

interface BrokerRow {
  readonly brokerId: string;
  readonly brokerName: string;
  readonly findings: readonly Finding[];
}

/** The findings of one scanned account-region, one entry per broker in the order found. */
const brokersOf = (report: ScanReport): BrokerRow[] => {
  const rows = new Map<string, { brokerId: string; brokerName: string; findings: Finding[] }>();
  for (const finding of report.findings) {
    const id = finding.resource.id;
    const row = rows.get(id) ?? { brokerId: id, brokerName: finding.resource.name, findings: [] };
    row.findings.push(finding);
    rows.set(id, row);
  }
  return [...rows.values()];
};

/** The report as one JSON document: every account-region, each broker's result per check, or why it was skipped. */
export const organizationScanJson = (report: OrganizationScanReport): unknown => ({
  roleName: report.roleName,
  regions: report.regions,
  failOn: report.failOn,
  members: report.members.map((m) => ({
    account: m.account,
    ...(m.name === undefined ? {} : { name: m.name }),
    region: m.region,
    roleArn: m.roleArn,
    status: m.status,
    ...(m.status === 'skipped'
      ? { reason: m.reason, message: m.message }
      : {
          brokers: brokersOf(m.report).map((b) => ({
            brokerId: b.brokerId,
            brokerName: b.brokerName,
            checks: Object.fromEntries(
              b.findings.map((f) => [
                f.checkId,
                { status: f.status, severity: f.severity, message: f.message },
              ]),
            ),
          })),
          failures: m.report.failures satisfies readonly ScanFailure[],
        }),
  })),
  notScanned: report.notScanned.map((a) => ({ account: a.id, name: a.name, state: a.state })),
  failing: report.failing,
  exitCode: report.exitCode,
});

const WIDTH = 100;
const MARK: Readonly<Record<string, string>> = { PASS: 'ok', FAIL: 'F', ERROR: 'E', NOT_APPLICABLE: '-' };

const label = (m: { account: string; name?: string }): string =>
  m.name === undefined ? m.account : `${m.name} (${m.account})`;

/** The matrix (one row per broker of every account and region, one column per check), then the accounts. */
export const renderOrganizationScan = (report: OrganizationScanReport): string => {
  const checks = ALL_CHECKS.map((c) => c.meta);
  const scanned = report.members.flatMap((m) => (m.status === 'scanned' ? [m] : []));
  const skipped = report.members.flatMap((m) => (m.status === 'skipped' ? [m] : []));
  const rows = scanned.flatMap((m) =>
    brokersOf(m.report).map((b) => [
      m.account,
      m.region,
      b.brokerName,
      ...checks.map((c) => {
        const finding = b.findings.find((f) => f.checkId === c.id);
        return finding ? (MARK[finding.status] ?? finding.status) : '.';
      }),
    ]),
  );
  const accounts = [...new Set(report.members.map((m) => m.account))];
  const lines = [
    ...wrapWords(
      `Organization scan (read-only): ${plural(accounts.length, 'account')} × ${report.regions.join(', ')}, role ${report.roleName}`,
      WIDTH,
    ),
    '',
    rows.length > 0
      ? renderTable(['account', 'region', 'broker', ...checks.map((_, i) => String(i + 1))], rows, 24)
      : 'No Amazon MQ brokers in the accounts and regions scanned.',
    '',
    'ok compliant, F not compliant, E could not be evaluated, - not applicable, . check off',
    ...checks.map((c, i) => `${String(i + 1).padStart(3)} ${c.id} (${c.severity})`),
    '',
    'Accounts:',
  ];
  for (const account of accounts) {
    const mine = report.members.filter((m) => m.account === account);
    const reports = mine.flatMap((m) => (m.status === 'scanned' ? [m.report] : []));
    const brokers = reports.flatMap(brokersOf).length;
    const failing = reports.flatMap((r) => r.findings).filter((f) => isFailing(f, report.failOn)).length;
    lines.push(
      `  ${label(mine[0] as MemberScan)}: ${reports.length} of ${plural(mine.length, 'region')} scanned, ` +
        `${plural(brokers, 'broker')}, ${failing} failing at or above ${report.failOn}`,
    );
    for (const m of mine) {
      if (m.status !== 'skipped') continue;
      const text = `${m.region}: ${m.reason === 'role-not-assumable' ? 'ROLE NOT ASSUMABLE' : m.reason}: ${m.message}`;
      lines.push(...wrapWords(text, WIDTH - 6).map((line, i) => `${i === 0 ? '    ' : '      '}${line}`));
    }
    for (const m of reports.flatMap((r) => r.failures)) {
      lines.push(...wrapWords(`failed: broker ${m.brokerId}: ${m.error}`, WIDTH - 6).map((l) => `    ${l}`));
    }
  }
  for (const a of report.notScanned)
    lines.push(`  ${label({ account: a.id, name: a.name })}: ${a.state}, not scanned`);
  lines.push(
    '',
    ...wrapWords(
      `${scanned.length} of ${plural(report.members.length, 'account-region')} scanned, ${skipped.length} skipped` +
        `${report.notScanned.length > 0 ? `, ${plural(report.notScanned.length, 'account')} not ACTIVE` : ''}; ` +
        `${plural(report.failing, 'failing finding')} at or above ${report.failOn}.`,
      WIDTH,
    ),
  );
  return lines.join('\n');
};
