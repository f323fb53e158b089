import { describe, expect, it } from 'vitest';
import type { PortRange } from '../../../shared/model/finding.ts';
import { ALL_PORTS } from '../../../shared/network/port-range.ts';
import {
  analyzeIngressRule,
  classifyProtocol,
  describeRule,
  type ProtocolClass,
  rulePortsAsGiven,
} from '../../../shared/network/rule-analysis.ts';
import { anIngressRule, cidrIpv4, cidrIpv6, groupRef, prefixList } from '../../support/snapshot-builder.ts';

const p = (from: number, to = from): PortRange => ({ from, to });
// The best-practice example: a broker that uses OpenWire and the web console.
const OPENWIRE_AND_CONSOLE = [p(61617), p(8162)];
// Every ActiveMQ listener.
const ALL_ACTIVEMQ = [p(5671), p(8162), p(8883), p(61614), p(61617), p(61619)];

describe('classifyProtocol', () => {
  it.each<[string, ProtocolClass | undefined]>([
    ['tcp', { kind: 'tcp' }],
    ['TCP', { kind: 'tcp' }],
    ['Tcp', { kind: 'tcp' }],
    ['6', { kind: 'tcp' }],
    ['006', { kind: 'tcp' }],
    ['udp', { kind: 'udp' }],
    ['17', { kind: 'udp' }],
    ['icmp', { kind: 'icmp' }],
    ['1', { kind: 'icmp' }],
    ['icmpv6', { kind: 'icmpv6' }],
    ['ICMPv6', { kind: 'icmpv6' }],
    ['58', { kind: 'icmpv6' }],
    ['-1', { kind: 'all' }],
    ['50', { kind: 'other', number: 50 }],
    ['0', { kind: 'other', number: 0 }],
    ['255', { kind: 'other', number: 255 }],
    ['256', undefined],
    ['all', undefined],
    ['-2', undefined],
    ['', undefined],
    ['tcp6', undefined],
  ])('reads %j as %o', (protocol, expected) => {
    // Act
    const protocolClass = classifyProtocol(protocol);

    // Assess
    expect(protocolClass).toEqual(expected);
  });
});

