import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_BUCKET_PARAMETER,
  ARTIFACT_KEY_PARAMETER,
  stackSetTemplate,
} from '../../shared/packaging/stackset-template.ts';
import type { Template } from './cfn.ts';
import {
  deploymentBucketViolations,
  globalNameViolations,
  transformViolations,
} from './stackset-constraints.ts';

const packaged = (): Record<string, unknown> => ({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    ServerlessDeploymentBucketPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: { Bucket: { Ref: 'ServerlessDeploymentBucket' } },
    },
    SweepLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: {
          S3Bucket: { Ref: 'ServerlessDeploymentBucket' },
          S3Key: 'serverless/mq-guardian/dev/1-2/sweep.zip',
        },
      },
    },
  },
  Outputs: { ServerlessDeploymentBucketName: { Value: { Ref: 'ServerlessDeploymentBucket' } } },
  Parameters: {
    remediationMode: { Type: 'String', Default: 'dry-run', AllowedValues: ['off', 'dry-run', 'enforce'] },
  },
});

describe('stackSetTemplate', () => {
  it('drops the deployment bucket and reads the code from the per-region artifact bucket', () => {
    // Act
    const { template, artifacts } = stackSetTemplate(packaged(), 'mq-guardian/dev/abc');
    // Assess
    const resources = template.Resources as Template['Resources'];
    expect(Object.keys(resources)).toEqual(['SweepLambdaFunction']);
    expect(resources.SweepLambdaFunction?.Properties?.Code).toEqual({
      S3Bucket: { 'Fn::Sub': `\${${ARTIFACT_BUCKET_PARAMETER}}-\${AWS::Region}` },
      S3Key: { 'Fn::Sub': `\${${ARTIFACT_KEY_PARAMETER}}/sweep.zip` },
    });
    expect(template.Outputs).toEqual({});
    expect(artifacts).toEqual([{ file: 'sweep.zip', name: 'sweep.zip' }]);
    expect(deploymentBucketViolations(template as unknown as Template)).toEqual([]);
  });

  it('keeps the settings Parameters and adds the artifact ones, the key prefix defaulting to this build', () => {
    // Act
    const { template } = stackSetTemplate(packaged(), 'mq-guardian/dev/abc');
    // Assess
    const parameters = template.Parameters as Record<string, Record<string, unknown>>;
    expect(Object.keys(parameters)).toEqual([
      ARTIFACT_BUCKET_PARAMETER,
      ARTIFACT_KEY_PARAMETER,
      'remediationMode',
    ]);
    expect(parameters[ARTIFACT_BUCKET_PARAMETER]?.Default).toBeUndefined();
    expect(parameters[ARTIFACT_KEY_PARAMETER]?.Default).toBe('mq-guardian/dev/abc');
  });

  it('refuses a template that still needs the deployment bucket elsewhere', () => {
    // Prepare
    const template = packaged();
    (template.Resources as Record<string, unknown>).Reader = {
      Type: 'AWS::IAM::Role',
      Properties: { Resource: { 'Fn::Sub': `arn:aws:s3:::\${ServerlessDeploymentBucket}/*` } },
    };
    // Act
    const convert = () => stackSetTemplate(template, 'p');
    // Assess
    expect(convert).toThrow('still refers to the deployment bucket at template.Resources.Reader');
  });
});

describe('StackSet constraints', () => {
  it('find transforms, stack-created buckets and names shared by every region', () => {
    // Prepare
    const template = {
      Transform: 'AWS::Serverless-2016-10-31',
      Resources: {
        Api: { Type: 'AWS::Serverless::Function', Properties: {} },
        Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
        Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'mq-guardian-remediator' } },
        RegionalRole: {
          Type: 'AWS::IAM::Role',
          Properties: { RoleName: { 'Fn::Sub': `mq-guardian-\${AWS::Region}` } },
        },
        Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardName: 'mq-guardian' } },
      },
    } as unknown as Template & Record<string, unknown>;
    // Act
    const transforms = transformViolations(template);
    const buckets = deploymentBucketViolations(template);
    const names = globalNameViolations(template.Resources);
    // Assess
    expect(transforms).toEqual(['the template has a Transform section', 'Api is AWS::Serverless::Function']);
    expect(buckets).toEqual(['the stack creates the bucket Bucket']);
    expect(names).toEqual([
      'Role.RoleName "mq-guardian-remediator" is the same in every region',
      'Board.DashboardName "mq-guardian" is the same in every region',
    ]);
  });
});
