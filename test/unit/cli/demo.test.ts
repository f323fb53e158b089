/**
 * `mq-guardian demo` as a person reads it, and the demo account against the sample events: every
 * event is replayed against the account as that event left it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accountAfterEvent,
  accountForEvent,
  cloudTrailRecord,
  ruleIdsNamed,
  rulesCreated,
} from '../../../shared/cli/demo-state.ts';
import { DEMO_WIDTH, wrapCommand } from '../../../shared/cli/demo-text.ts';
import { main } from '../../../shared/cli/main.ts';
import type { ReplayResult } from '../../../shared/cli/replay.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const eventsDir = join(root, 'events');
const readJson = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const ACCOUNT = readJson(join(eventsDir, 'accounts', 'demo-account.json'));
const EVENT_FILES = readdirSync(eventsDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

type Rule = Record<string, unknown>;
const rulesOf = (account: unknown): Rule[] => (account as { securityGroupRules: Rule[] }).securityGroupRules;
const rule = (account: unknown, id: string): Rule | undefined =>
  rulesOf(account).find((r) => r.SecurityGroupRuleId === id);

const demo = async (...args: string[]): Promise<string> => {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const code = await main(['demo', ...args]);
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return out;
};

describe('the demo account', () => {
  it.each(EVENT_FILES)('holds every rule %s created as the event created it', (file) => {
    // Arrange
    const record = cloudTrailRecord(readJson(join(eventsDir, file)));
    const created =
      (record?.responseElements as { securityGroupRuleSet?: { items?: Rule[] } } | null | undefined)
        ?.securityGroupRuleSet?.items ?? [];

    // Assess
    for (const made of created) {
      const held = rule(ACCOUNT, String(made.securityGroupRuleId));
      expect(held, String(made.securityGroupRuleId)).toMatchObject({
        GroupId: made.groupId,
        IsEgress: made.isEgress,
        IpProtocol: made.ipProtocol,
        FromPort: made.fromPort,
        ToPort: made.toPort,
        ...(made.cidrIpv4 ? { CidrIpv4: made.cidrIpv4 } : {}),
        ...(made.cidrIpv6 ? { CidrIpv6: made.cidrIpv6 } : {}),
      });
    }
  });
});

describe('accountAfterEvent', () => {
  it('gives a rule the source and ports a ModifySecurityGroupRules event set', () => {
    // Act
    const after = accountAfterEvent(
      ACCOUNT,
      readJson(join(eventsDir, 'ec2-modify-security-group-rules-world-openwire.json')),
    );

    // Assess
    expect(rule(after, 'sgr-0a1b2c3d4e5f60004')).toEqual({
      SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60004',
      GroupId: 'sg-0a1b2c3d4e5f60001',
      GroupOwnerId: '123456789012',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 61617,
      ToPort: 61617,
      CidrIpv4: '0.0.0.0/0',
      Description: 'temporary partner access',
      Tags: [],
    });
    expect(rule(ACCOUNT, 'sgr-0a1b2c3d4e5f60004')).toMatchObject({ FromPort: 0, CidrIpv4: '10.20.0.0/16' });
  });

  it('removes the rules a RevokeSecurityGroupIngress event revoked, and only those', () => {
    // Act
    const after = accountAfterEvent(
      ACCOUNT,
      readJson(join(eventsDir, 'ec2-revoke-security-group-ingress-by-remediator.json')),
    );

    // Assess
    expect(rule(after, 'sgr-0a1b2c3d4e5f60004')).toBeUndefined();
    expect(rulesOf(after)).toHaveLength(rulesOf(ACCOUNT).length - 1);
  });

  it('leaves the account as recorded for a call that failed', () => {
    // Act
    const after = accountAfterEvent(
      ACCOUNT,
      readJson(join(eventsDir, 'negative-ec2-authorize-failed-call.json')),
    );

    // Assess
    expect(after).toBe(ACCOUNT);
  });
});

describe('accountForEvent', () => {
  const ALL_CREATED = new Set(EVENT_FILES.flatMap((f) => rulesCreated(readJson(join(eventsDir, f)))));
  const elsewhere = (file: string) => {
    const own = rulesCreated(readJson(join(eventsDir, file)));
    return new Set([...ALL_CREATED].filter((id) => !own.includes(id)));
  };

  it('finds the rules the sample authorize events created (the property below is not vacuous)', () => {
    // Assess
    expect([...ALL_CREATED].sort()).toEqual(
      expect.arrayContaining(['sgr-0a1b2c3d4e5f60001', 'sgr-0a1b2c3d4e5f60004', 'sgr-0a1b2c3d4e5f60050']),
    );
  });

  it('leaves out the rules other sample events created, and keeps the event’s own', () => {
    // Arrange
    const file = 'ec2-authorize-security-group-ingress-all-tcp-private.json';

    // Act
    const after = accountForEvent(ACCOUNT, readJson(join(eventsDir, file)), elsewhere(file));

    // Assess
    expect(rule(after, 'sgr-0a1b2c3d4e5f60004')).toBeDefined();
    for (const id of elsewhere(file)) expect(rule(after, id), id).toBeUndefined();
    expect(rulesOf(after)).toHaveLength(rulesOf(ACCOUNT).length - elsewhere(file).size);
  });

  it('keeps a rule another event created when the event names it, as the event left it', () => {
    // Arrange
    const file = 'ec2-modify-security-group-rules-world-openwire.json';

    // Act
    const after = accountForEvent(ACCOUNT, readJson(join(eventsDir, file)), ALL_CREATED);

    // Assess
    expect(rule(after, 'sgr-0a1b2c3d4e5f60004')).toMatchObject({ FromPort: 61617, CidrIpv4: '0.0.0.0/0' });
    expect(rule(after, 'sgr-0a1b2c3d4e5f60003')).toBeUndefined();
  });
});

describe('wrapCommand', () => {
  const undo =
    "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0a1b2c3d4e5f60005 --ip-permissions '" +
    '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Opened, for the data-centre migration"}]}]' +
    "'";

  it('fits the width and still says the same command to a shell', () => {
    // Act
    const lines = wrapCommand(undo, 64);

    // Assess
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(64);
    const joined = lines.join('\n').replace(/ \\\n\s*/g, ' ');
    const [command, json] = joined.split(" '");
    expect(command).toBe(undo.split(" '")[0]);
    expect(JSON.parse((json ?? '').replace(/'$/, ''))).toEqual(
      JSON.parse(undo.split(" '")[1]?.slice(0, -1) ?? ''),
    );
  });
});