describe('analyzeIngressRule', () => {
  it.each<[string, Parameters<typeof anIngressRule>[0], readonly PortRange[]]>([
    ['an exact used port', { protocol: 'tcp', fromPort: 61617, toPort: 61617 }, OPENWIRE_AND_CONSOLE],
    ['the console port', { protocol: 'tcp', fromPort: 8162, toPort: 8162 }, OPENWIRE_AND_CONSOLE],
    [
      'protocol number 6 on a used port',
      { protocol: '6', fromPort: 61617, toPort: 61617 },
      OPENWIRE_AND_CONSOLE,
    ],
    [
      'upper-case TCP on a used port',
      { protocol: 'TCP', fromPort: 8162, toPort: 8162 },
      OPENWIRE_AND_CONSOLE,
    ],
    [
      '61614-61619 when every ActiveMQ protocol is used',
      { protocol: 'tcp', fromPort: 61614, toPort: 61617 },
      [p(61614, 61619)],
    ],
    [
      'a range covered by several used ranges',
      { protocol: 'tcp', fromPort: 5671, toPort: 5672 },
      [p(5671), p(5672, 6000)],
    ],
  ])('allows %s', (_name, overrides, allowed) => {
    // Prepare
    const rule = anIngressRule(overrides);

    // Act
    const analysis = analyzeIngressRule(rule, allowed);

    // Assess
    expect(analysis).toEqual({ status: 'allowed' });
  });

  it.each<
    [string, Parameters<typeof anIngressRule>[0], readonly PortRange[], PortRange[], PortRange[], string]
  >([
    [
      'tcp 0-65535: everything but the used ports is disallowed',
      { protocol: 'tcp', fromPort: 0, toPort: 65535 },
      OPENWIRE_AND_CONSOLE,
      [p(0, 8161), p(8163, 61616), p(61618, 65535)],
      [p(8162), p(61617)],
      'opens TCP 0-8161, 8163-61616, 61618-65535',
    ],
    [
      'tcp 61614-61619 with only OpenWire used: partly allowed',
      { protocol: 'tcp', fromPort: 61614, toPort: 61619 },
      OPENWIRE_AND_CONSOLE,
      [p(61614, 61616), p(61618, 61619)],
      [p(61617)],
      'opens TCP 61614-61616, 61618-61619',
    ],
    [
      'tcp 61614-61619 with every ActiveMQ protocol: 61615, 61616 and 61618 unused',
      { protocol: 'tcp', fromPort: 61614, toPort: 61619 },
      ALL_ACTIVEMQ,
      [p(61615, 61616), p(61618)],
      [p(61614), p(61617), p(61619)],
      'opens TCP 61615-61616, 61618',
    ],
    [
      'an exact port no protocol uses (sample ex1: tcp 22)',
      { protocol: 'tcp', fromPort: 22, toPort: 22 },
      OPENWIRE_AND_CONSOLE,
      [p(22)],
      [],
      'opens TCP 22, which no used protocol needs',
    ],
    [
      "numeric '6' on an unused port",
      { protocol: '6', fromPort: 5671, toPort: 5671 },
      OPENWIRE_AND_CONSOLE,
      [p(5671)],
      [],
      'opens TCP 5671',
    ],
  ])('disallows %s', (_name, overrides, allowed, disallowedPorts, allowedPorts, reason) => {
    // Prepare
    const rule = anIngressRule(overrides);

    // Act
    const analysis = analyzeIngressRule(rule, allowed);

    // Assess
    expect(analysis).toEqual({
      status: 'disallowed',
      disallowedPorts,
      allowedPorts,
      reason: expect.any(String),
    });
    expect(analysis.status === 'disallowed' ? analysis.reason : '').toContain(reason);
  });

  it('disallows all traffic (-1) and keeps the whole allowed TCP set for narrowing', () => {
    // Prepare: sample ex8, all traffic from a prefix list.
    const rule = anIngressRule({
      ruleId: 'sgr-09c74b32f677c6c7c',
      protocol: '-1',
      fromPort: -1,
      toPort: -1,
      source: prefixList('pl-0721453c7ac4ec009'),
    });

    // Act
    const analysis = analyzeIngressRule(rule, OPENWIRE_AND_CONSOLE);

    // Assess
    expect(analysis).toEqual({
      status: 'disallowed',
      disallowedPorts: [p(0, 8161), p(8163, 61616), p(61618, 65535)],
      allowedPorts: [p(8162), p(61617)],
      reason:
        'It opens all traffic (every protocol and port), but the used protocols need only TCP 8162, 61617.',
    });
  });

  it('disallows all traffic even when every TCP port were allowed', () => {
    // Prepare
    const rule = anIngressRule({ protocol: '-1', fromPort: -1, toPort: -1 });

    // Act
    const analysis = analyzeIngressRule(rule, [ALL_PORTS]);

    // Assess
    expect(analysis).toMatchObject({ status: 'disallowed', disallowedPorts: [], allowedPorts: [ALL_PORTS] });
  });

  it.each<[string, Parameters<typeof anIngressRule>[0], PortRange[], string]>([
    [
      'udp on the AMQP port',
      { protocol: 'udp', fromPort: 5671, toPort: 5671 },
      [p(5671)],
      'It opens UDP 5671; Amazon MQ listens on TCP only.',
    ],
    [
      'udp by number',
      { protocol: '17', fromPort: 0, toPort: 65535 },
      [ALL_PORTS],
      'It opens UDP 0-65535; Amazon MQ listens on TCP only.',
    ],
    [
      'icmp, every type',
      { protocol: 'icmp', fromPort: -1, toPort: -1 },
      [ALL_PORTS],
      'It opens ICMP; Amazon MQ listens on TCP only.',
    ],
    [
      'icmp echo request',
      { protocol: 'icmp', fromPort: 8, toPort: 0 },
      [ALL_PORTS],
      'It opens ICMP; Amazon MQ listens on TCP only.',
    ],
    [
      'icmpv6 (sample ex6)',
      { protocol: 'icmpv6', fromPort: -1, toPort: -1 },
      [ALL_PORTS],
      'It opens ICMPv6; Amazon MQ listens on TCP only.',
    ],
    [
      'icmpv6 by number 58',
      { protocol: '58', fromPort: -1, toPort: -1 },
      [ALL_PORTS],
      'It opens ICMPv6; Amazon MQ listens on TCP only.',
    ],
    [
      'ESP (50), which EC2 opens on every port',
      { protocol: '50', fromPort: -1, toPort: -1 },
      [ALL_PORTS],
      'It opens IP protocol 50; Amazon MQ listens on TCP only.',
    ],
  ])('disallows %s entirely and keeps nothing', (_name, overrides, disallowedPorts, reason) => {
    // Prepare
    const rule = anIngressRule(overrides);

    // Act
    const analysis = analyzeIngressRule(rule, ALL_ACTIVEMQ);

    // Assess
    expect(analysis).toEqual({ status: 'disallowed', disallowedPorts, allowedPorts: [], reason });
  });

  it.each<[string, Parameters<typeof anIngressRule>[0], string]>([
    ['tcp with ports -1', { protocol: 'tcp', fromPort: -1, toPort: -1 }, 'tcp port range -1 to -1'],
    ['tcp beyond 65535', { protocol: 'tcp', fromPort: 0, toPort: 65536 }, 'tcp port range 0 to 65536'],
    ['tcp reversed', { protocol: 'tcp', fromPort: 61619, toPort: 61614 }, 'tcp port range 61619 to 61614'],
    ['tcp with a fraction', { protocol: 'tcp', fromPort: 1.5, toPort: 2 }, 'tcp port range 1.5 to 2'],
    ['udp with ports -1', { protocol: 'udp', fromPort: -1, toPort: -1 }, 'udp port range -1 to -1'],
    ['an unknown protocol name', { protocol: 'sctp', fromPort: 0, toPort: 0 }, 'protocol "sctp"'],
    ['a protocol number above 255', { protocol: '300', fromPort: 0, toPort: 0 }, 'protocol "300"'],
    ['an empty protocol', { protocol: '', fromPort: 0, toPort: 0 }, 'protocol ""'],
  ])('calls %s invalid', (_name, overrides, reason) => {
    // Prepare
    const rule = anIngressRule(overrides);

    // Act
    const analysis = analyzeIngressRule(rule, OPENWIRE_AND_CONSOLE);

    // Assess
    expect(analysis.status).toBe('invalid');
    expect(analysis.status === 'invalid' ? analysis.reason : '').toContain(reason);
  });

  it('does not depend on the order or overlap of the allowed ports', () => {
    // Prepare
    const rule = anIngressRule({ protocol: 'tcp', fromPort: 8000, toPort: 9000 });

    // Act
    const tidy = analyzeIngressRule(rule, [p(8162), p(8883)]);
    const messy = analyzeIngressRule(rule, [p(8883), p(8162), p(8162), p(9001, 8000)]);

    // Assess
    expect(messy).toEqual(tidy);
    expect(tidy).toMatchObject({ allowedPorts: [p(8162), p(8883)] });
  });
});

