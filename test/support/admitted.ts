/**
 * What each broker's clients can reach, read from an account through the ports the functions use:
 * for every broker, every (group, source, TCP port) that an ingress rule of one of its groups (current or
 * pending, see `brokerGroupIds`) admits
 * and that one of the broker's protocols uses. The safety property of remediation is that this set
 * never shrinks: `lostAccess(before, after)` must be empty after any sequence of events.
 */
import { mapBroker, mapSecurityGroupRule } from '../../shared/model/mappers.ts';
import type { Broker, IngressRule } from '../../shared/model/types.ts';
import { brokerGroupIds, isKnownEngineType } from '../../shared/model/types.ts';
import { portsForProtocols } from '../../shared/network/protocol-ports.ts';
import { resolveUsedProtocols } from '../../shared/policy/protocols.ts';
import type { Settings } from '../../shared/policy/settings.ts';
import type { BrokerReader, NetworkReader } from '../../shared/ports.ts';

const sourceKey = (rule: IngressRule): string => {
  const s = rule.source;
  switch (s.kind) {
    case 'cidrIpv4':
    case 'cidrIpv6':
      return s.cidr;
    case 'prefixList':
      return s.prefixListId;
    case 'securityGroup':
      return s.groupId;
  }
};

/** Whether the rule lets TCP traffic to `port` in (all traffic, or TCP with the port in its range). */
export const admitsTcp = (rule: IngressRule, port: number): boolean =>
  rule.protocol === '-1' ||
  ((rule.protocol === 'tcp' || rule.protocol === '6') && rule.fromPort <= port && port <= rule.toPort);

/** `<broker> <group> <source> <port>` for every port a broker uses that its groups admit, sorted. */
export const admittedAccess = (
  brokers: readonly Broker[],
  rules: readonly IngressRule[],
  settings: Settings,
): string[] => {
  const admitted = new Set<string>();
  for (const broker of brokers) {
    if (!isKnownEngineType(broker.engineType)) continue;
    const used = resolveUsedProtocols(broker, settings);
    if (!used.ok) continue;
    const ports = portsForProtocols(broker.engineType, used.protocols).flatMap((r) =>
      Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i),
    );
    for (const groupId of brokerGroupIds(broker)) {
      for (const rule of rules.filter((r) => r.groupId === groupId)) {
        for (const port of ports) {
          if (admitsTcp(rule, port)) admitted.add(`${broker.id} ${groupId} ${sourceKey(rule)} ${port}`);
        }
      }
    }
  }
  return [...admitted].sort();
};

/** Reads the brokers and rules through the ports (a recorded account, a fake) and lists the access. */
export const readAdmittedAccess = async (
  readers: { readonly brokers: BrokerReader; readonly network: NetworkReader },
  settings: Settings,
): Promise<string[]> => {
  const summaries = await readers.brokers.listBrokers();
  const brokers = (await Promise.all(summaries.map((s) => readers.brokers.describeBroker(s.id)))).filter(
    (b): b is Broker => b !== null,
  );
  const groupIds = [...new Set(brokers.flatMap(brokerGroupIds))];
  const rules = await readers.network.describeIngressRules(groupIds);
  return admittedAccess(brokers, rules, settings);
};

/** The same, straight from a recorded-account file (brokers and ingress rules as AWS describes them). */
export const admittedAccessOfFile = (
  file: { readonly brokers: readonly unknown[]; readonly securityGroupRules: readonly unknown[] },
  settings: Settings,
): string[] =>
  admittedAccess(
    file.brokers.map((b) => mapBroker(b as never)),
    file.securityGroupRules
      .map((r) => mapSecurityGroupRule(r as never))
      .filter((r): r is IngressRule => r !== null),
    settings,
  );

/** Access in `before` that `after` no longer has. */
export const lostAccess = (before: readonly string[], after: readonly string[]): string[] => {
  const kept = new Set(after);
  return before.filter((a) => !kept.has(a));
};
