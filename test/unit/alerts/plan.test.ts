import { describe, expect, it } from 'vitest';
import { findingStateKey, remediationStateKey } from '../../../shared/alerts/alert.ts';
import { type AlertPlanInput, alertStateKeys, buildAlerts, planAlerts } from '../../../shared/alerts/plan.ts';
import type { AlertState } from '../../../shared/alerts/state.ts';
import { renderAlertText } from '../../../shared/alerts/text.ts';
import type { BrokerEvaluation } from '../../../shared/use-cases/evaluate.ts';
import { FakeEc2 } from '../../support/fake-ec2.ts';
import type { IngressRule } from '../../../shared/model/types.ts';
import { anIngressRule, BROKER_ID, cidrIpv4, GROUP_ID, prefixList } from '../../support/snapshot-builder.ts';
import {
  ACCOUNT,
  allTcpRule,
  amqpRule,
  authorizeActor,
  createBrokerActor,
  EVALUATED_AT,
  evaluate,
  INGRESS_CHECKS,
  ingressSnapshot,
  PUBLIC_CHECKS,
  publicSnapshot,
  REGION,
  remediateWith,
  sharedWith,
  sshRule,
  statesAfter,
} from './scenarios.ts';

const PUBLIC_KEY = findingStateKey(ACCOUNT, REGION, 'mq-broker-not-publicly-accessible', BROKER_ID);
const PROTOCOLS_KEY = findingStateKey(
  ACCOUNT,
  REGION,
  'mq-broker-ingress-limited-to-used-protocols',
  BROKER_ID,
);
const WORLD_KEY = findingStateKey(ACCOUNT, REGION, 'mq-broker-ingress-not-open-to-world', BROKER_ID);
const DAY_MS = 86_400_000;

const input = (
  evaluation: BrokerEvaluation,
  previous: ReadonlyMap<string, AlertState> = new Map(),
  extra: Partial<AlertPlanInput> = {},
): AlertPlanInput => ({
  evaluation,
  previous,
  mode: 'dry-run',
  account: ACCOUNT,
  region: REGION,
  ...extra,
});

const publicFailing = evaluate(publicSnapshot(true), PUBLIC_CHECKS);
const publicPassing = evaluate(publicSnapshot(false), PUBLIC_CHECKS);

/** The same finding turned into an ERROR (the check could not read the broker). */
const asError = (evaluation: BrokerEvaluation): BrokerEvaluation => ({
  ...evaluation,
  findings: evaluation.findings.map((f) => ({
    ...f,
    status: 'ERROR' as const,
    message: `Broker ${f.resource.name} could not be evaluated: unexpected value.`,
    evidence: undefined,
  })),
});

