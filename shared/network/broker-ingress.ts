/**
 * What both ingress checks need before judging rules: whether the snapshot holds every security
 * group of the broker, which rules the `mq-guardian:allow` tag exempts, and how to name rules in a
 * one-sentence message.
 */
import type { ExemptedRule } from '../model/finding.ts';
import type { BrokerSnapshot, IngressRule, SecurityGroupState } from '../model/types.ts';
import { TAGS } from '../policy/settings.ts';
import { describeRule } from './rule-analysis.ts';

export type BrokerGroups =
  | { readonly kind: 'groups'; readonly groups: readonly SecurityGroupState[] }
  /** A publicly accessible RabbitMQ broker: Amazon MQ gives it no security group at all. */
  | { readonly kind: 'none' }
  /** The snapshot lacks groups the broker has, or a broker that must have groups has none. */
  | { readonly kind: 'incomplete'; readonly reason: string };

/**
 * The broker's groups as read. Only a public RabbitMQ broker may have none (Amazon MQ creates
 * public RabbitMQ brokers without security groups); for any other broker an empty list means
 * something was not read, and judging no rules would report an unread broker as compliant.
 */
export const brokerGroups = (snapshot: BrokerSnapshot): BrokerGroups => {
  const { broker, securityGroups } = snapshot;
  const read = new Set(securityGroups.map((g) => g.groupId));
  const missing = broker.securityGroupIds.filter((id) => !read.has(id));
  if (missing.length > 0) {
    return {
      kind: 'incomplete',
      reason: `security group${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of the broker ${missing.length === 1 ? 'was' : 'were'} not read`,
    };
  }
  // A group DescribeSecurityGroups did not return (just created, a partial answer) or whose rules
  // could not be read: its rules as read prove nothing, and no rule is not the same as no rule read.
  const unread = securityGroups.flatMap((g) =>
    (g.unread ?? []).filter((u) => u.fact === 'group' || u.fact === 'rules'),
  );
  if (unread.length > 0) {
    const groupIds = [
      ...new Set(
        securityGroups.filter((g) => g.unread?.some((u) => unread.includes(u))).map((g) => g.groupId),
      ),
    ];
    return {
      kind: 'incomplete',
      reason: `security group${groupIds.length === 1 ? '' : 's'} ${groupIds.join(', ')} of the broker could not be read (${unread.map((u) => u.reason).join('; ')})`,
    };
  }
  if (securityGroups.length > 0) return { kind: 'groups', groups: securityGroups };
  if (broker.engineType === 'RABBITMQ' && broker.publiclyAccessible) return { kind: 'none' };
  return {
    kind: 'incomplete',
    reason: `no security group was read for this ${broker.publiclyAccessible ? 'public' : 'private'} ${broker.engineType === 'ACTIVEMQ' ? 'ActiveMQ' : 'RabbitMQ'} broker, which must have at least one`,
  };
};

/** Every ingress rule of the groups, in the broker's group order. */
export const ingressRulesOf = (groups: readonly SecurityGroupState[]): IngressRule[] =>
  groups.flatMap((g) => g.ingressRules);

/**
 * The exemption a rule's `mq-guardian:allow` tag grants, or undefined. Any value exempts (as the
 * planner reads it); the value is the reason people gave, and an empty one is said to be empty.
 */
export const allowExemption = (rule: IngressRule): ExemptedRule | undefined => {
  if (!Object.hasOwn(rule.tags, TAGS.allow)) return undefined;
  const given = (rule.tags[TAGS.allow] ?? '').trim();
  return {
    ruleId: rule.ruleId,
    groupId: rule.groupId,
    reason: given === '' ? `tagged ${TAGS.allow} without a reason` : given,
  };
};

/** "sgr-a tcp 0-65535 from 0.0.0.0/0, sgr-b udp 5671 from 10.0.0.0/8 and 3 more rules". */
export const summarizeRules = (rules: readonly IngressRule[], shown = 3): string => {
  const listed = rules.slice(0, shown).map(describeRule).join(', ');
  const rest = rules.length - Math.min(rules.length, shown);
  return rest === 0 ? listed : `${listed} and ${rest} more rule${rest === 1 ? '' : 's'}`;
};

/** " 2 rules are exempted by mq-guardian:allow: sgr-a (reason), sgr-b (reason)." or "". */
export const exemptionSentence = (exempted: readonly ExemptedRule[], shown = 3): string => {
  if (exempted.length === 0) return '';
  const listed = exempted
    .slice(0, shown)
    .map((e) => `${e.ruleId} (${e.reason})`)
    .join(', ');
  const rest = exempted.length - Math.min(exempted.length, shown);
  const head = exempted.length === 1 ? '1 rule is' : `${exempted.length} rules are`;
  return ` ${head} exempted by ${TAGS.allow}: ${listed}${rest === 0 ? '' : ` and ${rest} more`}.`;
};
