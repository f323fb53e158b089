/**
 * The STS and Organizations adapters over the wire: real SDK clients against the loopback AWS
 * answering AWS Query (STS) and JSON 1.1 (Organizations) from the shipped recorded organization,
 * then the organization scan end to end with those clients.
 */
import { readFileSync } from 'node:fs';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrganizationsAccountDirectory } from '../../../../shared/aws/organizations.ts';
import { createStsRoleAssumer, SCAN_SESSION_NAME } from '../../../../shared/aws/sts.ts';
import { skipReason } from '../../../../shared/cli/scan-organization.ts';
import { runOrganizationScan } from '../../../../shared/cli/scan-organization-command.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import { AwsCallError } from '../../../../shared/errors.ts';
import { loopbackClientConfig } from '../../../support/loopback-aws/client-config.ts';
import {
  OrganizationBackend,
  type OrganizationFile,
} from '../../../support/loopback-aws/organization-backend.ts';
import { LoopbackAws } from '../../../support/loopback-aws/server.ts';
import { SdkAccount } from '../../../support/sdk-account.ts';
import { DEMO_ACCOUNT_TEXT, formPairs } from './support.ts';

const ORGANIZATION = JSON.parse(
  readFileSync(new URL('../../../../events/organization/organization.json', import.meta.url), 'utf8'),
) as OrganizationFile;

// Every member account reads as the demo account: the routing by credentials is the SDK's, not the loopback's.
const member = new SdkAccount(DEMO_ACCOUNT_TEXT);
const backend = new OrganizationBackend(ORGANIZATION, { callerAccount: '999988887777', fallback: member });
let aws: LoopbackAws | undefined;
const loopback = (): LoopbackAws => {
  if (!aws) throw new Error('the loopback AWS is not started');
  return aws;
};

beforeAll(async () => {
  aws = await LoopbackAws.start({ backend });
});
beforeEach(() => {
  loopback().clear();
  member.reset();
  backend.options.pageSize = undefined;
  return () => {
    vi.unstubAllEnvs();
    expect(loopback().unexpected).toEqual([]);
  };
});
afterAll(async () => {
  await aws?.stop();
});

const assumer = () => createStsRoleAssumer(new STSClient(loopbackClientConfig(loopback().url)));
const directory = () =>
  createOrganizationsAccountDirectory(new OrganizationsClient(loopbackClientConfig(loopback().url)));

const PAYMENTS_ROLE = 'arn:aws:iam::210987654321:role/mq-guardian-scan-us-east-1';
const SANDBOX_ROLE = 'arn:aws:iam::456789012345:role/mq-guardian-scan-us-east-1';

describe('STS adapter over AWS Query', () => {
  it('sends Action=AssumeRole with the role ARN and the scan session name, and answers the credentials', async () => {
    // Act
    const credentials = await assumer().assumeRole(PAYMENTS_ROLE);

    // Assess
    const [request] = loopback().requests;
    expect(request?.service).toBe('sts');
    expect(formPairs(request?.body ?? '')).toEqual([
      ['Action', 'AssumeRole'],
      ['Version', '2011-06-15'],
      ['RoleArn', PAYMENTS_ROLE],
      ['RoleSessionName', SCAN_SESSION_NAME],
    ]);
    expect(credentials.accessKeyId).toMatch(/^ASIA210987654321/);
    expect(credentials.sessionToken).toContain('210987654321');
    expect(credentials.expiration).toBeInstanceOf(Date);
  });

  it('turns a refused AssumeRole (403 AccessDenied) into an AwsCallError the scan reports as role-not-assumable', async () => {
    // Act
    const failure = await assumer()
      .assumeRole(SANDBOX_ROLE)
      .then(
        () => undefined,
        (error: unknown) => error,
      );

    // Assess
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ operation: 'AssumeRole', awsErrorName: 'AccessDenied' });
    expect((failure as Error).message).toContain(`sts:AssumeRole on resource: ${SANDBOX_ROLE}`);
    expect(skipReason(failure)).toBe('role-not-assumable');
    // Access denied is not retried: one request.
    expect(loopback().requests.map((r) => [r.operation, r.status])).toEqual([['AssumeRole', 403]]);
  });
});

