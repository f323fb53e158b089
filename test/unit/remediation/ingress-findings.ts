/**
 * Builds ingress findings from a snapshot for any set of used ports (the real checks derive the used
 * ports from tags and settings; the property tests need arbitrary ones). Each offending rule comes
 * from shared/network/rule-analysis.ts, the same analysis the ingress checks use, and the world
 * finding lists world-open rules with nothing kept, as mq-broker-ingress-not-open-to-world does.
 * Nothing here uses the planner's own helpers, so the planner is not checked against itself.
 */
import type { CheckId, Finding, OffendingRule, PortRange } from '../../../shared/model/finding.ts';
import type { BrokerSnapshot, IngressRule } from '../../../shared/model/types.ts';
import { ALL_PORTS, normalizeRanges } from '../../../shared/network/port-range.ts';
import { PROTOCOL_PORTS } from '../../../shared/network/protocol-ports.ts';
import { analyzeIngressRule } from '../../../shared/network/rule-analysis.ts';

export const OPENWIRE = 61617;
export const CONSOLE = 8162;
export const OPENWIRE_AND_CONSOLE: readonly PortRange[] = [
  { from: CONSOLE, to: CONSOLE },
  { from: OPENWIRE, to: OPENWIRE },
];

const isWorld = (rule: IngressRule): boolean =>
  (rule.source.kind === 'cidrIpv4' && rule.source.cidr === '0.0.0.0/0') ||
  (rule.source.kind === 'cidrIpv6' && rule.source.cidr === '::/0');

export const offendingRuleFor = (
  rule: IngressRule,
  used: readonly PortRange[],
): OffendingRule | undefined => {
  const analysis = analyzeIngressRule(rule, used);
  if (analysis.status === 'allowed') return undefined;
  if (analysis.status === 'invalid') throw new Error(`test rule cannot be judged: ${analysis.reason}`);
  return {
    ruleId: rule.ruleId,
    groupId: rule.groupId,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    source: rule.source,
    ...(rule.description === undefined ? {} : { description: rule.description }),
    disallowedPorts: analysis.disallowedPorts,
    allowedPorts: analysis.allowedPorts,
    reason: analysis.reason,
  };
};

const finding = (
  snapshot: BrokerSnapshot,
  checkId: CheckId,
  used: readonly PortRange[],
  offendingRules: OffendingRule[],
  exempted: IngressRule[],
): Finding => ({
  checkId,
  severity: 'HIGH',
  resource: {
    type: 'AWS::AmazonMQ::Broker',
    id: snapshot.broker.id,
    arn: snapshot.broker.arn,
    name: snapshot.broker.name,
    engineType: snapshot.broker.engineType,
  },
  status: offendingRules.length > 0 ? 'FAIL' : 'PASS',
  message: `Broker ${snapshot.broker.name} (${snapshot.broker.id}) ingress.`,
  evidence: {
    kind: 'ingress',
    usedProtocols: ['openwire', 'console'],
    protocolsFrom: 'tag',
    allowedPorts: normalizeRanges(used),
    offendingRules,
    exemptedRules: exempted.map((r) => ({
      ruleId: r.ruleId,
      groupId: r.groupId,
      reason: 'tagged mq-guardian:allow',
    })),
  },
});

const rulesOf = (snapshot: BrokerSnapshot) => snapshot.securityGroups.flatMap((g) => g.ingressRules);
const exempt = (rule: IngressRule): boolean => Object.hasOwn(rule.tags, 'mq-guardian:allow');

/** The `mq-broker-ingress-limited-to-used-protocols` finding for `used` ports. */
export const protocolsFinding = (snapshot: BrokerSnapshot, used: readonly PortRange[]): Finding => {
  const rules = rulesOf(snapshot);
  return finding(
    snapshot,
    'mq-broker-ingress-limited-to-used-protocols',
    used,
    rules.filter((r) => !exempt(r)).flatMap((r) => offendingRuleFor(r, used) ?? []),
    rules.filter(exempt),
  );
};

/** The `mq-broker-ingress-not-open-to-world` finding: world-open rules, allowedPorts empty. */
export const worldFinding = (snapshot: BrokerSnapshot, used: readonly PortRange[]): Finding => {
  const rules = rulesOf(snapshot);
  return finding(
    snapshot,
    'mq-broker-ingress-not-open-to-world',
    used,
    rules
      .filter((r) => !exempt(r) && isWorld(r))
      .map((r) => ({
        ruleId: r.ruleId,
        groupId: r.groupId,
        protocol: r.protocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
        source: r.source,
        disallowedPorts: [r.fromPort < 0 ? ALL_PORTS : { from: r.fromPort, to: r.toPort }],
        allowedPorts: [],
        reason: 'The rule admits any address.',
      })),
    rules.filter(exempt),
  );
};

export const ingressFindings = (snapshot: BrokerSnapshot, used: readonly PortRange[]): Finding[] => [
  protocolsFinding(snapshot, used),
  worldFinding(snapshot, used),
];

/**
 * The snapshot with its broker tagged `mq-guardian:protocols` for the protocols whose ports `used`
 * holds: the planner keeps what the brokers on a group use by their own tags, so a test that states
 * the used ports states the tag too. Used ports no protocol has are left to the findings.
 */
export const withProtocolsFor = (snapshot: BrokerSnapshot, used: readonly PortRange[]): BrokerSnapshot => {
  const engine = snapshot.broker.engineType;
  const inUsed = (port: number) => used.some((r) => r.from <= port && port <= r.to);
  const protocols = [
    ...new Set(PROTOCOL_PORTS.filter((p) => p.engine === engine && inUsed(p.port)).map((p) => p.protocol)),
  ].filter((protocol) =>
    PROTOCOL_PORTS.filter((p) => p.engine === engine && p.protocol === protocol).every((p) => inUsed(p.port)),
  );
  if (protocols.length === 0) return snapshot;
  return {
    ...snapshot,
    broker: {
      ...snapshot.broker,
      tags: { 'mq-guardian:protocols': protocols.join(','), ...snapshot.broker.tags },
    },
  };
};
