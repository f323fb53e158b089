/**
 * Whether an ActiveMQ authorization map restricts anything, with ActiveMQ's own semantics (see
 * authorization.ts): every entry matching a destination applies and their groups are unioned, and a
 * group `*` is every group. So an entry limits an operation on its destinations only when no entry
 * that grants that operation to `*` matches all of those destinations too: an entry granting `*`
 * admin, read and write on `>` opens everything whatever the other entries say.
 *
 * Temporary destinations are governed by the map's tempDestinationAuthorizationEntry alone
 * (DefaultAuthorizationMap.getTempDestination*ACLs); without one, every authenticated user may
 * create, read and write them (AuthorizationBroker allows when the ACL set is null).
 */
import type { AuthorizationEntry, AuthorizationMap } from '../model/types.ts';
import {
  type DestinationPattern,
  destinationPatterns,
  PERMISSIONS,
  type Permission,
  type PermanentDestinationType,
} from './authorization.ts';

const EVERY_GROUP = '*';
const ANY_CHILD = '*';
const ANY_DESCENDANT = '>';

/**
 * Whether every destination name `inner` matches is also matched by `outer` (same destination
 * type). `*` is one segment, a trailing `>` any number of further segments (none included).
 */
export const patternIncludes = (outer: string, inner: string): boolean => {
  const includes = (o: readonly string[], i: readonly string[]): boolean => {
    if (o[0] === ANY_DESCENDANT) return true;
    if (o.length === 0) return i.length === 0;
    if (i.length === 0) return false;
    // `>` in the inner pattern matches names of any length: only an outer `>` covers them all.
    if (i[0] === ANY_DESCENDANT) return false;
    if (o[0] !== ANY_CHILD && o[0] !== i[0]) return false;
    return includes(o.slice(1), i.slice(1));
  };
  return includes(outer.trim().split('.'), inner.trim().split('.'));
};

/**
 * The pattern an open grant is compared with. `*.>` matches every destination name (each has at least
 * one segment, and a trailing `>` matches zero or more further ones), so a grant to every group on it
 * opens as much as one on `>`. Reading it that way can only turn a PASS into a FAIL, never the reverse.
 */
const openPattern = (pattern: string): string => {
  const segments = pattern.trim().split('.');
  // `A.>.>` is `A.>` (PrefixDestinationFilter collapses trailing `>`).
  while (segments.length > 2 && segments.at(-1) === ANY_DESCENDANT && segments.at(-2) === ANY_DESCENDANT)
    segments.pop();
  return segments.length === 2 && segments[0] === ANY_CHILD && segments[1] === ANY_DESCENDANT
    ? ANY_DESCENDANT
    : pattern;
};

const opensToEveryone = (entry: AuthorizationEntry, permission: Permission): boolean =>
  entry[permission].includes(EVERY_GROUP);

export interface RestrictingGrant {
  readonly destinationType: PermanentDestinationType;
  readonly pattern: string;
  readonly permission: Permission;
  readonly groups: readonly string[];
}

export interface OpenGrant {
  readonly destinationType: PermanentDestinationType;
  readonly pattern: string;
  readonly permission: Permission;
}

export interface TempDestinationJudgement {
  /** `none`: no tempDestinationAuthorizationEntry, so every authenticated user may use them. */
  readonly status: 'none' | 'open' | 'restricted';
  /** Operations granted to every group (`*`) by the entry in force. */
  readonly openPermissions: readonly Permission[];
}

export interface MapRestriction {
  /** Grants that limit an operation on some destinations to named groups. Empty: the map restricts nothing. */
  readonly restricting: readonly RestrictingGrant[];
  /** Grants that open an operation on every destination of a type to every group. */
  readonly openToEveryone: readonly OpenGrant[];
  /** Queue and topic entries (temporary-destination entries never count). */
  readonly destinationEntries: number;
  readonly tempDestinations: TempDestinationJudgement;
}

const patternsOf = (entry: AuthorizationEntry): DestinationPattern[] => destinationPatterns(entry);

/**
 * The entry in force for temporary destinations: ActiveMQ's XBean map takes a
 * tempDestinationAuthorizationEntry listed among authorizationEntries over the map's own property
 * (it is set after the properties), the last one listed winning.
 */
const tempEntryInForce = (map: AuthorizationMap): AuthorizationEntry | undefined => {
  const temps = map.entries.filter((entry) => entry.destinationType === 'tempDestination');
  const listed = temps.filter((entry) => entry.declaredIn !== 'tempDestinationAuthorizationEntry');
  return listed[listed.length - 1] ?? temps[temps.length - 1];
};

const judgeTempDestinations = (map: AuthorizationMap): TempDestinationJudgement => {
  const entry = tempEntryInForce(map);
  if (entry === undefined) return { status: 'none', openPermissions: [...PERMISSIONS] };
  const openPermissions = PERMISSIONS.filter((permission) => opensToEveryone(entry, permission));
  return { status: openPermissions.length === PERMISSIONS.length ? 'open' : 'restricted', openPermissions };
};

/** What a simple authorization map restricts, and what it leaves open to every group. */
export const mapRestriction = (map: AuthorizationMap): MapRestriction => {
  const destinationEntries = map.entries.filter((entry) => entry.destinationType !== 'tempDestination');
  const grants = destinationEntries.flatMap((entry) =>
    patternsOf(entry).flatMap(({ destinationType, pattern }) =>
      PERMISSIONS.map((permission) => ({ destinationType, pattern, permission, groups: entry[permission] })),
    ),
  );
  const open = grants
    .filter((grant) => grant.groups.includes(EVERY_GROUP))
    .map((grant) => ({ ...grant, covers: openPattern(grant.pattern) }));
  const restricting = grants.filter(
    (grant) =>
      grant.groups.length > 0 &&
      !grant.groups.includes(EVERY_GROUP) &&
      !open.some(
        (wide) =>
          wide.destinationType === grant.destinationType &&
          wide.permission === grant.permission &&
          patternIncludes(wide.covers, grant.pattern),
      ),
  );
  // Named as written (`*.>`), compared as what it covers (`>`).
  const openToEveryone = open
    .filter((grant) => patternIncludes(grant.covers, ANY_DESCENDANT))
    .map(({ destinationType, pattern, permission }) => ({ destinationType, pattern, permission }));
  return {
    restricting,
    openToEveryone,
    destinationEntries: destinationEntries.length,
    tempDestinations: judgeTempDestinations(map),
  };
};
