/**
 * The one safety decision every write to a security group goes through: may mq-guardian change this
 * group at all, and which TCP ports must stay open on it. Computed from the group alone (its tags,
 * its users, every broker that uses it), never from the broker or the event that led here, so the
 * answer is the same whichever broker or event is evaluated first. Pure: no I/O, no clock.
 *
 * - The allowed ports are the union over every broker that uses the group, each with its own
 *   protocols (tag, setting or engine default) and engine: another broker's ports are never cut.
 * - A fact not read (the group's tags, its interfaces, which brokers use it) is never taken as "no":
 *   `unread` says what is missing, the group is left alone, and the caller fails the invocation so
 *   it is retried.
 * - `remediateSharedGroups` covers non-broker users only; an interface counts as a broker's only on
 *   evidence AWS controls (mappers.ts `brokerInterfaceEvidence`).
 */
import type { PortRange } from '../model/finding.ts';
import { type GroupBroker, isKnownEngineType, type SecurityGroupState } from '../model/types.ts';
import { normalizeRanges } from '../network/port-range.ts';
import { portsForProtocols } from '../network/protocol-ports.ts';
import { resolveUsedProtocols } from '../policy/protocols.ts';
import type { Settings } from '../policy/settings.ts';
import { optOutTag, optsOut } from '../policy/opt-out.ts';

export type GroupDecision =
  | {
      readonly writable: true;
      /** TCP ports some broker on the group uses: what every source keeps. */
      readonly allowedPorts: readonly PortRange[];
      /** Every broker on the group, the evaluated one first. */
      readonly brokers: readonly GroupBroker[];
    }
  | {
      readonly writable: false;
      readonly reason: string;
      /** True when the reason is a fact that was not read: the invocation must fail so it is retried. */
      readonly unread: boolean;
    };

const brokerName = (b: GroupBroker): string => (b.name === b.id ? b.id : `${b.name} (${b.id})`);

export const describeInterfaces = (group: SecurityGroupState): string => {
  const users = group.otherUsers ?? [];
  const shown = users.slice(0, 5).map((eni) => {
    const owner = eni.instanceId ?? eni.interfaceType ?? eni.description;
    return owner ? `${eni.networkInterfaceId} (${owner})` : eni.networkInterfaceId;
  });
  const more = users.length > shown.length ? ` and ${users.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
};

const unreadDecision = (reason: string): GroupDecision => ({ writable: false, reason, unread: true });
const skipDecision = (reason: string): GroupDecision => ({ writable: false, reason, unread: false });

/**
 * Whether `group` may be written and which ports it must keep open. `broker` is the broker being
 * evaluated (it uses the group whether or not `otherBrokers` lists it).
 */
export const decideGroup = (
  broker: GroupBroker,
  group: SecurityGroupState | undefined,
  settings: Settings,
): GroupDecision => {
  if (group === undefined) {
    return unreadDecision('the security group was not read; mq-guardian only acts on what it read');
  }
  if (group.unread.length > 0) {
    return unreadDecision(`could not read ${group.unread.map((u) => u.reason).join('; ')}`);
  }
  if (optsOut(group.tags)) return skipDecision(`the security group carries ${optOutTag(group.tags)}`);
  if (group.otherBrokers === null) {
    return unreadDecision('could not determine which brokers use the group');
  }
  if (group.otherUsers === null) {
    return unreadDecision(
      'could not determine whether other workloads use the group, so it is treated as shared',
    );
  }
  const brokers = [broker, ...group.otherBrokers.filter((b) => b.id !== broker.id)];
  const optedOut = brokers.find((b) => optsOut(b.tags));
  if (optedOut !== undefined) {
    return skipDecision(
      `broker ${brokerName(optedOut)}, which uses the group, carries ${optOutTag(optedOut.tags)}`,
    );
  }
  const allowed: PortRange[] = [];
  for (const b of brokers) {
    if (!isKnownEngineType(b.engineType)) {
      return skipDecision(
        `broker ${brokerName(b)}, which uses the group, has engine type ${JSON.stringify(b.engineType)}, which mq-guardian does not know, so the ports its clients use are unknown`,
      );
    }
    const used = resolveUsedProtocols(b, settings);
    if (!used.ok) {
      return skipDecision(
        `the protocols of broker ${brokerName(b)}, which uses the group, cannot be read (${used.reason})`,
      );
    }
    allowed.push(...portsForProtocols(b.engineType, used.protocols));
  }
  // An interface AWS ties to a broker that is not among the group's brokers as DescribeBroker shows
  // them (another account's broker in a shared VPC, one deleted or not listed yet, one whose groups
  // changed): a broker whose ports are unknown, which remediateSharedGroups (non-broker users) does
  // not cover.
  const unknownBroker = group.otherUsers.find(
    (eni) => eni.brokerId !== undefined && !brokers.some((b) => b.id === eni.brokerId),
  );
  if (unknownBroker !== undefined) {
    return skipDecision(
      `network interface ${unknownBroker.networkInterfaceId} belongs, on evidence AWS controls, to broker ${unknownBroker.brokerId}, which is not among the brokers DescribeBroker shows on this group (a broker of another account, a deleted one, or one whose groups changed), so the ports its clients use are unknown`,
    );
  }
  if (group.otherUsers.length > 0 && !settings.remediateSharedGroups) {
    return skipDecision(
      `the group is also attached to network interfaces that are not, on evidence AWS controls, a broker's: ${describeInterfaces(group)} (remediateSharedGroups is off)`,
    );
  }
  return { writable: true, allowedPorts: normalizeRanges(allowed), brokers };
};
