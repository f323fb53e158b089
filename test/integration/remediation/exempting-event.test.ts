/**
 * The event that exempts a rule (a rule created with `mq-guardian:allow`, or the tag put on it) is
 * evidence AWS recorded: EC2's reads are eventually consistent ("Eventual consistency in the Amazon
 * EC2 API"), so the rule read a moment later may not carry the tag yet. The rule that event exempted
 * is never revoked or narrowed on its account.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings, TAGS } from '../../../shared/policy/settings.ts';
import { runEventPath } from '../../support/event-path.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const json = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, path), 'utf8')) as Record<string, unknown>;
const sample = (name: string) => json(join('events', name));
const demoAccount = () => json(join('events', 'accounts', 'demo-account.json'));

const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };
/** The world-open 0-65535 rule the authorize sample created. */
const WIDE_RULE = 'sgr-0a1b2c3d4e5f60050';

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('a rule the event itself exempted', () => {
  it('is left alone when the rules read do not show its mq-guardian:allow tag yet', async () => {
    // Prepare: the authorize that created the wide rule with TagSpecifications, as CloudTrail records
    // them; the account's rule is read without the tag (EC2 has not propagated it).
    const event = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const detail = event.detail as { requestParameters: Record<string, unknown> };
    detail.requestParameters.tagSpecificationSet = {
      items: [{ resourceType: 'security-group-rule', tags: [{ key: TAGS.allow, value: 'load test' }] }],
    };

    // Act
    const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
    await outcome;

    // Assess
    const revoked = writes()
      .filter((w) => w.operation === 'RevokeSecurityGroupIngress')
      .flatMap((w) => (w.input.SecurityGroupRuleIds as string[] | undefined) ?? []);
    expect(revoked).not.toContain(WIDE_RULE);
  });

  it('is left alone after CreateTags put mq-guardian:allow on it, when the read lags', async () => {
    // Prepare
    const event = sample('ec2-create-tags-security-group-rule.json');
    const detail = event.detail as {
      requestParameters: { resourcesSet: { items: { resourceId: string }[] } };
    };
    detail.requestParameters.resourcesSet.items = [{ resourceId: WIDE_RULE }];

    // Act
    const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
    await outcome;

    // Assess
    const revoked = writes()
      .filter((w) => w.operation === 'RevokeSecurityGroupIngress')
      .flatMap((w) => (w.input.SecurityGroupRuleIds as string[] | undefined) ?? []);
    expect(revoked).not.toContain(WIDE_RULE);
  });
});

describe('a rule tagged with another key', () => {
  it('is still remediated: only mq-guardian:allow exempts it', async () => {
    // Prepare
    const event = sample('ec2-create-tags-security-group-rule.json');
    const detail = event.detail as {
      requestParameters: {
        resourcesSet: { items: { resourceId: string }[] };
        tagSet: { items: { key: string; value: string }[] };
      };
    };
    detail.requestParameters.resourcesSet.items = [{ resourceId: WIDE_RULE }];
    detail.requestParameters.tagSet.items = [{ key: 'team', value: 'billing' }];

    // Act
    const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
    await outcome;

    // Assess
    const revoked = writes()
      .filter((w) => w.operation === 'RevokeSecurityGroupIngress')
      .flatMap((w) => (w.input.SecurityGroupRuleIds as string[] | undefined) ?? []);
    expect(revoked).toContain(WIDE_RULE);
  });
});

describe('a broker or group the event itself opted out', () => {
  const ORDERS_GROUP = 'sg-0a1b2c3d4e5f60001';

  it('is not remediated after Amazon MQ CreateTags opted the broker out, when the broker read lags', async () => {
    // Prepare: orders-prod has a rule to narrow; the broker is read without the new tag.
    const event = sample('mq-create-tags-broker.json');
    const detail = event.detail as { requestParameters: { tags: Record<string, string> } };
    detail.requestParameters.tags = { [TAGS.remediation]: 'off' };

    // Act
    const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
    await outcome;

    // Assess
    expect(writes().filter((w) => w.service === 'ec2')).toEqual([]);
  });

  it('is not remediated after EC2 CreateTags opted the group out, when the group read lags', async () => {
    // Prepare
    const event = sample('ec2-create-tags-security-group.json');
    const detail = event.detail as {
      requestParameters: {
        resourcesSet: { items: { resourceId: string }[] };
        tagSet: { items: { key: string; value: string }[] };
      };
    };
    detail.requestParameters.resourcesSet.items = [{ resourceId: ORDERS_GROUP }];
    detail.requestParameters.tagSet.items = [{ key: TAGS.remediation, value: 'off' }];

    // Act
    const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
    await outcome;

    // Assess
    expect(writes().filter((w) => w.service === 'ec2')).toEqual([]);
  });
});
