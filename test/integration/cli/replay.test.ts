import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { replayEvent } from '../../../shared/cli/replay.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type RemediationMode } from '../../../shared/policy/settings.ts';
import { loadRecordedAccount } from '../../../shared/recorded/recorded-account.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const STATE = join(root, 'events', 'accounts', 'demo-account.json');
const event = (name: string): unknown => JSON.parse(readFileSync(join(root, 'events', name), 'utf8'));
const NOW = new Date('2026-11-24T12:00:00Z');

const replay = async (name: string, mode: RemediationMode) => {
  const account = await loadRecordedAccount(STATE);
  const settings = { ...DEFAULT_SETTINGS, remediationMode: mode };
  const first = await replayEvent(event(name), account, { settings, now: NOW });
  return { account, first, again: () => replayEvent(event(name), account, { settings, now: NOW }) };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('replay of a world-open 0-65535 rule on a broker that uses only OpenWire and the console', () => {
  const EVENT = 'ec2-authorize-security-group-ingress-world-tcp-all-ports.json';

  it('in enforce authorizes 61617 and 8162 from 0.0.0.0/0 first, then revokes exactly that rule, and nothing else', async () => {
    // Act
    const { first } = await replay(EVENT, 'enforce');

    // Assess
    expect(first.writes.map((w) => w.operation)).toEqual([
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupIngress',
      'RevokeSecurityGroupIngress',
    ]);
    const authorized = first.writes.slice(0, 2).map((w) => {
      const [permission] = w.input.IpPermissions as {
        IpProtocol: string;
        FromPort: number;
        ToPort: number;
        IpRanges: { CidrIp: string; Description: string }[];
      }[];
      return [
        w.input.GroupId,
        permission?.IpProtocol,
        permission?.FromPort,
        permission?.ToPort,
        permission?.IpRanges[0]?.CidrIp,
      ];
    });
    expect(authorized).toEqual(
      expect.arrayContaining([
        ['sg-0a1b2c3d4e5f60005', 'tcp', 61617, 61617, '0.0.0.0/0'],
        ['sg-0a1b2c3d4e5f60005', 'tcp', 8162, 8162, '0.0.0.0/0'],
      ]),
    );
    expect(first.writes[2]?.input).toEqual({
      GroupId: 'sg-0a1b2c3d4e5f60005',
      SecurityGroupRuleIds: ['sgr-0a1b2c3d4e5f60050'],
    });
    const evaluation = first.evaluations.find(
      (e) => e.checkId === 'mq-broker-ingress-limited-to-used-protocols',
    );
    expect(evaluation?.compliance).toBe('NON_COMPLIANT');
    expect(evaluation?.annotation).toContain('sgr-0a1b2c3d4e5f60050');
  });

  it('announces the narrowing in one alert with the undo commands, text and Slack payload', async () => {
    // Act
    const { first } = await replay(EVENT, 'enforce');

    // Assess
    const narrowed = first.alerts.filter((a) => a.alert.action === 'narrowed');
    expect(narrowed).toHaveLength(1);
    expect(narrowed[0]?.alert.remediation.undo).toEqual(
      expect.arrayContaining([expect.stringContaining('aws ec2 authorize-security-group-ingress')]),
    );
    expect(narrowed[0]?.text).toContain('sgr-0a1b2c3d4e5f60050');
    expect(JSON.stringify(narrowed[0]?.slack.blocks)).toContain('sgr-0a1b2c3d4e5f60050');
  });

  it('says in its HIGH alert what was revoked, which rules took its place and that they are still open to the internet', async () => {
    // Act
    const { first } = await replay(EVENT, 'enforce');

    // Assess
    const done = first.remediation.filter((a) => a.status === 'done');
    const revoked = done.filter((a) => a.kind === 'revoke').map((a) => a.ruleId);
    const authored = done
      .filter((a) => a.kind === 'authorize')
      .map((a) => ({
        id: /--security-group-rule-ids (sgr-\w+)/.exec(a.undo ?? '')?.[1] ?? '',
        port: /^Authorize tcp (\d+) from 0\.0\.0\.0\/0 /.exec(a.summary)?.[1] ?? '',
      }));
    expect(revoked).toEqual(['sgr-0a1b2c3d4e5f60050']);
    expect(authored.map((a) => a.port).toSorted()).toEqual(['61617', '8162']);
    const high = first.alerts.filter((a) => a.alert.severity === 'HIGH');
    expect(high).toHaveLength(1);
    const text = high[0]?.text ?? '';
    expect(high[0]?.alert.checkIds).toContain('mq-broker-ingress-not-open-to-world');
    expect(text).toContain(
      `Narrowed sgr-0a1b2c3d4e5f60050 (tcp 0-65535 from 0.0.0.0/0) on sg-0a1b2c3d4e5f60005 to 8162, 61617: ` +
        `authorized ${authored.map((a) => a.id).join(', ')} first, then revoked the wide rule.`,
    );
    const stillExposed = text.split('\n').find((line) => line.startsWith('Still exposed: ')) ?? '';
    for (const { id, port } of authored) expect(stillExposed).toContain(`${id} (tcp ${port} from 0.0.0.0/0)`);
    expect(stillExposed).toContain('still admit the whole internet');
    expect(stillExposed).toContain('revokeWorldIngress');
    expect(high[0]?.text).not.toContain('not fixed automatically');
  });

  it('announces the same plan in dry-run and writes nothing', async () => {
    // Act
    const { first } = await replay(EVENT, 'dry-run');

    // Assess
    expect(first.writes).toEqual([]);
    expect(first.remediation.map((a) => [a.kind, a.status])).toEqual([
      ['authorize', 'planned'],
      ['authorize', 'planned'],
      ['revoke', 'planned'],
    ]);
    const revoke = first.remediation.find((a) => a.kind === 'revoke');
    expect(revoke?.undo).toContain('aws ec2 authorize-security-group-ingress');
    expect(revoke?.undo).toContain('"FromPort":0,"ToPort":65535');
  });

  it('performs the writes once when the same event is replayed twice in enforce', async () => {
    // Prepare
    const { first, again } = await replay(EVENT, 'enforce');

    // Act
    const second = await again();

    // Assess
    expect(first.writes).toHaveLength(3);
    expect(second.writes).toEqual([]);
    expect(
      second.evaluations.find((e) => e.checkId === 'mq-broker-ingress-limited-to-used-protocols')?.compliance,
    ).toBe('COMPLIANT');
  });

  it('writes nothing and names off in mode off', async () => {
    // Act
    const { first } = await replay(EVENT, 'off');

    // Assess
    expect(first.writes).toEqual([]);
    expect(first.remediation).toEqual([]);
  });
});

describe('replay of a disallowed rule on a group an EC2 instance also uses', () => {
  it('writes nothing in enforce and states the reason', async () => {
    // Act
    const { first } = await replay('ec2-authorize-security-group-ingress-shared-group-ssh.json', 'enforce');

    // Assess
    expect(first.writes).toEqual([]);
    const skipped = first.remediation.filter((a) => a.status === 'skipped');
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.map((a) => a.ruleId)).toContain('sgr-0a1b2c3d4e5f60061');
    expect(skipped[0]?.reason ?? skipped[0]?.summary).toMatch(/eni-0a1b2c3d4e5f60101|instance|other/i);
  });
});

