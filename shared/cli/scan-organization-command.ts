/**
 * The options that make `mq-guardian scan` an organization scan, and what runs it: AWS (STS
 * AssumeRole into each account, Organizations ListAccounts for `--organization`) or a recorded
 * organization (`--recorded-organization DIR`, offline). Loaded by the CLI without the SDK; AWS
 * clients are imported only when a live organization is scanned.
 */
import { SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import type { Settings } from '../policy/settings.ts';
import { type OptionSpecs, UsageError } from './args.ts';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_SCAN_ROLE_NAME,
  MAX_CONCURRENCY,
  type OrganizationScanDeps,
  organizationScanJson,
  renderOrganizationScan,
  roleArnFor,
  scanOrganization,
} from './scan-organization.ts';

export const ORGANIZATION_SCAN_OPTIONS = {
  accounts: {
    type: 'string',
    value: 'LIST',
    help: 'scan these accounts (comma-separated 12-digit ids), read-only, through --role-name in each',
  },
  organization: {
    type: 'boolean',
    help: 'scan every ACTIVE account of the organization (Organizations ListAccounts; run it in the management or a delegated administrator account)',
  },
  'recorded-organization': {
    type: 'string',
    value: 'DIR',
    help: 'scan a recorded organization offline (events/organization/README.md), e.g. events/organization',
  },
  'role-name': {
    type: 'string',
    value: 'NAME',
    help: `the role to assume in each account; {region} is replaced by each region (default ${DEFAULT_SCAN_ROLE_NAME}, the role the member stack creates)`,
  },
  regions: {
    type: 'string',
    value: 'LIST',
    help: 'regions to scan in each account, comma-separated (default: --region, AWS_REGION or the profile’s; recorded: every region recorded)',
  },
  concurrency: {
    type: 'string',
    value: 'N',
    help: `account-regions scanned at once, 1 to ${MAX_CONCURRENCY} (default ${DEFAULT_CONCURRENCY})`,
  },
} as const satisfies OptionSpecs;

export interface OrganizationScanValues {
  readonly accounts?: string;
  readonly organization?: boolean;
  readonly 'recorded-organization'?: string;
  readonly 'role-name'?: string;
  readonly regions?: string;
  readonly concurrency?: string;
  readonly region?: string;
  readonly 'endpoint-url'?: string;
  readonly json?: boolean;
  readonly remediate?: boolean;
}

export const isOrganizationScan = (values: OrganizationScanValues): boolean =>
  values.accounts !== undefined ||
  values.organization === true ||
  values['recorded-organization'] !== undefined;

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** IAM role names (and paths): letters, digits and +=,.@_- ; `{region}` is substituted first. */
const ROLE_NAME = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

const usage = (message: string): UsageError => new UsageError(message, 'scan');

interface Parsed {
  readonly accounts?: readonly string[];
  readonly roleName: string;
  readonly regions: readonly string[];
  readonly concurrency: number;
}

const parse = (values: OrganizationScanValues): Parsed => {
  if (values.remediate) throw usage('an organization scan is read-only: --remediate scans one account');
  const sources = [
    values.accounts !== undefined ? '--accounts' : '',
    values.organization ? '--organization' : '',
  ].filter((s) => s !== '');
  if (sources.length > 1) throw usage('give --accounts or --organization, not both');
  const accounts = values.accounts === undefined ? undefined : list(values.accounts);
  if (accounts !== undefined) {
    const bad = accounts.filter((a) => !ACCOUNT_ID.test(a));
    if (accounts.length === 0 || bad.length > 0) {
      throw usage(`--accounts takes 12-digit account ids, comma-separated (got "${values.accounts}")`);
    }
  }
  const roleName = values['role-name'] ?? DEFAULT_SCAN_ROLE_NAME;
  if (!ROLE_NAME.test(roleName.replaceAll('{region}', 'us-east-1'))) {
    throw usage(`--role-name must be an IAM role name, optionally with a path (got "${roleName}")`);
  }
  const regions = list(values.regions ?? values.region);
  const badRegions = regions.filter((r) => !REGION.test(r));
  if (badRegions.length > 0) throw usage(`--regions takes region names (got ${badRegions.join(', ')})`);
  const concurrency = Number(values.concurrency ?? DEFAULT_CONCURRENCY);
  if (!/^\d+$/.test(values.concurrency ?? '1') || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw usage(
      `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got "${values.concurrency}")`,
    );
  }
  return { ...(accounts ? { accounts } : {}), roleName, regions, concurrency };
};

