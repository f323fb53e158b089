/**
 * The alert scenarios, built the way the deployed functions build them: findings from the
 * real checks, remediation reports from the real planner and executor over an in-memory EC2
 * (test/support/fake-ec2.ts). Shared by the golden, plan and sink tests.
 */
import { type AlertPlan, planAlerts } from '../../../shared/alerts/plan.ts';
import type { AlertState } from '../../../shared/alerts/state.ts';
import type { Check } from '../../../shared/checks/check.ts';
import { check as limitedToUsedProtocols } from '../../../shared/checks/mq-broker-ingress-limited-to-used-protocols.ts';
import { check as notOpenToWorld } from '../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import { check as notPubliclyAccessible } from '../../../shared/checks/mq-broker-not-publicly-accessible.ts';
import type { Actor } from '../../../shared/model/actor.ts';
import type { BrokerSnapshot, IngressRule, NetworkInterfaceUse } from '../../../shared/model/types.ts';
import type { RemediationMode, Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { executePlan, type RemediationReport } from '../../../shared/remediation/execute.ts';
import { planRemediation } from '../../../shared/remediation/plan.ts';
import { type BrokerEvaluation, evaluateSnapshot } from '../../../shared/use-cases/evaluate.ts';
import { FakeEc2 } from '../../support/fake-ec2.ts';
import {
  ACCOUNT,
  aBroker,
  aNetworkInterface,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  REGION,
} from '../../support/snapshot-builder.ts';

export { ACCOUNT, REGION };

export const EVALUATED_AT = new Date('2025-01-15T10:00:00.000Z');

export const INGRESS_CHECKS: readonly Check[] = [limitedToUsedProtocols, notOpenToWorld];
export const PUBLIC_CHECKS: readonly Check[] = [notPubliclyAccessible];

const settingsFor = (remediationMode: RemediationMode): Settings => ({
  ...DEFAULT_SETTINGS,
  remediationMode,
  remediationRoleArn: `arn:aws:iam::${ACCOUNT}:role/mq-guardian-remediator`,
});

export const createBrokerActor: Actor = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-admin/jdoe`,
  roleArn: `arn:aws:iam::${ACCOUNT}:role/platform-admin`,
  sourceIpAddress: '198.51.100.23',
  userAgent: 'aws-cli/2.15.0',
  eventTime: '2025-01-15T09:59:58Z',
  eventId: '0f9a8b7c-0000-4000-8000-000000000001',
  eventName: 'CreateBroker',
};

export const authorizeActor: Actor = {
  ...createBrokerActor,
  eventId: '0f9a8b7c-0000-4000-8000-000000000002',
  eventName: 'AuthorizeSecurityGroupIngress',
};

/** SSH from a documentation range: no used protocol needs it; nothing to keep. */
export const sshRule: IngressRule = anIngressRule({
  ruleId: 'sgr-0a1b2c3d4e5f60718',
  fromPort: 22,
  toPort: 22,
  source: cidrIpv4('203.0.113.0/24'),
  description: 'ops & bastion <temporary>',
});

/** Every TCP port from the VPC: narrowed to the used ports. */
export const allTcpRule: IngressRule = anIngressRule({
  ruleId: 'sgr-0f1e2d3c4b5a69788',
  fromPort: 0,
  toPort: 65535,
  source: cidrIpv4('10.0.0.0/16'),
  description: 'debugging',
});

/** Every TCP port from the whole internet: narrowed to the used ports, which stay world-open. */
export const worldAllTcpRule: IngressRule = anIngressRule({
  ruleId: 'sgr-0e1d2c3b4a5f69799',
  fromPort: 0,
  toPort: 65535,
  source: cidrIpv4('0.0.0.0/0'),
  description: 'data-centre migration',
});

/** A second disallowed rule added later. */
export const amqpRule: IngressRule = anIngressRule({
  ruleId: 'sgr-0123456789abcdef1',
  fromPort: 5671,
  toPort: 5671,
  source: cidrIpv4('10.1.0.0/16'),
});

const PROTOCOL_TAGS = { 'mq-guardian:protocols': 'openwire,console' };

export const publicSnapshot = (publiclyAccessible: boolean): BrokerSnapshot =>
  aSnapshot({ broker: aBroker({ publiclyAccessible }), capturedAt: EVALUATED_AT.toISOString() });

export const ingressSnapshot = (
  rules: readonly IngressRule[],
  otherUsers: readonly NetworkInterfaceUse[] | null = [],
): BrokerSnapshot =>
  aSnapshot({
    broker: aBroker({ tags: PROTOCOL_TAGS }),
    securityGroups: [aSecurityGroup({ ingressRules: [...rules], otherUsers })],
    capturedAt: EVALUATED_AT.toISOString(),
  });

export const evaluate = (
  snapshot: BrokerSnapshot,
  checks: readonly Check[],
  mode: RemediationMode = 'dry-run',
): BrokerEvaluation => evaluateSnapshot(snapshot, checks, { settings: settingsFor(mode), now: EVALUATED_AT });

/** What the remediating function reports for this evaluation, executed over an in-memory EC2. */
export const remediateWith = async (
  evaluation: BrokerEvaluation,
  mode: RemediationMode,
  ec2: FakeEc2 = new FakeEc2(evaluation.snapshot.securityGroups.flatMap((g) => g.ingressRules)),
  actor: Actor = authorizeActor,
): Promise<RemediationReport> => {
  const plan = planRemediation({
    snapshot: evaluation.snapshot,
    findings: evaluation.findings,
    settings: settingsFor(mode),
    actor,
  });
  return executePlan(plan, { network: ec2, writer: ec2, sleep: async () => {}, random: () => 0 });
};

export const sharedWith: NetworkInterfaceUse = aNetworkInterface({
  networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
  instanceId: 'i-1234567890abcdef0',
});

export interface Scenario {
  readonly name: string;
  readonly evaluation: BrokerEvaluation;
  readonly actor?: Actor;
  readonly remediation?: RemediationReport;
  readonly mode: RemediationMode;
  /** Announced before: `resolved` needs a failing state. */
  readonly failingBefore?: BrokerEvaluation;
}

/** The scenarios the golden files hold. */
export const goldenScenarios = async (): Promise<Scenario[]> => {
  const revokeEvaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'enforce');
  const narrowEvaluation = evaluate(ingressSnapshot([allTcpRule]), INGRESS_CHECKS, 'enforce');
  const dryRunEvaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS, 'dry-run');
  const worldEvaluation = evaluate(ingressSnapshot([worldAllTcpRule]), INGRESS_CHECKS, 'enforce');
  const sharedEvaluation = evaluate(ingressSnapshot([sshRule], [sharedWith]), INGRESS_CHECKS, 'enforce');
  return [
    {
      name: 'public-broker-created',
      evaluation: evaluate(publicSnapshot(true), PUBLIC_CHECKS),
      actor: { ...createBrokerActor },
      mode: 'dry-run',
    },
    {
      name: 'ingress-revoked-enforce',
      evaluation: revokeEvaluation,
      actor: authorizeActor,
      remediation: await remediateWith(revokeEvaluation, 'enforce'),
      mode: 'enforce',
    },
    {
      name: 'ingress-narrowed-enforce',
      evaluation: narrowEvaluation,
      actor: authorizeActor,
      remediation: await remediateWith(narrowEvaluation, 'enforce'),
      mode: 'enforce',
    },
    {
      name: 'world-ingress-narrowed-enforce',
      evaluation: worldEvaluation,
      actor: authorizeActor,
      remediation: await remediateWith(worldEvaluation, 'enforce'),
      mode: 'enforce',
    },
    {
      name: 'ingress-would-revoke-dry-run',
      evaluation: dryRunEvaluation,
      actor: authorizeActor,
      remediation: await remediateWith(dryRunEvaluation, 'dry-run'),
      mode: 'dry-run',
    },
    {
      name: 'ingress-skipped-shared-group',
      evaluation: sharedEvaluation,
      actor: authorizeActor,
      remediation: await remediateWith(sharedEvaluation, 'enforce'),
      mode: 'enforce',
    },
    {
      name: 'finding-resolved',
      evaluation: evaluate(publicSnapshot(false), PUBLIC_CHECKS),
      mode: 'dry-run',
      failingBefore: evaluate(publicSnapshot(true), PUBLIC_CHECKS),
    },
  ];
};

/** The states a store holds once every alert and refresh of `plan` was committed. */
export const statesAfter = (
  plan: AlertPlan,
  before: ReadonlyMap<string, AlertState> = new Map(),
): Map<string, AlertState> => {
  const states = new Map(before);
  const commits = [...plan.alerts.flatMap((a) => a.commits), ...plan.refresh];
  for (const commit of commits) {
    const old = states.get(commit.key);
    states.set(commit.key, {
      ...old,
      version: commit.expectedVersion + 1,
      announced: commit.write.announced,
      seenAt: commit.write.seenAt,
      expiresAt: commit.write.expiresAt,
    });
  }
  return states;
};

/** The previous states a scenario starts from. */
export const previousOf = (scenario: Scenario): Map<string, AlertState> =>
  scenario.failingBefore === undefined
    ? new Map()
    : statesAfter(
        planAlerts({
          evaluation: scenario.failingBefore,
          previous: new Map(),
          actor: createBrokerActor,
          mode: scenario.mode,
          account: ACCOUNT,
          region: REGION,
        }),
      );
