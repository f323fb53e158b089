import type { DeploymentMode, EngineType } from '../model/types.ts';
import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { fieldsEvidence, knownEngine, unexpectedValue } from './support/fields.ts';

// Parity: AWS Config managed rules mq-active-deployment-mode
// (https://docs.aws.amazon.com/config/latest/developerguide/mq-active-deployment-mode.html) and
// mq-rabbit-deployment-mode (https://docs.aws.amazon.com/config/latest/developerguide/mq-rabbit-deployment-mode.html),
// Security Hub controls MQ.5 and MQ.6.
const meta: CheckMeta = {
  id: 'mq-broker-highly-available',
  title: 'Broker runs across Availability Zones (ActiveMQ active/standby, RabbitMQ cluster)',
  // LOW, as Security Hub MQ.5 / MQ.6: an availability risk, not a confidentiality one.
  severity: 'LOW',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'A single-instance broker lives in one Availability Zone: an instance failure, an AZ outage or every ' +
    'maintenance window and reboot takes messaging down until the broker is back.',
  remediation: {
    text:
      'The deployment mode is fixed when the broker is created. Create a new broker in ACTIVE_STANDBY_MULTI_AZ ' +
      '(ActiveMQ, clients using the failover transport) or CLUSTER_MULTI_AZ (RabbitMQ), move clients to it ' +
      'and delete the single-instance broker. RabbitMQ clusters: ' +
      'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-architecture-cluster.html',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/active-standby-broker-deployment.html',
  },
  autoRemediable: false,
  source: 'https://docs.aws.amazon.com/config/latest/developerguide/mq-active-deployment-mode.html',
};

const HIGHLY_AVAILABLE: Readonly<Record<EngineType, { mode: DeploymentMode; description: string }>> = {
  ACTIVEMQ: {
    mode: 'ACTIVE_STANDBY_MULTI_AZ',
    description: 'an active/standby pair across two Availability Zones',
  },
  RABBITMQ: { mode: 'CLUSTER_MULTI_AZ', description: 'a three-node cluster across Availability Zones' },
};

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const known = knownEngine(meta, snapshot, 'which deployment mode makes it highly available is unknown');
    if ('finding' in known) return known.finding;
    const expected = HIGHLY_AVAILABLE[known.engine];
    const mode: unknown = snapshot.broker.deploymentMode;
    const label = brokerLabel(snapshot);
    if (mode === expected.mode)
      return makeFinding(meta, snapshot, 'PASS', `${label} runs as ${expected.description}.`);
    if (mode === 'SINGLE_INSTANCE') {
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} runs as a single instance in one Availability Zone.`,
        fieldsEvidence({
          path: 'DeploymentMode',
          detail: `SINGLE_INSTANCE; a create-time setting: recreate the broker as ${expected.mode}`,
        }),
      );
    }
    // Any other mode (the other engine's HA mode, an unknown value) is a shape mq-guardian does not know.
    return unexpectedValue(meta, snapshot, 'DeploymentMode', mode, `${expected.mode} or SINGLE_INSTANCE`);
  },
};