/** Where accounts come from and how each is entered: a recorded organization, or AWS. */
const environment = async (
  values: OrganizationScanValues,
  parsed: Parsed,
): Promise<{ deps: OrganizationScanDeps; regions: readonly string[] }> => {
  const { scanAccount, awsScanDeps } = await import('./scan.ts');
  const recordedDir = values['recorded-organization'];
  if (recordedDir !== undefined) {
    const { loadRecordedOrganization } = await import('../recorded/recorded-organization.ts');
    const organization = await loadRecordedOrganization(recordedDir);
    return {
      regions: parsed.regions.length > 0 ? parsed.regions : organization.regions,
      deps: {
        directory: organization,
        roleArn: roleArnFor,
        enter: async (account, region, roleArn) => ({
          readers: await organization.enter(account, region, roleArn),
          writer: () => {
            throw new Error('an organization scan never writes');
          },
        }),
        scanAccount,
      },
    };
  }
  const regions =
    parsed.regions.length > 0
      ? parsed.regions
      : list(process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION);
  if (regions.length === 0) {
    throw usage('an organization scan needs --regions LIST (or --region, or AWS_REGION)');
  }
  const endpointUrl = values['endpoint-url'];
  const endpoint = endpointUrl === undefined ? {} : { endpoint: endpointUrl };
  const { sdkClientConfig } = await import('../aws/clients.ts');
  const { STSClient } = await import('@aws-sdk/client-sts');
  const { createStsRoleAssumer } = await import('../aws/sts.ts');
  const assumer = createStsRoleAssumer(new STSClient({ ...sdkClientConfig(), ...endpoint }));
  // One AssumeRole per role ARN: the credentials last an hour and serve every region of the account.
  const sessions = new Map<string, ReturnType<typeof assumer.assumeRole>>();
  const enter: OrganizationScanDeps['enter'] = async (_account, region, roleArn) => {
    const session = sessions.get(roleArn) ?? assumer.assumeRole(roleArn);
    sessions.set(roleArn, session);
    return awsScanDeps({ region, credentials: await session, ...(endpointUrl ? { endpointUrl } : {}) });
  };
  if (!values.organization) return { regions, deps: { roleArn: roleArnFor, enter, scanAccount } };
  const { OrganizationsClient } = await import('@aws-sdk/client-organizations');
  const { createOrganizationsAccountDirectory } = await import('../aws/organizations.ts');
  const directory = createOrganizationsAccountDirectory(
    new OrganizationsClient({ ...sdkClientConfig(), ...endpoint }),
  );
  return { regions, deps: { directory, roleArn: roleArnFor, enter, scanAccount } };
};

export const runOrganizationScan = async (
  values: OrganizationScanValues,
  settings: Settings,
  failOn: Severity,
  print: (text: string) => void,
): Promise<number> => {
  if (!SEVERITY_ORDER.includes(failOn)) throw usage(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}`);
  const parsed = parse(values);
  const { deps, regions } = await environment(values, parsed);
  const report = await scanOrganization(
    {
      ...(parsed.accounts ? { accounts: parsed.accounts } : {}),
      roleName: parsed.roleName,
      regions,
      concurrency: parsed.concurrency,
      failOn,
      settings,
    },
    deps,
  );
  print(values.json ? JSON.stringify(organizationScanJson(report), null, 2) : renderOrganizationScan(report));
  return report.exitCode;
};
