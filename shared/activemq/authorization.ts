/**
 * What an ActiveMQ authorization map grants, with ActiveMQ's own semantics (checked against
 * apache/activemq: DefaultAuthorizationMap, DestinationMap, PrefixDestinationFilter,
 * ActiveMQDestination):
 * - every entry whose pattern matches a destination applies, and their groups are unioned (no
 *   "most specific entry wins" for authorization);
 * - a group named `*` matches every group (DefaultAuthorizationMap.WildcardAwareSet);
 * - destination names are `.`-separated segments; `*` matches one segment; a trailing `>` matches any
 *   number of remaining segments (zero included: `A.>` matches `A`);
 * - `a,b` is a composite destination (each part trimmed, `queue://` / `topic://` prefixes switch type).
 */
import type { AuthorizationEntry, AuthorizationMap } from '../model/types.ts';

export type Permission = 'admin' | 'read' | 'write';
export type PermanentDestinationType = 'queue' | 'topic';

export const PERMISSIONS: readonly Permission[] = ['admin', 'read', 'write'];

/** The Amazon MQ system group whose members use the ActiveMQ web console. */
export const WEBCONSOLE_GROUP = 'activemq-webconsole';

export interface RequiredGrant {
  readonly destinationType: PermanentDestinationType;
  /** Always a pattern that covers every destination of the type. */
  readonly destination: string;
  readonly permission: Permission;
}

/**
 * What the activemq-webconsole group must be granted for the web console to work on every queue and
 * topic. Source: Amazon MQ Developer Guide, "Amazon MQ Child Element Attributes" → authorizationEntry
 * (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/child-element-details.html#authorizationEntry):
 * "If you specify an authorization map which doesn't include the activemq-webconsole group, you can't
 * use the ActiveMQ Web Console because the group isn't authorized to send messages to, or receive
 * messages from, the Amazon MQ broker", and its example configuration grants admin, read and write on
 * queue ">" and topic ">" to activemq-webconsole (as does the AWS workshop's lab 6). The "Security best
 * practices" page repeats the warning under "Always configure an authorization map". Advisory topics
 * (ActiveMQ.Advisory.>), which the console reads, are topics and are covered by topic ">"; temporary
 * destinations are governed by tempDestinationAuthorizationEntry, not needed by the console.
 */
export const WEBCONSOLE_REQUIRED_GRANTS: readonly RequiredGrant[] = (['queue', 'topic'] as const).flatMap(
  (destinationType) => PERMISSIONS.map((permission) => ({ destinationType, destination: '>', permission })),
);

/** "queue '>' admin": how findings name a grant. */
export const formatGrant = (grant: RequiredGrant): string =>
  `${grant.destinationType} '${grant.destination}' ${grant.permission}`;

const ANY_CHILD = '*';
const ANY_DESCENDANT = '>';

const QUALIFIED_PREFIXES: readonly (readonly [string, PermanentDestinationType | 'temporary'])[] = [
  ['queue://', 'queue'],
  ['topic://', 'topic'],
  ['temp-queue://', 'temporary'],
  ['temp-topic://', 'temporary'],
];

export interface DestinationPattern {
  readonly destinationType: PermanentDestinationType;
  readonly pattern: string;
}

/**
 * The queue / topic patterns one entry applies to (a composite destination gives several). Options
 * after `?` are dropped as ActiveMQDestination does. Temporary-destination entries give none.
 */
export const destinationPatterns = (entry: AuthorizationEntry): DestinationPattern[] => {
  if (entry.destinationType === 'tempDestination') return [];
  const name = entry.destination.trim();
  const options = name.indexOf('?');
  const physical = options === -1 ? name : name.slice(0, options);
  if (!physical.includes(','))
    return physical === '' ? [] : [{ destinationType: entry.destinationType, pattern: physical }];
  const patterns: DestinationPattern[] = [];
  for (const part of physical.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const qualified = QUALIFIED_PREFIXES.find(([prefix]) => trimmed.startsWith(prefix));
    if (qualified === undefined) {
      patterns.push({ destinationType: entry.destinationType, pattern: trimmed });
    } else if (qualified[1] !== 'temporary') {
      patterns.push({ destinationType: qualified[1], pattern: trimmed.slice(qualified[0].length) });
    }
  }
  return patterns;
};

/** The segments of a pattern before any trailing `>` (PrefixDestinationFilter collapses `A.>.>` to `A.>`). */
const prefixSegments = (segments: readonly string[]): readonly string[] => {
  let end = segments.length;
  while (end > 0 && segments[end - 1] === ANY_DESCENDANT) end--;
  return segments.slice(0, end);
};

/** Whether an ActiveMQ destination pattern matches a (non-wildcard) destination name of the same type. */
export const patternMatches = (pattern: string, destination: string): boolean => {
  const patternSegments = pattern.split('.');
  const nameSegments = destination.split('.');
  const segmentMatches = (patternSegment: string | undefined, nameSegment: string | undefined): boolean =>
    patternSegment === ANY_CHILD || patternSegment === nameSegment;
  if (patternSegments[patternSegments.length - 1] === ANY_DESCENDANT) {
    const prefix = prefixSegments(patternSegments);
    return (
      nameSegments.length >= prefix.length &&
      prefix.every((segment, i) => segmentMatches(segment, nameSegments[i]))
    );
  }
  return (
    patternSegments.length === nameSegments.length &&
    patternSegments.every((segment, i) => segmentMatches(segment, nameSegments[i]))
  );
};

/**
 * Whether a pattern matches every destination of its type: only `>` (or `>.>`…). Deliberately
 * strict: `*.>` also matches every name under PrefixDestinationFilter, but DestinationMap's own
 * lookup may treat it differently, and a false "covers all" would turn a broken console into a PASS.
 */
export const patternCoversAll = (pattern: string): boolean => prefixSegments(pattern.split('.')).length === 0;

/** Whether a group list grants `group`, honouring ActiveMQ's `*` (every group). */
export const grantsGroup = (groups: readonly string[], group: string): boolean =>
  groups.includes(group) || groups.includes('*');

export interface GroupGrant {
  readonly destinationType: PermanentDestinationType;
  readonly pattern: string;
  readonly permissions: readonly Permission[];
}

/** Every queue / topic pattern on which the map grants `group` something, with what it grants there. */
export const grantsOf = (map: AuthorizationMap, group: string): GroupGrant[] =>
  map.entries.flatMap((entry) => {
    const permissions = PERMISSIONS.filter((permission) => grantsGroup(entry[permission], group));
    if (permissions.length === 0) return [];
    return destinationPatterns(entry).map(({ destinationType, pattern }) => ({
      destinationType,
      pattern,
      permissions,
    }));
  });

/** Whether the map grants `group` `permission` on every destination of `destinationType`. */
export const grantsOnAll = (
  map: AuthorizationMap,
  group: string,
  destinationType: PermanentDestinationType,
  permission: Permission,
): boolean =>
  grantsOf(map, group).some(
    (grant) =>
      grant.destinationType === destinationType &&
      grant.permissions.includes(permission) &&
      patternCoversAll(grant.pattern),
  );

/** Required web-console grants the map does not give (empty: the console can manage everything). */
export const missingWebConsoleGrants = (map: AuthorizationMap): RequiredGrant[] =>
  WEBCONSOLE_REQUIRED_GRANTS.filter(
    (required) => !grantsOnAll(map, WEBCONSOLE_GROUP, required.destinationType, required.permission),
  );
