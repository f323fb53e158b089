/**
 * Exemptions are visible: when a CloudTrail event shows someone tagging a rule mq-guardian:allow
 * (CreateTags on the rule, or the rule created with the tag), the remediator's alert names who did it
 * (the principal's ARN from userIdentity, nothing secret) and which rule is now exempt from which
 * check. Run through the on-ingress-event handler against the demo account, every AWS call mocked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TAGS } from '../../../shared/policy/settings.ts';
import { type Item, SdkAccount } from '../../support/sdk-account.ts';
import {
  CONTEXTS,
  demoAccountText,
  type Handlers,
  IDS,
  loadHandlers,
  run,
  sample,
} from '../hardening/support.ts';

const account = new SdkAccount(demoAccountText()).install();
let handlers: Handlers;

beforeAll(async () => {
  handlers = await loadHandlers({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

afterAll(() => account.restore());

beforeEach(() => account.reset());

const REASON = 'load test until Friday, change OPS-1234';
/** The principal of the recorded CreateTags sample (events/ec2-create-tags-security-group-rule.json). */
const TAGGER = 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session';
const ACCESS_KEY = 'ASIAIOSFODNN7EXAMPLE';

/** The billing group's world-open 0-65535 rule, as the account holds it once tagged. */
const tagWideRule = (): void => {
  const rule = account
    .ingressRules(IDS.billingGroup)
    .find((r) => r.SecurityGroupRuleId === IDS.billingWideRule);
  if (rule === undefined) throw new Error('the demo account lost its wide billing rule');
  account.removeRule(IDS.billingWideRule);
  account.addRule({ ...rule, Tags: [{ Key: TAGS.allow, Value: REASON }] } as Item);
};

const publishedAlerts = () =>
  account.calls
    .filter((c) => c.operation === 'Publish' && c.error === undefined)
    .map((c) => ({
      action: (c.input.MessageAttributes as Record<string, { StringValue?: string }>).action?.StringValue,
      message: String(c.input.Message),
    }));

describe('the alert for a rule tagged mq-guardian:allow', () => {
  it('names who tagged it, the rule and the checks it is now exempt from, and revokes nothing', async () => {
    // Prepare
    tagWideRule();
    const event = sample('ec2-create-tags-security-group-rule.json');
    const detail = event.detail as {
      requestParameters: { resourcesSet: { items: { resourceId: string }[] } };
    };
    detail.requestParameters.resourcesSet.items = [{ resourceId: IDS.billingWideRule }];

    // Act
    const result = await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

    // Assess
    expect(result.ok).toBe(true);
    expect(account.ec2Writes()).toEqual([]);
    const exempted = publishedAlerts().filter((a) => a.action === 'exempted');
    expect(exempted).toHaveLength(1);
    const message = exempted[0]?.message ?? '';
    expect(message).toContain(`${TAGGER} exempted rule ${IDS.billingWideRule} of ${IDS.billingGroup}`);
    expect(message).toContain(REASON);
    expect(message).toContain('mq-broker-ingress-not-open-to-world (HIGH)');
    expect(message).toContain(
      "[HIGH] Rule exempted: The broker's security groups do not admit the whole internet",
    );
    expect(message).toContain(`Reason: exempted by ${TAGS.allow}`);
    for (const alert of publishedAlerts()) expect(alert.message).not.toContain(ACCESS_KEY);
  });

  it('names who created a rule already carrying the tag', async () => {
    // Prepare: the authorize that created the wide rule, with TagSpecifications as CloudTrail records them.
    tagWideRule();
    const event = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const detail = event.detail as {
      requestParameters: Record<string, unknown>;
      userIdentity: { arn: string };
    };
    detail.requestParameters.tagSpecificationSet = {
      items: [{ resourceType: 'security-group-rule', tags: [{ key: TAGS.allow, value: REASON }] }],
    };

    // Act
    const result = await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

    // Assess
    expect(result.ok).toBe(true);
    expect(account.ec2Writes()).toEqual([]);
    const exempted = publishedAlerts().filter((a) => a.action === 'exempted');
    expect(exempted).toHaveLength(1);
    expect(exempted[0]?.message).toContain(`${detail.userIdentity.arn} exempted rule ${IDS.billingWideRule}`);
  });

  it('is not sent for tags other than mq-guardian:allow', async () => {
    // Prepare
    const event = sample('ec2-create-tags-security-group-rule.json');
    const detail = event.detail as {
      requestParameters: {
        resourcesSet: { items: { resourceId: string }[] };
        tagSet: { items: { key: string; value: string }[] };
      };
    };
    detail.requestParameters.resourcesSet.items = [{ resourceId: IDS.billingWideRule }];
    detail.requestParameters.tagSet.items = [{ key: 'owner', value: 'platform' }];

    // Act
    const result = await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

    // Assess
    expect(result.ok).toBe(true);
    expect(publishedAlerts().filter((a) => a.action === 'exempted')).toEqual([]);
  });
});
