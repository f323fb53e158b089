import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { fieldsEvidence, unexpectedValue } from './support/fields.ts';

// Parity: AWS Config managed rule mq-auto-minor-version-upgrade-enabled
// (https://docs.aws.amazon.com/config/latest/developerguide/mq-auto-minor-version-upgrade-enabled.html),
// Security Hub control MQ.3.
const meta: CheckMeta = {
  id: 'mq-broker-auto-minor-version-upgrade-enabled',
  title: 'Broker upgrades minor engine versions automatically',
  // LOW, as Security Hub MQ.3: the gap is delayed patches, not an opening.
  severity: 'LOW',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'Without automatic minor version upgrades, security and bug fixes to the engine wait for someone to upgrade ' +
    'by hand, and the broker drifts towards an unsupported version.',
  remediation: {
    text:
      'Turn it on with aws mq update-broker --broker-id <id> --auto-minor-version-upgrade; upgrades then happen ' +
      'in the maintenance window. Amazon MQ makes it mandatory from ActiveMQ 5.18 and RabbitMQ 3.13 on, so ' +
      'upgrading to those versions turns it on as well.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/upgrading-brokers.html',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/config/latest/developerguide/mq-auto-minor-version-upgrade-enabled.html',
};

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const value: unknown = snapshot.broker.autoMinorVersionUpgrade;
    if (typeof value !== 'boolean') {
      return unexpectedValue(meta, snapshot, 'AutoMinorVersionUpgrade', value, 'true or false');
    }
    const label = brokerLabel(snapshot);
    if (value)
      return makeFinding(meta, snapshot, 'PASS', `${label} upgrades minor engine versions automatically.`);
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} does not upgrade minor engine versions automatically.`,
      fieldsEvidence({ path: 'AutoMinorVersionUpgrade', detail: 'false' }),
    );
  },
};
