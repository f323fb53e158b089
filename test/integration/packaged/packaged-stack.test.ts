/**
 * The deployed artifact, end to end: the stack is packaged with osls, each function is run from its
 * own zip the way the Lambda Node.js runtime runs it (handler string and environment from the
 * template, ES module, a fresh process per cold start), and every AWS call goes over HTTP to a
 * loopback AWS serving the demo account. This catches what unit tests cannot: a bundling mistake, a
 * wrong handler path, an environment variable the template forgets, a client that cannot talk to
 * the real service protocol.
 *
 * The stack is packaged with remediation enforced, Config rules and Security Hub on, so every path is
 * deployed. Packaging takes about a minute: once, in beforeAll.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NARROWED_FROM_TAG } from '../../../shared/remediation/plan.ts';
import { TAGS } from '../../../shared/policy/settings.ts';
import {
  authorizationRequestsOf,
  type Decision,
  evaluate,
  evaluateInvoke,
  roleOf,
  securityGroupArn,
} from '../../support/packaged/iam.ts';
import { LoopbackAws, type WireRequest } from '../../support/loopback-aws/server.ts';
import {
  invokeFunction,
  type InvocationResult,
  type PackagedFunction,
  type PackagedStack,
  packageStack,
} from '../../support/packaged/stack.ts';
import { SdkAccount } from '../../support/sdk-account.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TARGET = { account: ACCOUNT, region: REGION, stage: 'e2e' } as const;
const PARAMS = { remediationMode: 'enforce', configRules: 'true', securityHub: 'true' } as const;

const ROOT = new URL('../../../', import.meta.url);
const sample = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`events/${name}`, ROOT), 'utf8')) as Record<string, unknown>;

/** The access key id each function's role session signs with: tells the loopback who sent a request. */
const accessKeyOf = (key: string): string => `ASIALOOPBACK-${key}`;

let stack: PackagedStack;
let aws: LoopbackAws;
const account = new SdkAccount(readFileSync(new URL('events/accounts/demo-account.json', ROOT), 'utf8'));

const fn = (key: string): PackagedFunction => {
  const found = stack.functions.find((f) => f.key === key);
  if (!found) throw new Error(`function ${key} is not in the packaged stack`);
  return found;
};

const keyOfFunctionName = (name: string): string => {
  const found = stack.functions.find((f) => f.functionName === name.split(':').at(-1));
  if (!found) throw new Error(`no function named ${name} in the packaged stack`);
  return found.key;
};

const invoke = (key: string, event: unknown): Promise<InvocationResult> =>
  invokeFunction(stack, fn(key), event, { endpoint: aws.url, accessKeyId: accessKeyOf(key) });

const sentBy = (key: string): WireRequest[] => aws.requests.filter((r) => r.accessKeyId === accessKeyOf(key));

const expectOk = (result: InvocationResult): void => {
  expect(result.error).toBeUndefined();
  expect(result.ok).toBe(true);
};

/** Every request of every test, for the IAM evaluation at the end. */
const allRequests: WireRequest[] = [];

type IdentityPolicies = ReturnType<typeof roleOf>['policies'];

beforeAll(async () => {
  [stack, aws] = await Promise.all([packageStack(TARGET, PARAMS), LoopbackAws.start({ backend: account })]);
}, 300_000);

afterAll(async () => {
  await aws?.stop();
  stack?.dispose();
});

beforeEach(() => {
  account.reset();
  aws.clear();
  return () => {
    allRequests.push(...aws.requests);
    expect(aws.unexpected).toEqual([]);
  };
});

