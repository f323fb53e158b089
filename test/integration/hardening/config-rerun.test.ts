/**
 * The one AWS call the other hardening files leave out: with AWS Config rules deployed
 * (CONFIG_RULE_PREFIX set, as the stack sets it), the event functions ask Config to re-run the
 * affected rules after evaluating (StartConfigRulesEvaluation, at most once a minute per rule and
 * container). Faults on that call, after the remediation was done.
 *
 * The clock is moved on by two minutes before every invocation, so that each one is due to ask.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GuardianError } from '../../../shared/errors.ts';
import { FAULT_KINDS, serviceError } from '../../support/sdk-account.ts';
import { accessOf, CONTEXTS, IDS, run, sample, useDemoStack } from './support.ts';

const { account, handlers } = useDemoStack(
  { POWERTOOLS_LOG_LEVEL: 'SILENT', CONFIG_RULE_PREFIX: 'mq-guardian-dev' },
  { immediateTimeouts: true },
);
let clock = Date.parse('2025-03-10T12:00:00Z');

beforeEach(() => {
  clock += 120_000;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(clock);
});

afterEach(() => {
  vi.useRealTimers();
});

const WORLD_TCP = 'ec2-authorize-security-group-ingress-world-tcp-all-ports.json';
const ingress = (event: unknown) => run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);
const reruns = () => account.calls.filter((c) => c.operation === 'StartConfigRulesEvaluation');

describe('StartConfigRulesEvaluation after an evaluation', () => {
  it('is asked for the ingress rules once the remediation is done', async () => {
    // Prepare
    account.reset();

    // Act
    const result = await ingress(sample(WORLD_TCP));

    // Assess
    expect(result.ok).toBe(true);
    expect(reruns().map((c) => c.input.ConfigRuleNames)).toEqual([
      [
        'mq-guardian-dev-mq-broker-ingress-limited-to-used-protocols',
        'mq-guardian-dev-mq-broker-ingress-not-open-to-world',
      ],
    ]);
    const last = account.calls.findLastIndex((c) => c.service === 'ec2' && /Revoke/.test(c.operation));
    expect(reruns()[0]?.index).toBeGreaterThan(last);
  });

  it('LimitExceededException (a run is already due) is an answer, not a failure', async () => {
    // Prepare
    account.reset();
    account.answer('StartConfigRulesEvaluation', () => {
      throw serviceError('config-service', 'LimitExceededException', 'Rate exceeded');
    });

    // Act
    const result = await ingress(sample(WORLD_TCP));

    // Assess
    expect(reruns()).toHaveLength(1);
    expect(result.ok).toBe(true);
  });

  it.each(FAULT_KINDS)(
    '%s fails the invocation for retry, and the retry repeats no EC2 write',
    async (kind) => {
      // Prepare
      account.reset();
      account.fail({ on: 'StartConfigRulesEvaluation', error: kind });

      // Act
      const failed = await ingress(sample(WORLD_TCP));
      const narrowed = accessOf(account, [IDS.billingGroup]);
      account.clearFaults();
      account.clearCalls();
      clock += 120_000;
      vi.setSystemTime(clock);
      const retried = await ingress(sample(WORLD_TCP));

      // Assess
      expect(failed.ok).toBe(false);
      expect(!failed.ok && failed.error).toBeInstanceOf(GuardianError);
      expect(narrowed).not.toContain(`${IDS.billingGroup} tcp 0-65535 0.0.0.0/0`);
      expect(retried.ok).toBe(true);
      expect(account.ec2Writes()).toEqual([]);
      expect(reruns()).toHaveLength(1);
    },
  );

  it('an event on Amazon MQ asks for every enabled rule, and its failure fails the invocation', async () => {
    // Prepare
    account.reset();
    account.fail({ on: 'StartConfigRulesEvaluation', error: 'server-error' });

    // Act
    const result = await run(handlers.onBrokerEvent, sample('mq-update-broker.json'), CONTEXTS.onBrokerEvent);

    // Assess
    expect(reruns().length).toBeGreaterThan(0);
    expect(reruns().every((c) => (c.input.ConfigRuleNames as string[]).length <= 25)).toBe(true);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(GuardianError);
    expect(account.ec2Writes()).toEqual([]);
  });
});
