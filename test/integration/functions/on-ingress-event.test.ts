/**
 * functions/on-ingress-event.ts end to end with aws-sdk-client-mock on every SDK client: the exact
 * AWS calls made per event, served from the demo recorded account's shapes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListAssociationsCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import {
  DescribeBrokerCommand,
  DescribeConfigurationRevisionCommand,
  ListBrokersCommand,
  MqClient,
} from '@aws-sdk/client-mq';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../shared/logger.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const account = JSON.parse(readFileSync(join(root, 'events', 'accounts', 'demo-account.json'), 'utf8'));
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;

const BILLING_BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000005';
const BILLING_GROUP = 'sg-0a1b2c3d4e5f60005';
const WIDE_RULE = 'sgr-0a1b2c3d4e5f60050';
const REMEDIATOR_ROLE = 'arn:aws:iam::123456789012:role/mq-guardian-dev-remediator';

const ec2 = mockClient(EC2Client);
const mq = mockClient(MqClient);
const kms = mockClient(KMSClient);

const context = {
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:mq-guardian-dev-on-ingress-event',
  functionName: 'mq-guardian-dev-on-ingress-event',
  awsRequestId: '11111111-2222-4333-8444-555555555555',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let handler: Handler;

const rulesOf = (groupId: string) =>
  (account.securityGroupRules as { GroupId: string }[]).filter((r) => r.GroupId === groupId);

const serveBillingBroker = (): void => {
  const broker = (account.brokers as { BrokerId: string }[]).find((b) => b.BrokerId === BILLING_BROKER);
  const configuration = (account.configurations as { Id: string; Revisions: { Data: string }[] }[]).find(
    (c) => c.Id === 'c-1a2b3c4d-0000-4000-8000-000000000005',
  );
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: (account.networkInterfaces as { Groups: { GroupId: string }[] }[]).filter((n) =>
      n.Groups.some((g) => g.GroupId === BILLING_GROUP),
    ),
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: rulesOf(BILLING_GROUP) });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: (account.securityGroups as { GroupId: string }[]).filter(
      (g) => g.GroupId === BILLING_GROUP,
    ),
  });
  ec2
    .on(AuthorizeSecurityGroupIngressCommand)
    .callsFake((input: { IpPermissions: { FromPort: number }[] }) => ({
      Return: true,
      SecurityGroupRules: [
        { SecurityGroupRuleId: `sgr-0f0f0f0f0f0f${input.IpPermissions[0]?.FromPort}`.slice(0, 21) },
      ],
    }));
  ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
  mq.on(DescribeBrokerCommand, { BrokerId: BILLING_BROKER }).resolves(broker as never);
  mq.on(DescribeConfigurationRevisionCommand).resolves({ Data: configuration?.Revisions[0]?.Data });
  // Before writing, remediation asks which brokers are not running yet (they may have no interface).
  mq.on(ListBrokersCommand).resolves({
    BrokerSummaries: [
      {
        BrokerId: BILLING_BROKER,
        BrokerArn: 'arn',
        BrokerName: 'billing-legacy',
        BrokerState: 'RUNNING',
        DeploymentMode: 'SINGLE_INSTANCE',
        EngineType: 'ACTIVEMQ',
      },
    ],
  } as never);
};

const commandNames = (): string[] =>
  [...ec2.calls(), ...mq.calls(), ...kms.calls()].map(
    (c) => (c.args[0] as { constructor: { name: string } }).constructor.name,
  );

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('REMEDIATION_MODE', 'enforce');
  vi.stubEnv('REMEDIATION_ROLE_ARN', REMEDIATOR_ROLE);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-real-secret-used-only-by-mocked-clients');
  ({ handler } = (await import('../../../functions/on-ingress-event.ts')) as unknown as { handler: Handler });
  logger.setLogLevel('SILENT');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  ec2.reset();
  mq.reset();
  kms.reset();
});

describe('on-ingress-event handler', () => {
  it('makes one round of reads (interfaces, broker listing, group) and nothing else for a group no broker uses', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0a1b2c3d4e5f60102',
          Description: '',
          InterfaceType: 'interface',
          Attachment: { InstanceId: 'i-0a1b2c3d4e5f60002' },
          Groups: [{ GroupId: 'sg-0a1b2c3d4e5f60003', GroupName: 'app-clients' }],
        },
      ],
    });
    const event = sample('ec2-authorize-security-group-ingress-all-tcp-private.json');
    const detail = event.detail as { requestParameters: { groupId: string }; responseElements: unknown };
    detail.requestParameters.groupId = 'sg-0a1b2c3d4e5f60003';
    detail.responseElements = { requestId: 'a9b80099-c7d6-4e5f-9a1b-2c3d4e5f0099', _return: true };

    // Act
    const result = (await handler(event, context)) as { brokers: unknown[] };

    // Assess: in enforce the listing and the group's tags are read with the interfaces; no broker is
    // described, nothing is written.
    expect([...commandNames()].sort()).toEqual([
      'DescribeNetworkInterfacesCommand',
      'DescribeSecurityGroupsCommand',
      'ListBrokersCommand',
    ]);
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: ['sg-0a1b2c3d4e5f60003'] }],
      MaxResults: 1000,
    });
    expect(result.brokers).toEqual([]);
  });

  it('narrows a world-open 0-65535 rule: authorizes the used ports first, then revokes exactly that rule', async () => {
    // Prepare
    serveBillingBroker();

    // Act
    const result = (await handler(
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      context,
    )) as {
      brokers: { brokerId: string; failing: string[] }[];
    };

    // Assess
    const writes = commandNames().filter((n) => /Authorize|Revoke/.test(n));
    expect(writes).toEqual([
      'AuthorizeSecurityGroupIngressCommand',
      'AuthorizeSecurityGroupIngressCommand',
      'RevokeSecurityGroupIngressCommand',
    ]);
    const ports = ec2
      .commandCalls(AuthorizeSecurityGroupIngressCommand)
      .map((c) => c.args[0].input.IpPermissions?.[0])
      .map((p) => [p?.IpProtocol, p?.FromPort, p?.ToPort, p?.IpRanges?.[0]?.CidrIp]);
    expect(ports).toEqual(
      expect.arrayContaining([
        ['tcp', 61617, 61617, '0.0.0.0/0'],
        ['tcp', 8162, 8162, '0.0.0.0/0'],
      ]),
    );
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: BILLING_GROUP,
      SecurityGroupRuleIds: [WIDE_RULE],
    });
    expect(result.brokers[0]?.brokerId).toBe(BILLING_BROKER);
    expect(result.brokers[0]?.failing).toContain('mq-broker-ingress-limited-to-used-protocols');
    // Broker found once from the interfaces; those interfaces are reused to decide "shared", not read again.
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)).toHaveLength(1);
    expect(mq.commandCalls(DescribeBrokerCommand)).toHaveLength(1);
  });

  it('evaluates but never remediates a change made by its own remediation role', async () => {
    // Prepare
    serveBillingBroker();
    const event = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const detail = event.detail as { userIdentity: Record<string, unknown> };
    detail.userIdentity = {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEREMEDIATOR:mq-guardian-dev-on-ingress-event',
      arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-dev-remediator/mq-guardian-dev-on-ingress-event',
      accountId: '123456789012',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: REMEDIATOR_ROLE,
          accountId: '123456789012',
          userName: 'mq-guardian-dev-remediator',
        },
      },
    };

    // Act
    const result = (await handler(event, context)) as { brokers: { failing: string[] }[] };

    // Assess
    expect(result.brokers[0]?.failing).toContain('mq-broker-ingress-limited-to-used-protocols');
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it("evaluates the brokers of the account's groups that reference a prefix list whose entries changed", async () => {
    // Prepare: EC2 answers billing-legacy's group and a route table that reference the list.
    serveBillingBroker();
    ec2.on(GetManagedPrefixListAssociationsCommand).resolves({
      PrefixListAssociations: [
        { ResourceId: BILLING_GROUP, ResourceOwner: '123456789012' },
        { ResourceId: 'rtb-0a1b2c3d4e5f60001', ResourceOwner: '123456789012' },
      ],
    });

    // Act
    const result = (await handler(sample('ec2-modify-managed-prefix-list-world.json'), context)) as {
      brokers: { brokerId: string }[];
    };

    // Assess
    expect(commandNames()[0]).toBe('GetManagedPrefixListAssociationsCommand');
    expect(ec2.commandCalls(GetManagedPrefixListAssociationsCommand)[0]?.args[0].input).toEqual({
      PrefixListId: 'pl-0a1b2c3d4e5f60001',
      MaxResults: 255,
    });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [BILLING_GROUP] }],
      MaxResults: 1000,
    });
    expect(result.brokers.map((b) => b.brokerId)).toEqual([BILLING_BROKER]);
  });

  it('fails the invocation (so it is retried) when the groups that reference the list cannot be read', async () => {
    // Prepare
    ec2.on(GetManagedPrefixListAssociationsCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    // Act
    const invocation = handler(sample('ec2-restore-managed-prefix-list-version.json'), context);

    // Assess
    await expect(invocation).rejects.toMatchObject({
      code: 'AWS_CALL',
      operation: 'GetManagedPrefixListAssociations',
    });
    expect(commandNames()).toEqual(['GetManagedPrefixListAssociationsCommand']);
  });

  it('acknowledges a malformed event without any AWS call', async () => {
    // Act
    const result = await handler(
      { source: 'aws.ec2', detail: { eventName: 'AuthorizeSecurityGroupIngress' } },
      context,
    );

    // Assess
    expect(result).toMatchObject({ status: 'ignored' });
    expect(commandNames()).toEqual([]);
  });

  it('fails the invocation (so it is retried) when a read fails, and writes nothing', async () => {
    // Prepare
    serveBillingBroker();
    mq.on(DescribeBrokerCommand).rejects(
      Object.assign(new Error('Rate exceeded'), {
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      }),
    );

    // Act
    const invocation = handler(
      sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json'),
      context,
    );

    // Assess
    await expect(invocation).rejects.toMatchObject({ code: 'AWS_CALL', operation: 'DescribeBroker' });
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });
});
