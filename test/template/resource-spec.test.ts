/**
 * The specification check itself: it must find each kind of mistake it claims to find, against the
 * real specification (so that "no violations" for the packaged stack means something).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnResource } from './cfn.ts';
import {
  loadResourceSpecification,
  locateSpecDatabase,
  type ResourceSpecification,
  validateReferences,
  validateResources,
} from './resource-spec.ts';

let spec: ResourceSpecification;

beforeAll(() => {
  const located = locateSpecDatabase();
  if ('missing' in located) throw new Error(`No CloudFormation resource specification: ${located.missing}`);
  spec = loadResourceSpecification(located.path);
});

const queue = (properties: Record<string, unknown>): CfnResource => ({
  Type: 'AWS::SQS::Queue',
  Properties: properties,
});

const messages = (resources: Record<string, CfnResource>): string[] =>
  validateResources(spec, resources).map((v) => `${v.resource} ${v.path}: ${v.message}`);

describe('validateResources', () => {
  it('accepts well-formed resources with references between them', () => {
    // Prepare
    const resources: Record<string, CfnResource> = {
      Queue: queue({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true }),
      Alarm: {
        Type: 'AWS::CloudWatch::Alarm',
        DependsOn: 'Queue',
        Properties: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['Queue', 'QueueName'] } }],
          Statistic: 'Maximum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ 'Fn::Sub': `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:t` }],
        },
      },
    };
    // Act
    const found = messages(resources);
    // Assess
    expect(found).toEqual([]);
  });

  it.each([
    [
      'an unknown resource type',
      { X: { Type: 'AWS::SQS::Queues' } },
      'is not a CloudFormation resource type',
    ],
    ['an unknown property', { X: queue({ RetentionPeriod: 60 }) }, 'has no property RetentionPeriod'],
    ['a string where an integer belongs', { X: queue({ MessageRetentionPeriod: '60' }) }, 'expected integer'],
    ['a string where a boolean belongs', { X: queue({ SqsManagedSseEnabled: 'true' }) }, 'expected boolean'],
    [
      'a missing required property',
      {
        X: {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: 'arn:aws:sns:us-east-1:123456789012:t' },
        },
      },
      'requires Protocol',
    ],
    [
      'an unknown property of a nested type',
      {
        X: {
          Type: 'AWS::Events::Rule',
          Properties: {
            Targets: [
              { Arn: 'arn:aws:sqs:us-east-1:123456789012:q', Id: 't', RetryPolicy: { MaxRetries: 1 } },
            ],
          },
        },
      },
      'has no property MaxRetries',
    ],
    [
      'a list where an object belongs',
      {
        X: {
          Type: 'AWS::DynamoDB::Table',
          Properties: { TimeToLiveSpecification: [{ AttributeName: 'ttl', Enabled: true }] },
        },
      },
      'must be an object',
    ],
    [
      'an attribute the target does not have',
      {
        Q: queue({}),
        X: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::GetAtt': ['Q', 'Url'] } } },
      },
      'has no attribute Url',
    ],
    [
      'a Ref to nothing',
      { X: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: { Ref: 'Key' } } } },
      'Ref Key names nothing',
    ],
    [
      'a Sub variable naming nothing',
      { X: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': `\${Missing}-alerts` } } } },
      `Fn::Sub variable \${Missing}`,
    ],
    [
      'a dependency that is not deployed',
      { X: { ...queue({}), DependsOn: ['Permission'] } },
      'depends on Permission',
    ],
    [
      'an unknown resource attribute',
      { X: { ...queue({}), Conditions: 'On' } },
      'Conditions is not a resource attribute',
    ],
  ])('finds %s', (_name, resources, message) => {
    // Act
    const found = messages(resources as Record<string, CfnResource>);
    // Assess
    expect(found.join('\n')).toContain(message);
  });
});

describe('validateReferences', () => {
  it('finds an output that names a resource not deployed, and accepts one that does', () => {
    // Prepare
    const resources = { Queue: queue({}) };
    // Act
    const good = validateReferences(spec, resources, 'Outputs.Url', { Value: { Ref: 'Queue' } });
    const bad = validateReferences(spec, resources, 'Outputs.Url', { Value: { Ref: 'SlackQueue' } });
    // Assess
    expect(good).toEqual([]);
    expect(bad.map((v) => v.message)).toEqual(['Ref SlackQueue names nothing in the template']);
  });
});
