import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import { SOURCE_TEXT, supportVerdict } from './support/engine-calendar.ts';
import { parseEngineVersion, staleTableWarning } from './support/engine-versions.ts';
import { fieldsEvidence, knownEngine, unexpectedValue } from './support/fields.ts';

const meta: CheckMeta = {
  id: 'mq-broker-engine-version-supported',
  title: 'Broker engine version is still supported by Amazon MQ',
  // MEDIUM: an unsupported engine gets no security fixes (including its TLS stack), and Amazon MQ
  // upgrades it by force within 45 days, on its own schedule.
  severity: 'MEDIUM',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'After end of support an engine version receives no security patches, including fixes to its TLS ' +
    'libraries, and Amazon MQ upgrades the broker automatically during a maintenance window within 45 days: ' +
    'an upgrade nobody tested against the clients.',
  remediation: {
    text:
      'Upgrade the broker to a supported version (aws mq update-broker --engine-version …, applied at the next ' +
      'reboot or maintenance window), after testing clients against it. RabbitMQ upgrades one minor version at ' +
      'a time.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/upgrading-brokers.html',
  },
  autoRemediable: false,
  source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/activemq-version-management.html',
};

const ENGINE_NAMES = { ACTIVEMQ: 'ActiveMQ', RABBITMQ: 'RabbitMQ' } as const;

export const check: Check = {
  meta,
  evaluate(snapshot, context) {
    const known = knownEngine(meta, snapshot, 'its support calendar is unknown');
    if ('finding' in known) return known.finding;
    const { engine } = known;
    const raw: unknown = snapshot.broker.engineVersion;
    const parsed = typeof raw === 'string' ? parseEngineVersion(raw) : undefined;
    if (typeof raw !== 'string' || !parsed) {
      return unexpectedValue(meta, snapshot, 'EngineVersion', raw, 'a version such as 5.18 or 3.13.7');
    }
    const offer = snapshot.engineOffer;
    const verdict = supportVerdict(engine, raw, parsed, offer, context.now);
    const unread =
      offer?.status === 'unread' ? ` Amazon MQ's list of versions was not read (${offer.reason}).` : '';
    const stale = staleTableWarning(context.now);
    const message =
      `${brokerLabel(snapshot)} runs ${ENGINE_NAMES[engine]} ${raw}, ${verdict.reason}. ` +
      `Decided by ${SOURCE_TEXT[verdict.decidedBy]}.${unread}${stale ? ` Warning: ${stale}.` : ''}`;
    return makeFinding(
      meta,
      snapshot,
      verdict.status,
      message,
      verdict.detail === undefined
        ? undefined
        : fieldsEvidence({ path: 'EngineVersion', detail: verdict.detail }),
    );
  },
};