describe('rulePortsAsGiven', () => {
  it.each<[string, Parameters<typeof anIngressRule>[0], PortRange[]]>([
    ['tcp: its range', { protocol: 'tcp', fromPort: 61614, toPort: 61619 }, [p(61614, 61619)]],
    ['udp: its range', { protocol: 'udp', fromPort: 53, toPort: 53 }, [p(53)]],
    ['all traffic: every port', { protocol: '-1', fromPort: -1, toPort: -1 }, [ALL_PORTS]],
    ['icmp: the whole rule', { protocol: 'icmp', fromPort: 3, toPort: 4 }, [ALL_PORTS]],
  ])('gives %s', (_name, overrides, expected) => {
    // Act
    const ports = rulePortsAsGiven(anIngressRule(overrides));

    // Assess
    expect(ports).toMatchObject({ ok: true, ports: expected });
  });
});

describe('describeRule', () => {
  it.each<[Parameters<typeof anIngressRule>[0], string]>([
    [
      { ruleId: 'sgr-1', protocol: 'tcp', fromPort: 0, toPort: 65535, source: cidrIpv4('0.0.0.0/0') },
      'sgr-1 tcp 0-65535 from 0.0.0.0/0',
    ],
    [
      { ruleId: 'sgr-2', protocol: '6', fromPort: 61617, toPort: 61617, source: cidrIpv4('10.0.0.0/8') },
      'sgr-2 tcp 61617 from 10.0.0.0/8',
    ],
    [
      {
        ruleId: 'sgr-3',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        source: prefixList('pl-0721453c7ac4ec009'),
      },
      'sgr-3 all traffic from prefix list pl-0721453c7ac4ec009',
    ],
    [
      { ruleId: 'sgr-4', protocol: 'icmpv6', fromPort: -1, toPort: -1, source: cidrIpv6('::/0') },
      'sgr-4 icmpv6 from ::/0',
    ],
    [
      {
        ruleId: 'sgr-5',
        protocol: 'tcp',
        fromPort: 80,
        toPort: 80,
        source: groupRef('sg-1a2b3c4d', '123456789012'),
      },
      'sgr-5 tcp 80 from group 123456789012/sg-1a2b3c4d',
    ],
    [
      { ruleId: 'sgr-6', protocol: 'tcp', fromPort: -1, toPort: -1, source: cidrIpv4('10.0.0.0/8') },
      'sgr-6 tcp -1 to -1 from 10.0.0.0/8',
    ],
    [
      { ruleId: 'sgr-7', protocol: '50', fromPort: -1, toPort: -1, source: cidrIpv4('10.0.0.0/8') },
      'sgr-7 protocol 50 from 10.0.0.0/8',
    ],
  ])('writes %o as %j', (overrides, expected) => {
    // Act
    const text = describeRule(anIngressRule(overrides));

    // Assess
    expect(text).toBe(expected);
  });
});
