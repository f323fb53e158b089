import { describe, expect, it } from 'vitest';
import type { PortRange } from '../../../shared/model/finding.ts';
import type { EngineType } from '../../../shared/model/types.ts';
import {
  ENGINE_PROTOCOLS,
  isEngineProtocol,
  PROTOCOL_PORTS,
  portsForProtocols,
} from '../../../shared/network/protocol-ports.ts';
import type { Protocol } from '../../../shared/policy/settings.ts';

const p = (port: number): PortRange => ({ from: port, to: port });

describe('portsForProtocols', () => {
  it.each<[EngineType, Protocol[], PortRange[]]>([
    // The best-practice page's own example: OpenWire and the web console only.
    ['ACTIVEMQ', ['openwire', 'console'], [p(8162), p(61617)]],
    ['ACTIVEMQ', ['openwire'], [p(61617)]],
    ['ACTIVEMQ', ['amqp'], [p(5671)]],
    ['ACTIVEMQ', ['stomp'], [p(61614)]],
    ['ACTIVEMQ', ['mqtt'], [p(8883)]],
    ['ACTIVEMQ', ['wss'], [p(61619)]],
    [
      'ACTIVEMQ',
      ['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console'],
      [p(5671), p(8162), p(8883), p(61614), p(61617), p(61619)],
    ],
    ['RABBITMQ', ['amqp'], [p(5671)]],
    ['RABBITMQ', ['console'], [p(443), p(15671)]],
    ['RABBITMQ', ['amqp', 'console'], [p(443), p(5671), p(15671)]],
    ['ACTIVEMQ', [], []],
  ])('gives %s %j the ports %j', (engine, protocols, expected) => {
    // Act
    const ports = portsForProtocols(engine, protocols);

    // Assess
    expect(ports).toEqual(expected);
  });

  it('lists a protocol named twice once', () => {
    // Act
    const ports = portsForProtocols('ACTIVEMQ', ['openwire', 'openwire']);

    // Assess
    expect(ports).toEqual([p(61617)]);
  });

  it.each<[EngineType, Protocol]>([
    ['RABBITMQ', 'openwire'],
    ['RABBITMQ', 'stomp'],
    ['RABBITMQ', 'wss'],
  ])('refuses %s with %s instead of dropping it', (engine, protocol) => {
    // Act
    const call = () => portsForProtocols(engine, ['amqp', protocol]);

    // Assess
    expect(call).toThrow(`${protocol} is not a protocol of RabbitMQ`);
  });
});

describe('ENGINE_PROTOCOLS and PROTOCOL_PORTS', () => {
  it('gives every protocol of every engine at least one port', () => {
    // Prepare
    const engines: EngineType[] = ['ACTIVEMQ', 'RABBITMQ'];

    // Act
    const missing = engines.flatMap((engine) =>
      ENGINE_PROTOCOLS[engine].filter((protocol) => portsForProtocols(engine, [protocol]).length === 0),
    );

    // Assess
    expect(missing).toEqual([]);
  });

  it('holds only TCP ports of known protocols', () => {
    // Act
    const strays = PROTOCOL_PORTS.filter(
      (row) => row.transport !== 'tcp' || !isEngineProtocol(row.engine, row.protocol),
    );

    // Assess
    expect(strays).toEqual([]);
    expect(PROTOCOL_PORTS).toHaveLength(9);
  });

  it.each([
    ['ACTIVEMQ', 'openwire', true],
    ['ACTIVEMQ', 'console', true],
    ['RABBITMQ', 'amqp', true],
    ['RABBITMQ', 'openwire', false],
    ['ACTIVEMQ', 'OpenWire', false],
    ['ACTIVEMQ', 'amqps', false],
  ] as const)('judges %s %s a protocol of the engine: %s', (engine, name, expected) => {
    // Act
    const known = isEngineProtocol(engine, name);

    // Assess
    expect(known).toBe(expected);
  });
});
