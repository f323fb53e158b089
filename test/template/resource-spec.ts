/**
 * Validates CloudFormation resources against the AWS resource specification that the AWS CDK is
 * generated from (npm `@aws-cdk/aws-service-spec`, its `db.json.gz`: every resource type with its
 * properties, their types, which are required, and the attributes Fn::GetAtt may read). Nothing about
 * valid properties is written here by hand; this file only walks the specification.
 *
 * The database is read as plain JSON (entities `resource` and `typeDefinition`, type references by
 * `$ref` id), so no further package is needed. MQG_CFN_SPEC_DB may point at a db.json.gz elsewhere.
 *
 * Checked: resource type exists; resource attributes (Type, Properties, DependsOn, Condition, ...);
 * property names (unknown ones are errors); required properties; value types (string, integer,
 * number, boolean, json, date-time, array, map, tag, nested property types, unions); Ref and GetAtt
 * targets (resource exists, attribute exists for its type) and Fn::Sub variables. Values that are
 * intrinsic functions are accepted where a value is expected (their result is only known on deploy).
 * Not checked: enumerations, patterns and lengths (the specification does not carry them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type CfnResource, intrinsicName, isObject, type Json } from './cfn.ts';

export const SPEC_PACKAGE = '@aws-cdk/aws-service-spec';
export const SPEC_DB_ENV = 'MQG_CFN_SPEC_DB';

type SpecType =
  | { readonly type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'tag' | 'null' }
  | { readonly type: 'array' | 'map'; readonly element: SpecType }
  | { readonly type: 'ref'; readonly reference: { readonly $ref: string } }
  | { readonly type: 'union'; readonly types: readonly SpecType[] };

interface SpecProperty {
  readonly type: SpecType;
  readonly required?: boolean;
}

interface SpecResource {
  readonly cloudFormationType: string;
  readonly properties: Readonly<Record<string, SpecProperty>>;
  readonly attributes: Readonly<Record<string, unknown>>;
}

interface SpecTypeDefinition {
  readonly name: string;
  readonly properties: Readonly<Record<string, SpecProperty>>;
}

export interface ResourceSpecification {
  readonly source: string;
  readonly resources: ReadonlyMap<string, SpecResource>;
  readonly typeDefinitions: ReadonlyMap<string, SpecTypeDefinition>;
}

/** Where the specification database is, or why it cannot be found (what to install). */
export const locateSpecDatabase = (): { path: string } | { missing: string } => {
  const override = process.env[SPEC_DB_ENV];
  if (override) {
    return existsSync(override)
      ? { path: override }
      : { missing: `${SPEC_DB_ENV}=${override} does not exist` };
  }
  try {
    const manifest = createRequire(import.meta.url).resolve(`${SPEC_PACKAGE}/package.json`);
    const path = join(dirname(manifest), 'db.json.gz');
    return existsSync(path) ? { path } : { missing: `${path} is missing from ${SPEC_PACKAGE}` };
  } catch {
    return {
      missing: `${SPEC_PACKAGE} is not installed: add it as a devDependency (npm install --save-dev ${SPEC_PACKAGE}@0.1.216)`,
    };
  }
};

export const loadResourceSpecification = (path: string): ResourceSpecification => {
  const db = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    schema?: Record<string, { entities?: Json[] }>;
  };
  const resourceEntities = db.schema?.resource?.entities;
  const typeEntities = db.schema?.typeDefinition?.entities;
  if (!Array.isArray(resourceEntities) || !Array.isArray(typeEntities)) {
    throw new Error(`${path} is not an aws-service-spec database (no resource / typeDefinition entities)`);
  }
  const resources = new Map<string, SpecResource>();
  for (const entity of resourceEntities as unknown as SpecResource[]) {
    resources.set(entity.cloudFormationType, entity);
  }
  const typeDefinitions = new Map<string, SpecTypeDefinition>();
  for (const entity of typeEntities)
    typeDefinitions.set(String(entity.$id), entity as unknown as SpecTypeDefinition);
  return { source: path, resources, typeDefinitions };
};

