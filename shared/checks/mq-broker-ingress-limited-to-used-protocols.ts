import type { IngressRule } from '../model/types.ts';
import type { OffendingRule, ExemptedRule, PortRange } from '../model/finding.ts';
import {
  allowExemption,
  brokerGroups,
  exemptionSentence,
  ingressRulesOf,
  summarizeRules,
} from '../network/broker-ingress.ts';
import { portsForProtocols } from '../network/protocol-ports.ts';
import { analyzeIngressRule, describeRule } from '../network/rule-analysis.ts';
import { resolveUsedProtocols } from '../policy/protocols.ts';
import type { Check, CheckMeta } from './check.ts';
import { brokerLabel, engineNotApplicable, makeFinding } from './check.ts';

const SECURITY_BEST_PRACTICES =
  'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html';

const meta: CheckMeta = {
  id: 'mq-broker-ingress-limited-to-used-protocols',
  title: 'Broker security groups open only the ports of the protocols the broker uses',
  severity: 'MEDIUM',
  engines: ['ACTIVEMQ', 'RABBITMQ'],
  risk:
    'Every port of a protocol nobody uses is attack surface: its listener can be reached, probed and attacked ' +
    'without serving any client, and wide rules (0-65535, all traffic) also open whatever else the group protects.',
  remediation: {
    text:
      'Allow only the ports of the protocols clients use (ActiveMQ: OpenWire 61617, AMQP 5671, STOMP 61614, ' +
      'MQTT 8883, WebSocket 61619, web console 8162; RabbitMQ: AMQPS 5671, web console and management API 443 ' +
      'and 15671). Declare the protocols in the broker tag mq-guardian:protocols (e.g. "openwire,console"); in ' +
      'enforce mode mq-guardian revokes or narrows the other rules. Tag a rule mq-guardian:allow=<reason> to keep it.',
    url: `${SECURITY_BEST_PRACTICES}#amazon-mq-vpc-security-groups`,
  },
  autoRemediable: true,
  source: SECURITY_BEST_PRACTICES,
};

const offendingRule = (
  rule: IngressRule,
  disallowedPorts: PortRange[],
  allowedPorts: PortRange[],
  reason: string,
): OffendingRule => ({
  ruleId: rule.ruleId,
  groupId: rule.groupId,
  protocol: rule.protocol,
  fromPort: rule.fromPort,
  toPort: rule.toPort,
  source: rule.source,
  ...(rule.description === undefined ? {} : { description: rule.description }),
  disallowedPorts,
  allowedPorts,
  reason,
});

export const check: Check = {
  meta,
  evaluate(snapshot, context) {
    const notApplicable = engineNotApplicable(meta, snapshot);
    if (notApplicable) return notApplicable;
    const label = brokerLabel(snapshot);
    const cannotCheck = (why: string) =>
      makeFinding(meta, snapshot, 'ERROR', `${label} security groups could not be checked: ${why}.`);

    const groups = brokerGroups(snapshot);
    if (groups.kind === 'none') {
      return makeFinding(
        meta,
        snapshot,
        'NOT_APPLICABLE',
        `${label} has no security groups (a publicly accessible RabbitMQ broker); there is no ingress rule to limit.`,
      );
    }
    if (groups.kind === 'incomplete') return cannotCheck(groups.reason);

    // A protocol list that cannot be read is an ERROR, never a FAIL: a FAIL would let remediation
    // revoke ports against a list nobody meant.
    const used = resolveUsedProtocols(snapshot.broker, context.settings);
    if (!used.ok) return cannotCheck(used.reason);
    const allowedPorts = portsForProtocols(used.engine, used.protocols);

    const offending: { rule: IngressRule; offending: OffendingRule }[] = [];
    const exempted: ExemptedRule[] = [];
    const invalid: string[] = [];
    for (const rule of ingressRulesOf(groups.groups)) {
      const analysis = analyzeIngressRule(rule, allowedPorts);
      if (analysis.status === 'allowed') continue;
      // An exemption is a judgement about a rule people understood; a rule mq-guardian cannot read
      // stays an ERROR whatever its tags say.
      if (analysis.status === 'invalid') {
        invalid.push(`${describeRule(rule)}: ${analysis.reason}`);
        continue;
      }
      const exemption = allowExemption(rule);
      if (exemption) {
        exempted.push(exemption);
        continue;
      }
      offending.push({
        rule,
        offending: offendingRule(rule, analysis.disallowedPorts, analysis.allowedPorts, analysis.reason),
      });
    }
    if (invalid.length > 0) return cannotCheck(invalid.join('; '));

    const evidence = {
      kind: 'ingress',
      usedProtocols: used.protocols,
      protocolsFrom: used.from,
      allowedPorts,
      offendingRules: offending.map((o) => o.offending),
      exemptedRules: exempted,
    } as const;
    const exemptions = exemptionSentence(exempted);
    if (offending.length === 0) {
      return makeFinding(
        meta,
        snapshot,
        'PASS',
        `${label} security groups open only ports of the protocols it uses (${used.protocols.join(', ')}).${exemptions}`,
        evidence,
      );
    }
    return makeFinding(
      meta,
      snapshot,
      'FAIL',
      `${label} security groups open ports no used protocol needs: ${summarizeRules(offending.map((o) => o.rule))}.${exemptions}`,
      evidence,
    );
  },
};
