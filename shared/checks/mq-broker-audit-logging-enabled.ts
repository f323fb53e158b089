import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { type FieldIssue, fieldsEvidence, knownEngine, unexpectedValue } from './support/fields.ts';

// Parity: AWS Config managed rule mq-cloudwatch-audit-log-enabled
// (https://docs.aws.amazon.com/config/latest/developerguide/mq-cloudwatch-audit-log-enabled.html),
// Security Hub control MQ.2. Unlike the managed rule, general logs are required too, and RabbitMQ
// brokers (which have no audit log) are held to general logging.
const meta: CheckMeta = {
  id: 'mq-broker-audit-logging-enabled',
  title: 'Broker publishes its logs to CloudWatch Logs (ActiveMQ: audit and general; RabbitMQ: general)',
  // MEDIUM, as Security Hub MQ.2: missing logs do not open the broker, they blind the investigation.
  severity: 'MEDIUM',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'Without broker logs in CloudWatch Logs there is no record of management actions taken through JMX or ' +
    'the web console (ActiveMQ audit log) nor of connections, authentication failures and errors (general ' +
    'log): misuse goes unnoticed and incidents cannot be reconstructed.',
  remediation: {
    text:
      'Turn on general logging (and, for ActiveMQ, audit logging) with aws mq update-broker --logs ' +
      'General=true,Audit=true (RabbitMQ: General=true), after granting Amazon MQ permission to write to ' +
      'CloudWatch Logs. Log changes wait for the next reboot or maintenance window.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/configure-logging-monitoring-activemq.html',
  },
  autoRemediable: false,
  source: 'https://docs.aws.amazon.com/config/latest/developerguide/mq-cloudwatch-audit-log-enabled.html',
};

type LogName = 'audit' | 'general';

const PATHS: Readonly<Record<LogName, string>> = { audit: 'Logs.Audit', general: 'Logs.General' };
const PENDING_PATHS: Readonly<Record<LogName, string>> = {
  audit: 'Logs.Pending.Audit',
  general: 'Logs.Pending.General',
};

const joinNames = (names: readonly LogName[]): string => names.join(' and ');

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const known = knownEngine(meta, snapshot, 'which logs it must publish is unknown');
    if ('finding' in known) return known.finding;
    const broker = snapshot.broker;
    const label = brokerLabel(snapshot);
    const required: readonly LogName[] = known.engine === 'ACTIVEMQ' ? ['general', 'audit'] : ['general'];

    const general: unknown = broker.logs?.general;
    if (typeof general !== 'boolean')
      return unexpectedValue(meta, snapshot, PATHS.general, general, 'true or false');
    const audit: unknown = broker.logs.audit;
    // RabbitMQ has no audit log; for ActiveMQ an absent flag means the log is not published.
    if (audit !== undefined && typeof audit !== 'boolean') {
      return unexpectedValue(meta, snapshot, PATHS.audit, audit, 'true, false or absent');
    }
    const current: Readonly<Record<LogName, boolean>> = { general, audit: audit === true };
    const pending = broker.pendingLogs ?? {};
    // A pending value that differs from the current one takes effect at the next reboot.
    const pendingChange = (name: LogName): boolean | undefined => {
      const value: unknown = pending[name];
      return typeof value === 'boolean' && value !== current[name] ? value : undefined;
    };

    const missing = required.filter((name) => !current[name]);
    const scope = known.engine === 'ACTIVEMQ' ? 'general and audit logs' : 'general logs';

    if (missing.length === 0) {
      const turningOff = required.filter((name) => pendingChange(name) === false);
      const warning =
        turningOff.length > 0
          ? `, but a pending change turns ${joinNames(turningOff)} logging off at the next reboot`
          : '';
      return makeFinding(meta, snapshot, 'PASS', `${label} publishes ${scope} to CloudWatch Logs${warning}.`);
    }

    const turningOn = missing.filter((name) => pendingChange(name) === true);
    const waiting =
      turningOn.length > 0
        ? `; ${joinNames(turningOn)} logging is turned on but waits for the next reboot`
        : '';
    const fields: FieldIssue[] = missing.map((name) => ({
      path: PATHS[name],
      detail:
        name === 'audit' && audit === undefined
          ? 'absent (not published)'
          : `false${pendingChange(name) === true ? '; pending true until the next reboot' : ''}`,
    }));
    for (const name of turningOn)
      fields.push({ path: PENDING_PATHS[name], detail: 'true, applied at the next reboot' });
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} does not publish ${joinNames(missing)} logs to CloudWatch Logs${waiting}.`,
      fieldsEvidence(...fields),
    );
  },
};
