/**
 * A change to a managed prefix list's entries on the event path: which of the account's security groups
 * reference the list, and whether the change has been applied yet.
 */
import { NotSettledError, UnexpectedShapeError } from '../errors.ts';
import { SECURITY_GROUP_ID_PATTERN } from '../events/ids.ts';
import type { PrefixListContents } from '../model/types.ts';
import type { AccountReaders } from '../ports.ts';

/** DescribeManagedPrefixLists States of a list whose change to its entries is still being applied. */
const CHANGING_LIST_STATES: ReadonlySet<string> = new Set(['modify-in-progress', 'restore-in-progress']);

/**
 * Fails the event (so that Lambda retries it later) while the list's change is still being applied:
 * its entries may still be the version before the change. A list that cannot be read is left to its
 * checks, which say so (ERROR).
 */
export const refuseUnsettled = async (
  prefixListId: string,
  read: Promise<PrefixListContents | null>,
): Promise<void> => {
  const list = await read.catch(() => null);
  if (list?.state !== undefined && CHANGING_LIST_STATES.has(list.state)) {
    throw new NotSettledError(
      `Prefix list ${prefixListId} is ${list.state}: its entries are judged once the change is applied, when the event is retried`,
    );
  }
};

/**
 * The security groups of `account` that reference a managed prefix list (GetManagedPrefixListAssociations),
 * or null when the list no longer exists (a list cannot be deleted while a rule references it). Route
 * tables reference lists too, and a list shared through AWS RAM is referenced by other accounts' groups:
 * neither is a group whose brokers are this account's. An association without an owner is kept (EC2
 * documents the field as optional). A read that fails, or a `sg-` id that is not a group id, is thrown:
 * never "no group".
 */
export const groupsReferencing = async (
  prefixListId: string,
  readers: AccountReaders,
  account: string,
): Promise<string[] | null> => {
  const associations = await readers.network.prefixListAssociations(prefixListId);
  if (associations === null) return null;
  const groups = associations.filter((a) => a.resourceId.startsWith('sg-'));
  const malformed = groups.find((a) => !SECURITY_GROUP_ID_PATTERN.test(a.resourceId));
  if (malformed !== undefined) {
    throw new UnexpectedShapeError(
      `GetManagedPrefixListAssociations ${prefixListId}: ResourceId ${JSON.stringify(malformed.resourceId.slice(0, 64))} is not a security group id`,
    );
  }
  const groupIds = groups
    .filter((a) => a.resourceOwner === undefined || a.resourceOwner === account)
    .map((a) => a.resourceId);
  return [...new Set(groupIds)];
};
