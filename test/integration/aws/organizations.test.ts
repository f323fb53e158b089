import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOrganizationsAccountDirectory } from '../../../shared/aws/organizations.ts';
import { UnexpectedShapeError } from '../../../shared/errors.ts';

const organizationsMock = mockClient(OrganizationsClient);

const newDirectory = () =>
  createOrganizationsAccountDirectory(new OrganizationsClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createOrganizationsAccountDirectory', () => {
  beforeEach(() => {
    organizationsMock.reset();
  });

  it('reads every page of accounts', async () => {
    // Prepare
    organizationsMock
      .on(ListAccountsCommand)
      .resolvesOnce({
        Accounts: [{ Id: '111122223333', Name: 'management', State: 'ACTIVE' }],
        NextToken: 't',
      })
      .resolvesOnce({ Accounts: [{ Id: '444455556666', State: 'SUSPENDED' }] });

    // Act
    const accounts = await newDirectory().listAccounts();

    // Assess
    expect(accounts).toEqual([
      { id: '111122223333', name: 'management', state: 'ACTIVE' },
      { id: '444455556666', name: '444455556666', state: 'SUSPENDED' },
    ]);
  });

  it('takes a page without its Accounts list as an answer it does not understand, never as no accounts', async () => {
    // Prepare
    organizationsMock
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: '111122223333', State: 'ACTIVE' }], NextToken: 't' })
      .resolvesOnce({});

    // Act
    const error = await newDirectory()
      .listAccounts()
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnexpectedShapeError);
    expect((error as Error).message).toBe(
      'ListAccounts returned no Accounts; an empty answer is an empty list',
    );
  });
});
