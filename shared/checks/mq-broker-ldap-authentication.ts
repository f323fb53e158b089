import { type Check, type CheckMeta, brokerLabel, engineNotApplicable, makeFinding } from './check.ts';
import { fieldsEvidence, unexpectedValue } from './support/fields.ts';

// Parity: AWS Config managed rule mq-active-broker-ldap-authentication, which covers ActiveMQ only.
const meta: CheckMeta = {
  id: 'mq-broker-ldap-authentication',
  title: 'ActiveMQ broker authenticates users against LDAP',
  // LOW and opt-in: simple authentication is a supported, secure choice for many teams; LDAP is an
  // organisational preference (central accounts, revocation, password policy), not a fix to a hole.
  severity: 'LOW',
  engines: ['ACTIVEMQ'],
  risk:
    'With simple authentication the broker keeps its own user list: accounts and passwords are managed per ' +
    'broker, outside the directory, so leavers and rotations are easily missed and password policy is not ' +
    'enforced centrally.',
  remediation: {
    text:
      'Set up a service account and the directory tree ActiveMQ expects, then switch the broker to LDAP with ' +
      'aws mq update-broker --authentication-strategy LDAP --ldap-server-metadata …; the change applies at the ' +
      'next reboot.',
    url: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/security-authentication-authorization.html',
  },
  autoRemediable: false,
  source:
    'https://docs.aws.amazon.com/config/latest/developerguide/mq-active-broker-ldap-authentication.html',
  optIn: true,
};

// DescribeBroker has been seen answering in lower case ("simple"); the meaning is the same.
const upperCase = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.toUpperCase() : undefined;

export const check: Check = {
  meta,
  evaluate(snapshot) {
    const notApplicable = engineNotApplicable(meta, snapshot);
    if (notApplicable) return notApplicable;
    const raw: unknown = snapshot.broker.authenticationStrategy;
    const strategy = upperCase(raw);
    const label = brokerLabel(snapshot);
    // A strategy that differs from the current one takes effect at the next reboot.
    const pending = upperCase(snapshot.broker.pendingAuthenticationStrategy);
    if (strategy === 'LDAP') {
      const warning =
        pending === 'SIMPLE'
          ? ', but a pending change switches it to simple (broker-local) authentication at the next reboot'
          : '';
      return makeFinding(meta, snapshot, 'PASS', `${label} authenticates users against LDAP${warning}.`);
    }
    if (strategy === 'SIMPLE') {
      const note = pending === 'LDAP' ? ' A pending change switches it to LDAP at the next reboot.' : '';
      return makeFinding(
        meta,
        snapshot,
        'FAIL',
        `${label} does not authenticate users against LDAP: it uses simple (broker-local) authentication.${note}`,
        fieldsEvidence({ path: 'AuthenticationStrategy', detail: 'SIMPLE' }),
      );
    }
    return unexpectedValue(meta, snapshot, 'AuthenticationStrategy', raw, 'SIMPLE or LDAP');
  },
};
