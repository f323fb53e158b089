/**
 * STS and Organizations for the loopback AWS, answered from a recorded organization's
 * `organization.json` (events/organization/README.md): AssumeRole of a role in a listed account
 * answers temporary credentials, or AccessDenied (403) for an account under `denied.assumeRole` or an
 * account the organization does not hold, as STS answers a role that does not exist or does not trust
 * the caller; ListAccounts answers the accounts in pages of at most `pageSize` (Organizations takes
 * MaxResults 1 to 20) with a NextToken. Every other call goes to `fallback` (a recorded account).
 */
import type { AwsBackend } from './server.ts';
import { type Item, type Service, serviceError } from '../sdk-account.ts';

export interface OrganizationFile {
  readonly accounts: readonly Item[];
  readonly denied?: { readonly assumeRole?: readonly string[] };
}

export interface OrganizationBackendOptions {
  /** The account the caller is in (named in AccessDenied messages). */
  readonly callerAccount: string;
  /** Accounts per ListAccounts page when MaxResults does not ask for fewer (default 20, Organizations' maximum). */
  pageSize?: number;
  readonly fallback?: AwsBackend;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ONE_HOUR_MS = 3_600_000;

export class OrganizationBackend implements AwsBackend {
  readonly #file: OrganizationFile;
  readonly options: OrganizationBackendOptions;
  #sessions = 0;

  constructor(file: OrganizationFile, options: OrganizationBackendOptions) {
    this.#file = file;
    this.options = options;
  }

  async send(service: Service, operation: string, input: Item): Promise<unknown> {
    if (service === 'sts' && operation === 'AssumeRole') return this.#assumeRole(input);
    if (service === 'organizations' && operation === 'ListAccounts') return this.#listAccounts(input);
    if (!this.options.fallback)
      throw new Error(`organization backend: ${service}:${operation} is not simulated`);
    return this.options.fallback.send(service, operation, input);
  }

  #assumeRole(input: Item): unknown {
    const roleArn = String(input.RoleArn ?? '');
    const sessionName = String(input.RoleSessionName ?? '');
    const match = ROLE_ARN.exec(roleArn);
    if (!match || !SESSION_NAME.test(sessionName)) {
      throw serviceError('sts', 'ValidationError', `invalid RoleArn or RoleSessionName: ${roleArn}`, 400);
    }
    const account = match[1] as string;
    const known = this.#file.accounts.some((a) => a.Id === account);
    if (!known || (this.#file.denied?.assumeRole ?? []).includes(account)) {
      throw serviceError(
        'sts',
        'AccessDenied',
        `User: arn:aws:iam::${this.options.callerAccount}:user/security-audit is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    }
    this.#sessions += 1;
    const id = String(this.#sessions).padStart(12, '0');
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return {
      Credentials: {
        AccessKeyId: `ASIA${account}${id.slice(-4)}`,
        SecretAccessKey: `loopback-secret-${id}`,
        SessionToken: `loopback-session-${account}-${id}`,
        Expiration: new Date(Date.now() + ONE_HOUR_MS),
      },
      AssumedRoleUser: {
        AssumedRoleId: `AROA${id}:${sessionName}`,
        Arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      },
    };
  }

  #listAccounts(input: Item): unknown {
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0 || start > this.#file.accounts.length) {
      throw serviceError('organizations', 'InvalidInputException', 'The NextToken is not valid', 400);
    }
    const asked = typeof input.MaxResults === 'number' ? input.MaxResults : 20;
    const size = Math.min(asked, this.options.pageSize ?? 20);
    const accounts = this.#file.accounts.slice(start, start + size);
    const next = start + size < this.#file.accounts.length ? String(start + size) : undefined;
    return {
      Accounts: accounts.map((a) => ({
        ...a,
        ...(typeof a.JoinedTimestamp === 'string' ? { JoinedTimestamp: new Date(a.JoinedTimestamp) } : {}),
      })),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }
}
