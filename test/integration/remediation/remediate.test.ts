/**
 * The remediation use case end to end: findings from the real ingress checks, the plan, and its
 * execution over an in-memory EC2 (test/support/fake-ec2.ts). The remediation acceptance scenarios,
 * seen from the writes that reach EC2 and from the structured log.
 */
import { describe, expect, it, vi } from 'vitest';
import { check as limitedToUsedProtocols } from '../../../shared/checks/mq-broker-ingress-limited-to-used-protocols.ts';
import { check as notOpenToWorld } from '../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import { RemediationError } from '../../../shared/errors.ts';
import type { Actor } from '../../../shared/model/actor.ts';
import type { BrokerSnapshot, NetworkInterfaceUse } from '../../../shared/model/types.ts';
import type { RemediationMode, Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { RemediationReport } from '../../../shared/remediation/execute.ts';
import type { RemediationLogger } from '../../../shared/use-cases/remediate.ts';
import { RemediationFailedError, remediate } from '../../../shared/use-cases/remediate.ts';
import { FakeEc2 } from '../../support/fake-ec2.ts';
import {
  aBroker,
  aNetworkInterface,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  GROUP_ID,
} from '../../support/snapshot-builder.ts';

const REMEDIATOR = 'arn:aws:iam::123456789012:role/mq-guardian-remediator';

/** The rule an `AuthorizeSecurityGroupIngress` for 0.0.0.0/0 tcp 0-65535 created. */
const opened = anIngressRule({
  ruleId: 'sgr-0f1e2d3c4b5a69788',
  protocol: 'tcp',
  fromPort: 0,
  toPort: 65535,
  source: cidrIpv4('0.0.0.0/0'),
  description: 'debugging',
});
const vpcOpenWire = anIngressRule({ ruleId: 'sgr-01afa97ef3e1bedfc', fromPort: 61617, toPort: 61617 });

const actor: Actor = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::123456789012:assumed-role/admin/jdoe',
  roleArn: 'arn:aws:iam::123456789012:role/admin',
  sourceIpAddress: '198.51.100.23',
  eventTime: '2025-01-15T09:59:58Z',
  eventId: '0f9a8b7c-0000-4000-8000-000000000003',
  eventName: 'AuthorizeSecurityGroupIngress',
};

const settings = (remediationMode: RemediationMode): Settings => ({
  ...DEFAULT_SETTINGS,
  remediationMode,
  remediationRoleArn: REMEDIATOR,
});

/** Reads the broker's group as it is now in the fake, the way the snapshot builder would. */
const snapshotOf = (ec2: FakeEc2, otherUsers: readonly NetworkInterfaceUse[] | null = []): BrokerSnapshot =>
  aSnapshot({
    broker: aBroker({ tags: { 'mq-guardian:protocols': 'openwire,console' } }),
    securityGroups: [aSecurityGroup({ ingressRules: [...ec2.currentRules], otherUsers })],
  });

const inputOf = (snapshot: BrokerSnapshot, mode: RemediationMode, who: Actor = actor) => {
  const context = { settings: settings(mode), now: new Date('2025-01-15T10:00:00Z') };
  return {
    snapshot,
    findings: [limitedToUsedProtocols, notOpenToWorld].map((c) => c.evaluate(snapshot, context)),
    settings: context.settings,
    actor: who,
  };
};

const recordingLogger = () => {
  const entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const logger: RemediationLogger = {
    info: (message, ...extra) =>
      entries.push({ level: 'info', message, fields: Object.assign({}, ...extra) }),
    error: (message, ...extra) =>
      entries.push({ level: 'error', message, fields: Object.assign({}, ...extra) }),
  };
  return {
    logger,
    entries,
    actions: () => entries.filter((e) => e.message === 'Remediation action').map((e) => e.fields),
  };
};

const writeLines = (ec2: FakeEc2): string[] =>
  ec2.writes.map((w) =>
    w.operation === 'AuthorizeSecurityGroupIngress'
      ? `AuthorizeSecurityGroupIngress ${w.request.groupId} ${w.request.protocol} ${w.request.fromPort}-${w.request.toPort} ${JSON.stringify(w.request.source)}`
      : w.operation === 'RevokeSecurityGroupIngress'
        ? `RevokeSecurityGroupIngress ${w.groupId} ${JSON.stringify(w.ruleIds)}`
        : w.operation,
  );

