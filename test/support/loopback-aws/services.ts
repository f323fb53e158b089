/**
 * The services and operations the loopback AWS answers, with each service's protocol as its SDK client
 * declares it (checked against the clients in package-lock.json: EC2 `ec2Query`; Amazon MQ, Lambda and
 * Security Hub `restJson1`; Config, KMS, SSM and Organizations `awsJson1_1`; DynamoDB `awsJson1_0`; SNS and STS `awsQuery`).
 * A request is routed by the service in its SigV4 credential scope (`…/us-east-1/ec2/aws4_request`),
 * as AWS-compatible endpoints such as LocalStack do.
 */
import {
  DescribeConfigurationCommand,
  DescribeConfigurationRevisionCommand,
  DescribeBrokerCommand,
  DescribeBrokerEngineTypesCommand,
  ListBrokersCommand,
} from '@aws-sdk/client-mq';
import {
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { BatchGetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateTagsCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNetworkInterfacesCommand,
  GetManagedPrefixListAssociationsCommand,
  GetManagedPrefixListEntriesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  ModifySecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { BatchImportFindingsCommand } from '@aws-sdk/client-securityhub';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { Service } from '../sdk-account.ts';
import { type HttpRoute, routeOf } from './rest-json.ts';
import { type OperationShapes, operationShapes } from './shapes.ts';

export type Protocol = 'ec2Query' | 'awsQuery' | 'awsJson1_0' | 'awsJson1_1' | 'restJson1';

export interface ServiceSpec {
  /** The SigV4 signing name, which the loopback routes by. */
  readonly signingName: string;
  /** The service's name in the recorded account backend (test/support/sdk-account.ts). */
  readonly service: Service;
  readonly protocol: Protocol;
  /** JSON 1.x `X-Amz-Target` prefix, AWS Query XML namespace. */
  readonly target?: string;
  readonly namespace?: string;
  readonly operations: ReadonlyMap<string, OperationShapes>;
  /** REST-JSON only: each operation's route. */
  readonly routes: ReadonlyMap<string, HttpRoute>;
}

type CommandClass = new (input: never) => { schema?: unknown };

const spec = (
  fields: Omit<ServiceSpec, 'operations' | 'routes'>,
  commands: Record<string, CommandClass>,
): ServiceSpec => {
  const operations = new Map(
    Object.entries(commands).map(([name, Command]) => [
      name,
      operationShapes(name, new Command({} as never)),
    ]),
  );
  const routes = new Map(
    fields.protocol === 'restJson1'
      ? [...operations].map(([name, shapes]) => [name, routeOf(shapes)] as const)
      : [],
  );
  return { ...fields, operations, routes };
};

let cached: ReadonlyMap<string, ServiceSpec> | undefined;

/** Built on first use: reading the schemas costs a few milliseconds per operation. */
export const serviceSpecs = (): ReadonlyMap<string, ServiceSpec> => {
  cached ??= new Map(
    [
      spec(
        { signingName: 'ec2', service: 'ec2', protocol: 'ec2Query' },
        {
          DescribeSecurityGroupRules: DescribeSecurityGroupRulesCommand,
          DescribeSecurityGroups: DescribeSecurityGroupsCommand,
          DescribeNetworkInterfaces: DescribeNetworkInterfacesCommand,
          DescribeManagedPrefixLists: DescribeManagedPrefixListsCommand,
          GetManagedPrefixListEntries: GetManagedPrefixListEntriesCommand,
          GetManagedPrefixListAssociations: GetManagedPrefixListAssociationsCommand,
          AuthorizeSecurityGroupIngress: AuthorizeSecurityGroupIngressCommand,
          RevokeSecurityGroupIngress: RevokeSecurityGroupIngressCommand,
          ModifySecurityGroupRules: ModifySecurityGroupRulesCommand,
          CreateTags: CreateTagsCommand,
        },
      ),
      spec(
        { signingName: 'mq', service: 'mq', protocol: 'restJson1' },
        {
          DescribeBroker: DescribeBrokerCommand,
          ListBrokers: ListBrokersCommand,
          DescribeConfigurationRevision: DescribeConfigurationRevisionCommand,
          DescribeConfiguration: DescribeConfigurationCommand,
          DescribeBrokerEngineTypes: DescribeBrokerEngineTypesCommand,
        },
      ),
      spec(
        {
          signingName: 'config',
          service: 'config-service',
          protocol: 'awsJson1_1',
          target: 'StarlingDoveService',
        },
        {
          PutEvaluations: PutEvaluationsCommand,
          StartConfigRulesEvaluation: StartConfigRulesEvaluationCommand,
          GetResourceConfigHistory: GetResourceConfigHistoryCommand,
        },
      ),
      spec(
        { signingName: 'kms', service: 'kms', protocol: 'awsJson1_1', target: 'TrentService' },
        { DescribeKey: DescribeKeyCommand },
      ),
      spec(
        { signingName: 'dynamodb', service: 'dynamodb', protocol: 'awsJson1_0', target: 'DynamoDB_20120810' },
        { BatchGetItem: BatchGetItemCommand, UpdateItem: UpdateItemCommand },
      ),
      spec(
        { signingName: 'ssm', service: 'ssm', protocol: 'awsJson1_1', target: 'AmazonSSM' },
        { GetParameter: GetParameterCommand },
      ),
      spec(
        { signingName: 'securityhub', service: 'securityhub', protocol: 'restJson1' },
        { BatchImportFindings: BatchImportFindingsCommand },
      ),
      spec(
        {
          signingName: 'sns',
          service: 'sns',
          protocol: 'awsQuery',
          namespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
        },
        { Publish: PublishCommand },
      ),
      spec({ signingName: 'lambda', service: 'lambda', protocol: 'restJson1' }, { Invoke: InvokeCommand }),
      spec(
        {
          signingName: 'sts',
          service: 'sts',
          protocol: 'awsQuery',
          namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
        },
        { AssumeRole: AssumeRoleCommand },
      ),
      spec(
        {
          signingName: 'organizations',
          service: 'organizations',
          protocol: 'awsJson1_1',
          target: 'AWSOrganizationsV20161128',
        },
        { ListAccounts: ListAccountsCommand },
      ),
    ].map((s) => [s.signingName, s]),
  );
  return cached;
};
