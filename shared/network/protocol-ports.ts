/**
 * The listener ports Amazon MQ opens per engine and protocol. One table, so that the checks, the
 * planner and the README cannot disagree about which port belongs to which protocol.
 */
import type { PortRange } from '../model/finding.ts';
import type { EngineType, OpenEnum } from '../model/types.ts';
import type { ActiveMqProtocol, Protocol, RabbitMqProtocol } from '../policy/settings.ts';
import { normalizeRanges } from './port-range.ts';

export interface ProtocolPort {
  readonly engine: EngineType;
  readonly protocol: Protocol;
  readonly port: number;
  /** Amazon MQ listeners are TLS over TCP only; the field keeps that assumption visible. */
  readonly transport: 'tcp';
}

// ActiveMQ ports 5671 (AMQP), 8883 (MQTT), 61617 (OpenWire), 61614 (STOMP), 61619 (WebSocket):
//   https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#amazon-mq-vpc-security-groups
// ActiveMQ web console 8162 (same page's example "allow access to only 61617 and 8162", and the
// broker attributes: "ActiveMQ Web Console URL (https://b-….mq.us-east-2.amazonaws.com:8162)"):
//   https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-basic-elements.html
// The `wss` endpoint serves both MQTT and STOMP over WebSocket (data protection page, "Amazon MQ for
// ActiveMQ protocols"): https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html
// RabbitMQ 5671 (AMQPS; AMQP 0-9-1, and AMQP 1.0 on RabbitMQ 4), 443 and 15671 (web console and
// management API, "can be used interchangeably"), section "Listener ports":
//   https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-basic-elements.html
export const PROTOCOL_PORTS: readonly ProtocolPort[] = [
  { engine: 'ACTIVEMQ', protocol: 'openwire', port: 61617, transport: 'tcp' },
  { engine: 'ACTIVEMQ', protocol: 'amqp', port: 5671, transport: 'tcp' },
  { engine: 'ACTIVEMQ', protocol: 'stomp', port: 61614, transport: 'tcp' },
  { engine: 'ACTIVEMQ', protocol: 'mqtt', port: 8883, transport: 'tcp' },
  { engine: 'ACTIVEMQ', protocol: 'wss', port: 61619, transport: 'tcp' },
  { engine: 'ACTIVEMQ', protocol: 'console', port: 8162, transport: 'tcp' },
  { engine: 'RABBITMQ', protocol: 'amqp', port: 5671, transport: 'tcp' },
  { engine: 'RABBITMQ', protocol: 'console', port: 443, transport: 'tcp' },
  { engine: 'RABBITMQ', protocol: 'console', port: 15671, transport: 'tcp' },
];

const ACTIVEMQ_PROTOCOLS: readonly ActiveMqProtocol[] = [
  'openwire',
  'amqp',
  'stomp',
  'mqtt',
  'wss',
  'console',
];
const RABBITMQ_PROTOCOLS: readonly RabbitMqProtocol[] = ['amqp', 'console'];

/** Every protocol of each engine, in the order messages list them. */
export const ENGINE_PROTOCOLS: Readonly<Record<EngineType, readonly Protocol[]>> = {
  ACTIVEMQ: ACTIVEMQ_PROTOCOLS,
  RABBITMQ: RABBITMQ_PROTOCOLS,
};

/** ActiveMQ, RabbitMQ, or an engine type mq-guardian does not know as AWS spelled it. */
export const engineDisplayName = (engine: OpenEnum<EngineType>): string =>
  engine === 'ACTIVEMQ' ? 'ActiveMQ' : engine === 'RABBITMQ' ? 'RabbitMQ' : engine;

/** True when `name` (exact, lower case) is a protocol of `engine`. */
export const isEngineProtocol = (engine: EngineType, name: string): name is Protocol =>
  (ENGINE_PROTOCOLS[engine] as readonly string[]).includes(name);

/**
 * The TCP ports `protocols` listen on for `engine`, normalised. Throws on a protocol the engine does
 * not have: callers validate names first (resolveUsedProtocols), so this is a programming error and
 * must not quietly shrink the allowed set (which would make remediation revoke a used port).
 */
export const portsForProtocols = (engine: EngineType, protocols: readonly Protocol[]): PortRange[] => {
  const foreign = protocols.filter((p) => !isEngineProtocol(engine, p));
  if (foreign.length > 0) {
    throw new TypeError(
      `${foreign.join(', ')} ${foreign.length === 1 ? 'is not a protocol' : 'are not protocols'} of ${engineDisplayName(engine)}`,
    );
  }
  return normalizeRanges(
    PROTOCOL_PORTS.filter((row) => row.engine === engine && protocols.includes(row.protocol)).map((row) => ({
      from: row.port,
      to: row.port,
    })),
  );
};
