/**
 * A recorded organization: what `mq-guardian scan --recorded-organization DIR` reads instead of AWS,
 * so that the organization view can be run and tested offline. The folder holds
 *
 * ```text
 * organization.json          { "accounts": [ <Organizations ListAccounts Accounts item> ],
 *                              "regions": [ "us-east-1", … ],     // scanned when --regions is not given
 *                              "denied": { "assumeRole": [ "<account id>" ] } }   // optional
 * <account id>/<region>.json a recorded account (shared/recorded/account-file.ts) per account and region
 * ```
 *
 * Entering an account answers as STS and the services do: an account listed under
 * `denied.assumeRole` answers AssumeRole with AccessDenied (the role is missing or does not trust the
 * caller); an account and region without a file cannot be read (NotRecorded).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import type { AccountDirectory, OrganizationAccount } from '../aws/organizations.ts';
import { AwsCallError, errorMessage, GuardianError } from '../errors.ts';
import { describeIssues, safeParse } from '../events/validation.ts';
import type { AccountReaders } from '../ports.ts';
import { loadRecordedAccount } from './recorded-account.ts';

export const ORGANIZATION_FILE = 'organization.json';

/** The error name of an account and region the recorded organization holds no file for. */
export const NOT_RECORDED = 'NotRecorded';

const accountId = () => z.string().check(z.regex(/^\d{12}$/, 'is not a 12-digit account id'));

const organizationFileSchema = z.strictObject({
  accounts: z
    .array(
      z.looseObject({
        Id: accountId(),
        Name: z.string(),
        State: z.optional(z.string().check(z.minLength(1))),
        Status: z.optional(z.string().check(z.minLength(1))),
      }),
    )
    .check(z.minLength(1)),
  regions: z
    .array(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'is not a region name')))
    .check(z.minLength(1)),
  denied: z.optional(z.strictObject({ assumeRole: z.array(accountId()) })),
});

export class RecordedOrganizationError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RECORDED_ORGANIZATION', message, options);
  }
}

export interface RecordedOrganization extends AccountDirectory {
  /** The regions recorded (scanned unless others are asked for). */
  readonly regions: readonly string[];
  /** The readers of `account` in `region` as role `roleArn` would read them; throws as STS or the services would. */
  enter(account: string, region: string, roleArn: string): Promise<AccountReaders>;
}

const isMissingFile = (error: unknown): boolean => (error as { code?: unknown })?.code === 'ENOENT';

export const loadRecordedOrganization = async (dir: string): Promise<RecordedOrganization> => {
  const path = join(dir, ORGANIZATION_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new RecordedOrganizationError(`${path}: ${errorMessage(error)}`, { cause: error });
  }
  const parsed = safeParse(organizationFileSchema, json);
  if (!parsed.success) throw new RecordedOrganizationError(`${path}: ${describeIssues(parsed.error, '')}`);
  const file = parsed.data;
  const accounts: OrganizationAccount[] = file.accounts.map((a, i) => {
    const state = a.State ?? a.Status;
    if (!state) throw new RecordedOrganizationError(`${path}: accounts[${i}] has neither State nor Status`);
    return { id: a.Id, name: a.Name, state };
  });
  const denied = new Set(file.denied?.assumeRole ?? []);
  return {
    regions: file.regions,
    listAccounts: async () => accounts.map((a) => ({ ...a })),
    async enter(account, region, roleArn) {
      if (denied.has(account)) {
        throw new AwsCallError(
          'AssumeRole',
          'AccessDenied',
          `not authorized to perform sts:AssumeRole on resource ${roleArn}`,
        );
      }
      const accountFile = join(dir, account, `${region}.json`);
      let recorded: Awaited<ReturnType<typeof loadRecordedAccount>>;
      try {
        recorded = await loadRecordedAccount(accountFile);
      } catch (error) {
        if (!isMissingFile(error)) throw error;
        throw new AwsCallError(NOT_RECORDED, NOT_RECORDED, `nothing recorded for ${account} in ${region}`);
      }
      if (recorded.accountId !== account || recorded.region !== region) {
        throw new RecordedOrganizationError(
          `${accountFile} records ${recorded.accountId} ${recorded.region}, not ${account} ${region}`,
        );
      }
      return { brokers: recorded, network: recorded, keys: recorded };
    },
  };
};