/** Resource attributes CloudFormation allows beside Type and Properties (template anatomy). */
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export interface SpecViolation {
  readonly resource: string;
  readonly path: string;
  readonly message: string;
}

interface Context {
  readonly spec: ResourceSpecification;
  readonly template: Readonly<Record<string, CfnResource>>;
  readonly parameters: ReadonlySet<string>;
  readonly resource: string;
  readonly violations: SpecViolation[];
}

const report = (ctx: Context, path: string, message: string): void => {
  ctx.violations.push({ resource: ctx.resource, path, message });
};

const describeType = (type: SpecType, spec: ResourceSpecification): string => {
  switch (type.type) {
    case 'array':
    case 'map':
      return `${type.type}<${describeType(type.element, spec)}>`;
    case 'ref':
      return spec.typeDefinitions.get(type.reference.$ref)?.name ?? `ref ${type.reference.$ref}`;
    case 'union':
      return type.types.map((t) => describeType(t, spec)).join(' | ');
    default:
      return type.type;
  }
};

/** Checks Ref / GetAtt / Sub targets; other intrinsic functions are taken as producing a valid value. */
const checkIntrinsic = (ctx: Context, name: string, value: Json, path: string): void => {
  const args = value[name];
  const knownRef = (id: string): boolean =>
    PSEUDO_PARAMETERS.has(id) || ctx.parameters.has(id) || Object.hasOwn(ctx.template, id);
  const checkGetAtt = (id: string, attribute: string): void => {
    const target = ctx.template[id];
    if (!target) {
      report(ctx, path, `Fn::GetAtt names ${id}, which is not a resource of the template`);
      return;
    }
    const targetSpec = ctx.spec.resources.get(target.Type);
    if (targetSpec && !Object.hasOwn(targetSpec.attributes, attribute)) {
      report(
        ctx,
        path,
        `${target.Type} has no attribute ${attribute} (has ${Object.keys(targetSpec.attributes).join(', ')})`,
      );
    }
  };
  if (name === 'Ref') {
    if (typeof args !== 'string' || !knownRef(args))
      report(ctx, path, `Ref ${String(args)} names nothing in the template`);
  } else if (name === 'Fn::GetAtt') {
    if (
      !Array.isArray(args) ||
      args.length !== 2 ||
      typeof args[0] !== 'string' ||
      typeof args[1] !== 'string'
    ) {
      report(ctx, path, 'Fn::GetAtt takes [logicalId, attribute]');
    } else {
      checkGetAtt(args[0], args[1]);
    }
  } else if (name === 'Fn::Sub') {
    const [text, variables] = Array.isArray(args) ? args : [args, {}];
    if (typeof text !== 'string' || !isObject(variables)) {
      report(ctx, path, 'Fn::Sub takes a string, or a string and a map of variables');
      return;
    }
    for (const [, variable] of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = variable as string;
      if (Object.hasOwn(variables, name)) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) checkGetAtt(name.slice(0, dot), name.slice(dot + 1));
      else if (!knownRef(name))
        report(ctx, path, `Fn::Sub variable \${${name}} names nothing in the template`);
    }
  }
  // Walk the arguments too: a GetAtt nested in a Join is still a reference.
  walkIntrinsics(ctx, args, `${path}.${name}`);
};

const walkIntrinsics = (ctx: Context, value: unknown, path: string): void => {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walkIntrinsics(ctx, item, `${path}[${i}]`);
  } else if (isObject(value)) {
    const fn = intrinsicName(value);
    if (fn) checkIntrinsic(ctx, fn, value, path);
    else for (const [key, item] of Object.entries(value)) walkIntrinsics(ctx, item, `${path}.${key}`);
  }
};

const checkProperties = (
  ctx: Context,
  properties: Readonly<Record<string, SpecProperty>>,
  value: unknown,
  path: string,
  owner: string,
): void => {
  if (!isObject(value)) {
    report(ctx, path, `${owner} must be an object, got ${JSON.stringify(value)}`);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!property) {
      report(ctx, `${path}.${key}`, `${owner} has no property ${key}`);
      continue;
    }
    checkValue(ctx, property.type, item, `${path}.${key}`);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (property.required && !Object.hasOwn(value, key)) report(ctx, path, `${owner} requires ${key}`);
  }
};

