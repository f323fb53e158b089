import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { fieldsEvidence, unexpectedValue } from './support/fields.ts';

// Parity: AWS Config managed rule mq-no-public-access
// (https://docs.aws.amazon.com/config/latest/developerguide/mq-no-public-access.html).
const meta: CheckMeta = {
  id: 'mq-broker-not-publicly-accessible',
  title: 'Broker is not publicly accessible',
  // HIGH, not CRITICAL: a public endpoint is reachable from the whole internet, but clients still need
  // credentials over TLS. It becomes critical together with an engine vulnerability or a weak password,
  // which other checks (engine version, ingress) report on their own.
  severity: 'HIGH',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'A publicly accessible broker has endpoints resolvable and reachable from the internet: anyone can probe ' +
    'its listeners and web console, try credentials and flood it (DDoS). Public RabbitMQ brokers have no ' +
    'security group at all, so nothing but the password stands in the way.',
  remediation: {
    text:
      'PubliclyAccessible is fixed when the broker is created and cannot be changed. Create a new broker ' +
      'with public accessibility turned off in private subnets, give clients outside the VPC a private path ' +
      '(VPC peering, Transit Gateway, VPN or Direct Connect), move producers and consumers over, then ' +
      'delete the public broker.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#prefer-brokers-without-public-accessibility',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html#prefer-brokers-without-public-accessibility',
};

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const value: unknown = snapshot.broker.publiclyAccessible;
    if (typeof value !== 'boolean')
      return unexpectedValue(meta, snapshot, 'PubliclyAccessible', value, 'true or false');
    const label = brokerLabel(snapshot);
    if (!value) return makeFinding(meta, snapshot, 'PASS', `${label} is not publicly accessible.`);
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} is publicly accessible.`,
      fieldsEvidence({
        path: 'PubliclyAccessible',
        detail: 'true; a create-time setting: recreate the broker without public accessibility',
      }),
    );
  },
};