const world = JSON.stringify(cidrIpv4('0.0.0.0/0'));

describe('remediate', () => {
  it('in enforce, authorizes 8162 and 61617 from 0.0.0.0/0 first, then revokes exactly the wide rule', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened, vpcOpenWire]);
    const { logger, actions } = recordingLogger();

    // Act
    const report = await remediate(inputOf(snapshotOf(ec2), 'enforce'), {
      network: ec2,
      writer: ec2,
      logger,
    });

    // Assess
    expect(writeLines(ec2)).toEqual([
      `AuthorizeSecurityGroupIngress ${GROUP_ID} tcp 8162-8162 ${world}`,
      `AuthorizeSecurityGroupIngress ${GROUP_ID} tcp 61617-61617 ${world}`,
      `RevokeSecurityGroupIngress ${GROUP_ID} ["sgr-0f1e2d3c4b5a69788"]`,
    ]);
    expect(report.failed).toBe(false);
    expect(actions().map((a) => [a.kind, a.status])).toEqual([
      ['authorize', 'done'],
      ['authorize', 'done'],
      ['revoke', 'done'],
    ]);
    expect(actions()[2]?.undo).toBe(
      `aws ec2 authorize-security-group-ingress --region us-east-1 --group-id ${GROUP_ID} --ip-permissions '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"debugging"}]}]'`,
    );
    expect(String(actions()[0]?.undo)).toMatch(
      new RegExp(
        `^aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${GROUP_ID} --security-group-rule-ids sgr-`,
      ),
    );
  });

  it('in dry-run, writes nothing and announces the same plan', async () => {
    // Prepare
    const dryEc2 = new FakeEc2([opened, vpcOpenWire]);
    const enforceEc2 = new FakeEc2([opened, vpcOpenWire]);
    const dry = recordingLogger();

    // Act
    const dryReport = await remediate(inputOf(snapshotOf(dryEc2), 'dry-run'), {
      network: dryEc2,
      writer: dryEc2,
      logger: dry.logger,
    });
    const enforced = await remediate(inputOf(snapshotOf(enforceEc2), 'enforce'), {
      network: enforceEc2,
      writer: enforceEc2,
      logger: recordingLogger().logger,
    });

    // Assess
    expect(dryEc2.calls).toEqual([]);
    expect(dryReport.actions.map((a) => a.summary)).toEqual(enforced.actions.map((a) => a.summary));
    expect(dry.actions().map((a) => a.status)).toEqual(['planned', 'planned', 'planned']);
    expect(dry.actions().map((a) => a.rule)).toEqual([
      'tcp 8162 from 0.0.0.0/0',
      'tcp 61617 from 0.0.0.0/0',
      'tcp 0-65535 from 0.0.0.0/0',
    ]);
  });

  it('writes nothing to a group an EC2 instance shares, and says why', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened, vpcOpenWire]);
    const { logger, actions } = recordingLogger();
    const instance = aNetworkInterface({
      networkInterfaceId: 'eni-0123456789abcdef0',
      instanceId: 'i-0abcdef1234567890',
    });

    // Act
    const report = await remediate(inputOf(snapshotOf(ec2, [instance]), 'enforce'), {
      network: ec2,
      writer: ec2,
      logger,
    });

    // Assess
    expect(ec2.calls).toEqual([]);
    expect(report.actions.map((a) => a.status)).toEqual(['skipped']);
    expect(actions()[0]?.reason).toMatch(/a broker's: eni-0123456789abcdef0 \(i-0abcdef1234567890\)/);
  });

  it('performs the writes once when the same event is replayed', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened, vpcOpenWire]);
    const staleInput = inputOf(snapshotOf(ec2), 'enforce');
    await remediate(staleInput, { network: ec2, writer: ec2, logger: recordingLogger().logger });
    const writes = ec2.writes.length;

    // Act
    const replayFresh = await remediate(inputOf(snapshotOf(ec2), 'enforce'), {
      network: ec2,
      writer: ec2,
      logger: recordingLogger().logger,
    });
    const replayStale = await remediate(staleInput, {
      network: ec2,
      writer: ec2,
      logger: recordingLogger().logger,
    });

    // Assess
    expect(writes).toBe(3);
    expect(ec2.writes).toHaveLength(3);
    expect(replayFresh.actions).toEqual([]);
    expect(replayStale.actions.map((a) => a.status)).toEqual(['skipped', 'skipped', 'already-gone']);
  });

  it('with revokeWorldIngress on, revokes the world-open rule outright and says clients lose access', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]);
    const snapshot = snapshotOf(ec2);
    const context = { settings: { ...settings('enforce'), revokeWorldIngress: true }, now: new Date() };
    const findings = [limitedToUsedProtocols, notOpenToWorld].map((c) => c.evaluate(snapshot, context));
    const { logger, actions } = recordingLogger();

    // Act
    await remediate(
      { snapshot, findings, settings: context.settings, actor },
      { network: ec2, writer: ec2, logger },
    );

    // Assess
    expect(writeLines(ec2)).toEqual([`RevokeSecurityGroupIngress ${GROUP_ID} ["sgr-0f1e2d3c4b5a69788"]`]);
    expect(actions()[0]?.impact).toMatch(/^Clients connecting from 0\.0\.0\.0\/0 lose access to 8162, 61617/);
  });

  it('does nothing when the protocols check could not decide (ERROR)', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]);
    const snapshot = aSnapshot({
      broker: aBroker({ tags: { 'mq-guardian:protocols': 'openwire,telnet' } }),
      securityGroups: [aSecurityGroup({ ingressRules: [...ec2.currentRules], otherUsers: [] })],
    });
    const input = inputOf(snapshot, 'enforce');

    // Act
    const report = await remediate(input, { network: ec2, writer: ec2, logger: recordingLogger().logger });

    // Assess
    expect(input.findings[0]?.status).toBe('ERROR');
    expect(report.actions).toEqual([]);
    expect(ec2.calls).toEqual([]);
  });

  it("does not remediate mq-guardian's own change", async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]);
    const self: Actor = {
      ...actor,
      arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-remediator/remediate',
      roleArn: REMEDIATOR,
    };

    // Act
    const report = await remediate(inputOf(snapshotOf(ec2), 'enforce', self), {
      network: ec2,
      writer: ec2,
      logger: recordingLogger().logger,
    });

    // Assess
    expect(ec2.calls).toEqual([]);
    expect(report.skipped?.reason).toMatch(/own remediation role/);
  });

  it('reports, then throws a RemediationError carrying the report, when an action fails', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]).failNext('AuthorizeSecurityGroupIngress', 'UnauthorizedOperation');
    const { logger, entries } = recordingLogger();
    const onReport = vi.fn(async (_report: RemediationReport) => {});

    // Act
    const outcome = remediate(inputOf(snapshotOf(ec2), 'enforce'), {
      network: ec2,
      writer: ec2,
      logger,
      onReport,
    });

    // Assess
    const error = await outcome.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RemediationError);
    expect(error).toBeInstanceOf(RemediationFailedError);
    expect((error as RemediationFailedError).report.failed).toBe(true);
    expect((error as Error).message).toMatch(/1 remediation action failed .*UnauthorizedOperation/);
    expect(onReport).toHaveBeenCalledWith((error as RemediationFailedError).report);
    expect(ec2.currentRules.map((r) => r.ruleId)).toContain(opened.ruleId);
    expect(entries.find((e) => e.level === 'error')?.message).toBe('Remediation failed');
  });

  it('still throws the remediation failure when announcing it fails', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]).failNext('RevokeSecurityGroupIngress', 'InternalError');
    const onReport = vi.fn(async () => {
      throw new Error('SNS down');
    });

    // Act
    const outcome = remediate(inputOf(snapshotOf(ec2), 'enforce'), {
      network: ec2,
      writer: ec2,
      logger: recordingLogger().logger,
      onReport,
    });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(RemediationFailedError);
    expect(onReport).toHaveBeenCalledTimes(1);
  });

  it('logs constant messages and never the actor', async () => {
    // Prepare
    const ec2 = new FakeEc2([opened]);
    const { logger, entries } = recordingLogger();

    // Act
    await remediate(inputOf(snapshotOf(ec2), 'enforce'), { network: ec2, writer: ec2, logger });

    // Assess
    expect([...new Set(entries.map((e) => e.message))]).toEqual(['Remediation plan', 'Remediation action']);
    expect(JSON.stringify(entries)).not.toContain('198.51.100.23');
    expect(JSON.stringify(entries)).not.toContain('jdoe');
  });
});
