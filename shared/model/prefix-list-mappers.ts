/**
 * DescribeManagedPrefixLists, GetManagedPrefixListEntries and GetManagedPrefixListAssociations outputs
 * → the model. As in mappers.ts,
 * the input types are structural copies of the SDK output shapes and every field is checked at run
 * time: an entry without its CIDR is an UnexpectedShapeError, never an entry that admits nothing.
 */
import { UnexpectedShapeError } from '../errors.ts';
import { isPlainObject } from '../json.ts';
import { optionalString, requireString } from './mappers.ts';
import type { PrefixListAssociation, PrefixListContents, PrefixListEntry } from './types.ts';

/** A ManagedPrefixList item of DescribeManagedPrefixLists, the fields read. */
export interface ManagedPrefixListShape {
  readonly PrefixListId?: unknown;
  readonly PrefixListName?: unknown;
  readonly OwnerId?: unknown;
  readonly AddressFamily?: unknown;
  readonly Version?: unknown;
  readonly State?: unknown;
}

/** A PrefixListEntry item of GetManagedPrefixListEntries. */
export interface PrefixListEntryShape {
  readonly Cidr?: unknown;
  readonly Description?: unknown;
}

/** A PrefixListAssociation item of GetManagedPrefixListAssociations. */
export interface PrefixListAssociationShape {
  readonly ResourceId?: unknown;
  readonly ResourceOwner?: unknown;
}

/** What DescribeManagedPrefixLists says of a list: everything but its entries. */
export type PrefixListHeader = Omit<PrefixListContents, 'entries'>;

export const mapManagedPrefixList = (item: ManagedPrefixListShape): PrefixListHeader => {
  if (!isPlainObject(item))
    throw new UnexpectedShapeError('DescribeManagedPrefixLists: a list is not an object');
  const prefixListId = requireString(item.PrefixListId, 'DescribeManagedPrefixLists', 'PrefixListId');
  const what = `DescribeManagedPrefixLists ${prefixListId}`;
  const name = optionalString(item.PrefixListName, what, 'PrefixListName');
  const ownerId = optionalString(item.OwnerId, what, 'OwnerId');
  const addressFamily = optionalString(item.AddressFamily, what, 'AddressFamily');
  const state = optionalString(item.State, what, 'State');
  const version = item.Version;
  if (
    version !== undefined &&
    version !== null &&
    (typeof version !== 'number' || !Number.isInteger(version))
  ) {
    throw new UnexpectedShapeError(`${what}: Version is not an integer`);
  }
  return {
    prefixListId,
    ...(name === undefined ? {} : { name }),
    ...(ownerId === undefined ? {} : { ownerId }),
    ...(addressFamily === undefined ? {} : { addressFamily }),
    ...(typeof version === 'number' ? { version } : {}),
    ...(state === undefined || state === '' ? {} : { state }),
  };
};

export const mapPrefixListEntry = (item: PrefixListEntryShape, prefixListId: string): PrefixListEntry => {
  const what = `GetManagedPrefixListEntries ${prefixListId}`;
  if (!isPlainObject(item)) throw new UnexpectedShapeError(`${what}: an entry is not an object`);
  const cidr = requireString(item.Cidr, what, 'Cidr');
  const description = optionalString(item.Description, what, 'Description');
  return { cidr, ...(description === undefined || description === '' ? {} : { description }) };
};

/**
 * An association without the id of its resource is an answer not understood (UnexpectedShapeError),
 * never a resource that can be left out.
 */
export const mapPrefixListAssociation = (
  item: PrefixListAssociationShape,
  prefixListId: string,
): PrefixListAssociation => {
  const what = `GetManagedPrefixListAssociations ${prefixListId}`;
  if (!isPlainObject(item)) throw new UnexpectedShapeError(`${what}: an association is not an object`);
  const resourceId = requireString(item.ResourceId, what, 'ResourceId');
  const resourceOwner = optionalString(item.ResourceOwner, what, 'ResourceOwner');
  return { resourceId, ...(resourceOwner === undefined || resourceOwner === '' ? {} : { resourceOwner }) };
};

/**
 * The most entries a prefix list that a security group rule references can hold: a referenced list
 * counts its maximum entries against the group's rule quota (Amazon VPC User Guide, "Managed prefix
 * lists"), and a group holds at most 1,000 rules ("Amazon VPC quotas": rules per security group ×
 * security groups per network interface ≤ 1,000). More is an answer mq-guardian does not understand.
 */
export const MAX_PREFIX_LIST_ENTRIES = 1_000;
