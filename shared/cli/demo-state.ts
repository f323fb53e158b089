/**
 * The demo account as a sample event left it. The recorded account holds every rule the sample
 * AuthorizeSecurityGroupIngress events created (a test holds it to that), so that the sweep's view
 * shows them all; but each event tells its own story, so a rule another sample event created is left
 * out of that event's replay unless the event itself names it (`accountForEvent`). Then the event's
 * own change is applied: a ModifySecurityGroupRules record says what the rule became, a
 * RevokeSecurityGroupIngress record that it is gone, so the replay sees the rule as the event left
 * it, never as it was before.
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

const RULE_ID = /^sgr-[0-9a-f]+$/;

/** Every security group rule id a record names anywhere in its request or response. */
export const ruleIdsNamed = (record: Json): Set<string> => {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string' && RULE_ID.test(value)) ids.add(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (isPlainObject(value)) Object.values(value).forEach(visit);
  };
  visit(record.requestParameters);
  visit(record.responseElements);
  return ids;
};

/** The rule ids a successful AuthorizeSecurityGroupIngress record says it created. */
export const rulesCreated = (event: unknown): string[] => {
  const record = cloudTrailRecord(event);
  if (!record || record.errorCode !== undefined || record.eventName !== 'AuthorizeSecurityGroupIngress') {
    return [];
  }
  const response = isPlainObject(record.responseElements) ? record.responseElements : {};
  const set = isPlainObject(response.securityGroupRuleSet) ? response.securityGroupRuleSet.items : undefined;
  return listOf(set).flatMap((item) =>
    typeof item.securityGroupRuleId === 'string' ? [item.securityGroupRuleId] : [],
  );
};

/**
 * The account for one event's replay: without the rules of `createdElsewhere` (rules other sample
 * events created) that the event does not name, then as the event left it (`accountAfterEvent`).
 */
export const accountForEvent = (
  account: unknown,
  event: unknown,
  createdElsewhere: ReadonlySet<string>,
): unknown => {
  if (!isPlainObject(account) || !Array.isArray(account.securityGroupRules)) return account;
  const record = cloudTrailRecord(event);
  const named = record ? ruleIdsNamed(record) : new Set<string>();
  const absent = [...createdElsewhere].filter((id) => !named.has(id));
  const own =
    absent.length === 0
      ? account
      : {
          ...account,
          securityGroupRules: (account.securityGroupRules as unknown[]).filter(
            (rule) => !(isPlainObject(rule) && absent.includes(String(rule.SecurityGroupRuleId))),
          ),
        };
  return accountAfterEvent(own, event);
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
