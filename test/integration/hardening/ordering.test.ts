/**
 * Duplicates and ordering: EventBridge delivers at least once and in no particular order, so the
 * same CloudTrail event can arrive twice (one after the other, or at the same time), and an
 * AuthorizeSecurityGroupIngress can be processed after the RevokeSecurityGroupIngress that undid it.
 * on-ingress-event as deployed (alerting on), against a recorded account that EC2 writes change.
 * These tests hold remediation; alerts.test.ts holds what the same deliveries announce.
 */
import { describe, expect, it } from 'vitest';
import { NARROWED_FROM_TAG } from '../../../shared/remediation/plan.ts';
import type { Item, SdkCall } from '../../support/sdk-account.ts';
import { accessOf, CONTEXTS, IDS, remediationRequest, run, sample, useDemoStack } from './support.ts';

// The logger returns to POWERTOOLS_LOG_LEVEL at every warm invocation: set it there.
const { account, handlers } = useDemoStack({ POWERTOOLS_LOG_LEVEL: 'SILENT' });

const ALL_GROUPS = [
  IDS.ordersGroup,
  'sg-0a1b2c3d4e5f60002',
  'sg-0a1b2c3d4e5f60004',
  IDS.billingGroup,
  IDS.shippingGroup,
  'sg-0a1b2c3d4e5f60007',
  IDS.notificationsGroup,
  'sg-0a1b2c3d4e5f60009',
  'sg-0a1b2c3d4e5f6000a',
];

const EC2_EVENTS = [
  'ec2-authorize-security-group-ingress-all-tcp-private.json',
  'ec2-authorize-security-group-ingress-group-name.json',
  'ec2-authorize-security-group-ingress-sgref-cfn.json',
  'ec2-authorize-security-group-ingress-shared-group-ssh.json',
  'ec2-authorize-security-group-ingress-web-console-cidr.json',
  'ec2-authorize-security-group-ingress-world-all-ports.json',
  'ec2-authorize-security-group-ingress-world-tcp-all-ports.json',
  'ec2-create-tags-security-group-rule.json',
  'ec2-create-tags-security-group.json',
  'ec2-delete-tags-security-group.json',
  'ec2-modify-security-group-rules-world-openwire.json',
  'ec2-revoke-security-group-ingress-by-remediator.json',
];

const isEc2Write = (call: SdkCall): boolean =>
  call.service === 'ec2' && /^(Authorize|Revoke|Modify)/.test(call.operation);

const revokedIds = (calls: readonly SdkCall[]): string[] =>
  calls
    .filter((c) => c.operation === 'RevokeSecurityGroupIngress')
    .flatMap((c) => (c.input.SecurityGroupRuleIds as string[] | undefined) ?? []);

const narrowedIds = (calls: readonly SdkCall[]): string[] =>
  calls
    .filter((c) => c.operation === 'AuthorizeSecurityGroupIngress')
    .flatMap((c) => (c.input.TagSpecifications as Item[] | undefined) ?? [])
    .flatMap((s) => (s.Tags as Item[] | undefined) ?? [])
    .filter((t) => t.Key === NARROWED_FROM_TAG)
    .map((t) => String(t.Value));

/** Rule ids an authorize event says it created. */
const createdRules = (event: Record<string, unknown>): string[] => {
  const detail = event.detail as { responseElements?: { securityGroupRuleSet?: { items?: Item[] } } };
  return (detail.responseElements?.securityGroupRuleSet?.items ?? []).map((i) =>
    String(i.securityGroupRuleId),
  );
};