/** The errors of `value` against `type`, without recording them (for unions). */
const violationsOf = (ctx: Context, type: SpecType, value: unknown, path: string): SpecViolation[] => {
  const scratch: Context = { ...ctx, violations: [] };
  checkValue(scratch, type, value, path);
  return scratch.violations;
};

const checkValue = (ctx: Context, type: SpecType, value: unknown, path: string): void => {
  const fn = intrinsicName(value);
  if (fn) {
    checkIntrinsic(ctx, fn, value as Json, path);
    return;
  }
  const mismatch = () =>
    report(
      ctx,
      path,
      `expected ${describeType(type, ctx.spec)}, got ${JSON.stringify(value)?.slice(0, 120)}`,
    );
  switch (type.type) {
    case 'string':
    case 'date-time':
      if (typeof value !== 'string') mismatch();
      return;
    case 'integer':
      if (!Number.isInteger(value)) mismatch();
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) mismatch();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch();
      return;
    case 'null':
      if (value !== null) mismatch();
      return;
    case 'json':
      if (!isObject(value) && !Array.isArray(value) && typeof value !== 'string') mismatch();
      else walkIntrinsics(ctx, value, path);
      return;
    case 'tag':
      checkProperties(
        ctx,
        {
          Key: { type: { type: 'string' }, required: true },
          Value: { type: { type: 'string' }, required: true },
        },
        value,
        path,
        'Tag',
      );
      return;
    case 'array':
      if (!Array.isArray(value)) mismatch();
      else for (const [i, item] of value.entries()) checkValue(ctx, type.element, item, `${path}[${i}]`);
      return;
    case 'map':
      if (!isObject(value)) mismatch();
      else
        for (const [key, item] of Object.entries(value))
          checkValue(ctx, type.element, item, `${path}.${key}`);
      return;
    case 'ref': {
      const definition = ctx.spec.typeDefinitions.get(type.reference.$ref);
      if (!definition) {
        report(ctx, path, `the specification has no type ${type.reference.$ref}`);
        return;
      }
      checkProperties(ctx, definition.properties, value, path, definition.name);
      return;
    }
    case 'union': {
      const attempts = type.types.map((t) => violationsOf(ctx, t, value, path));
      if (attempts.some((errors) => errors.length === 0)) return;
      report(
        ctx,
        path,
        `matches none of ${describeType(type, ctx.spec)}: ${attempts.map((errors) => errors[0]?.message).join('; ')}`,
      );
      return;
    }
  }
};

/** Every violation of the template's resources against the specification. */
export const validateResources = (
  spec: ResourceSpecification,
  resources: Readonly<Record<string, CfnResource>>,
  parameters: readonly string[] = [],
): SpecViolation[] => {
  const violations: SpecViolation[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const ctx: Context = {
      spec,
      template: resources,
      parameters: new Set(parameters),
      resource: id,
      violations,
    };
    for (const attribute of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(attribute))
        report(ctx, attribute, `${attribute} is not a resource attribute`);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!Object.hasOwn(resources, dependency))
        report(ctx, 'DependsOn', `depends on ${dependency}, which is not deployed`);
    }
    const resourceSpec = spec.resources.get(resource.Type);
    if (!resourceSpec) {
      report(ctx, 'Type', `${resource.Type} is not a CloudFormation resource type`);
      continue;
    }
    checkProperties(ctx, resourceSpec.properties, resource.Properties ?? {}, 'Properties', resource.Type);
  }
  return violations;
};

/** References from outputs (and anything else outside Resources) to the deployed resources. */
export const validateReferences = (
  spec: ResourceSpecification,
  resources: Readonly<Record<string, CfnResource>>,
  owner: string,
  value: unknown,
): SpecViolation[] => {
  const violations: SpecViolation[] = [];
  walkIntrinsics(
    { spec, template: resources, parameters: new Set(), resource: owner, violations },
    value,
    owner,
  );
  return violations;
};
