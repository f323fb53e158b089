import { type Check, type CheckMeta, brokerLabel, makeFinding } from './check.ts';
import {
  COMPILED_ON,
  endOfSupportInstant,
  lookupVersion,
  majorMinor,
  parseEngineVersion,
  recommendedVersion,
  WARNING_DAYS,
} from './support/engine-versions.ts';
import { fieldsEvidence, knownEngine, unexpectedValue } from './support/fields.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

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
    const label = brokerLabel(snapshot);
    const runs = `${label} runs ${ENGINE_NAMES[engine]} ${raw}`;
    const line = majorMinor(parsed);
    const recommended = recommendedVersion(engine);
    const lookup = lookupVersion(engine, parsed);

    if (lookup.kind === 'newer-than-table') {
      return makeFinding(
        meta,
        snapshot,
        'PASS',
        `${runs}, newer than ${lookup.newest.version}, the newest version mq-guardian's support calendar (compiled ${COMPILED_ON}) knows; it is taken as supported.`,
      );
    }
    if (lookup.kind === 'unknown-older') {
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${runs}, which is not a supported Amazon MQ version.`,
        fieldsEvidence({
          path: 'EngineVersion',
          detail: `${raw}: ${line} is not in the Amazon MQ support calendar (compiled ${COMPILED_ON}); the newest is ${lookup.newest.version}`,
        }),
      );
    }

    const endOfSupport = endOfSupportInstant(lookup.line);
    const advice =
      recommended && recommended.version !== line
        ? ` (${recommended.version} is the recommended version)`
        : '';
    if (!endOfSupport) {
      return makeFinding(meta, snapshot, 'PASS', `${runs}, which Amazon MQ supports${advice}.`);
    }
    const now = context.now.getTime();
    // An invalid clock would make every comparison false and the broker look supported.
    if (Number.isNaN(now)) throw new Error('CheckContext.now is not a valid date');
    const remainingMs = endOfSupport.getTime() - now;
    if (remainingMs <= 0) {
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${runs}, which reached end of support on ${lookup.line.endOfSupport}${advice}.`,
        fieldsEvidence({
          path: 'EngineVersion',
          detail: `${raw}: ${line} end of support ${lookup.line.endOfSupport}`,
        }),
      );
    }
    const days = Math.ceil(remainingMs / DAY_MS);
    const when = `on ${lookup.line.endOfSupport} (in ${days} ${days === 1 ? 'day' : 'days'})`;
    if (remainingMs <= WARNING_DAYS * DAY_MS) {
      return makeFinding(
        meta,
        snapshot,
        'PASS',
        `${runs}, which Amazon MQ supports until end of support ${when}: upgrade soon${advice}.`,
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'PASS',
      `${runs}, which Amazon MQ supports until ${lookup.line.endOfSupport}${advice}.`,
    );
  },
};