describe('the packaged stack against the loopback AWS', () => {
  it('packages every function as one ES module bundle whose handler the template names', () => {
    // Assess
    expect(stack.functions.map((f) => f.key).sort()).toEqual(
      ['config-rule', 'on-broker-event', 'on-ingress-event', 'sweep'].sort(),
    );
    for (const f of stack.functions) {
      expect(f.handler).toBe(`functions/${f.key}.handler`);
      expect(f.runtime).toMatch(/^nodejs\d+\.x$/);
    }
  });

  it('narrows a world-open 0-65535 authorize on a broker group, publishes the alert and records it', async () => {
    // Prepare
    const event = sample('ec2-authorize-security-group-ingress-world-tcp-all-ports.json');
    const groupId = 'sg-0a1b2c3d4e5f60005';
    const wideRule = 'sgr-0a1b2c3d4e5f60050';
    expect(account.ingressRules(groupId).map((r) => r.SecurityGroupRuleId)).toContain(wideRule);

    // Act
    const result = await invoke('on-ingress-event', event);

    // Assess
    expectOk(result);
    const after = account.ingressRules(groupId);
    expect(after.map((r) => r.SecurityGroupRuleId)).not.toContain(wideRule);
    const narrowed = after.filter((r) =>
      ((r.Tags as { Key: string; Value: string }[] | undefined) ?? []).some(
        (t) => t.Key === NARROWED_FROM_TAG && t.Value === wideRule,
      ),
    );
    expect(narrowed.length).toBeGreaterThan(0);
    for (const rule of narrowed) {
      expect(rule).toMatchObject({ IpProtocol: 'tcp', CidrIpv4: '0.0.0.0/0' });
      expect(Number(rule.ToPort) - Number(rule.FromPort)).toBeLessThan(65535);
    }
    const operations = sentBy('on-ingress-event').map((r) => `${r.service}:${r.operation}`);
    const firstRevoke = operations.indexOf('ec2:RevokeSecurityGroupIngress');
    expect(operations.indexOf('ec2:AuthorizeSecurityGroupIngress')).toBeGreaterThanOrEqual(0);
    expect(operations.indexOf('ec2:AuthorizeSecurityGroupIngress')).toBeLessThan(firstRevoke);
    const topic = fn('on-ingress-event').environment.ALERT_TOPIC_ARN;
    expect(topic).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:mq-guardian-e2e-alerts`);
    const publishes = sentBy('on-ingress-event').filter((r) => r.operation === 'Publish');
    expect(publishes.length).toBeGreaterThan(0);
    expect(publishes.every((p) => p.input.TopicArn === topic)).toBe(true);
    expect(publishes.some((p) => String(p.input.Message).includes(wideRule))).toBe(true);
    expect(operations).toContain('securityhub:BatchImportFindings');
    expect(operations).toContain('dynamodb:UpdateItem');
  });

  it("evaluates, on a change to a prefix list's entries, the brokers of the groups that reference it, and alerts without revoking", async () => {
    // Prepare: payments-prod's group admits OpenWire from partner-gateways, which now holds 0.0.0.0/0.
    const list = 'pl-0a1b2c3d4e5f60001';
    const listRule = 'sgr-0e2e000000000a001';
    account.state.prefixLists = [
      {
        PrefixListId: list,
        PrefixListName: 'partner-gateways',
        AddressFamily: 'IPv4',
        State: 'modify-complete',
        Version: 4,
        OwnerId: ACCOUNT,
        Entries: [{ Cidr: '0.0.0.0/0', Description: 'temporary partner access' }],
      },
    ];
    account.markDirty();
    account.addRule({
      SecurityGroupRuleId: listRule,
      GroupId: 'sg-0a1b2c3d4e5f60004',
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 61617,
      ToPort: 61617,
      PrefixListId: list,
      Tags: [],
    });

    // Act
    const result = await invoke('on-ingress-event', sample('ec2-modify-managed-prefix-list-world.json'));

    // Assess
    expectOk(result);
    const operations = sentBy('on-ingress-event').map((r) => `${r.service}:${r.operation}`);
    expect(operations[0]).toBe('ec2:GetManagedPrefixListAssociations');
    expect(operations).toContain('ec2:GetManagedPrefixListEntries');
    expect(operations).not.toContain('ec2:RevokeSecurityGroupIngress');
    expect(account.ingressRules('sg-0a1b2c3d4e5f60004').map((r) => r.SecurityGroupRuleId)).toContain(
      listRule,
    );
    const publishes = sentBy('on-ingress-event').filter((r) => r.operation === 'Publish');
    expect(publishes.some((p) => String(p.input.Message).includes(`prefix list ${list}`))).toBe(true);
  });

  it('answers a Config change notification with evaluations posted under its result token', async () => {
    // Prepare
    const event = sample('config-change-broker.json');

    // Act
    const result = await invoke('config-rule', event);

    // Assess
    expectOk(result);
    const puts = sentBy('config-rule').filter((r) => r.operation === 'PutEvaluations');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.input).toMatchObject({
      ResultToken: event.resultToken,
      Evaluations: [
        {
          ComplianceResourceType: 'AWS::AmazonMQ::Broker',
          ComplianceResourceId: 'b-1a2b3c4d-0000-4000-8000-000000000001',
        },
      ],
    });
    expect(['COMPLIANT', 'NON_COMPLIANT']).toContain(
      ((puts[0]?.input.Evaluations ?? []) as { ComplianceType: string }[])[0]?.ComplianceType,
    );
  });

  it('sweeps on its schedule and hands brokers to the remediator, whose run then narrows', async () => {
    // Prepare: a scheduled EventBridge event (EventBridge User Guide, "Creating a rule that runs on a
    // schedule": detail-type "Scheduled Event", source "aws.events", the rule's ARN in resources).
    const scheduled = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: '2026-12-05T10:00:00Z',
      region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/mq-guardian-e2e-sweep`],
      detail: {},
    };
    account.addRule({
      SecurityGroupRuleId: 'sgr-0e2e00000000000aa',
      GroupId: 'sg-0a1b2c3d4e5f60005',
      GroupOwnerId: ACCOUNT,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '10.20.0.0/16',
      Tags: [],
    });

    // Act
    const swept = await invoke('sweep', scheduled);
    const invokes = sentBy('sweep').filter((r) => r.operation === 'Invoke');
    const remediations = [];
    for (const request of invokes) {
      const payload = JSON.parse(Buffer.from(request.input.Payload as Uint8Array).toString('utf8'));
      remediations.push(await invoke(keyOfFunctionName(String(request.input.FunctionName)), payload));
    }

    // Assess
    expectOk(swept);
    expect(invokes.length).toBeGreaterThan(0);
    for (const request of invokes) {
      expect(request.input).toMatchObject({
        FunctionName: fn('on-ingress-event').functionName,
        InvocationType: 'Event',
      });
    }
    for (const remediation of remediations) expectOk(remediation);
    expect(account.ingressRules('sg-0a1b2c3d4e5f60005').map((r) => r.SecurityGroupRuleId)).not.toContain(
      'sgr-0e2e00000000000aa',
    );
  });
});

