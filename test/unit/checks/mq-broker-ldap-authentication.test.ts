import { describe, expect, it } from 'vitest';
import { check } from '../../../shared/checks/mq-broker-ldap-authentication.ts';
import type { BrokerSnapshot } from '../../../shared/model/types.ts';
import {
  activeMqSnapshot,
  contextAt,
  evidencePaths,
  rabbitMqSnapshot,
  SAMPLE_ACTIVEMQ,
  withRaw,
} from './support/broker-snapshots.ts';

const BROKER = 'Broker orders-prod (b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9)';

describe('mq-broker-ldap-authentication', () => {
  it.each<[string, BrokerSnapshot, string, string]>([
    [
      'an LDAP broker',
      activeMqSnapshot({ authenticationStrategy: 'LDAP' }),
      'PASS',
      `${BROKER} authenticates users against LDAP.`,
    ],
    [
      'a broker with simple authentication',
      activeMqSnapshot({ authenticationStrategy: 'SIMPLE' }),
      'FAIL',
      `${BROKER} does not authenticate users against LDAP: it uses simple (broker-local) authentication.`,
    ],
    [
      'the DescribeBroker sample, which answers in lower case',
      SAMPLE_ACTIVEMQ,
      'FAIL',
      'Broker sadeed-br (b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4) does not authenticate users against LDAP: it uses simple (broker-local) authentication.',
    ],
    [
      'an LDAP broker with a pending switch back to simple authentication',
      activeMqSnapshot({ authenticationStrategy: 'LDAP', pendingAuthenticationStrategy: 'SIMPLE' }),
      'PASS',
      `${BROKER} authenticates users against LDAP, but a pending change switches it to simple (broker-local) authentication at the next reboot.`,
    ],
    [
      'a simple broker with a pending switch to LDAP',
      activeMqSnapshot({ authenticationStrategy: 'SIMPLE', pendingAuthenticationStrategy: 'LDAP' }),
      'FAIL',
      `${BROKER} does not authenticate users against LDAP: it uses simple (broker-local) authentication. A pending change switches it to LDAP at the next reboot.`,
    ],
    [
      'an LDAP broker whose pending strategy is the same',
      activeMqSnapshot({ authenticationStrategy: 'LDAP', pendingAuthenticationStrategy: 'LDAP' }),
      'PASS',
      `${BROKER} authenticates users against LDAP.`,
    ],
    [
      'a lower-case ldap answer',
      withRaw(activeMqSnapshot(), 'authenticationStrategy', 'ldap'),
      'PASS',
      `${BROKER} authenticates users against LDAP.`,
    ],
  ])('reports %s as %s', (_case, snapshot, status, message) => {
    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe(status);
    expect(finding.message).toBe(message);
  });

  it('names AuthenticationStrategy in the evidence of a FAIL', () => {
    // Act
    const finding = check.evaluate(activeMqSnapshot({ authenticationStrategy: 'SIMPLE' }), contextAt());

    // Assess
    expect(evidencePaths(finding)).toEqual(['AuthenticationStrategy']);
  });

  it('reports RabbitMQ brokers as NOT_APPLICABLE', () => {
    // Act
    const finding = check.evaluate(rabbitMqSnapshot({ authenticationStrategy: 'SIMPLE' }), contextAt());

    // Assess
    expect(finding.status).toBe('NOT_APPLICABLE');
    expect(finding.message).toContain('applies to ActiveMQ only');
  });

  it.each<[string, unknown]>([
    ['an unknown strategy', 'OAUTH2'],
    ['no strategy', undefined],
  ])('reports ERROR for %s', (_case, value) => {
    // Prepare
    const snapshot = withRaw(activeMqSnapshot(), 'authenticationStrategy', value);

    // Act
    const finding = check.evaluate(snapshot, contextAt());

    // Assess
    expect(finding.status).toBe('ERROR');
  });

  it('is declared opt-in (registry.enabledChecks leaves it off unless enabled), for ActiveMQ only', () => {
    // Assess
    expect(check.meta.optIn).toBe(true);
    expect(check.meta.engines).toEqual(['ACTIVEMQ']);
    expect(check.meta.source).toBe(
      'https://docs.aws.amazon.com/config/latest/developerguide/mq-active-broker-ldap-authentication.html',
    );
  });
});
