/**
 * What CloudFormation StackSets need of a template that every member account and region deploys
 * unchanged, as checks returning the violations (empty when the template complies):
 * - no transform: StackSets do not process `AWS::Serverless` or other macros (StackSets "Considerations":
 *   templates with transforms need CAPABILITY_AUTO_EXPAND and are not supported for service-managed
 *   automatic deployment), so no `Transform` section, no `Fn::Transform`, no `AWS::Serverless::*` type;
 * - no deployment bucket created by the stack and no code read from one: the code comes from an
 *   existing artifact bucket named by Parameters;
 * - names in account-wide (global) namespaces carry the region, so the same stack in two regions of
 *   one account does not collide (IAM names, CloudWatch dashboards, S3 buckets);
 * - every setting a Parameter that says which values it allows.
 */
import { type CfnResource, isObject, type Json, type Template } from './cfn.ts';

/** Resource types whose names are unique per account (or globally), not per region, and their name properties. */
export const GLOBAL_NAME_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::IAM::Role': ['RoleName'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
  'AWS::IAM::User': ['UserName'],
  'AWS::IAM::Group': ['GroupName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::S3::Bucket': ['BucketName'],
};

const walk = (value: unknown, visit: (node: Json, at: string) => void, at = ''): void => {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, visit, `${at}[${i}]`);
  } else if (isObject(value)) {
    visit(value, at);
    for (const [key, item] of Object.entries(value)) walk(item, visit, `${at}.${key}`);
  }
};

export const transformViolations = (template: Template & Json): string[] => {
  const found: string[] = [];
  if (template.Transform !== undefined) found.push('the template has a Transform section');
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type.startsWith('AWS::Serverless::')) found.push(`${id} is ${resource.Type}`);
  }
  walk(template, (node, at) => {
    if ('Fn::Transform' in node) found.push(`Fn::Transform at ${at}`);
  });
  return found;
};

/** Deployment buckets created by the stack, and code read from any bucket the stack creates. */
export const deploymentBucketViolations = (template: Template): string[] => {
  const found: string[] = [];
  const buckets = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::S3::Bucket')
    .map(([id]) => id);
  for (const id of buckets) found.push(`the stack creates the bucket ${id}`);
  walk(template, (node, at) => {
    if (typeof node.Ref === 'string' && /DeploymentBucket/.test(node.Ref))
      found.push(`Ref ${node.Ref} at ${at}`);
  });
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const code = isObject(resource.Properties?.Code) ? resource.Properties.Code : {};
    const bucket = code.S3Bucket;
    const fromParameter =
      isObject(bucket) &&
      typeof bucket['Fn::Sub'] === 'string' &&
      /^\$\{[A-Za-z0-9]+\}/.test(bucket['Fn::Sub']);
    if (!fromParameter)
      found.push(`${id} reads its code from ${JSON.stringify(bucket)}, not from a Parameter`);
  }
  return found;
};

/** A name as written in the template: a literal, or the text of an Fn::Sub. */
const nameText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : isObject(value) && typeof value['Fn::Sub'] === 'string'
      ? value['Fn::Sub']
      : undefined;

const REGION = `\${AWS::Region}`;

/** Explicit names in account-wide namespaces that do not vary with the region. */
export const globalNameViolations = (resources: Readonly<Record<string, CfnResource>>): string[] => {
  const found: string[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    for (const property of GLOBAL_NAME_PROPERTIES[resource.Type] ?? []) {
      const value = resource.Properties?.[property];
      if (value === undefined) continue; // CloudFormation generates a unique name.
      const text = nameText(value);
      if (text === undefined || !text.includes(REGION)) {
        found.push(`${id}.${property} ${JSON.stringify(value)} is the same in every region`);
      }
    }
  }
  return found;
};

/** Settings that are not Parameters, or Parameters that do not say what they allow. */
export const settingParameterViolations = (template: Template, settings: readonly string[]): string[] => {
  const parameters = template.Parameters ?? {};
  return settings.flatMap((name) => {
    const parameter = parameters[name];
    if (!isObject(parameter)) return [`setting ${name} is not a Parameter`];
    if (parameter.AllowedValues === undefined && parameter.AllowedPattern === undefined) {
      return [`Parameter ${name} has neither AllowedValues nor AllowedPattern`];
    }
    return [];
  });
};