describe('mq-guardian demo', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it(`prints no line wider than ${DEMO_WIDTH} columns`, async () => {
    // Act
    const out = await demo();

    // Assess
    const wide = out.split('\n').filter((line) => [...line].length > DEMO_WIDTH);
    expect(wide).toEqual([]);
  });

  it('says of a quiet event that evaluated no broker that no broker was affected', async () => {
    // Act
    const out = await demo();

    // Assess
    const quiet = out.slice(out.indexOf('\nEvents with nothing to act on:\n'));
    expect(quiet).toContain(
      '  ec2-authorize-security-group-ingress-group-name.json: network interfaces of sg-0a1b2c3d4e5f60009\n' +
        '    (no broker affected)',
    );
  });

  it('shows each finding, plan, undo and alert once, and names every event once', async () => {
    // Act
    const out = await demo();

    // Assess
    const stories = out.slice(out.indexOf('\n── '));
    const items: string[] = [];
    let current: string[] | undefined;
    for (const line of stories.split('\n')) {
      if (/^ {3}(detect|plan|undo|alert|ignored) /.test(line)) {
        current = [line];
        items.push('');
      } else if (current && line.startsWith(' '.repeat(13))) {
        current.push(line);
      } else {
        current = undefined;
        continue;
      }
      items[items.length - 1] = current.join('\n');
    }
    expect(items.length).toBeGreaterThan(0);
    expect(items.filter((item, i) => items.indexOf(item) !== i)).toEqual([]);
    for (const file of EVENT_FILES) expect(stories.split(file).length - 1, file).toBe(1);
  });

  it('shows the change made by its own remediation role as ignored, with no plan', async () => {
    // Act
    const out = await demo();

    // Assess
    const block = out.slice(out.indexOf('── ec2-revoke-security-group-ingress-by-remediator.json'));
    const story = block.slice(0, block.indexOf('\n\n'));
    expect(story).toMatch(/ignored +the change was made by mq-guardian's own remediation role/);
    expect(story).not.toMatch(/^ {3}plan /m);
  });

  it('shows a change by another role, given as --remediation-role, as nobody’s own', async () => {
    // Act
    const out = await demo('--remediation-role', 'arn:aws:iam::123456789012:role/someone-else');

    // Assess
    expect(out).toContain('arn:aws:iam::123456789012:role/someone-else');
    const block = out.slice(out.indexOf('── ec2-revoke-security-group-ingress-by-remediator.json'));
    expect(block.slice(0, block.indexOf('\n\n'))).not.toMatch(/own remediation role/);
  });

  it('tells each event’s story with its own rules: no plan or alert names a rule another sample event created', async () => {
    // Arrange
    const created = new Map(EVENT_FILES.map((f) => [f, rulesCreated(readJson(join(eventsDir, f)))]));

    // Act
    const { events } = JSON.parse(await demo('--json')) as {
      events: { file: string; result?: ReplayResult }[];
    };

    // Assess
    let named = 0;
    for (const { file, result } of events) {
      if (!result) continue;
      const record = cloudTrailRecord(readJson(join(eventsDir, file)));
      const own = record ? ruleIdsNamed(record) : new Set<string>();
      const others = [...created].flatMap(([f, ids]) => (f === file ? [] : ids)).filter((id) => !own.has(id));
      const told = JSON.stringify([result.remediation, result.alerts.map((a) => a.text)]);
      named += (told.match(/sgr-[0-9a-f]+/g) ?? []).length;
      for (const id of others) expect(told, `${file} names ${id}`).not.toContain(id);
    }
    expect(named).toBeGreaterThan(0);
  });

  it('shows the rule a ModifySecurityGroupRules event changed as the event left it, and no other revoke', async () => {
    // Act
    const out = await demo();

    // Assess
    const block = out.slice(out.indexOf('── ec2-modify-security-group-rules-world-openwire.json'));
    const story = block.slice(0, block.indexOf('\n\n'));
    expect(story.replace(/\s+/g, ' ')).toContain('sgr-0a1b2c3d4e5f60004 tcp 61617 from 0.0.0.0/0');
    expect(story).not.toMatch(/Revoke|Would revoke/);
  });

  it('prints every event in full with --verbose', async () => {
    // Act
    const out = await demo('--verbose');

    // Assess
    for (const file of EVENT_FILES) expect(out).toContain(`== ${file}:`);
  });
});