describe('Organizations adapter over JSON 1.1', () => {
  it('lists every account across pages, passing NextToken back, with each account state', async () => {
    // Prepare
    backend.options.pageSize = 2;

    // Act
    const accounts = await directory().listAccounts();

    // Assess
    expect(accounts).toEqual(ORGANIZATION.accounts.map((a) => ({ id: a.Id, name: a.Name, state: a.State })));
    expect(accounts.filter((a) => a.state !== 'ACTIVE').map((a) => a.id)).toEqual(['567890123456']);
    const requests = loopback().requests;
    expect(requests.map((r) => r.input)).toEqual([{}, { NextToken: '2' }, { NextToken: '4' }]);
    expect(requests.every((r) => r.service === 'organizations' && r.operation === 'ListAccounts')).toBe(true);
  });

  it('refuses an answer whose account has no Id', async () => {
    // Prepare
    const broken = new OrganizationBackend(
      { accounts: [{ Name: 'nameless', State: 'ACTIVE' }] },
      { callerAccount: '999988887777' },
    );
    const other = await LoopbackAws.start({ backend: broken });

    // Act
    const failure = createOrganizationsAccountDirectory(
      new OrganizationsClient(loopbackClientConfig(other.url)),
    ).listAccounts();

    // Assess
    await expect(failure).rejects.toThrow(/ListAccounts answered an account without a 12-digit Id/);
    await other.stop();
  });
});

describe('scan --organization against the loopback AWS', () => {
  it('lists the accounts, assumes the role once per account, reads each ACTIVE member with its credentials and skips the denied one', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDLOOPBACK');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'loopback-secret');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const printed: string[] = [];

    // Act
    const code = await runOrganizationScan(
      { organization: true, 'endpoint-url': loopback().url, regions: 'us-east-1', json: true },
      DEFAULT_SETTINGS,
      'HIGH',
      (text) => printed.push(text),
    );

    // Assess
    const report = JSON.parse(printed[0] ?? '') as {
      members: { account: string; status: string; reason?: string; brokers?: unknown[] }[];
      notScanned: { account: string }[];
    };
    expect(report.members.map((m) => [m.account, m.status, m.reason])).toEqual([
      ['999988887777', 'scanned', undefined],
      ['210987654321', 'scanned', undefined],
      ['345678901234', 'scanned', undefined],
      ['456789012345', 'skipped', 'role-not-assumable'],
    ]);
    expect(report.notScanned.map((a) => a.account)).toEqual(['567890123456']);
    const brokers = JSON.parse(DEMO_ACCOUNT_TEXT).brokers.length as number;
    expect(report.members[1]?.brokers).toHaveLength(brokers);
    expect(code).toBe(1);
    const requests = loopback().requests;
    expect(requests.filter((r) => r.operation === 'ListAccounts')).toHaveLength(1);
    expect(requests.filter((r) => r.operation === 'AssumeRole').map((r) => r.input.RoleArn)).toEqual(
      expect.arrayContaining([
        'arn:aws:iam::999988887777:role/mq-guardian-scan-us-east-1',
        'arn:aws:iam::210987654321:role/mq-guardian-scan-us-east-1',
        'arn:aws:iam::345678901234:role/mq-guardian-scan-us-east-1',
        'arn:aws:iam::456789012345:role/mq-guardian-scan-us-east-1',
      ]),
    );
    // The member reads are signed with the assumed credentials, never the caller's.
    const memberReads = requests.filter(
      (r) => r.service === 'mq' || r.service === 'ec2' || r.service === 'kms',
    );
    expect(memberReads.length).toBeGreaterThan(0);
    expect(memberReads.every((r) => r.accessKeyId.startsWith('ASIA'))).toBe(true);
    expect(new Set(memberReads.map((r) => r.accessKeyId.slice(4, 16)))).toEqual(
      new Set(['999988887777', '210987654321', '345678901234']),
    );
    expect(requests.some((r) => !r.operation.match(/^(Describe|List|Get|AssumeRole)/))).toBe(false);
  });
});
