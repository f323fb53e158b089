import { describe, expect, it } from 'vitest';
import type { GroupBroker } from '../../../shared/model/types.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { decideGroup } from '../../../shared/remediation/group-safety.ts';
import { aNetworkInterface, aSecurityGroup } from '../../support/snapshot-builder.ts';

const settings = (overrides: Partial<Settings> = {}): Settings => ({
  ...DEFAULT_SETTINGS,
  remediationMode: 'enforce',
  ...overrides,
});

const broker = (id: string, engineType: GroupBroker['engineType'], protocols?: string): GroupBroker => ({
  id,
  name: id,
  engineType,
  tags: protocols === undefined ? {} : { 'mq-guardian:protocols': protocols },
});

const ACTIVE = broker('b-active', 'ACTIVEMQ', 'openwire');
const RABBIT = broker('b-rabbit', 'RABBITMQ', 'amqp,console');
const STOMP = broker('b-stomp', 'ACTIVEMQ', 'stomp');

const ports = (decision: ReturnType<typeof decideGroup>) =>
  decision.writable
    ? decision.allowedPorts.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
    : decision.reason;

describe('decideGroup', () => {
  it('allows the union of the ports of every broker on the group, each by its own engine and protocols', () => {
    // Act
    const decision = decideGroup(ACTIVE, aSecurityGroup({ otherBrokers: [RABBIT] }), settings());

    // Assess
    expect(ports(decision)).toEqual(['443', '5671', '15671', '61617']);
  });

  it('gives the same answer whichever broker on the group is evaluated', () => {
    // Act
    const fromActive = decideGroup(ACTIVE, aSecurityGroup({ otherBrokers: [RABBIT, STOMP] }), settings());
    const fromStomp = decideGroup(STOMP, aSecurityGroup({ otherBrokers: [RABBIT, ACTIVE] }), settings());

    // Assess
    expect(ports(fromActive)).toEqual(['443', '5671', '15671', '61614', '61617']);
    expect(ports(fromStomp)).toEqual(ports(fromActive));
  });

  it('does not count another broker as a non-broker user, even with remediateSharedGroups off', () => {
    // Act
    const decision = decideGroup(
      ACTIVE,
      aSecurityGroup({ otherBrokers: [STOMP], otherUsers: [] }),
      settings(),
    );

    // Assess
    expect(decision.writable).toBe(true);
  });

  it('leaves the group alone when another broker on it opted out', () => {
    // Prepare
    const optedOut = { ...STOMP, tags: { 'mq-guardian:remediation': 'off' } };

    // Act
    const decision = decideGroup(ACTIVE, aSecurityGroup({ otherBrokers: [optedOut] }), settings());

    // Assess
    expect(decision).toEqual({
      writable: false,
      unread: false,
      reason: 'broker b-stomp, which uses the group, carries mq-guardian:remediation=off',
    });
  });

  it('leaves the group alone when the protocols of another broker on it cannot be read', () => {
    // Prepare
    const typo = broker('b-typo', 'ACTIVEMQ', 'openwyre');

    // Act
    const decision = decideGroup(ACTIVE, aSecurityGroup({ otherBrokers: [typo] }), settings());

    // Assess
    expect(decision.writable).toBe(false);
    expect(decision.writable ? '' : decision.reason).toMatch(
      /^the protocols of broker b-typo, which uses the group, cannot be read/,
    );
  });

  it.each([
    [
      'the group itself was not read',
      { unread: [{ fact: 'group' as const, reason: 'the group sg-1 itself' }] },
      'could not read the group sg-1 itself',
    ],
    [
      'the brokers on the group are unknown',
      { otherBrokers: null },
      'could not determine which brokers use the group',
    ],
    [
      'the interfaces of the group are unknown',
      { otherUsers: null },
      'could not determine whether other workloads use the group, so it is treated as shared',
    ],
  ])('writes nothing and says it could not read when %s', (_case, group, reason) => {
    // Act
    const decision = decideGroup(ACTIVE, aSecurityGroup(group), settings({ remediateSharedGroups: true }));

    // Assess
    expect(decision).toEqual({ writable: false, unread: true, reason });
  });

  it('writes nothing when the group was not read at all', () => {
    // Act
    const decision = decideGroup(ACTIVE, undefined, settings());

    // Assess
    expect(decision).toMatchObject({ writable: false, unread: true });
  });

  it('leaves a group that a non-broker interface uses alone unless remediateSharedGroups is on', () => {
    // Prepare
    const group = aSecurityGroup({ otherUsers: [aNetworkInterface()], otherBrokers: [RABBIT] });

    // Act
    const off = decideGroup(ACTIVE, group, settings());
    const on = decideGroup(ACTIVE, group, settings({ remediateSharedGroups: true }));

    // Assess
    expect(off).toMatchObject({ writable: false, unread: false });
    expect(ports(on)).toEqual(['443', '5671', '15671', '61617']);
  });

  it('leaves the group alone, even with remediateSharedGroups on, when an interface belongs to a broker it did not read', () => {
    // Prepare: AWS evidence ties the interface to a broker that is not among the brokers read.
    const unlisted = aNetworkInterface({
      networkInterfaceId: 'eni-0a1b2c3d4e5f60799',
      brokerId: 'b-elsewhere',
      describedBrokerId: 'b-elsewhere',
      requesterManaged: true,
      instanceId: undefined,
    });
    const group = aSecurityGroup({ otherUsers: [unlisted], otherBrokers: [RABBIT] });

    // Act
    const decision = decideGroup(ACTIVE, group, settings({ remediateSharedGroups: true }));

    // Assess
    expect(decision).toMatchObject({ writable: false, unread: false });
    expect(ports(decision)).toContain(
      'eni-0a1b2c3d4e5f60799 belongs, on evidence AWS controls, to broker b-elsewhere',
    );
  });

  it('honours the group tag mq-guardian:remediation with any value but on or enforce, and says the value', () => {
    // Act
    const decision = decideGroup(
      ACTIVE,
      aSecurityGroup({ tags: { 'mq-guardian:remediation': 'OFF' } }),
      settings(),
    );

    // Assess
    expect(decision).toEqual({
      writable: false,
      unread: false,
      reason: 'the security group carries mq-guardian:remediation="OFF"',
    });
  });
});