describe('the same event delivered twice', () => {
  it('writes to EC2 at least once across the samples (the properties below are not vacuous)', async () => {
    // Prepare
    let writes = 0;

    // Act
    for (const name of EC2_EVENTS) {
      account.reset();
      await run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent);
      writes += account.ec2Writes().length;
    }

    // Assess
    expect(writes).toBeGreaterThanOrEqual(3);
  });

  it.each(EC2_EVENTS)('%s: the second delivery makes no EC2 write', async (name) => {
    // Prepare
    account.reset();
    const first = await run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent);
    const after = accessOf(account, ALL_GROUPS);
    account.clearCalls();

    // Act
    const second = await run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent);

    // Assess
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true });
    expect(account.calls.filter(isEc2Write)).toEqual([]);
    expect(accessOf(account, ALL_GROUPS)).toEqual(after);
  });

  it.each(EC2_EVENTS)('%s: two deliveries at the same time end as one does', async (name) => {
    // Prepare
    account.reset();
    await run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent);
    const once = accessOf(account, ALL_GROUPS);
    account.reset();

    // Act
    const [a, b] = await Promise.all([
      run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent),
      run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent),
    ]);

    // Assess: both acknowledged, the same access as after one delivery, no rule revoked twice
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(accessOf(account, ALL_GROUPS)).toEqual(once);
    const succeeded = account.calls.filter((c) => c.operation === 'RevokeSecurityGroupIngress' && !c.error);
    const ids = succeeded.flatMap((c) => c.input.SecurityGroupRuleIds as string[]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("two simultaneous deliveries really interleave: the second finds the first one's writes done", async () => {
    // Prepare
    account.reset();
    const event = () => sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');

    // Act
    const results = await Promise.all([
      run(handlers.onIngressEvent, event(), CONTEXTS.onIngressEvent),
      run(handlers.onIngressEvent, event(), CONTEXTS.onIngressEvent),
    ]);

    // Assess
    const statuses = results.map((r) =>
      r.ok
        ? (r.value as { brokers: { remediation: { status: string }[] }[] }).brokers[0]?.remediation.map(
            (a) => a.status,
          )
        : r.error,
    );
    expect(statuses.map((s) => JSON.stringify(s)).sort()).toEqual([
      JSON.stringify(['already-present', 'already-present', 'already-gone']),
      JSON.stringify(['done', 'done', 'done']),
    ]);
  });

  it('a remediation request delivered twice writes once', async () => {
    // Prepare
    account.reset();
    await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing, IDS.orders]),
      CONTEXTS.onIngressEvent,
    );
    const firstWrites = account.ec2Writes().length;
    account.clearCalls();

    // Act
    const second = await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing, IDS.orders]),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(firstWrites).toBeGreaterThan(0);
    expect(second).toMatchObject({ ok: true });
    expect(account.ec2Writes()).toEqual([]);
  });
});

describe('an authorize processed after the revoke that undid it', () => {
  const withRules = EC2_EVENTS.filter((name) => createdRules(sample(name)).length > 0);

  it('has authorize samples naming the rules they created', () => {
    // Assess
    expect(withRules.length).toBeGreaterThanOrEqual(5);
  });

  it.each(withRules)('%s: no action on the rules that no longer exist', async (name) => {
    // Prepare: the rules the event created were revoked before the event is processed.
    account.reset();
    const event = sample(name);
    const gone = createdRules(event);
    for (const ruleId of gone) account.removeRule(ruleId);

    // Act
    const result = await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

    // Assess
    expect(result).toMatchObject({ ok: true });
    expect(revokedIds(account.calls).filter((id) => gone.includes(id))).toEqual([]);
    expect(narrowedIds(account.calls).filter((id) => gone.includes(id))).toEqual([]);
    const mentioned = JSON.stringify((result as { value: unknown }).value);
    for (const ruleId of gone) expect(mentioned).not.toContain(ruleId);
  });

  it('a world-open rule authorized and revoked again, delivered revoke first, leads to no write at all', async () => {
    // Prepare: PlatformAdmin opened sgr-…0050 and closed it again; the events arrive swapped.
    account.reset();
    account.removeRule(IDS.billingWideRule);
    const authorize = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const revoke = sample('ec2-revoke-security-group-ingress-by-remediator.json');
    const detail = revoke.detail as Record<string, unknown>;
    detail.userIdentity = (authorize.detail as Record<string, unknown>).userIdentity;
    detail.requestParameters = {
      groupId: IDS.billingGroup,
      securityGroupRuleIds: { items: [{ securityGroupRuleId: IDS.billingWideRule }] },
    };

    // Act
    const first = await run(handlers.onIngressEvent, revoke, CONTEXTS.onIngressEvent);
    const second = await run(handlers.onIngressEvent, authorize, CONTEXTS.onIngressEvent);

    // Assess
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(account.ec2Writes()).toEqual([]);
    expect(accessOf(account, [IDS.billingGroup])).not.toContain(`${IDS.billingGroup} tcp 0-65535 0.0.0.0/0`);
  });

  it('the control: the same authorize, processed while its rule exists, narrows it', async () => {
    // Prepare
    account.reset();

    // Act
    const result = await run(
      handlers.onIngressEvent,
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(result).toMatchObject({ ok: true });
    expect(revokedIds(account.calls)).toEqual([IDS.billingWideRule]);
  });
});
