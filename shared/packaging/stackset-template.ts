/**
 * The template every member account and region can deploy unchanged (CloudFormation StackSets):
 * the packaged template minus the deployment bucket osls creates in each stack, with the functions'
 * code read from an artifact bucket that already exists in every region (`<prefix>-<region>`, one per
 * region because Lambda reads code only from a bucket in its own region) under a key prefix, both
 * given as Parameters.
 */
import { isPlainObject } from '../json.ts';

type Json = Record<string, unknown>;

export const ARTIFACT_BUCKET_PARAMETER = 'artifactBucketPrefix';
export const ARTIFACT_KEY_PARAMETER = 'artifactKeyPrefix';

/** What osls adds for its own uploads; a StackSet instance would create an empty bucket per stack. */
const DEPLOYMENT_BUCKET = 'ServerlessDeploymentBucket';
const DEPLOYMENT_RESOURCES = [DEPLOYMENT_BUCKET, 'ServerlessDeploymentBucketPolicy'];
const DEPLOYMENT_OUTPUTS = ['ServerlessDeploymentBucketName'];

export interface StackSetArtifact {
  /** The file osls wrote next to the template. */
  readonly file: string;
  /** Its key under the key prefix. */
  readonly name: string;
}

export interface StackSetPackage {
  readonly template: Json;
  readonly artifacts: readonly StackSetArtifact[];
}

const baseName = (key: string): string => key.slice(key.lastIndexOf('/') + 1);

/** Every place the template still points at the deployment bucket (Ref, GetAtt, Sub text). */
const bucketReferences = (value: unknown, at: string): string[] => {
  if (typeof value === 'string') return value.includes(`\${${DEPLOYMENT_BUCKET}`) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => bucketReferences(item, `${at}[${i}]`));
  if (!isPlainObject(value)) return [];
  if (value.Ref === DEPLOYMENT_BUCKET) return [at];
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === DEPLOYMENT_BUCKET) return [at];
  return Object.entries(value).flatMap(([key, item]) => bucketReferences(item, `${at}.${key}`));
};

/**
 * @param packaged the template osls wrote (cloudformation-template-update-stack.json)
 * @param keyPrefix the default key prefix (a new one per build, so that CloudFormation sees new code)
 */
export const stackSetTemplate = (packaged: Json, keyPrefix: string): StackSetPackage => {
  const template = structuredClone(packaged);
  const resources = isPlainObject(template.Resources) ? template.Resources : {};
  for (const id of DEPLOYMENT_RESOURCES) delete resources[id];
  if (isPlainObject(template.Outputs)) for (const id of DEPLOYMENT_OUTPUTS) delete template.Outputs[id];

  const artifacts: StackSetArtifact[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!isPlainObject(resource) || resource.Type !== 'AWS::Lambda::Function') continue;
    const props = isPlainObject(resource.Properties) ? resource.Properties : {};
    const code = isPlainObject(props.Code) ? props.Code : {};
    if (typeof code.S3Key !== 'string') throw new Error(`${id}: Code.S3Key is not a packaged artifact`);
    const name = baseName(code.S3Key);
    if (!artifacts.some((a) => a.name === name)) artifacts.push({ file: name, name });
    props.Code = {
      S3Bucket: { 'Fn::Sub': `\${${ARTIFACT_BUCKET_PARAMETER}}-\${AWS::Region}` },
      S3Key: { 'Fn::Sub': `\${${ARTIFACT_KEY_PARAMETER}}/${name}` },
    };
  }

  const left = bucketReferences(template, 'template');
  if (left.length > 0) {
    throw new Error(`The StackSet template still refers to the deployment bucket at ${left.join(', ')}`);
  }

  template.Parameters = {
    [ARTIFACT_BUCKET_PARAMETER]: {
      Type: 'String',
      Description:
        'Name prefix of the artifact buckets: the code is read from <prefix>-<region> (one bucket per region, readable by the organization).',
      // An S3 bucket name is at most 63 characters; the longest region name with its '-' takes 15.
      AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,46}[a-z0-9]$',
      ConstraintDescription:
        'an S3 bucket name prefix (lower case, digits, dots, hyphens; 3 to 48 characters)',
    },
    [ARTIFACT_KEY_PARAMETER]: {
      Type: 'String',
      Default: keyPrefix,
      Description: 'Key prefix of the function artifacts in the artifact buckets (no trailing slash).',
      AllowedPattern: '^[A-Za-z0-9!_.*()-]+(/[A-Za-z0-9!_.*()-]+)*$',
      ConstraintDescription: 'an S3 key prefix without leading or trailing slash',
    },
    ...(isPlainObject(template.Parameters) ? template.Parameters : {}),
  };
  template.Description =
    'mq-guardian member stack for CloudFormation StackSets: Amazon MQ compliance checks and ingress remediation.';
  return { template, artifacts };
};
