import { describe, expect, it, vi } from 'vitest';
import type { PortRange } from '../../../shared/model/finding.ts';
import type { IngressRule } from '../../../shared/model/types.ts';
import type { RemediationMode, Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { ActionReport } from '../../../shared/remediation/execute.ts';
import { executePlan, isThrottlingError, withThrottlingRetry } from '../../../shared/remediation/execute.ts';
import type { RemediationPlan } from '../../../shared/remediation/plan.ts';
import { planRemediation } from '../../../shared/remediation/plan.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import { FakeEc2 } from '../../support/fake-ec2.ts';
import {
  aNetworkInterface,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  GROUP_ID,
} from '../../support/snapshot-builder.ts';
import { ingressFindings, withProtocolsFor, OPENWIRE_AND_CONSOLE } from './ingress-findings.ts';

const WORLD = cidrIpv4('0.0.0.0/0');
const VPC = cidrIpv4('10.0.0.0/16');
const wide = anIngressRule({
  ruleId: 'sgr-0aaaaaaaaaaaaaaaa',
  protocol: 'tcp',
  fromPort: 0,
  toPort: 65535,
  source: WORLD,
  description: 'temporary',
});

const settings = (mode: RemediationMode = 'enforce', overrides: Partial<Settings> = {}): Settings => ({
  ...DEFAULT_SETTINGS,
  remediationMode: mode,
  ...overrides,
});

const planOf = (
  rules: readonly IngressRule[],
  mode: RemediationMode = 'enforce',
  used: readonly PortRange[] = OPENWIRE_AND_CONSOLE,
  group: Parameters<typeof aSecurityGroup>[0] = {},
): RemediationPlan => {
  const snapshot = aSnapshot({ securityGroups: [aSecurityGroup({ ingressRules: rules, ...group })] });
  return planRemediation({
    snapshot: withProtocolsFor(snapshot, used),
    findings: ingressFindings(snapshot, used),
    settings: settings(mode),
  });
};

const noWait = () => vi.fn(async (_ms: number) => {});

const statuses = (actions: readonly ActionReport[]): string[] =>
  actions.map((a) =>
    a.kind === 'authorize' && a.action.kind === 'authorize'
      ? `authorize ${a.action.request.fromPort}: ${a.status}`
      : `${a.kind} ${a.ruleId}: ${a.status}`,
  );

const writeLines = (ec2: FakeEc2): string[] =>
  ec2.writes.map((w) =>
    w.operation === 'AuthorizeSecurityGroupIngress'
      ? `authorize ${w.request.protocol} ${w.request.fromPort}-${w.request.toPort} ${w.request.source.kind === 'cidrIpv4' ? w.request.source.cidr : '?'}`
      : w.operation === 'RevokeSecurityGroupIngress'
        ? `revoke ${w.groupId} ${w.ruleIds.join(',')}`
        : w.operation,
  );

describe('executePlan', () => {
  it('writes nothing in dry-run and reports every action as planned with its undo', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]);
    const plan = planOf([wide], 'dry-run');

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.calls).toEqual([]);
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: planned',
      'authorize 61617: planned',
      'revoke sgr-0aaaaaaaaaaaaaaaa: planned',
    ]);
    expect(report.actions.every((a) => a.undo?.startsWith('aws ec2 '))).toBe(true);
    expect(report.failed).toBe(false);
  });

  it('re-reads the rules once, authorizes the kept ports, then revokes exactly the wide rule', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]);
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.calls[0]).toEqual({ operation: 'DescribeSecurityGroupRules', groupIds: [GROUP_ID] });
    expect(ec2.calls.filter((c) => c.operation === 'DescribeSecurityGroupRules')).toHaveLength(1);
    expect(writeLines(ec2)).toEqual([
      'authorize tcp 8162-8162 0.0.0.0/0',
      'authorize tcp 61617-61617 0.0.0.0/0',
      `revoke ${GROUP_ID} sgr-0aaaaaaaaaaaaaaaa`,
    ]);
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: done',
      'authorize 61617: done',
      'revoke sgr-0aaaaaaaaaaaaaaaa: done',
    ]);
    const created = report.actions[0]?.createdRuleIds ?? [];
    expect(created).toHaveLength(1);
    expect(report.actions[0]?.undo).toBe(
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${GROUP_ID} --security-group-rule-ids ${created[0]}`,
    );
    expect(report.actions[2]?.undo).toMatch(
      /^aws ec2 authorize-security-group-ingress .*"FromPort":0,"ToPort":65535/,
    );
    expect(report.failed).toBe(false);
  });

  it('writes nothing when run again after success', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]);
    const plan = planOf([wide]);
    await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });
    const writes = ec2.writes.length;

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.writes).toHaveLength(writes);
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: skipped',
      'authorize 61617: skipped',
      'revoke sgr-0aaaaaaaaaaaaaaaa: already-gone',
    ]);
    expect(report.failed).toBe(false);
  });

  it('adds no narrowed rule when the wide rule is already gone', async () => {
    // Prepare
    const ec2 = new FakeEc2([]);
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.writes).toEqual([]);
    expect(report.actions[0]?.reason).toBe(
      'the wide rule sgr-0aaaaaaaaaaaaaaaa no longer exists; nothing to narrow',
    );
    expect(report.actions[2]?.status).toBe('already-gone');
  });

  it.each<[string, IngressRule, RegExp]>([
    ['its ports changed', { ...wide, toPort: 1024 }, /^rule changed since evaluation$/],
    ['its source changed', { ...wide, source: VPC }, /^rule changed since evaluation$/],
    ['it was exempted', { ...wide, tags: { 'mq-guardian:allow': 'ok' } }, /exempted/],
  ])('leaves a rule alone when %s since evaluation', async (_name, now, reason) => {
    // Prepare
    const ec2 = new FakeEc2([now]);
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.writes).toEqual([]);
    expect(report.actions.map((a) => a.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(report.actions.every((a) => reason.test(a.reason ?? ''))).toBe(true);
    expect(report.failed).toBe(false);
  });

  it('does not revoke when a rule the narrowing relied on disappeared since evaluation', async () => {
    // Prepare
    const console = anIngressRule({
      ruleId: 'sgr-0cccccccccccccccc',
      fromPort: 8162,
      toPort: 8162,
      source: WORLD,
    });
    const plan = planOf([wide, console]);
    const ec2 = new FakeEc2([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(statuses(report.actions)).toEqual([
      'authorize 61617: skipped',
      'revoke sgr-0aaaaaaaaaaaaaaaa: skipped',
    ]);
    expect(report.actions[1]?.reason).toMatch(/rules this narrowing relies on changed/);
    expect(ec2.writes).toEqual([]);
  });

  it('keeps the wide rule and reports failure when an authorize fails', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext(
      'AuthorizeSecurityGroupIngress',
      'RulesPerSecurityGroupLimitExceeded',
    );
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(writeLines(ec2)).toEqual([
      'authorize tcp 8162-8162 0.0.0.0/0',
      'authorize tcp 61617-61617 0.0.0.0/0',
    ]);
    expect(ec2.currentRules.some((r) => r.ruleId === wide.ruleId)).toBe(true);
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: failed',
      'authorize 61617: done',
      'revoke sgr-0aaaaaaaaaaaaaaaa: skipped',
    ]);
    expect(report.actions[0]?.error).toMatch(/RulesPerSecurityGroupLimitExceeded/);
    expect(report.actions[2]?.reason).toMatch(/wide rule is kept so clients keep access/);
    expect(report.failed).toBe(true);
  });

  it('finishes a partly done remediation on the retry', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext('AuthorizeSecurityGroupIngress', 'InternalError');
    const plan = planOf([wide]);
    const first = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Act
    const retry = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(first.failed).toBe(true);
    expect(statuses(retry.actions)).toEqual([
      'authorize 8162: done',
      'authorize 61617: already-present',
      'revoke sgr-0aaaaaaaaaaaaaaaa: done',
    ]);
    expect(retry.failed).toBe(false);
    expect(ec2.currentRules.map((r) => `${r.fromPort}-${r.toPort}`).sort()).toEqual([
      '61617-61617',
      '8162-8162',
    ]);
  });

  it('retries throttled calls with growing, jittered waits', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide])
      .failNext('AuthorizeSecurityGroupIngress', 'RequestLimitExceeded', 3)
      .failNext('RevokeSecurityGroupIngress', 'Throttling', 1);
    const plan = planOf([wide]);
    const sleep = noWait();

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep, random: () => 0.5 });

    // Assess
    expect(report.failed).toBe(false);
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: done',
      'authorize 61617: done',
      'revoke sgr-0aaaaaaaaaaaaaaaa: done',
    ]);
    // The two authorizes go out together: each throttled call backs off on its own (one of them twice,
    // waiting longer the second time), then the revoke once.
    expect(sleep.mock.calls.map(([ms]) => ms).sort((a, b) => a - b)).toEqual([150, 150, 150, 300]);
    expect(ec2.writes.filter((w) => w.operation === 'AuthorizeSecurityGroupIngress')).toHaveLength(5);
  });

  it('gives up after four throttled attempts and keeps the wide rule', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext('AuthorizeSecurityGroupIngress', 'Throttling', 4);
    const plan = planOf([wide], 'enforce', [{ from: 61617, to: 61617 }]);
    const sleep = noWait();

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep });

    // Assess
    expect(sleep).toHaveBeenCalledTimes(3);
    expect(statuses(report.actions)).toEqual([
      'authorize 61617: failed',
      'revoke sgr-0aaaaaaaaaaaaaaaa: skipped',
    ]);
    expect(report.failed).toBe(true);
  });

  it('treats a revoke answered "not found" as already done', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext(
      'RevokeSecurityGroupIngress',
      'InvalidSecurityGroupRuleId.NotFound',
    );
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(report.actions[2]?.status).toBe('already-gone');
    expect(report.actions[2]?.undo).toBeUndefined();
    expect(report.failed).toBe(false);
  });

  it('reports a failed revoke as failed', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext('RevokeSecurityGroupIngress', 'UnauthorizedOperation');
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(statuses(report.actions)).toEqual([
      'authorize 8162: done',
      'authorize 61617: done',
      'revoke sgr-0aaaaaaaaaaaaaaaa: failed',
    ]);
    expect(report.failed).toBe(true);
  });

  it('writes nothing and fails every write when the rules cannot be re-read', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]).failNext('DescribeSecurityGroupRules', 'UnauthorizedOperation');
    const plan = planOf([wide]);

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.writes).toEqual([]);
    expect(report.actions.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    expect(report.actions[0]?.error).toMatch(/could not re-read the group's rules/);
    expect(report.failed).toBe(true);
  });

  it('reads nothing and writes nothing for a skipped group in enforce', async () => {
    // Prepare
    const ec2 = new FakeEc2([wide]);
    const plan = planOf([wide], 'enforce', OPENWIRE_AND_CONSOLE, { otherUsers: [aNetworkInterface()] });

    // Act
    const report = await executePlan(plan, { network: ec2, writer: ec2, sleep: noWait() });

    // Assess
    expect(ec2.calls).toEqual([]);
    expect(statuses(report.actions)).toEqual(['skip sgr-0aaaaaaaaaaaaaaaa: skipped']);
    expect(report.actions[0]?.reason).toMatch(/eni-0a1b2c3d4e5f60718/);
  });
});

describe('withThrottlingRetry', () => {
  it('does not retry an error that is not throttling', async () => {
    // Prepare
    const call = vi.fn(async () => {
      throw new AwsCallError('AuthorizeSecurityGroupIngress', 'UnauthorizedOperation', 'denied');
    });
    const sleep = noWait();

    // Act
    const outcome = withThrottlingRetry(call, sleep);

    // Assess
    await expect(outcome).rejects.toThrow('denied');
    expect(call).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it.each([
    ['Throttling', true],
    ['ThrottlingException', true],
    ['RequestLimitExceeded', true],
    ['InvalidPermission.NotFound', false],
  ])('treats %s as throttling: %s', (name, expected) => {
    // Act
    const throttling = isThrottlingError(new AwsCallError('Op', name, 'x'));

    // Assess
    expect(throttling).toBe(expected);
  });

  it('doubles the longest wait on each throttled attempt', async () => {
    // Prepare
    let attempts = 0;
    const sleep = noWait();
    const call = async () => {
      attempts += 1;
      if (attempts < 4) throw new AwsCallError('Op', 'Throttling', 'slow down');
      return 'ok';
    };

    // Act
    const result = await withThrottlingRetry(call, sleep, () => 0.999);

    // Assess
    expect(result).toBe('ok');
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([200, 400, 800]);
  });
});