describe('IAM, evaluated against the packaged roles', () => {
  const REMEDIATOR = 'on-ingress-event';
  const BROKER_GROUP = 'sg-0a1b2c3d4e5f60001';
  const OTHER_ACCOUNT = '111122223333';

  const functionOfKey = (accessKeyId: string): PackagedFunction => {
    const found = stack.functions.find((f) => accessKeyOf(f.key) === accessKeyId);
    if (!found) throw new Error(`a request signed by ${accessKeyId}, which is no function`);
    return found;
  };

  const decide = (
    key: string,
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
  ) => evaluate(stack, fn(key).roleId, { action, resource, context });

  it('allows every request the functions sent above, with only condition keys AWS offers for it', async () => {
    // Prepare
    const sent = allRequests.filter((r) => r.errorCode === undefined);
    expect(sent.length).toBeGreaterThan(20);

    // Act
    const decisions: (Decision & { sender: string })[] = [];
    for (const request of sent) {
      const sender = functionOfKey(request.accessKeyId);
      for (const authorization of authorizationRequestsOf(request, account.state, stack)) {
        decisions.push({ ...(await evaluate(stack, sender.roleId, authorization)), sender: sender.key });
      }
    }

    // Assess
    const refused = decisions.filter((d) => d.result !== 'Allowed' || d.ignoredContextKeys.length > 0);
    expect(refused).toEqual([]);
    const actions = new Set(decisions.map((d) => d.request.action));
    for (const action of [
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:RevokeSecurityGroupIngress',
      'ec2:CreateTags',
      'mq:DescribeBroker',
      'sns:Publish',
      'config:PutEvaluations',
      'lambda:InvokeFunction',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it.each(['on-broker-event', 'config-rule', 'sweep'])(
    'denies %s every change to a broker security group',
    async (key) => {
      // Prepare
      const group = securityGroupArn(REGION, ACCOUNT, BROKER_GROUP);
      const rule = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0a1b2c3d4e5f60010`;

      // Act
      const decisions = await Promise.all([
        decide(key, 'ec2:AuthorizeSecurityGroupIngress', group),
        decide(key, 'ec2:RevokeSecurityGroupIngress', group),
        decide(key, 'ec2:ModifySecurityGroupRules', group),
        decide(key, 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', group),
        decide(key, 'ec2:CreateTags', rule, { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' }),
        decide(key, 'ec2:DeleteTags', group),
      ]);

      // Assess
      expect(decisions.map((d) => [d.request.action, d.result])).toEqual(
        decisions.map((d) => [d.request.action, 'ImplicitlyDenied']),
      );
    },
  );

  it("denies the remediator any change to another account's group", async () => {
    // Prepare
    const foreign = securityGroupArn(REGION, OTHER_ACCOUNT, 'sg-0123456789abcdef0');

    // Act
    const decisions = await Promise.all([
      decide(REMEDIATOR, 'ec2:AuthorizeSecurityGroupIngress', foreign),
      decide(REMEDIATOR, 'ec2:RevokeSecurityGroupIngress', foreign),
    ]);

    // Assess
    expect(decisions.map((d) => d.result)).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it.each(['on-broker-event', REMEDIATOR, 'config-rule', 'sweep'])(
    'allows %s to read the prefix lists a rule references: its own, one shared from another account, an AWS-managed one',
    async (key) => {
      // Prepare: a prefix list's ARN names its owner, `aws` for AWS-managed lists.
      const lists = [
        `arn:aws:ec2:${REGION}:${ACCOUNT}:prefix-list/pl-0ca5e0000000000c1`,
        `arn:aws:ec2:${REGION}:${OTHER_ACCOUNT}:prefix-list/pl-0ca5e0000000000c2`,
        `arn:aws:ec2:${REGION}:aws:prefix-list/pl-63a5400a`,
      ];

      // Act
      const decisions = await Promise.all([
        decide(key, 'ec2:DescribeManagedPrefixLists', '*'),
        ...lists.map((list) => decide(key, 'ec2:GetManagedPrefixListEntries', list)),
      ]);

      // Assess
      expect(decisions.map((d) => d.result)).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed']);
    },
  );

  it("allows only the remediator to find the groups that reference one of its account's prefix lists", async () => {
    // Prepare: the lists whose changes reach the account are its own; others' and AWS's are not asked.
    const own = `arn:aws:ec2:${REGION}:${ACCOUNT}:prefix-list/pl-0ca5e0000000000c1`;
    const foreign = `arn:aws:ec2:${REGION}:${OTHER_ACCOUNT}:prefix-list/pl-0ca5e0000000000c2`;

    // Act
    const decisions = await Promise.all([
      decide(REMEDIATOR, 'ec2:GetManagedPrefixListAssociations', own),
      decide(REMEDIATOR, 'ec2:GetManagedPrefixListAssociations', foreign),
      ...['on-broker-event', 'config-rule', 'sweep'].map((key) =>
        decide(key, 'ec2:GetManagedPrefixListAssociations', own),
      ),
    ]);

    // Assess
    expect(decisions.map((d) => d.result)).toEqual([
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
  });

  it('denies the remediator tags on existing rules and groups, and allows them only on rules it creates', async () => {
    // Prepare
    const existingRule = `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group-rule/sgr-0a1b2c3d4e5f60010`;
    const tag = { 'aws:TagKeys': [NARROWED_FROM_TAG], [`aws:RequestTag/${NARROWED_FROM_TAG}`]: 'sgr-1' };

    // Act
    const decisions = await Promise.all([
      decide(REMEDIATOR, 'ec2:CreateTags', existingRule, tag),
      decide(REMEDIATOR, 'ec2:CreateTags', securityGroupArn(REGION, ACCOUNT, BROKER_GROUP), tag),
      decide(REMEDIATOR, 'ec2:CreateTags', existingRule, {
        ...tag,
        'ec2:CreateAction': 'AuthorizeSecurityGroupIngress',
      }),
    ]);

    // Assess
    expect(decisions.map((d) => d.result)).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed']);
  });

  it.each(['off', 'OFF', ' off ', 'Off\n', 'disabled', ''])(
    'denies the remediator every change to a group tagged mq-guardian:remediation=%j, whatever else allows it',
    async (value) => {
      // Prepare: the demo broker group, as IAM sees it once tagged.
      const group = securityGroupArn(REGION, ACCOUNT, BROKER_GROUP);
      const tagged = {
        [`aws:ResourceTag/${TAGS.remediation}`]: value,
        [`ec2:ResourceTag/${TAGS.remediation}`]: value,
      };

      // Act
      const [untagged, ...decisions] = await Promise.all([
        decide(REMEDIATOR, 'ec2:RevokeSecurityGroupIngress', group),
        decide(REMEDIATOR, 'ec2:AuthorizeSecurityGroupIngress', group, tagged),
        decide(REMEDIATOR, 'ec2:RevokeSecurityGroupIngress', group, tagged),
        decide(REMEDIATOR, 'ec2:ModifySecurityGroupRules', group, tagged),
        decide(REMEDIATOR, 'ec2:UpdateSecurityGroupRuleDescriptionsIngress', group, tagged),
      ]);

      // Assess
      expect(untagged?.result).toBe('Allowed');
      expect(decisions.map((d) => [d.request.action, d.result, d.ignoredContextKeys])).toEqual(
        decisions.map((d) => [d.request.action, 'ExplicitlyDenied', []]),
      );
    },
  );

  it.each(['on', 'ENFORCE'])(
    'lets the remediator change a group tagged mq-guardian:remediation=%s',
    async (value) => {
      // Prepare
      const group = securityGroupArn(REGION, ACCOUNT, BROKER_GROUP);
      const tagged = {
        [`aws:ResourceTag/${TAGS.remediation}`]: value,
        [`ec2:ResourceTag/${TAGS.remediation}`]: value,
      };

      // Act
      const decision = await decide(REMEDIATOR, 'ec2:RevokeSecurityGroupIngress', group, tagged);

      // Assess
      expect(decision.result).toBe('Allowed');
    },
  );

  it('lets only the stack’s rules and hand-over functions invoke the remediator', async () => {
    // Prepare
    const remediator = fn(REMEDIATOR).logicalId;
    const ownRule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/mq-guardian-e2e-ingress-api-calls`;
    const otherRule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/someone-elses-rule`;
    const mayInvokeAnything: IdentityPolicies = [
      {
        name: 'invoke-any-function',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' }],
        },
      },
    ];
    const invokes = (principal: string, identity: IdentityPolicies = [], context = {}) =>
      evaluateInvoke(stack, remediator, principal, identity, context);
    const asFunction = (key: string) => {
      const role = roleOf(stack, fn(key).roleId);
      return invokes(role.arn, role.policies);
    };

    // Act
    const decisions = {
      brokerEvents: await asFunction('on-broker-event'),
      sweep: await asFunction('sweep'),
      ownRule: await invokes('events.amazonaws.com', [], { 'aws:SourceArn': ownRule }),
      otherRule: await invokes('events.amazonaws.com', [], { 'aws:SourceArn': otherRule }),
      otherService: await invokes('sns.amazonaws.com', [], {
        'aws:SourceArn': `arn:aws:sns:${REGION}:${ACCOUNT}:any-topic`,
      }),
      otherAccount: await invokes(`arn:aws:iam::${OTHER_ACCOUNT}:role/admin`, mayInvokeAnything),
      configRuleRole: await asFunction('config-rule'),
      sameAccountWithoutGrant: await invokes(`arn:aws:iam::${ACCOUNT}:role/developer`),
    };

    // Assess
    expect(decisions).toEqual({
      brokerEvents: 'Allowed',
      sweep: 'Allowed',
      ownRule: 'Allowed',
      otherRule: 'ImplicitlyDenied',
      otherService: 'ImplicitlyDenied',
      otherAccount: 'ImplicitlyDenied',
      configRuleRole: 'ImplicitlyDenied',
      sameAccountWithoutGrant: 'ImplicitlyDenied',
    });
  });
});