describe('planAlerts: findings', () => {
  it('announces a check that starts failing once, as new, with the items it fails on', () => {
    // Act
    const plan = planAlerts(input(publicFailing, new Map(), { actor: createBrokerActor }));

    // Assess
    expect(plan.alerts.map((a) => [a.alert.action, a.alert.finding.change])).toEqual([['alert', 'new']]);
    expect(plan.alerts[0]?.commits).toEqual([
      expect.objectContaining({
        key: PUBLIC_KEY,
        expectedVersion: 0,
        write: expect.objectContaining({
          announced: expect.objectContaining({
            kind: 'finding',
            status: 'FAIL',
            items: ['PubliclyAccessible'],
            since: createBrokerActor.eventTime,
            eventId: createBrokerActor.eventId,
          }),
        }),
      }),
    ]);
  });

  it('does not announce a check that stays failing on the same items', () => {
    // Prepare
    const previous = statesAfter(planAlerts(input(publicFailing)));

    // Act
    const plan = planAlerts(input(publicFailing, previous));

    // Assess
    expect(plan.alerts).toEqual([]);
    expect(plan.refresh).toEqual([]);
  });

  it('announces a failing check again, as worsened, when it fails on a rule not announced before', () => {
    // Prepare
    const before = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);
    const after = evaluate(ingressSnapshot([sshRule, amqpRule]), INGRESS_CHECKS);
    const previous = statesAfter(planAlerts(input(before)));

    // Act
    const alerts = buildAlerts(input(after, previous));

    // Assess
    expect(alerts.map((a) => [a.checkId, a.action, a.finding.change])).toEqual([
      ['mq-broker-ingress-limited-to-used-protocols', 'alert', 'worsened'],
    ]);
  });

  it('rewrites the remembered items without an alert when a failing check fails on fewer of them', () => {
    // Prepare
    const before = evaluate(ingressSnapshot([sshRule, amqpRule]), INGRESS_CHECKS);
    const after = evaluate(ingressSnapshot([amqpRule]), INGRESS_CHECKS);
    const previous = statesAfter(planAlerts(input(before)));

    // Act
    const plan = planAlerts(input(after, previous));

    // Assess
    expect(plan.alerts).toEqual([]);
    expect(plan.refresh.map((r) => [r.key, r.expectedVersion, r.write.announced.items])).toEqual([
      [PROTOCOLS_KEY, 1, [amqpRule.ruleId]],
    ]);
  });

  it('refreshes a failing state seen again after the refresh interval, without an alert', () => {
    // Prepare
    const previous = statesAfter(planAlerts(input(publicFailing)));
    const later = new Date(EVALUATED_AT.getTime() + 8 * DAY_MS);

    // Act
    const plan = planAlerts(input(publicFailing, previous, { now: later }));

    // Assess
    expect(plan.alerts).toEqual([]);
    expect(plan.refresh).toHaveLength(1);
    expect(plan.refresh[0]?.write.seenAt).toBe(later.toISOString());
    expect(plan.refresh[0]?.write.announced.status).toBe('FAIL');
  });

  it('announces a failing check that passes once, as resolved, quoting what failed and since when', () => {
    // Prepare
    const previous = statesAfter(planAlerts(input(publicFailing, new Map(), { actor: createBrokerActor })));

    // Act
    const plan = planAlerts(input(publicPassing, previous));

    // Assess
    expect(plan.alerts.map((a) => a.alert.action)).toEqual(['resolved']);
    expect(plan.alerts[0]?.alert.finding).toMatchObject({
      status: 'PASS',
      previousMessage: publicFailing.findings[0]?.message,
      failingSince: createBrokerActor.eventTime,
    });
    expect(plan.alerts[0]?.commits[0]?.write.announced).toMatchObject({ status: 'PASS', items: [] });
  });

  it('announces nothing for a passing check that never failed', () => {
    // Act
    const plan = planAlerts(input(publicPassing));

    // Assess
    expect(plan).toEqual({ alerts: [], refresh: [], securityHub: [] });
  });

  it('announces a check that cannot be evaluated as an error', () => {
    // Act
    const alerts = buildAlerts(input(asError(publicPassing)));

    // Assess
    expect(alerts.map((a) => [a.action, a.finding.status])).toEqual([['error', 'ERROR']]);
  });

  it('announces once that a failing check can no longer be judged, saying what the failure was', () => {
    // Prepare
    const failing = planAlerts(input(publicFailing));
    const previous = statesAfter(failing);

    // Act
    const duringError = planAlerts(input(asError(publicFailing), previous));
    const retried = planAlerts(input(asError(publicFailing), statesAfter(duringError, previous)));

    // Assess
    expect(duringError.alerts.map((a) => [a.alert.action, a.alert.finding.status])).toEqual([
      ['error', 'ERROR'],
    ]);
    const failure = publicFailing.findings[0]?.message;
    expect(duringError.alerts[0]?.alert.finding.previousMessage).toBe(failure);
    expect(duringError.alerts[0]?.alert.finding.failingSince).toBe(EVALUATED_AT.toISOString());
    expect(renderAlertText(duringError.alerts[0]!.alert)).toContain(`Was: ${failure}`);
    expect(retried.alerts).toEqual([]);
    expect(retried.refresh).toEqual([]);
  });

  it('keeps the failure through an ERROR, so judging it again announces only what is new', () => {
    // Prepare
    const first = planAlerts(input(publicFailing));
    const duringError = planAlerts(input(asError(publicFailing), statesAfter(first)));
    const previous = statesAfter(duringError, statesAfter(first));

    // Act
    const afterwards = planAlerts(input(publicFailing, previous));

    // Assess
    expect(afterwards.alerts).toEqual([]);
  });

  it('announces a failure confirmed after an error as new', () => {
    // Prepare
    const previous = statesAfter(planAlerts(input(asError(publicPassing))));

    // Act
    const alerts = buildAlerts(input(publicFailing, previous));

    // Assess
    expect(alerts.map((a) => [a.action, a.finding.change])).toEqual([['alert', 'new']]);
  });

  it('reads an expired state as absent and announces again with a new alert id', () => {
    // Prepare
    const first = planAlerts(input(publicFailing));
    const previous = statesAfter(first);
    const afterTtl = new Date(EVALUATED_AT.getTime() + 31 * DAY_MS);

    // Act
    const again = planAlerts(input(publicFailing, previous, { now: afterTtl }));

    // Assess
    expect(again.alerts).toHaveLength(1);
    expect(again.alerts[0]?.commits[0]?.expectedVersion).toBe(1);
    expect(again.alerts[0]?.alert.id).not.toBe(first.alerts[0]?.alert.id);
  });

  it('gives the same alert id to the same change planned twice (a re-delivery)', () => {
    // Act
    const [first] = buildAlerts(input(publicFailing, new Map(), { actor: createBrokerActor }));
    const [second] = buildAlerts(input(publicFailing, new Map(), { actor: createBrokerActor }));

    // Assess
    expect(first?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(second?.id).toBe(first?.id);
  });
});

