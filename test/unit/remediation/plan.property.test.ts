/**
 * Property-based tests of the planner: random groups of rules (tcp, udp, icmp, all traffic; random
 * ranges; sources from a small pool so that they collide), random used ports, random settings.
 * The plan is simulated on the rule set and the outcome checked against what remediation promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PortRange } from '../../../shared/model/finding.ts';
import type { IngressRule, RuleSource, Tags } from '../../../shared/model/types.ts';
import { normalizeRanges, rangeCovered } from '../../../shared/network/port-range.ts';
import type { Settings } from '../../../shared/policy/settings.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import type { RemediationPlan } from '../../../shared/remediation/plan.ts';
import { planRemediation } from '../../../shared/remediation/plan.ts';
import { executePlan } from '../../../shared/remediation/execute.ts';
import { FakeEc2 } from '../../support/fake-ec2.ts';
import { portsForProtocols } from '../../../shared/network/protocol-ports.ts';
import {
  aBroker,
  aNetworkInterface,
  aSecurityGroup,
  aSnapshot,
  GROUP_ID,
} from '../../support/snapshot-builder.ts';
import { ingressFindings } from './ingress-findings.ts';

const SEED = 20250115;
const RUNS = 1000;

const SOURCES: readonly RuleSource[] = [
  { kind: 'cidrIpv4', cidr: '0.0.0.0/0' },
  { kind: 'cidrIpv4', cidr: '10.0.0.0/16' },
  { kind: 'cidrIpv6', cidr: '::/0' },
  { kind: 'prefixList', prefixListId: 'pl-0721453c7ac4ec009' },
  { kind: 'securityGroup', groupId: 'sg-1a2b3c4d', userId: '123456789012' },
];
const MQ_PORTS = [443, 5671, 8162, 8883, 15671, 61614, 61617, 61619];

const sourceKey = (source: RuleSource): string =>
  source.kind === 'prefixList'
    ? `pl:${source.prefixListId}`
    : source.kind === 'securityGroup'
      ? `sg:${source.groupId}`
      : `${source.kind}:${source.cidr}`;
const isWorld = (source: RuleSource): boolean =>
  source.kind !== 'prefixList' &&
  source.kind !== 'securityGroup' &&
  (source.cidr === '0.0.0.0/0' || source.cidr === '::/0');
const isExempt = (rule: IngressRule): boolean => Object.hasOwn(rule.tags, 'mq-guardian:allow');

const port = fc.oneof(
  fc.constantFrom(0, 65535, ...MQ_PORTS, ...MQ_PORTS.map((p) => p + 1)),
  fc.integer({ min: 0, max: 65535 }),
);

const ruleShape = fc.record({
  protocol: fc.constantFrom('tcp', 'tcp', 'tcp', '-1', 'udp', 'icmp'),
  a: port,
  b: port,
  source: fc.constantFrom(...SOURCES),
  exempt: fc.constantFrom(false, false, false, true),
});

const scenario = fc.record({
  shapes: fc.array(ruleShape, { minLength: 1, maxLength: 8 }),
  protocols: fc.subarray(['openwire', 'amqp', 'stomp', 'mqtt', 'wss', 'console'] as const, { minLength: 1 }),
  revokeWorldIngress: fc.boolean(),
  shared: fc.constantFrom('no', 'no', 'no', 'yes', 'unknown'),
  remediateSharedGroups: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const build = (s: Scenario) => {
  const rules = s.shapes.map((shape, i): IngressRule => {
    const ports =
      shape.protocol === '-1' || shape.protocol === 'icmp'
        ? { fromPort: -1, toPort: -1 }
        : {
            fromPort: Math.min(shape.a, shape.b),
            toPort: Math.max(shape.a, shape.b),
          };
    return {
      ruleId: `sgr-${String(i).padStart(17, '0')}`,
      groupId: GROUP_ID,
      protocol: shape.protocol,
      ...ports,
      source: shape.source,
      tags: shape.exempt ? ({ 'mq-guardian:allow': 'test' } as Tags) : ({} as Tags),
    };
  });
  const used: PortRange[] = normalizeRanges(portsForProtocols('ACTIVEMQ', s.protocols));
  const snapshot = aSnapshot({
    broker: aBroker({ tags: { 'mq-guardian:protocols': s.protocols.join(',') } }),
    securityGroups: [
      aSecurityGroup({
        ingressRules: rules,
        otherUsers: s.shared === 'yes' ? [aNetworkInterface()] : s.shared === 'unknown' ? null : [],
      }),
    ],
  });
  const settings: Settings = {
    ...DEFAULT_SETTINGS,
    remediationMode: 'enforce',
    revokeWorldIngress: s.revokeWorldIngress,
    remediateSharedGroups: s.remediateSharedGroups,
  };
  return { rules, used, snapshot, settings, findings: ingressFindings(snapshot, used) };
};

const usedPorts = (ranges: readonly PortRange[]): number[] =>
  ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));

interface SimRule {
  readonly ruleId: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
  readonly exempt: boolean;
}

const simulate = (rules: readonly IngressRule[], plan: RemediationPlan): SimRule[] => {
  let state: SimRule[] = rules.map((r) => ({ ...r, exempt: isExempt(r) }));
  plan.groups.forEach((group) => {
    group.actions.forEach((action, i) => {
      if (action.kind === 'authorize') {
        const { request } = action;
        state.push({ ruleId: `new-${i}`, ...request, exempt: false });
      } else if (action.kind === 'revoke') {
        state = state.filter((r) => r.ruleId !== action.ruleId);
      }
    });
  });
  return state;
};

const reaches = (rules: readonly SimRule[], source: RuleSource, p: number): boolean =>
  rules.some(
    (r) =>
      sourceKey(r.source) === sourceKey(source) &&
      (r.protocol === '-1' || (r.protocol === 'tcp' && r.fromPort <= p && p <= r.toPort)),
  );

/** Reachability is constant between rule edges: checking edges, their neighbours and the used ports is exhaustive. */
const probePorts = (rules: readonly SimRule[], used: readonly number[]): number[] =>
  [
    ...new Set([
      0,
      65535,
      ...used,
      ...rules.flatMap((r) => [r.fromPort - 1, r.fromPort, r.toPort, r.toPort + 1]),
    ]),
  ].filter((p) => p >= 0 && p <= 65535);

