/**
 * The organization's accounts for an organization-wide `mq-guardian scan`: Organizations ListAccounts,
 * every page. Answered only in the management account or a delegated administrator account.
 */
import { type Account, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { UnexpectedShapeError } from '../errors.ts';
import { callAws, listOf, readAllPages } from './calls.ts';
import { sdkClientConfig } from './clients.ts';

export const ORGANIZATIONS_IAM_ACTIONS = ['organizations:ListAccounts'] as const;

/** An account as ListAccounts describes it. */
export interface OrganizationAccount {
  readonly id: string;
  readonly name: string;
  /**
   * ACTIVE, SUSPENDED, PENDING_CLOSURE, PENDING_ACTIVATION, CLOSED: `State`, or the older `Status`
   * (retired on 9 September 2026) when an answer has no `State`.
   */
  readonly state: string;
}

export interface AccountDirectory {
  listAccounts(): Promise<OrganizationAccount[]>;
}

const ACCOUNT_ID = /^\d{12}$/;

export const createOrganizationsAccountDirectory = (
  client: OrganizationsClient = new OrganizationsClient(sdkClientConfig()),
): AccountDirectory => ({
  async listAccounts() {
    const accounts = await readAllPages('ListAccounts', async (nextToken) => {
      const output = await callAws('ListAccounts', () =>
        client.send(new ListAccountsCommand(nextToken ? { NextToken: nextToken } : {})),
      );
      return { items: listOf<Account>('ListAccounts', output, 'Accounts'), nextToken: output.NextToken };
    });
    return accounts.map((a) => {
      const state = a.State ?? a.Status;
      if (!a.Id || !ACCOUNT_ID.test(a.Id) || !state) {
        throw new UnexpectedShapeError(
          `ListAccounts answered an account without a 12-digit Id or a State: ${JSON.stringify({ Id: a.Id, State: state })}`,
        );
      }
      return { id: a.Id, name: a.Name ?? a.Id, state };
    });
  },
});
