/**
 * Secrets and personal data in what the functions write out: every sample event goes through its
 * handler with the logger at DEBUG, cleanly and with an AWS failure half-way, and every line the
 * Powertools logger prints (JSON on stdout / stderr) is scanned. CloudTrail identities, request and
 * response bodies, access keys, password placeholders, caller addresses and Config result tokens must
 * never appear; a broker name or user name holding an e-mail address must never appear in a log
 * line, a finding message or a Config annotation.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseApiCallEvent } from '../../../shared/events/cloudtrail.ts';
import type { Item } from '../../support/sdk-account.ts';
import {
  ACCOUNT,
  captureOutput,
  CONTEXTS,
  type Handler,
  IDS,
  REGION,
  ROOT,
  remediationRequest,
  sample,
  scheduledEvent,
  useDemoStack,
} from './support.ts';

// Everything the functions can log, debug included. (The logger returns to POWERTOOLS_LOG_LEVEL at
// every warm invocation, so the level is set there, before the logger is created.)
const { account, handlers } = useDemoStack({ POWERTOOLS_LOG_LEVEL: 'DEBUG' });

const SAMPLES = readdirSync(join(ROOT, 'events'))
  .filter((name) => name.endsWith('.json'))
  .sort();

const handlerFor = (name: string): { handler: Handler; context: Context } => {
  if (name.startsWith('config-')) return { handler: handlers.configRule, context: CONTEXTS.configRule };
  if (name.startsWith('mq-')) return { handler: handlers.onBrokerEvent, context: CONTEXTS.onBrokerEvent };
  return { handler: handlers.onIngressEvent, context: CONTEXTS.onIngressEvent };
};

/** Text that must never be logged, whatever the event: names of identity and body fields, keys, secrets. */
const ALWAYS_FORBIDDEN = [
  'accessKeyId',
  'principalId',
  '"userIdentity"',
  'sessionContext',
  'sessionIssuer',
  'requestParameters',
  'responseElements',
  '"***"',
  'ASIAIOSFODNN7EXAMPLE',
  'AKIAIOSFODNN7EXAMPLE',
  'not-a-real-secret-used-only-by-mocked-clients',
  'invokingEvent',
  'resultToken',
];

/** What this event carries that must not be logged: the caller, its address, the result token. */
const secretsOf = (event: Record<string, unknown>): string[] => {
  const detail = (event.detail ?? event) as {
    userIdentity?: { arn?: string; principalId?: string };
    sourceIPAddress?: string;
  };
  const found = [
    detail.userIdentity?.principalId,
    // The caller's session ARN; the role ARN alone is stack configuration (REMEDIATION_ROLE_ARN).
    detail.userIdentity?.arn?.includes(':assumed-role/') || detail.userIdentity?.arn?.includes(':user/')
      ? detail.userIdentity.arn
      : undefined,
    detail.sourceIPAddress,
    typeof event.resultToken === 'string' ? event.resultToken : undefined,
  ];
  // A root caller's principalId is the account id, which every log line carries in the function ARN.
  return found.filter(
    (value): value is string => typeof value === 'string' && value.length > 6 && value !== ACCOUNT,
  );
};

const offending = (lines: readonly string[], forbidden: readonly string[]): string[] =>
  lines.flatMap((line) =>
    forbidden.filter((text) => line.includes(text)).map((text) => `${text} in ${line}`),
  );