describe('planRemediation (properties)', () => {
  it('never removes access to a used port from a source that had it (except opted-in world revokes, which it announces)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { rules, snapshot, settings, findings, used } = build(s);
        const plan = planRemediation({ snapshot, findings, settings });
        const before = rules.map((r) => ({ ...r, exempt: isExempt(r) }));
        const after = simulate(rules, plan);
        for (const source of SOURCES) {
          for (const p of usedPorts(used)) {
            if (!reaches(before, source, p) || reaches(after, source, p)) continue;
            // The only permitted loss: world-open rules with revokeWorldIngress on, said plainly.
            expect(settings.revokeWorldIngress && isWorld(source)).toBe(true);
            const revokes = plan.groups.flatMap((g) => g.actions).filter((a) => a.kind === 'revoke');
            expect(revokes.some((a) => a.kind === 'revoke' && a.impact?.includes('lose access'))).toBe(true);
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('never leaves a disallowed port reachable through a rule it could act on', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { rules, used, snapshot, settings, findings } = build(s);
        const plan = planRemediation({ snapshot, findings, settings });
        const after = simulate(rules, plan);
        const groupSkipped = s.shared === 'unknown' || (s.shared === 'yes' && !s.remediateSharedGroups);
        if (groupSkipped) {
          expect(after).toEqual(rules.map((r) => ({ ...r, exempt: isExempt(r) })));
          expect(plan.groups.every((g) => g.skipped !== undefined)).toBe(true);
          return;
        }
        for (const rule of after.filter((r) => !r.exempt)) {
          expect(rule.protocol).toBe('tcp');
          expect(rangeCovered({ from: rule.fromPort, to: rule.toPort }, used)).toBe(true);
          if (settings.revokeWorldIngress) expect(isWorld(rule.source)).toBe(false);
        }
        for (const source of SOURCES) {
          for (const p of probePorts(after, usedPorts(used))) {
            if (usedPorts(used).includes(p)) continue;
            const through = after.filter((r) => r.exempt === false);
            expect(reaches(through, source, p)).toBe(false);
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('authorizes before it revokes, and only ports the source already reached', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { rules, snapshot, settings, findings } = build(s);
        const plan = planRemediation({ snapshot, findings, settings });
        const before = rules.map((r) => ({ ...r, exempt: isExempt(r) }));
        for (const group of plan.groups) {
          group.actions.forEach((action, i) => {
            if (action.kind !== 'authorize') return;
            const revokeAt = group.actions.findIndex(
              (a) => a.kind === 'revoke' && a.ruleId === action.narrowedFrom,
            );
            expect(revokeAt).toBeGreaterThan(i);
            const narrowed = before.find((r) => r.ruleId === action.narrowedFrom);
            expect(narrowed && sourceKey(narrowed.source)).toBe(sourceKey(action.request.source));
            const reachedBefore = normalizeRanges(
              before
                .filter((r) => sourceKey(r.source) === sourceKey(action.request.source))
                .flatMap((r) =>
                  r.protocol === '-1'
                    ? [{ from: 0, to: 65535 }]
                    : r.protocol === 'tcp'
                      ? [{ from: r.fromPort, to: r.toPort }]
                      : [],
                ),
            );
            expect(
              rangeCovered({ from: action.request.fromPort, to: action.request.toPort }, reachedBefore),
            ).toBe(true);
          });
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('executed in enforce, ends where the simulation ends, and a second run writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { rules, snapshot, settings, findings } = build(s);
        const plan = planRemediation({ snapshot, findings, settings });
        const ec2 = new FakeEc2(rules);
        const shape = (r: { protocol: string; fromPort: number; toPort: number; source: RuleSource }) =>
          `${r.protocol} ${r.fromPort}-${r.toPort} ${sourceKey(r.source)}`;

        const first = await executePlan(plan, { network: ec2, writer: ec2 });
        const writesAfterFirst = ec2.writes.length;
        const second = await executePlan(plan, { network: ec2, writer: ec2 });

        expect(first.failed).toBe(false);
        expect(second.failed).toBe(false);
        expect([...new Set(ec2.currentRules.map(shape))].sort()).toEqual(
          [...new Set(simulate(rules, plan).map(shape))].sort(),
        );
        expect(ec2.writes.length).toBe(writesAfterFirst);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
