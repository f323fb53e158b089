/**
 * Self-triggering: every authorize and revoke the remediator makes comes back through CloudTrail and
 * EventBridge to on-ingress-event. Replaying those events, built from the exact writes the
 * remediator sent and with the remediation role as caller (REMEDIATION_ROLE_ARN set as the stack sets
 * it), must produce no further write.
 */
import { describe, expect, it } from 'vitest';
import type { Item, SdkCall } from '../../support/sdk-account.ts';
import {
  ACCOUNT,
  accessOf,
  CONTEXTS,
  IDS,
  REGION,
  REMEDIATION_ROLE_ARN,
  REMEDIATION_ROLE_NAME,
  run,
  sample,
  useDemoStack,
} from './support.ts';

// The logger returns to POWERTOOLS_LOG_LEVEL at every warm invocation: set it there.
const { account, handlers } = useDemoStack({ POWERTOOLS_LOG_LEVEL: 'SILENT' });

const SESSION = 'mq-guardian-dev-on-ingress-event';

type Identity = Record<string, unknown>;

/** How CloudTrail names the remediator: its Lambda's session of the remediation role. */
const remediatorIdentity = (): Identity => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLEMQGUARDIAN:${SESSION}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${REMEDIATION_ROLE_NAME}/${SESSION}`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEMQGUARDIAN',
      arn: REMEDIATION_ROLE_ARN,
      accountId: ACCOUNT,
      userName: REMEDIATION_ROLE_NAME,
    },
    webIdFederationData: {},
    attributes: { creationDate: '2025-03-10T11:20:00Z', mfaAuthenticated: 'false' },
  },
});

const humanIdentity = (): Identity =>
  (
    sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json').detail as {
      userIdentity: Identity;
    }
  ).userIdentity;

const envelope = (
  eventName: string,
  n: number,
  identity: Identity,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
) => {
  const suffix = String(n).padStart(12, '0');
  return {
    version: '0',
    id: `5e0c0f00-7d1a-4c2b-9f3e-${suffix}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: ACCOUNT,
    time: '2025-03-10T11:21:00Z',
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.10',
      userIdentity: identity,
      eventTime: '2025-03-10T11:21:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '192.0.2.10',
      userAgent:
        'aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#22.14.0 api/ec2#3.1169.0 exec-env/AWS_Lambda_nodejs22.x',
      requestParameters: request,
      responseElements: { requestId: `a9b80f00-c7d6-4e5f-9a1b-${suffix}`, _return: true, ...response },
      requestID: `a9b80f00-c7d6-4e5f-9a1b-${suffix}`,
      eventID: `e7a10f00-3b2c-4d5e-8f9a-${suffix}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    },
  };
};

const items = (list: readonly unknown[]) => (list.length === 0 ? {} : { items: list });

/** The CloudTrail event of an AuthorizeSecurityGroupIngress the remediator sent (SDK input and output). */
const authorizeEvent = (write: SdkCall, n: number, identity: Identity) => {
  const permissions = (write.input.IpPermissions as Item[]).map((p) => ({
    ipProtocol: p.IpProtocol,
    fromPort: p.FromPort,
    toPort: p.ToPort,
    groups: items(
      ((p.UserIdGroupPairs as Item[] | undefined) ?? []).map((g) => ({
        groupId: g.GroupId,
        userId: g.UserId,
        description: g.Description,
      })),
    ),
    ipRanges: items(
      ((p.IpRanges as Item[] | undefined) ?? []).map((r) => ({
        cidrIp: r.CidrIp,
        description: r.Description,
      })),
    ),
    ipv6Ranges: items(
      ((p.Ipv6Ranges as Item[] | undefined) ?? []).map((r) => ({
        cidrIpv6: r.CidrIpv6,
        description: r.Description,
      })),
    ),
    prefixListIds: items(
      ((p.PrefixListIds as Item[] | undefined) ?? []).map((r) => ({
        prefixListId: r.PrefixListId,
        description: r.Description,
      })),
    ),
  }));
  const tagSpecifications = ((write.input.TagSpecifications as Item[] | undefined) ?? []).map((s) => ({
    resourceType: s.ResourceType,
    tags: ((s.Tags as Item[] | undefined) ?? []).map((t) => ({ key: t.Key, value: t.Value })),
  }));
  const created = ((write.output as { SecurityGroupRules?: Item[] }).SecurityGroupRules ?? []).map((r) => ({
    groupOwnerId: r.GroupOwnerId,
    groupId: r.GroupId,
    securityGroupRuleId: r.SecurityGroupRuleId,
    isEgress: false,
    ipProtocol: r.IpProtocol,
    fromPort: r.FromPort,
    toPort: r.ToPort,
    ...(r.CidrIpv4 ? { cidrIpv4: r.CidrIpv4 } : {}),
    ...(r.CidrIpv6 ? { cidrIpv6: r.CidrIpv6 } : {}),
    ...(r.Description ? { description: r.Description } : {}),
    tagSet: items(((r.Tags as Item[] | undefined) ?? []).map((t) => ({ key: t.Key, value: t.Value }))),
  }));
  return envelope(
    'AuthorizeSecurityGroupIngress',
    n,
    identity,
    {
      groupId: write.input.GroupId as string,
      ipPermissions: { items: permissions },
      ...(tagSpecifications.length > 0 ? { tagSpecificationSet: { items: tagSpecifications } } : {}),
    },
    { securityGroupRuleSet: { items: created } },
  );
};

/** The CloudTrail event of a RevokeSecurityGroupIngress by rule ids. */
const revokeEvent = (write: SdkCall, n: number, identity: Identity) =>
  envelope(
    'RevokeSecurityGroupIngress',
    n,
    identity,
    {
      groupId: write.input.GroupId as string,
      securityGroupRuleIds: {
        items: (write.input.SecurityGroupRuleIds as string[]).map((id) => ({ securityGroupRuleId: id })),
      },
    },
    {},
  );

/** The events of every successful EC2 write in `calls`, as CloudTrail would deliver them. */
const eventsOf = (calls: readonly SdkCall[], identity: () => Identity) =>
  calls
    .filter((c) => c.service === 'ec2' && !c.error)
    .flatMap((c, n) =>
      c.operation === 'AuthorizeSecurityGroupIngress'
        ? [authorizeEvent(c, n, identity())]
        : c.operation === 'RevokeSecurityGroupIngress'
          ? [revokeEvent(c, n, identity())]
          : [],
    );

const NARROWING_EVENTS = [
  'ec2-authorize-security-group-ingress-world-tcp-all-ports.json',
  'ec2-authorize-security-group-ingress-all-tcp-private.json',
  'ec2-modify-security-group-rules-world-openwire.json',
];

describe('the remediator replaying its own CloudTrail events', () => {
  it.each(NARROWING_EVENTS)(
    'after %s, its own authorizes and revokes lead to no further write',
    async (name) => {
      // Prepare
      account.reset();
      await run(handlers.onIngressEvent, sample(name), CONTEXTS.onIngressEvent);
      const own = eventsOf(account.calls, remediatorIdentity);
      const after = accessOf(account, [IDS.billingGroup, IDS.ordersGroup]);
      account.clearCalls();

      // Act
      const results = [];
      for (const event of own)
        results.push(await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent));

      // Assess
      expect(own.length).toBeGreaterThan(0);
      expect(results.map((r) => r.ok)).toEqual(own.map(() => true));
      // Parsed and evaluated (not dropped as malformed), yet nothing written.
      expect(results.map((r) => (r as { value: { status: string } }).value.status)).toEqual(
        own.map(() => 'evaluated'),
      );
      expect(account.ec2Writes()).toEqual([]);
      expect(accessOf(account, [IDS.billingGroup, IDS.ordersGroup])).toEqual(after);
    },
  );

  describe('when the remediator stopped half-way (its revoke failed after the narrowing authorizes)', () => {
    const halfWay = async (): Promise<ReturnType<typeof authorizeEvent>[]> => {
      account.reset();
      account.fail({ on: 'RevokeSecurityGroupIngress', error: 'server-error' });
      const first = await run(
        handlers.onIngressEvent,
        sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
        CONTEXTS.onIngressEvent,
      );
      expect(first.ok).toBe(false);
      account.clearFaults();
      const authorizes = account.calls.filter(
        (c) => c.operation === 'AuthorizeSecurityGroupIngress' && !c.error,
      );
      expect(authorizes).toHaveLength(2);
      account.clearCalls();
      return authorizes.map((c, n) => authorizeEvent(c, n, remediatorIdentity()));
    };

    it('its own authorize events do not finish the job behind the retry: no write', async () => {
      // Prepare
      const own = await halfWay();

      // Act
      for (const event of own) await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

      // Assess: the wide rule is still there for the retry of the failed invocation to take away.
      expect(account.ec2Writes()).toEqual([]);
      expect(accessOf(account, [IDS.billingGroup])).toContain(`${IDS.billingGroup} tcp 0-65535 0.0.0.0/0`);
    });

    it.each([
      ['the session ARN only', (i: Identity) => ({ type: i.type, arn: i.arn, accountId: i.accountId })],
      [
        'the role ARN (session issuer) only',
        (i: Identity) => ({ type: i.type, accountId: i.accountId, sessionContext: i.sessionContext }),
      ],
      [
        'the role name in other letter case',
        (i: Identity) => ({
          ...i,
          arn: String(i.arn).replace(REMEDIATION_ROLE_NAME, REMEDIATION_ROLE_NAME.toUpperCase()),
        }),
      ],
    ])('recognises itself by %s', async (_what, reshape) => {
      // Prepare
      const own = await halfWay();
      for (const event of own) event.detail.userIdentity = reshape(event.detail.userIdentity);

      // Act
      for (const event of own) await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

      // Assess
      expect(account.ec2Writes()).toEqual([]);
    });

    it('the control: the same events by a person finish the narrowing', async () => {
      // Prepare
      const own = await halfWay();
      for (const event of own) event.detail.userIdentity = humanIdentity();

      // Act
      for (const event of own) await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

      // Assess
      expect(account.ec2Writes().map((c) => c.operation)).toEqual(['RevokeSecurityGroupIngress']);
      expect(accessOf(account, [IDS.billingGroup])).not.toContain(
        `${IDS.billingGroup} tcp 0-65535 0.0.0.0/0`,
      );
    });

    it('a role of the same name in another account is not taken for the remediator', async () => {
      // Prepare
      const own = await halfWay();
      for (const event of own) {
        event.detail.userIdentity = {
          type: 'AssumedRole',
          arn: `arn:aws:sts::111122223333:assumed-role/${REMEDIATION_ROLE_NAME}/${SESSION}`,
          accountId: '111122223333',
        };
      }

      // Act
      for (const event of own) await run(handlers.onIngressEvent, event, CONTEXTS.onIngressEvent);

      // Assess
      expect(account.ec2Writes().map((c) => c.operation)).toEqual(['RevokeSecurityGroupIngress']);
    });
  });
});