describe('replay of an event on a group no broker uses', () => {
  it('evaluates nothing and writes nothing', async () => {
    // Act
    const { first, account } = await replay(
      'ec2-authorize-security-group-ingress-group-name.json',
      'enforce',
    );

    // Assess
    expect(first.evaluations).toEqual([]);
    expect(first.writes).toEqual([]);
    expect(account.readCounts()).not.toHaveProperty('DescribeBroker');
  });
});

describe('replay of AWS Config invocations', () => {
  it('posts one evaluation for the changed broker with the result token', async () => {
    // Act
    const { first } = await replay('config-change-broker.json', 'dry-run');

    // Assess
    expect(first.evaluations).toEqual([
      expect.objectContaining({
        checkId: 'mq-broker-audit-logging-enabled',
        resourceType: 'AWS::AmazonMQ::Broker',
        resourceId: 'b-1a2b3c4d-0000-4000-8000-000000000001',
        compliance: 'COMPLIANT',
      }),
    ]);
    expect(first.writes).toHaveLength(1);
    expect(first.writes[0]).toMatchObject({ service: 'config', operation: 'PutEvaluations' });
    expect(first.writes[0]?.input.ResultToken).toBeTypeOf('string');
  });
});

describe('replay of a failed call', () => {
  it('ignores a call CloudTrail records with an errorCode: no evaluations, no writes', async () => {
    // Act
    const { account, first } = await replay('negative-ec2-authorize-failed-call.json', 'enforce');

    // Assess
    expect(first.resolution).toBe('ignored: failed call');
    expect(first.evaluations).toEqual([]);
    expect(first.remediation).toEqual([]);
    expect(first.writes).toEqual([]);
    expect(account.writes()).toEqual([]);
    expect(first.event.name).toBe('AuthorizeSecurityGroupIngress');
  });
});

describe('replay of a change made by mq-guardian’s own remediation role', () => {
  const EVENT = 'ec2-revoke-security-group-ingress-by-remediator.json';
  const ROLE = 'arn:aws:iam::123456789012:role/mq-guardian-dev-remediator';

  it('in enforce, knowing the role, evaluates the change and writes nothing', async () => {
    // Prepare
    const account = await loadRecordedAccount(STATE);
    const settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' as const, remediationRoleArn: ROLE };

    // Act
    const result = await replayEvent(event(EVENT), account, { settings, now: NOW });

    // Assess
    expect(result.evaluations.length).toBeGreaterThan(0);
    expect(result.writes.filter((w) => w.service === 'ec2')).toEqual([]);
    expect(result.remediationSkipped.map((s) => s.reason)).toEqual([
      expect.stringContaining("mq-guardian's own remediation role"),
    ]);
  });

  it('`mq-guardian replay --mode enforce --remediation-role` writes nothing; without the role it writes', async () => {
    // Arrange
    const { main } = await import('../../../shared/cli/main.ts');
    const args = ['replay', '--event', join(root, 'events', EVENT), '--state', STATE, '--mode', 'enforce'];
    const run = async (...more: string[]) => {
      let out = '';
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      const code = await main([...args, ...more, '--json']);
      write.mockRestore();
      return {
        code,
        result: JSON.parse(out) as { writes: { service: string }[]; remediationSkipped: unknown[] },
      };
    };

    // Act
    const own = await run('--remediation-role', ROLE);
    const someoneElse = await run();

    // Assess
    expect(own.code).toBe(0);
    expect(own.result.writes.filter((w) => w.service === 'ec2')).toEqual([]);
    expect(own.result.remediationSkipped).toHaveLength(1);
    expect(someoneElse.code).toBe(0);
    expect(someoneElse.result.writes.filter((w) => w.service === 'ec2').length).toBeGreaterThan(0);
  });

  it('is the role the demo runs with', async () => {
    // Act
    const { DEMO_SETTINGS } = await import('../../../shared/cli/demo.ts');

    // Assess
    expect(DEMO_SETTINGS.remediationRoleArn).toBe(ROLE);
  });
});
