/**
 * The event that exempts a rule (a rule created with `mq-guardian:allow`, or the tag put on it) or opts
 * a group or broker out is evidence AWS recorded: EC2's and Amazon MQ's reads are eventually consistent
 * ("Eventual consistency in the Amazon EC2 API"), so what is read a moment later may not carry the tag
 * yet. What that event exempted or opted out is never revoked or narrowed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings, TAGS } from '../../../shared/policy/settings.ts';
import { runEventPath } from '../../support/event-path.ts';
import { demoAccount, sampleEvent } from '../../support/repository-files.ts';

const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };
/** The world-open 0-65535 rule the authorize sample created. */
const WIDE_RULE = 'sgr-0a1b2c3d4e5f60050';
const ORDERS_GROUP = 'sg-0a1b2c3d4e5f60001';

/** The EC2 CreateTags sample, on one resource with the given tags, as CloudTrail records them. */
const ec2CreateTags = (sample: string, resourceId: string, tags: { key: string; value: string }[]) => {
  const event = sampleEvent(sample);
  const detail = event.detail as {
    requestParameters: {
      resourcesSet: { items: { resourceId: string }[] };
      tagSet: { items: { key: string; value: string }[] };
    };
  };
  detail.requestParameters.resourcesSet.items = [{ resourceId }];
  detail.requestParameters.tagSet.items = tags;
  return event;
};

/** Runs the event in enforce against the demo account, whose reads do not show the event's tags. */
const run = async (event: unknown) => {
  const { outcome, writes } = runEventPath(event, demoAccount(), ENFORCE);
  await outcome;
  const ec2Writes = writes().filter((w) => w.service === 'ec2');
  const revoked = ec2Writes
    .filter((w) => w.operation === 'RevokeSecurityGroupIngress')
    .flatMap((w) => (w.input.SecurityGroupRuleIds as string[] | undefined) ?? []);
  return { ec2Writes, revoked };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('a rule the event itself exempted', () => {
  it('is left alone when the rules read do not show its mq-guardian:allow tag yet', async () => {
    // Prepare: the authorize that created the wide rule with TagSpecifications, as CloudTrail records
    // them; the account's rule is read without the tag (EC2 has not propagated it).
    const event = sampleEvent('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const detail = event.detail as { requestParameters: Record<string, unknown> };
    detail.requestParameters.tagSpecificationSet = {
      items: [{ resourceType: 'security-group-rule', tags: [{ key: TAGS.allow, value: 'load test' }] }],
    };

    // Act
    const { revoked } = await run(event);

    // Assess
    expect(revoked).not.toContain(WIDE_RULE);
  });

  it('is left alone after CreateTags put mq-guardian:allow on it, when the read lags', async () => {
    // Prepare
    const event = ec2CreateTags('ec2-create-tags-security-group-rule.json', WIDE_RULE, [
      { key: TAGS.allow, value: 'load test' },
    ]);

    // Act
    const { revoked } = await run(event);

    // Assess
    expect(revoked).not.toContain(WIDE_RULE);
  });
});

describe('a rule tagged with another key', () => {
  it('is still remediated: only mq-guardian:allow exempts it', async () => {
    // Prepare
    const event = ec2CreateTags('ec2-create-tags-security-group-rule.json', WIDE_RULE, [
      { key: 'team', value: 'billing' },
    ]);

    // Act
    const { revoked } = await run(event);

    // Assess
    expect(revoked).toContain(WIDE_RULE);
  });
});

describe('a broker or group the event itself opted out', () => {
  it('is not remediated after Amazon MQ CreateTags opted the broker out, when the broker read lags', async () => {
    // Prepare: orders-prod has a rule to narrow; the broker is read without the new tag.
    const event = sampleEvent('mq-create-tags-broker.json');
    const detail = event.detail as { requestParameters: { tags: Record<string, string> } };
    detail.requestParameters.tags = { [TAGS.remediation]: 'off' };

    // Act
    const { ec2Writes } = await run(event);

    // Assess
    expect(ec2Writes).toEqual([]);
  });

  it('is not remediated after EC2 CreateTags opted the group out, when the group read lags', async () => {
    // Prepare
    const event = ec2CreateTags('ec2-create-tags-security-group.json', ORDERS_GROUP, [
      { key: TAGS.remediation, value: 'off' },
    ]);

    // Act
    const { ec2Writes } = await run(event);

    // Assess
    expect(ec2Writes).toEqual([]);
  });
});
