import { describe, expect, it } from 'vitest';
import type { CheckId, Finding, FindingStatus, OffendingRule } from '../../../shared/model/finding.ts';
import type { ComplianceReporter, ConfigEvaluation } from '../../../shared/ports.ts';
import { groupEvaluation, postEvaluations } from '../../../shared/use-cases/config-rule.ts';
import type { BrokerOutcome } from '../../../shared/use-cases/handle-api-call.ts';
import { aBroker, aSnapshot, cidrIpv4 } from '../../support/snapshot-builder.ts';

const CHECK: CheckId = 'mq-broker-ingress-limited-to-used-protocols';
const AT = new Date('2025-03-10T09:23:30.104Z');
const GROUP = 'sg-0a1b2c3d4e5f60001';
const OTHER_GROUP = 'sg-0a1b2c3d4e5f60003';
const brokerId = (n: number) => `b-1a2b3c4d-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// ---------------------------------------------------------------------------------------------
// postEvaluations

const evaluations = (count: number): ConfigEvaluation[] =>
  Array.from({ length: count }, (_, i) => ({
    complianceResourceType: 'AWS::AmazonMQ::Broker',
    complianceResourceId: brokerId(i + 1),
    complianceType: 'COMPLIANT',
    annotation: `Broker broker-${i + 1} (${brokerId(i + 1)}) is not publicly accessible.`,
    orderingTimestamp: AT,
  }));

/** A reporter that records each call and refuses what `refuse` picks (per call number). */
const recordingReporter = (
  refuse: (call: number, batch: readonly ConfigEvaluation[]) => ConfigEvaluation[] = () => [],
) => {
  const calls: { token: string; batch: ConfigEvaluation[] }[] = [];
  const reporter: ComplianceReporter = {
    async putEvaluations(token, batch) {
      calls.push({ token, batch: [...batch] });
      return refuse(calls.length, batch);
    },
    startRulesEvaluation: async () => 'started',
    getLatestConfigurationItem: async () => null,
  };
  return { reporter, calls };
};

describe('postEvaluations', () => {
  it.each([
    [1, [1]],
    [100, [100]],
    [101, [100, 1]],
    [250, [100, 100, 50]],
  ])('posts %i evaluations in calls of %j, in order, with the result token', async (count, sizes) => {
    // Prepare
    const planned = evaluations(count);
    const { reporter, calls } = recordingReporter();

    // Act
    const failed = await postEvaluations('token-1', planned, reporter);

    // Assess
    expect(failed).toEqual([]);
    expect(calls.map((c) => c.batch.length)).toEqual(sizes);
    expect(calls.every((c) => c.token === 'token-1')).toBe(true);
    expect(calls.flatMap((c) => c.batch)).toEqual(planned);
  });

  it('makes no call when there is nothing to post', async () => {
    // Prepare
    const { reporter, calls } = recordingReporter();

    // Act
    const failed = await postEvaluations('token-1', [], reporter);

    // Assess
    expect(failed).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('sends the refused evaluations once more, as planned, and nothing else', async () => {
    // Prepare
    const planned = evaluations(150);
    // AWS returns refused evaluations without their annotation: the retry must not lose it.
    const stripped = (e: ConfigEvaluation): ConfigEvaluation => ({ ...e, annotation: '' });
    const { reporter, calls } = recordingReporter((call, batch) =>
      call === 2 ? [stripped(batch[3] as ConfigEvaluation), stripped(batch[40] as ConfigEvaluation)] : [],
    );

    // Act
    const failed = await postEvaluations('token-1', planned, reporter);

    // Assess
    expect(failed).toEqual([]);
    expect(calls.map((c) => c.batch.length)).toEqual([100, 50, 2]);
    expect(calls[2]?.batch).toEqual([planned[103], planned[140]]);
  });

  it('returns what Config refuses a second time', async () => {
    // Prepare
    const planned = evaluations(3);
    const { reporter, calls } = recordingReporter((_call, batch) => batch.filter((e) => e === planned[1]));

    // Act
    const failed = await postEvaluations('token-1', planned, reporter);

    // Assess
    expect(failed).toEqual([planned[1]]);
    expect(calls.map((c) => c.batch.length)).toEqual([3, 1]);
  });
});

// ---------------------------------------------------------------------------------------------
// groupEvaluation

const offending = (ruleId: string, groupId: string): OffendingRule => ({
  ruleId,
  groupId,
  protocol: 'tcp',
  fromPort: 0,
  toPort: 65535,
  source: cidrIpv4('10.20.0.0/16'),
  disallowedPorts: [{ from: 0, to: 5670 }],
  allowedPorts: [{ from: 61617, to: 61617 }],
  reason: 'It opens ports no used protocol needs.',
});

interface OutcomeOptions {
  readonly groups?: readonly string[];
  readonly status?: FindingStatus;
  readonly rules?: readonly OffendingRule[];
  readonly name?: string;
}

const outcome = (n: number, options: OutcomeOptions = {}): BrokerOutcome => {
  const id = brokerId(n);
  const snapshot = aSnapshot({
    broker: aBroker({
      id,
      name: options.name ?? `broker-${n}`,
      securityGroupIds: [...(options.groups ?? [GROUP])],
    }),
  });
  const status = options.status ?? 'PASS';
  const finding: Finding = {
    checkId: CHECK,
    severity: 'HIGH',
    resource: {
      type: 'AWS::AmazonMQ::Broker',
      id,
      arn: snapshot.broker.arn,
      name: snapshot.broker.name,
      engineType: 'ACTIVEMQ',
    },
    status,
    message: `Broker ${snapshot.broker.name} (${id}) ${status === 'ERROR' ? 'could not be evaluated: security group sg-0a1b2c3d4e5f60003 was not read' : 'was checked'}.`,
    ...(status === 'PASS' || status === 'FAIL'
      ? {
          evidence: {
            kind: 'ingress',
            usedProtocols: ['openwire'],
            protocolsFrom: 'tag',
            allowedPorts: [{ from: 61617, to: 61617 }],
            offendingRules: [...(options.rules ?? [])],
            exemptedRules: [],
          },
        }
      : {}),
  };
  return { brokerId: id, status: 'evaluated', evaluation: { snapshot, findings: [finding], crashes: [] } };
};

describe('groupEvaluation', () => {
  it('is NON_COMPLIANT when one of its own rules makes a broker fail, naming the rule and only that broker', () => {
    // Prepare
    const outcomes = [
      outcome(1, { status: 'FAIL', rules: [offending('sgr-0a1b2c3d4e5f60004', GROUP)] }),
      outcome(2, { status: 'PASS' }),
    ];

    // Act
    const result = groupEvaluation(GROUP, outcomes, CHECK, AT);

    // Assess
    expect(result).toEqual({
      complianceResourceType: 'AWS::EC2::SecurityGroup',
      complianceResourceId: GROUP,
      complianceType: 'NON_COMPLIANT',
      annotation: `Security group ${GROUP}: rule sgr-0a1b2c3d4e5f60004 breaks ${CHECK} for broker-1 (${brokerId(1)}).`,
      orderingTimestamp: AT,
    });
  });

  it('is COMPLIANT when its brokers fail only because of the rules of another group', () => {
    // Prepare
    const outcomes = [
      outcome(1, {
        groups: [GROUP, OTHER_GROUP],
        status: 'FAIL',
        rules: [offending('sgr-0a1b2c3d4e5f60007', OTHER_GROUP)],
      }),
      outcome(2),
    ];

    // Act
    const [mine, other] = [
      groupEvaluation(GROUP, outcomes, CHECK, AT),
      groupEvaluation(OTHER_GROUP, outcomes, CHECK, AT),
    ];

    // Assess
    expect(mine.complianceType).toBe('COMPLIANT');
    expect(mine.annotation).toBe(
      `Security group ${GROUP}: no rule breaks ${CHECK} for the 2 brokers using it.`,
    );
    expect(other.complianceType).toBe('NON_COMPLIANT');
    expect(other.annotation).toContain('sgr-0a1b2c3d4e5f60007');
  });

  it('is NON_COMPLIANT when a broker using it could not be evaluated', () => {
    // Prepare
    const outcomes = [outcome(1), outcome(2, { status: 'ERROR' })];

    // Act
    const result = groupEvaluation(GROUP, outcomes, CHECK, AT);

    // Assess
    expect(result.complianceType).toBe('NON_COMPLIANT');
    expect(result.annotation).toMatch(
      /^Could not evaluate: security group sg-0a1b2c3d4e5f60001 is used by broker-2/,
    );
  });

  it.each([
    ['no broker uses it', [outcome(1, { groups: [OTHER_GROUP] })], 'is used by no Amazon MQ broker'],
    [
      'only gone brokers were found',
      [{ brokerId: brokerId(3), status: 'gone' } as BrokerOutcome],
      'is used by no Amazon MQ broker',
    ],
    [
      'the check applies to none of its brokers',
      [outcome(1, { status: 'NOT_APPLICABLE' })],
      'applies to none of the brokers',
    ],
  ])('is NOT_APPLICABLE when %s', (_case, outcomes, text) => {
    // Act
    const result = groupEvaluation(GROUP, outcomes, CHECK, AT);

    // Assess
    expect(result.complianceType).toBe('NOT_APPLICABLE');
    expect(result.annotation).toContain(text);
  });

  it('keeps the group and its first rule ids within 256 characters when many rules and brokers offend', () => {
    // Prepare
    const rules = Array.from({ length: 40 }, (_, i) =>
      offending(`sgr-0a1b2c3d4e5f6${(i + 100).toString(16).padStart(4, '0')}`, GROUP),
    );
    const outcomes = Array.from({ length: 30 }, (_, i) =>
      outcome(i + 1, { status: 'FAIL', rules, name: `a-rather-long-broker-name-number-${i + 1}` }),
    );

    // Act
    const result = groupEvaluation(GROUP, outcomes, CHECK, AT);

    // Assess
    expect(result.complianceType).toBe('NON_COMPLIANT');
    expect(result.annotation.length).toBeLessThanOrEqual(256);
    expect(
      result.annotation.startsWith(
        `Security group ${GROUP}: rules sgr-0a1b2c3d4e5f60064, sgr-0a1b2c3d4e5f60065`,
      ),
    ).toBe(true);
    expect(result.annotation).toMatch(/\+\d+ more/);
  });
});
