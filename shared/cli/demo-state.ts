/**
 * The demo account as it stands right after a sample event: an EventBridge/CloudTrail record of a
 * rule change says what the rule became (ModifySecurityGroupRules) or that it is gone
 * (RevokeSecurityGroupIngress), so the replay of that event sees the rule as the event left it,
 * never as it was before. Other events leave the recorded account unchanged (it already holds the
 * rules the sample AuthorizeSecurityGroupIngress events created; a test holds it to that).
 */
import { isPlainObject } from '../json.ts';

type Json = Record<string, unknown>;

const listOf = (value: unknown): Json[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(isPlainObject);

/** The CloudTrail record of an event file (EventBridge envelope or bare record); undefined for others. */
export const cloudTrailRecord = (event: unknown): Json | undefined => {
  if (!isPlainObject(event)) return undefined;
  const record = isPlainObject(event.detail) ? event.detail : event;
  return typeof record.eventName === 'string' ? record : undefined;
};

/** What a rule's source and ports may be, as DescribeSecurityGroupRules and ModifySecurityGroupRules name them. */
const RULE_FIELDS = [
  'IpProtocol',
  'FromPort',
  'ToPort',
  'CidrIpv4',
  'CidrIpv6',
  'PrefixListId',
  'ReferencedGroupId',
  'Description',
] as const;

/** `SecurityGroupRuleRequest` (ModifySecurityGroupRules) as the rule shape DescribeSecurityGroupRules answers. */
const ruleAfterModify = (rule: Json, request: Json): Json => {
  const next: Json = { ...rule };
  for (const field of RULE_FIELDS) delete next[field];
  delete next.ReferencedGroupInfo;
  for (const field of RULE_FIELDS) {
    const value = request[field];
    if (value === undefined) continue;
    if (field === 'ReferencedGroupId') next.ReferencedGroupInfo = { GroupId: value };
    else next[field] = value;
  }
  return next;
};

/** The rule ids a successful call removed, and the rules it rewrote (id → request). */
export const ruleChanges = (
  record: Json,
): { readonly removed: ReadonlySet<string>; readonly modified: ReadonlyMap<string, Json> } => {
  const removed = new Set<string>();
  const modified = new Map<string, Json>();
  if (record.errorCode !== undefined) return { removed, modified };
  const parameters = isPlainObject(record.requestParameters) ? record.requestParameters : {};
  if (record.eventName === 'RevokeSecurityGroupIngress') {
    const ids = isPlainObject(parameters.securityGroupRuleIds)
      ? parameters.securityGroupRuleIds.items
      : undefined;
    for (const item of listOf(ids)) {
      if (typeof item.securityGroupRuleId === 'string') removed.add(item.securityGroupRuleId);
    }
  }
  if (record.eventName === 'ModifySecurityGroupRules') {
    const request = isPlainObject(parameters.ModifySecurityGroupRulesRequest)
      ? parameters.ModifySecurityGroupRulesRequest
      : parameters;
    for (const entry of listOf(request.SecurityGroupRule)) {
      if (typeof entry.SecurityGroupRuleId === 'string' && isPlainObject(entry.SecurityGroupRule)) {
        modified.set(entry.SecurityGroupRuleId, entry.SecurityGroupRule);
      }
    }
  }
  return { removed, modified };
};

/** A copy of the recorded account (file JSON) with the event's rule changes applied. */
export const accountAfterEvent = (account: unknown, event: unknown): unknown => {
  const record = cloudTrailRecord(event);
  if (!record || !isPlainObject(account) || !Array.isArray(account.securityGroupRules)) return account;
  const { removed, modified } = ruleChanges(record);
  if (removed.size === 0 && modified.size === 0) return account;
  const rules = (account.securityGroupRules as unknown[]).filter(isPlainObject).flatMap((rule) => {
    const id = String(rule.SecurityGroupRuleId);
    if (removed.has(id)) return [];
    const request = modified.get(id);
    return [request ? ruleAfterModify(rule, request) : rule];
  });
  return { ...account, securityGroupRules: rules };
};