describe('log lines', () => {
  it('are written at all: the scan below sees the logger output', async () => {
    // Prepare
    account.reset();

    // Act
    const { lines } = await captureOutput(() =>
      handlers.onIngressEvent(
        sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
        CONTEXTS.onIngressEvent,
      ),
    );

    // Assess: JSON lines of the Powertools logger, including the remediation with its undo command
    const messages = lines.map((line) => (JSON.parse(line) as { message: string }).message);
    expect(messages).toEqual(
      expect.arrayContaining(['Remediation plan', 'Remediation action', 'Event evaluated']),
    );
  });

  it.each(SAMPLES)('%s: no identity, request body, key, password or result token is logged', async (name) => {
    // Prepare
    account.reset();
    const event = sample(name);
    const { handler, context } = handlerFor(name);

    // Act
    const { lines } = await captureOutput(() => handler(event, context));

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    expect(offending(lines, [...ALWAYS_FORBIDDEN, ...secretsOf(event)])).toEqual([]);
  });

  it.each(SAMPLES)('%s: nothing of the kind is logged when an AWS call fails half-way', async (name) => {
    // Prepare: the second AWS call fails (the first one decides what is read).
    account.reset();
    account.fail({ atIndex: 1, error: 'access-denied' });
    const event = sample(name);
    const { handler, context } = handlerFor(name);

    // Act
    const { lines, outcome } = await captureOutput(() => handler(event, context));

    // Assess
    expect(offending(lines, [...ALWAYS_FORBIDDEN, ...secretsOf(event)])).toEqual([]);
    if (!outcome.ok) expect(lines.some((l) => l.includes('"Invocation failed"'))).toBe(true);
  });

  it('a malformed event is acknowledged with its reason, without echoing the identity next to the broken field', async () => {
    // Prepare: a valid identity, an eventTime that is not a time.
    account.reset();
    const event = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    (event.detail as Record<string, unknown>).eventTime = 'yesterday';

    // Act
    const { lines, outcome } = await captureOutput(() =>
      handlers.onIngressEvent(event, CONTEXTS.onIngressEvent),
    );

    // Assess
    expect(outcome).toMatchObject({ ok: true, value: { status: 'ignored' } });
    expect(lines.some((l) => l.includes('eventTime'))).toBe(true);
    expect(offending(lines, [...ALWAYS_FORBIDDEN, ...secretsOf(event)])).toEqual([]);
  });

  it('the sweep and a remediation request log no identity either', async () => {
    // Prepare
    account.reset();

    // Act
    const sweep = await captureOutput(() => handlers.sweep(scheduledEvent(), CONTEXTS.sweep));
    const request = await captureOutput(() =>
      handlers.onIngressEvent(
        {
          ...remediationRequest([IDS.billing]),
          detail: {
            brokerIds: [IDS.billing],
            reason: 'event e7a10030-7d1a-4c2b-9f3e-1a2b3c4d0030',
            actor: {
              type: 'AssumedRole',
              arn: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session',
              sourceIpAddress: '203.0.113.45',
              eventTime: '2025-03-10T11:20:05Z',
              eventId: 'e7a10030-7d1a-4c2b-9f3e-1a2b3c4d0030',
              eventName: 'AuthorizeSecurityGroupIngress',
            },
          },
        },
        CONTEXTS.onIngressEvent,
      ),
    );

    // Assess
    const lines = [...sweep.lines, ...request.lines];
    expect(lines.length).toBeGreaterThan(2);
    expect(
      offending(lines, [
        ...ALWAYS_FORBIDDEN,
        'assumed-role/PlatformAdmin/platform-admin-session',
        '203.0.113.45',
      ]),
    ).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------------

describe('personal data found by the PII check', () => {
  const BROKER_EMAIL = 'ops.oncall@example.com';
  const USER_EMAIL = 'jane.doe@example.com';
  const PERSONAL = [BROKER_EMAIL, USER_EMAIL, 'ops.oncall', 'jane.doe'];

  /** billing-legacy renamed to hold an e-mail address (in its ARN too, as AWS builds it). */
  const withPersonalName = (): void => {
    account.reset();
    account.updateBroker(IDS.billing, (broker) => {
      broker.BrokerName = BROKER_EMAIL;
      broker.BrokerArn = `arn:aws:mq:${REGION}:${ACCOUNT}:broker:${BROKER_EMAIL}:${IDS.billing}`;
      broker.Users = [{ Username: USER_EMAIL }];
    });
    account.updateBroker(IDS.analytics, (broker) => {
      broker.Users = [{ Username: USER_EMAIL }];
    });
  };

  const configInvocation = (checkId: string, brokerId: string): Record<string, unknown> => {
    const invocation = sample('config-change-broker.json');
    const invoking = JSON.parse(invocation.invokingEvent as string) as { configurationItem: Item };
    invoking.configurationItem.resourceId = brokerId;
    invoking.configurationItem.resourceName = 'withheld-in-test';
    invoking.configurationItem.ARN = `arn:aws:mq:${REGION}:${ACCOUNT}:broker:withheld-in-test:${brokerId}`;
    invoking.configurationItem.configuration = {};
    return {
      ...invocation,
      invokingEvent: JSON.stringify(invoking),
      ruleParameters: JSON.stringify({ checkId }),
      configRuleName: `mq-guardian-dev-${checkId}`,
    };
  };

  it('the account really holds the personal data (the checks below are not vacuous)', async () => {
    // Prepare
    withPersonalName();

    // Act
    await captureOutput(() =>
      handlers.configRule(
        configInvocation('mq-broker-no-pii-in-identifiers', IDS.billing),
        CONTEXTS.configRule,
      ),
    );

    // Assess
    const [put] = account.calls.filter((c) => c.operation === 'PutEvaluations');
    expect(((put?.input.Evaluations ?? []) as Item[])[0]).toMatchObject({ ComplianceType: 'NON_COMPLIANT' });
    expect(account.calls.some((c) => JSON.stringify(c.output ?? '').includes(BROKER_EMAIL))).toBe(true);
  });

  it.each([
    'mq-broker-no-pii-in-identifiers',
    'mq-broker-ingress-limited-to-used-protocols',
    'mq-broker-ingress-not-open-to-world',
    'mq-broker-engine-version-supported',
    'mq-broker-not-publicly-accessible',
    'mq-broker-audit-logging-enabled',
  ])('%s: neither the Config annotation nor a log line names it', async (checkId) => {
    // Prepare
    withPersonalName();

    // Act
    const { lines } = await captureOutput(async () => {
      await handlers.configRule(configInvocation(checkId, IDS.billing), CONTEXTS.configRule);
      await handlers.configRule(configInvocation(checkId, IDS.analytics), CONTEXTS.configRule);
    });

    // Assess
    const annotations = account.calls
      .filter((c) => c.operation === 'PutEvaluations')
      .flatMap((c) => (c.input.Evaluations as Item[]).map((e) => String(e.Annotation)));
    expect(annotations).toHaveLength(2);
    expect(annotations.filter((a) => PERSONAL.some((p) => a.includes(p)))).toEqual([]);
    expect(offending(lines, PERSONAL)).toEqual([]);
  });

  it('the periodic run of an ingress check names neither the broker nor its group users in annotations', async () => {
    // Prepare
    withPersonalName();
    const invocation = {
      ...sample('config-scheduled.json'),
      ruleParameters: JSON.stringify({ checkId: 'mq-broker-ingress-limited-to-used-protocols' }),
    };

    // Act
    const { lines } = await captureOutput(() => handlers.configRule(invocation, CONTEXTS.configRule));

    // Assess
    const annotations = account.calls
      .filter((c) => c.operation === 'PutEvaluations')
      .flatMap((c) => (c.input.Evaluations as Item[]).map((e) => String(e.Annotation)));
    expect(annotations.some((a) => a.includes(IDS.billing))).toBe(true);
    expect(annotations.filter((a) => PERSONAL.some((p) => a.includes(p)))).toEqual([]);
    expect(offending(lines, PERSONAL)).toEqual([]);
  });

  it('remediating the broker, sweeping and handing it on log neither', async () => {
    // Prepare
    withPersonalName();

    // Act
    const { lines } = await captureOutput(async () => {
      await handlers.onIngressEvent(
        sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
        CONTEXTS.onIngressEvent,
      );
      await handlers.sweep(scheduledEvent(), CONTEXTS.sweep);
      await handlers.onBrokerEvent(sample('mq-update-broker.json'), CONTEXTS.onBrokerEvent);
    });

    // Assess
    expect(account.ec2Writes().length).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThan(3);
    expect(offending(lines, PERSONAL)).toEqual([]);
  });

  it('no finding message or evidence of any check names it', async () => {
    // Prepare
    withPersonalName();
    const [{ evaluateBroker }, { createMqBrokerReader }, { createEc2NetworkReader }, { createKmsKeyReader }] =
      await Promise.all([
        import('../../../shared/use-cases/evaluate-broker.ts'),
        import('../../../shared/aws/mq.ts'),
        import('../../../shared/aws/ec2.ts'),
        import('../../../shared/aws/kms.ts'),
      ]);
    const { ALL_CHECKS } = await import('../../../shared/checks/registry.ts');
    const { DEFAULT_SETTINGS } = await import('../../../shared/policy/settings.ts');
    const deps = {
      readers: {
        brokers: createMqBrokerReader(),
        network: createEc2NetworkReader(),
        keys: createKmsKeyReader(),
      },
      settings: DEFAULT_SETTINGS,
      checks: ALL_CHECKS,
      account: ACCOUNT,
      region: REGION,
      now: () => new Date('2025-03-10T12:00:00Z'),
    };

    // Act
    const outcomes = [await evaluateBroker(IDS.billing, deps), await evaluateBroker(IDS.analytics, deps)];

    // Assess
    const findings = outcomes.flatMap((o) => o.evaluation?.findings ?? []);
    expect(findings).toHaveLength(2 * ALL_CHECKS.length);
    expect(findings.find((f) => f.resource.id === IDS.billing)?.resource.name).toBe('(name withheld)');
    const shown = findings.map((f) => JSON.stringify({ message: f.message, evidence: f.evidence }));
    expect(shown.filter((text) => PERSONAL.some((p) => text.includes(p)))).toEqual([]);
  });
});

describe('the caller recorded by the parser', () => {
  it('keeps only who acted and from where, never the whole userIdentity', () => {
    // Act
    const parsed = parseApiCallEvent(sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'));

    // Assess
    expect(JSON.stringify(parsed)).not.toContain('accessKeyId');
    expect(JSON.stringify(parsed)).not.toContain('ASIAIOSFODNN7EXAMPLE');
    expect(Object.keys(parsed.actor).sort()).toEqual(
      ['arn', 'eventId', 'eventName', 'eventTime', 'roleArn', 'sourceIpAddress', 'type', 'userAgent'].sort(),
    );
  });
});