describe('planAlerts: remediation', () => {
  it('tells a new finding inside the revoke that remediates it: one alert, committing both keys', async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');

    // Act
    const plan = planAlerts(
      input(evaluation, new Map(), { remediation, mode: 'enforce', actor: authorizeActor }),
    );

    // Assess
    expect(plan.alerts.map((a) => a.alert.action)).toEqual(['revoked']);
    expect(plan.alerts[0]?.alert.finding.change).toBe('new');
    expect(plan.alerts[0]?.commits.map((c) => c.key)).toEqual([
      remediationStateKey(ACCOUNT, REGION, BROKER_ID, sshRule.ruleId),
      PROTOCOLS_KEY,
    ]);
  });

  it('announces a planned revoke once however often dry-run plans it again', async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);
    const remediation = await remediateWith(evaluation, 'dry-run');
    const previous = statesAfter(planAlerts(input(evaluation, new Map(), { remediation })));

    // Act
    const again = planAlerts(
      input(evaluation, previous, { remediation: await remediateWith(evaluation, 'dry-run') }),
    );

    // Assess
    expect(again.alerts).toEqual([]);
  });

  it('announces the revoke when the mode changes from dry-run to enforce', async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);
    const previous = statesAfter(
      planAlerts(input(evaluation, new Map(), { remediation: await remediateWith(evaluation, 'dry-run') })),
    );

    // Act
    const alerts = buildAlerts(
      input(evaluation, previous, {
        remediation: await remediateWith(evaluation, 'enforce'),
        mode: 'enforce',
      }),
    );

    // Assess
    expect(alerts.map((a) => [a.action, a.remediation.status, a.finding.change])).toEqual([
      ['revoked', 'done', undefined],
    ]);
  });

  it('announces nothing for a duplicate delivery whose revoke finds the rule already gone', async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'enforce');
    const ec2 = new FakeEc2([sshRule]);
    const first = await remediateWith(evaluation, 'enforce', ec2);
    const previous = statesAfter(
      planAlerts(input(evaluation, new Map(), { remediation: first, mode: 'enforce' })),
    );

    // Act
    const duplicate = await remediateWith(evaluation, 'enforce', ec2);
    const plan = planAlerts(input(evaluation, previous, { remediation: duplicate, mode: 'enforce' }));

    // Assess
    expect(duplicate.actions.map((a) => a.status)).toEqual(['already-gone']);
    expect(plan.alerts).toEqual([]);
  });

  it('announces a rule left alone once, even when the reason names other interfaces later', async () => {
    // Prepare
    const first = evaluate(ingressSnapshot([sshRule], [sharedWith]), INGRESS_CHECKS, 'enforce');
    const previous = statesAfter(
      planAlerts(
        input(first, new Map(), { remediation: await remediateWith(first, 'enforce'), mode: 'enforce' }),
      ),
    );
    const more = evaluate(
      ingressSnapshot(
        [sshRule],
        [sharedWith, { ...sharedWith, networkInterfaceId: 'eni-0fedcba9876543210' }],
      ),
      INGRESS_CHECKS,
      'enforce',
    );

    // Act
    const plan = planAlerts(
      input(more, previous, { remediation: await remediateWith(more, 'enforce'), mode: 'enforce' }),
    );

    // Assess
    expect(plan.alerts).toEqual([]);
  });

  it('announces a failed revoke with the undo of what was done, then the revoke once it succeeds', async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([allTcpRule]), INGRESS_CHECKS, 'enforce');
    const ec2 = new FakeEc2([allTcpRule]).failNext('RevokeSecurityGroupIngress', 'UnauthorizedOperation');
    const failed = await remediateWith(evaluation, 'enforce', ec2);

    // Act
    const failedPlan = planAlerts(input(evaluation, new Map(), { remediation: failed, mode: 'enforce' }));
    const retried = await remediateWith(evaluation, 'enforce', ec2);
    const retriedAlerts = buildAlerts(
      input(evaluation, statesAfter(failedPlan), { remediation: retried, mode: 'enforce' }),
    );

    // Assess
    const failedAlert = failedPlan.alerts[0]?.alert;
    expect(failedPlan.alerts.map((a) => a.alert.action)).toEqual(['failed']);
    expect(failedAlert?.remediation.error).toContain('UnauthorizedOperation');
    expect(failedAlert?.remediation.undo).toHaveLength(2);
    expect(
      failedAlert?.remediation.undo.every((u) => u.startsWith('aws ec2 revoke-security-group-ingress')),
    ).toBe(true);
    expect(retriedAlerts.map((a) => a.action)).toEqual(['narrowed']);
  });

  it('tells a world-open rule’s narrowing in one alert that says the narrowed rules are still open to the internet, and why', async () => {
    // Prepare
    const wide = { ...allTcpRule, source: cidrIpv4('0.0.0.0/0') };
    const evaluation = evaluate(ingressSnapshot([wide]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');
    const created = remediation.actions.flatMap((a) => a.createdRuleIds ?? []);

    // Act
    const alerts = buildAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' }));

    // Assess
    expect(created).toHaveLength(2);
    expect(alerts.map((a) => [a.action, a.severity, a.checkIds])).toEqual([
      [
        'narrowed',
        'HIGH',
        ['mq-broker-ingress-limited-to-used-protocols', 'mq-broker-ingress-not-open-to-world'],
      ],
    ]);
    const [alert] = alerts;
    expect(alert?.summary).toMatch(
      /^Narrowed sgr-\w+ \(tcp 0-65535 from 0\.0\.0\.0\/0\) on sg-\w+ to 8162, 61617/,
    );
    expect(alert?.remediation.stillExposed).toBe(
      `The narrowed rules ${created[0]} (tcp 8162 from 0.0.0.0/0), ${created[1]} (tcp 61617 from 0.0.0.0/0) still admit the whole internet: mq-guardian narrows a world-open rule to the ports the broker's protocols use and revokes it only when the revokeWorldIngress setting is on.`,
    );
    expect(renderAlertText(alert!)).not.toContain('not fixed automatically');
  });

  it('says what a dry-run narrowing of a world-open rule would still leave open', async () => {
    // Prepare
    const wide = { ...allTcpRule, source: cidrIpv4('0.0.0.0/0') };
    const evaluation = evaluate(ingressSnapshot([wide]), INGRESS_CHECKS, 'dry-run');

    // Act
    const [alert] = buildAlerts(
      input(evaluation, new Map(), { remediation: await remediateWith(evaluation, 'dry-run') }),
    );

    // Assess
    expect(alert?.action).toBe('would-narrow');
    expect(alert?.remediation.stillExposed).toMatch(
      /^The narrowed rules \(tcp 8162 from 0\.0\.0\.0\/0, tcp 61617 from 0\.0\.0\.0\/0\) would still admit the whole internet: .*revokeWorldIngress/,
    );
  });

  it('says, in the alert that speaks for the world-open check, what the same invocation did and what stays open', async () => {
    // Prepare: one world-open rule is narrowed; another admits the world on a used port only.
    const wide = { ...allTcpRule, source: cidrIpv4('0.0.0.0/0') };
    const onUsedPort = anIngressRule({
      ruleId: 'sgr-0aaaaaaaaaaaaaaa1',
      fromPort: 61617,
      toPort: 61617,
      source: cidrIpv4('0.0.0.0/0'),
    });
    const evaluation = evaluate(ingressSnapshot([wide, onUsedPort]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');
    const created = remediation.actions.flatMap((a) => a.createdRuleIds ?? []);

    // Act
    const alerts = buildAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' }));

    // Assess
    const world = alerts.find((a) => a.checkIds.includes('mq-broker-ingress-not-open-to-world'));
    expect(world?.remediation.stillExposed).toContain(`${created[0]} (tcp 8162 from 0.0.0.0/0)`);
    expect(world?.remediation.stillExposed).toContain('revokeWorldIngress');
    const said = [world?.remediation.summary ?? '', ...(world?.remediation.taken ?? [])].join(' ');
    expect(said).toMatch(
      new RegExp(`Narrowed ${wide.ruleId} .* to 8162, 61617: authorized ${created[0]} first`),
    );
    const text = renderAlertText(world!);
    expect(text).not.toContain('not fixed automatically');
  });

  it('counts the rules a narrowing created as announced, so they never come back as new', async () => {
    // Prepare
    const wide = { ...allTcpRule, source: cidrIpv4('0.0.0.0/0') };
    const ec2 = new FakeEc2([wide]);
    const evaluation = evaluate(ingressSnapshot([wide]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce', ec2);
    const previous = statesAfter(planAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' })));
    const narrowed = evaluate(ingressSnapshot(ec2.currentRules), INGRESS_CHECKS, 'enforce');

    // Act
    const plan = planAlerts(input(narrowed, previous, { mode: 'enforce' }));

    // Assess
    expect(narrowed.findings.map((f) => f.status)).toEqual(['PASS', 'FAIL']);
    expect(previous.get(WORLD_KEY)?.announced?.items).toEqual(
      [wide.ruleId, ...ec2.currentRules.map((r) => r.ruleId)].sort(),
    );
    expect(plan.alerts.map((a) => a.alert.action)).toEqual(['resolved']);
  });
});

describe('planAlerts: rules from a managed prefix list that admits the world', () => {
  const LIST = 'pl-0ca5e0000000000c1';
  /** The group's rules, with the list read as holding a private range and 0.0.0.0/0. */
  const withWorldList = (rules: readonly IngressRule[]) => {
    const snapshot = ingressSnapshot(rules);
    return {
      ...snapshot,
      securityGroups: snapshot.securityGroups.map((g) => ({
        ...g,
        prefixLists: [
          {
            status: 'read' as const,
            list: {
              prefixListId: LIST,
              name: 'partner-gateways',
              version: 3,
              entries: [{ cidr: '10.0.0.0/8' }, { cidr: '0.0.0.0/0' }],
            },
          },
        ],
      })),
    };
  };
  const listRule = (fromPort: number, toPort: number) =>
    anIngressRule({ ruleId: 'sgr-0ca5e0000000000a1', fromPort, toPort, source: prefixList(LIST) });
  const LIST_WHY = `prefix list ${LIST} (partner-gateways) holds 0.0.0.0/0, and mq-guardian never revokes a rule for what its prefix list holds`;

  it('says the rules a narrowing authorized from the list still admit the whole internet, and why', async () => {
    // Prepare: all TCP from the list; the broker uses the console and OpenWire.
    const evaluation = evaluate(withWorldList([listRule(0, 65535)]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');
    const created = remediation.actions.flatMap((a) => a.createdRuleIds ?? []);

    // Act
    const alerts = buildAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' }));

    // Assess
    expect(created).toHaveLength(2);
    const narrowed = alerts.find((a) => a.action === 'narrowed');
    expect(narrowed?.remediation.stillExposed).toBe(
      `The narrowed rules ${created[0]} (tcp 8162 from prefix list ${LIST}), ${created[1]} (tcp 61617 from prefix list ${LIST}) still admit the whole internet: ${LIST_WHY}.`,
    );
    expect(renderAlertText(narrowed!)).toContain(`Still exposed: The narrowed rules ${created[0]}`);
  });

  it('names a list rule the invocation left unchanged beside a narrowed one, each with its own reason', async () => {
    // Prepare: a world-open all-TCP rule is narrowed; the list rule opens only OpenWire, which is used.
    const wide = { ...allTcpRule, source: cidrIpv4('0.0.0.0/0') };
    const evaluation = evaluate(withWorldList([wide, listRule(61617, 61617)]), INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');
    const created = remediation.actions.flatMap((a) => a.createdRuleIds ?? []);

    // Act
    const alerts = buildAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' }));

    // Assess
    const world = alerts.find((a) => a.checkIds.includes('mq-broker-ingress-not-open-to-world'));
    expect(world?.remediation.stillExposed).toBe(
      `${created[0]} (tcp 8162 from 0.0.0.0/0); ${created[1]} (tcp 61617 from 0.0.0.0/0); sgr-0ca5e0000000000a1 (tcp 61617 from prefix list ${LIST}): mq-guardian narrows a world-open rule to the ports the broker's protocols use and revokes it only when the revokeWorldIngress setting is on; ${LIST_WHY}.`,
    );
  });

  it('says nothing is still exposed through a list the world finding does not name', async () => {
    // Prepare: the same narrowing, from a list of private ranges only.
    const snapshot = withWorldList([listRule(0, 65535)]);
    const privateOnly = {
      ...snapshot,
      securityGroups: snapshot.securityGroups.map((g) => ({
        ...g,
        prefixLists: [
          { status: 'read' as const, list: { prefixListId: LIST, entries: [{ cidr: '10.0.0.0/8' }] } },
        ],
      })),
    };
    const evaluation = evaluate(privateOnly, INGRESS_CHECKS, 'enforce');
    const remediation = await remediateWith(evaluation, 'enforce');

    // Act
    const alerts = buildAlerts(input(evaluation, new Map(), { remediation, mode: 'enforce' }));

    // Assess
    expect(alerts.map((a) => a.action)).toEqual(['narrowed']);
    expect(alerts[0]?.remediation.stillExposed).toBeUndefined();
  });
});

describe('planAlerts: Security Hub', () => {
  it('imports a failing check as FAILED / ACTIVE with a stable id and the default product', () => {
    // Act
    const plan = planAlerts(input(publicFailing, new Map(), { actor: createBrokerActor }));

    // Assess
    expect(plan.securityHub).toHaveLength(1);
    expect(plan.securityHub[0]?.finding).toMatchObject({
      Id: PUBLIC_KEY,
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      Compliance: { Status: 'FAILED' },
      RecordState: 'ACTIVE',
      FirstObservedAt: createBrokerActor.eventTime,
    });
  });

  it('imports nothing again while Security Hub holds the same status', () => {
    // Prepare
    const first = planAlerts(input(publicFailing));
    const held = statesAfter(first);
    const update = first.securityHub[0]!;
    held.set(update.key, { ...held.get(update.key)!, securityHub: update.state });

    // Act
    const plan = planAlerts(input(publicFailing, held));

    // Assess
    expect(plan.securityHub).toEqual([]);
  });

  it('updates the same finding to PASSED / ARCHIVED when the check clears, keeping CreatedAt', () => {
    // Prepare
    const first = planAlerts(input(publicFailing));
    const held = statesAfter(first);
    const update = first.securityHub[0]!;
    held.set(update.key, {
      ...held.get(update.key)!,
      securityHub: { ...update.state, createdAt: '2025-01-01T00:00:00.000Z' },
    });

    // Act
    const plan = planAlerts(input(publicPassing, held));

    // Assess
    expect(plan.securityHub.map((u) => u.finding)).toEqual([
      expect.objectContaining({
        Id: PUBLIC_KEY,
        CreatedAt: '2025-01-01T00:00:00.000Z',
        Compliance: { Status: 'PASSED' },
        RecordState: 'ARCHIVED',
      }),
    ]);
  });

  it('imports a check that cannot be evaluated as NOT_AVAILABLE', () => {
    // Act
    const plan = planAlerts(input(asError(publicPassing)));

    // Assess
    expect(plan.securityHub.map((u) => u.state.status)).toEqual(['NOT_AVAILABLE']);
  });

  it('names the broker and the offending security groups as resources', () => {
    // Act
    const plan = planAlerts(input(evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS)));

    // Assess
    expect(plan.securityHub[0]?.finding.Resources.map((r) => [r.Type, r.Id])).toEqual([
      ['AwsAmazonMQBroker', `arn:aws:mq:${REGION}:${ACCOUNT}:broker:orders-prod:${BROKER_ID}`],
      ['AwsEc2SecurityGroup', `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${GROUP_ID}`],
    ]);
  });
});

describe('alertStateKeys', () => {
  it("lists one key per finding, one per rule of the remediation report, and the broker's outbox", async () => {
    // Prepare
    const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);
    const remediation = await remediateWith(evaluation, 'dry-run');

    // Act
    const keys = alertStateKeys(evaluation, ACCOUNT, REGION, remediation);

    // Assess
    expect(keys).toEqual([
      PROTOCOLS_KEY,
      WORLD_KEY,
      `${ACCOUNT}/${REGION}/remediation/${BROKER_ID}/${sshRule.ruleId}`,
      `${ACCOUNT}/${REGION}/outbox/${BROKER_ID}`,
    ]);
  });
});
