import type { ExemptedRule, OffendingRule } from '../model/finding.ts';
import { type IngressRule, isKnownEngineType } from '../model/types.ts';
import {
  allowExemption,
  brokerGroups,
  exemptionSentence,
  ingressRulesOf,
  summarizeRules,
} from '../network/broker-ingress.ts';
import { sourceExposure } from '../network/cidr.ts';
import { ENGINE_PROTOCOLS, portsForProtocols } from '../network/protocol-ports.ts';
import { describeRule, formatSource, rulePortsAsGiven } from '../network/rule-analysis.ts';
import { resolveUsedProtocols } from '../policy/protocols.ts';
import type { Check, CheckMeta } from './check.ts';
import { brokerLabel, makeFinding } from './check.ts';

const SECURITY_BEST_PRACTICES =
  'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html';

const meta: CheckMeta = {
  id: 'mq-broker-ingress-not-open-to-world',
  title: 'No security group rule of the broker admits the whole internet (0.0.0.0/0 or ::/0)',
  severity: 'HIGH',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'A rule from 0.0.0.0/0 or ::/0 admits any address that can route to the broker: through an internet ' +
    'gateway, peering, VPN or transit gateway, attackers can reach the listeners, guess credentials and flood ' +
    'the broker. The rule stays wide open even when the network around it changes.',
  remediation: {
    text:
      'Replace 0.0.0.0/0 and ::/0 sources with the CIDR ranges, prefix lists or security groups of the clients. ' +
      'mq-guardian alerts only; it revokes world-open rules when the revokeWorldIngress setting is on. Tag a ' +
      'rule mq-guardian:allow=<reason> to keep it.',
    url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
  },
  // Revoking a world-open rule cuts clients off from ports they use; it is opt-in
  // (settings.revokeWorldIngress), decided by the planner, not implied by this check.
  autoRemediable: false,
  source: SECURITY_BEST_PRACTICES,
};

export const check: Check = {
  meta,
  evaluate(snapshot, context) {
    const label = brokerLabel(snapshot);
    const cannotCheck = (why: string) =>
      makeFinding(meta, snapshot, 'ERROR', `${label} security groups could not be checked: ${why}.`);

    const groups = brokerGroups(snapshot);
    if (groups.kind === 'none') {
      // A public RabbitMQ broker has no group to hold a rule: it is reachable from the internet by
      // design, and mq-broker-not-publicly-accessible is the check that reports it. FAIL here would
      // report the same fact twice with nothing that could be changed.
      return makeFinding(
        meta,
        snapshot,
        'NOT_APPLICABLE',
        `${label} has no security groups: it is a publicly accessible RabbitMQ broker, reachable from the internet by design (mq-broker-not-publicly-accessible reports that).`,
      );
    }
    if (groups.kind === 'incomplete') return cannotCheck(groups.reason);

    const offending: { rule: IngressRule; offending: OffendingRule }[] = [];
    const exempted: ExemptedRule[] = [];
    const invalid: string[] = [];
    for (const rule of ingressRulesOf(groups.groups)) {
      const exposure = sourceExposure(rule.source);
      if (exposure.kind === 'invalid') {
        invalid.push(`${describeRule(rule)}: ${exposure.reason}`);
        continue;
      }
      if (exposure.kind === 'restricted') continue;
      const ports = rulePortsAsGiven(rule);
      if (!ports.ok) {
        invalid.push(`${describeRule(rule)}: ${ports.reason}`);
        continue;
      }
      const exemption = allowExemption(rule);
      if (exemption) {
        exempted.push(exemption);
        continue;
      }
      offending.push({
        rule,
        offending: {
          ruleId: rule.ruleId,
          groupId: rule.groupId,
          protocol: rule.protocol,
          fromPort: rule.fromPort,
          toPort: rule.toPort,
          source: rule.source,
          ...(rule.description === undefined ? {} : { description: rule.description }),
          // What is wrong is the source, not a port: every port the rule opens is disallowed from
          // this source, and nothing is kept. With revokeWorldIngress the planner revokes the whole
          // rule; it must never narrow a world-open rule into a smaller world-open rule.
          disallowedPorts: [...ports.ports],
          allowedPorts: [],
          reason: `It admits ${formatSource(rule.source)}, every ${exposure.cidr.family === 'ipv4' ? 'IPv4' : 'IPv6'} address.`,
        },
      });
    }
    if (invalid.length > 0) return cannotCheck(invalid.join('; '));

    // World-openness does not depend on protocols; they only feed the evidence (the planner states
    // which used ports a revoke would cut off). An unreadable protocol list must not hide a
    // world-open rule, so the evidence then assumes every protocol of the engine (the widest impact)
    // and the message says why.
    // An engine mq-guardian does not know still has world-open rules; only its ports are unknown
    // (the planner never remediates such a broker).
    const used = resolveUsedProtocols(snapshot.broker, context.settings);
    const engine = isKnownEngineType(snapshot.broker.engineType) ? snapshot.broker.engineType : undefined;
    const protocols = used.ok ? used.protocols : engine ? [...ENGINE_PROTOCOLS[engine]] : [];
    const protocolNote = used.ok
      ? ''
      : engine
        ? ` (Used protocols could not be read: ${used.reason}; the evidence assumes every protocol of the engine.)`
        : ` (Used protocols could not be read: ${used.reason}.)`;
    const evidence = {
      kind: 'ingress',
      usedProtocols: protocols,
      protocolsFrom: used.ok ? used.from : 'engine-default',
      allowedPorts: engine ? portsForProtocols(engine, protocols) : [],
      offendingRules: offending.map((o) => o.offending),
      exemptedRules: exempted,
    } as const;
    const exemptions = exemptionSentence(exempted);
    if (offending.length === 0) {
      return makeFinding(
        meta,
        snapshot,
        'PASS',
        `${label} security groups admit no traffic from the whole internet (0.0.0.0/0 or ::/0).${exemptions}${protocolNote}`,
        evidence,
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} security groups admit traffic from the whole internet: ${summarizeRules(offending.map((o) => o.rule))}.${exemptions}${protocolNote}`,
      evidence,
    );
  },
};
