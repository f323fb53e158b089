/**
 * serverless.yml as the bench needs it: the esbuild options serverless-esbuild would hand to esbuild
 * (so the bundles measured are the bundles deployed), each function's entry file, environment and
 * EventBridge patterns. Read at every run, never copied, so the bench cannot drift from the template.
 *
 * The option merge follows serverless-esbuild 1.x (dist/index.js getBuildOptions, dist/bundle.js):
 * its defaults, then `target` from the provider runtime, then `custom.esbuild` (deep merge, arrays
 * replaced); then the plugin's own keys are removed, `exclude` joins `external`, and
 * `outputFileExtension` becomes `outExtension`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import yaml from 'js-yaml';
import { settingSpec } from '../../shared/policy/settings-schema.ts';

export const BENCH_ACCOUNT = '123456789012';
export const BENCH_REGION = 'us-east-1';
export const BENCH_STAGE = 'dev';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** serverless-esbuild's DEFAULT_BUILD_OPTIONS (the keys that reach esbuild or decide what does). */
const PLUGIN_DEFAULTS: JsonObject = {
  concurrency: null,
  zipConcurrency: null,
  bundle: true,
  target: 'node18',
  external: [],
  exclude: ['aws-sdk'],
  nativeZip: false,
  packager: 'npm',
  packagerOptions: { noInstall: false, ignoreLockfile: false },
  installExtraArgs: [],
  keepOutputDirectory: false,
  platform: 'node',
  outputFileExtension: '.js',
  skipBuild: false,
  skipBuildExcludeFns: [],
  stripEntryResolveExtensions: false,
  disposeContext: true,
};

/** Keys serverless-esbuild removes before calling esbuild (dist/bundle.js). */
const PLUGIN_ONLY_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

/** serverless-esbuild's awsNodeMatcher. */
const RUNTIME_TARGETS: Record<string, string> = {
  'nodejs24.x': 'node24',
  'nodejs22.x': 'node22',
  'nodejs20.x': 'node20',
  'nodejs18.x': 'node18',
};

/** ramda mergeDeepRight: objects merge key by key, anything else (arrays included) is replaced. */
const mergeDeepRight = (left: JsonObject, right: JsonObject): JsonObject => {
  const merged: JsonObject = { ...left };
  for (const [key, value] of Object.entries(right)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? mergeDeepRight(current, value) : value;
  }
  return merged;
};

/** CloudFormation short-form tags (`!Ref`, `!Sub`, ...) kept as their long form. */
const cfnSchema = () => {
  const names = ['Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'If', 'Equals', 'Not', 'And', 'Or'];
  const types = names.flatMap((name) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new yaml.Type(`!${name}`, {
          kind,
          construct: (data: unknown) =>
            name === 'Ref'
              ? { Ref: data }
              : { [`Fn::${name}`]: name === 'GetAtt' && typeof data === 'string' ? data.split('.') : data },
        }),
    ),
  );
  return yaml.DEFAULT_SCHEMA.extend(types);
};

export interface ServerlessFunction {
  /** The key under `functions:` (e.g. `on-ingress-event`). */
  readonly name: string;
  /** The handler file, relative to the repository (what serverless-esbuild bundles). */
  readonly entry: string;
  readonly exportName: string;
  /** Provider and function environment, variables resolved, references replaced by bench values. */
  readonly environment: Readonly<Record<string, string>>;
  readonly eventBridgePatterns: readonly JsonObject[];
  readonly hasSchedule: boolean;
  /**
   * False for a handler file in functions/ that serverless.yml does not declare yet: benchmarked with
   * the provider environment (plus REMEDIATOR_FUNCTION_NAME, as the other functions that hand over
   * remediation have it), so the report shows it before it is deployed.
   */
  readonly declared: boolean;
}

export interface ServerlessConfig {
  readonly runtime: string;
  /** Options as esbuild receives them from serverless-esbuild, minus entryPoints / outdir. */
  readonly esbuildOptions: BuildOptions;
  /** `custom.esbuild` as written, for the report. */
  readonly customEsbuild: JsonObject;
  readonly functions: readonly ServerlessFunction[];
  /** Values the bench substituted for deploy-time references (`Fn::GetAtt`, `Ref`). */
  readonly placeholders: Readonly<Record<string, string>>;
}

/** serverless's normalizeName: the logical id prefix of a function (`on-ingress-event` → `OnDashingressDashevent`). */
const normalizeFunctionName = (name: string): string => {
  const normalized = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return normalized.charAt(0).toUpperCase() + normalized.slice(1);
};

export const loadServerlessConfig = (root: string): ServerlessConfig => {
  const file = join(root, 'serverless.yml');
  const doc = yaml.load(readFileSync(file, 'utf8'), { schema: cfnSchema(), filename: file });
  if (!isObject(doc)) throw new Error('serverless.yml is not a mapping');
  const service = String(doc.service);
  const params = isObject(doc.params) && isObject(doc.params.default) ? doc.params.default : {};
  const provider = isObject(doc.provider) ? doc.provider : {};
  const resources =
    isObject(doc.resources) && isObject(doc.resources.Resources) ? doc.resources.Resources : {};
  const functionsNode = isObject(doc.functions) ? doc.functions : {};
  const placeholders: Record<string, string> = {};

  const conditions =
    isObject(doc.resources) && isObject(doc.resources.Conditions) ? doc.resources.Conditions : {};

  /** A serverless variable (`source:address, fallback`), the address already free of variables. */
  const variable = (expression: string, depth: number): Json => {
    const match = /^([a-zA-Z]+):([^,]*?)(?:\s*,\s*(.+))?$/.exec(expression.trim());
    if (!match) throw new Error(`serverless.yml: cannot resolve \${${expression}}`);
    const [, source, address = '', fallback] = match;
    const fallbackValue = fallback === undefined ? undefined : fallback.trim().replace(/^['"]|['"]$/g, '');
    let value: Json | undefined;
    switch (source) {
      case 'param':
        value = params[address];
        break;
      case 'self': {
        value = address
          .split('.')
          .reduce<Json | undefined>((node, key) => (isObject(node) ? node[key] : undefined), doc);
        break;
      }
      case 'sls':
        value = address === 'stage' ? BENCH_STAGE : undefined;
        break;
      case 'opt':
        value = address === 'stage' ? BENCH_STAGE : address === 'region' ? BENCH_REGION : undefined;
        break;
      case 'aws':
        value = address === 'region' ? BENCH_REGION : address === 'accountId' ? BENCH_ACCOUNT : undefined;
        break;
    }
    if (value === undefined || value === null) {
      if (fallbackValue !== undefined) return fallbackValue;
      throw new Error(`serverless.yml: the bench does not know the value of \${${expression}}`);
    }
    return resolve(value, depth + 1);
  };

  /** Variables innermost first (`${self:a.${param:b}}`); CloudFormation's `${AWS::...}` are left alone. */
  const resolveString = (text: string, depth: number): Json => {
    let current: Json = text;
    const innermost = /\$\{(?!AWS::)([^${}]+)\}/;
    for (let step = 0; typeof current === 'string'; step += 1) {
      const match: RegExpExecArray | null = innermost.exec(current);
      if (!match) break;
      if (step > 100) throw new Error(`serverless.yml: variables in "${text}" do not resolve`);
      const value = variable(match[1] as string, depth);
      current =
        match[0] === current
          ? value
          : current.replace(match[0], typeof value === 'string' ? value : JSON.stringify(value));
    }
    return current;
  };

  function resolve(value: Json, depth = 0): Json {
    if (depth > 50) throw new Error('serverless.yml: variables nest too deeply');
    if (typeof value === 'string') return resolveString(value, depth);
    if (Array.isArray(value)) return value.map((v) => resolve(v, depth));
    if (isObject(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, depth)]));
    return value;
  }

  const functionNames = Object.keys(functionsNode);
  const functionByLogicalId = new Map(
    functionNames.map((name) => [`${normalizeFunctionName(name)}LambdaFunction`, name]),
  );

  /** A deploy-time reference as the deployed stack would resolve it, with the bench's account. */
  const reference = (logicalId: string, attribute: string | undefined): string => {
    const pseudo: Record<string, string> = {
      'AWS::Region': BENCH_REGION,
      'AWS::AccountId': BENCH_ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::StackName': `${service}-${BENCH_STAGE}`,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (attribute === undefined && logicalId in pseudo) return pseudo[logicalId] as string;
    // The settings are Parameters the osls plugin adds while packaging; the bench deploys the defaults.
    const setting = attribute === undefined ? settingSpec(logicalId) : undefined;
    if (setting) return setting.default;
    const functionName = functionByLogicalId.get(logicalId);
    const resource = resources[logicalId];
    if (functionName === undefined && !isObject(resource)) {
      throw new Error(`serverless.yml: reference to unknown resource ${logicalId}`);
    }
    const type = isObject(resource) ? String(resource.Type) : 'AWS::Lambda::Function';
    const physical = `${service}-${BENCH_STAGE}-${functionName ?? logicalId}`;
    const arnOf: Record<string, string> = {
      'AWS::Lambda::Function': `arn:aws:lambda:${BENCH_REGION}:${BENCH_ACCOUNT}:function:${physical}`,
      'AWS::IAM::Role': `arn:aws:iam::${BENCH_ACCOUNT}:role/${physical}`,
      'AWS::SNS::Topic': `arn:aws:sns:${BENCH_REGION}:${BENCH_ACCOUNT}:${physical}`,
      'AWS::SQS::Queue': `arn:aws:sqs:${BENCH_REGION}:${BENCH_ACCOUNT}:${physical}`,
      'AWS::DynamoDB::Table': `arn:aws:dynamodb:${BENCH_REGION}:${BENCH_ACCOUNT}:table/${physical}`,
      'AWS::KMS::Key': `arn:aws:kms:${BENCH_REGION}:${BENCH_ACCOUNT}:key/${physical}`,
    };
    // Ref gives the name (a topic's ARN, a queue's URL); Fn::GetAtt Arn the ARN.
    const resolved =
      attribute !== undefined
        ? (arnOf[type] ?? `arn:aws:bench:${BENCH_REGION}:${BENCH_ACCOUNT}:${physical}`)
        : type === 'AWS::SNS::Topic'
          ? (arnOf[type] as string)
          : type === 'AWS::SQS::Queue'
            ? `https://sqs.${BENCH_REGION}.amazonaws.com/${BENCH_ACCOUNT}/${physical}`
            : physical;
    placeholders[`${logicalId}${attribute === undefined ? '' : `.${attribute}`}`] = resolved;
    return resolved;
  };

  const condition = (name: string): boolean => {
    const node = conditions[name];
    if (node === undefined) throw new Error(`serverless.yml: unknown condition ${name}`);
    const value = intrinsic(resolve(node));
    if (typeof value !== 'boolean') throw new Error(`serverless.yml: condition ${name} is not a boolean`);
    return value;
  };

  /** The CloudFormation intrinsic functions a function's environment can use, evaluated. */
  function intrinsic(value: Json): Json {
    if (Array.isArray(value)) return value.map(intrinsic);
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return Object.fromEntries(keys.map((k) => [k, intrinsic(value[k] as Json)]));
    const [key] = keys as [string];
    const arg = value[key] as Json;
    const list = (): Json[] => (Array.isArray(arg) ? arg : [arg]);
    switch (key) {
      case 'Ref':
        return reference(String(arg), undefined);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return reference(logicalId as string, attribute ?? 'Arn');
      }
      case 'Condition':
        return condition(String(arg));
      case 'Fn::If': {
        const [name, yes, no] = list();
        return intrinsic((condition(String(name)) ? yes : no) as Json);
      }
      case 'Fn::Equals': {
        const [a, b] = list().map(intrinsic);
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case 'Fn::Not':
        return !intrinsic(list()[0] as Json);
      case 'Fn::And':
        return list().every((c) => intrinsic(c) === true);
      case 'Fn::Or':
        return list().some((c) => intrinsic(c) === true);
      case 'Fn::Join': {
        const [separator, items] = list();
        return (intrinsic(items as Json) as Json[]).map(String).join(String(separator));
      }
      case 'Fn::Split': {
        const [separator, text] = list();
        return String(intrinsic(text as Json)).split(String(separator));
      }
      case 'Fn::Select': {
        const [index, items] = list();
        return (intrinsic(items as Json) as Json[])[Number(index)] as Json;
      }
      case 'Fn::Sub': {
        const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
        return String(template).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (isObject(vars) && name in vars) return String(intrinsic(vars[name] as Json));
          const [logicalId, attribute] = name.split('.');
          return reference(logicalId as string, attribute);
        });
      }
      default:
        return Object.fromEntries(keys.map((k) => [k, intrinsic(value[k] as Json)]));
    }
  }

  const environmentOf = (node: Json | undefined): Record<string, string> => {
    if (!isObject(node)) return {};
    const env: Record<string, string> = {};
    for (const [key, raw] of Object.entries(node)) {
      const value = intrinsic(resolve(raw));
      if (isObject(value) || Array.isArray(value)) {
        throw new Error(
          `serverless.yml: environment ${key} does not resolve to a value: ${JSON.stringify(value)}`,
        );
      }
      env[key] = value === null ? '' : String(value);
    }
    return env;
  };

  const runtime = String(resolve(provider.runtime ?? 'nodejs22.x'));
  const providerEnv = {
    AWS_REGION: BENCH_REGION,
    AWS_DEFAULT_REGION: BENCH_REGION,
    ...environmentOf(provider.environment),
  };

  const custom = isObject(doc.custom) ? doc.custom : {};
  const customEsbuild = isObject(custom.esbuild) ? (resolve(custom.esbuild) as JsonObject) : {};
  if (typeof customEsbuild.config === 'string') {
    throw new Error('serverless.yml: a custom.esbuild.config file is not supported by the bench');
  }
  // serverless-esbuild requires the plugins file from the service directory (dist/index.js `plugins`).
  const plugins =
    typeof customEsbuild.plugins === 'string'
      ? (createRequire(join(root, 'package.json'))(join(root, customEsbuild.plugins)) as Plugin[])
      : [];
  const target = RUNTIME_TARGETS[runtime];
  const merged = mergeDeepRight(mergeDeepRight(PLUGIN_DEFAULTS, target ? { target } : {}), customEsbuild);
  const exclude = Array.isArray(merged.exclude) ? merged.exclude.map(String) : [];
  const external = Array.isArray(merged.external) ? merged.external.map(String) : [];
  const outputFileExtension = String(merged.outputFileExtension ?? '.js');
  const esbuildOptions: JsonObject = Object.fromEntries(
    Object.entries(merged).filter(([key]) => !PLUGIN_ONLY_KEYS.includes(key)),
  );
  esbuildOptions.external = [...external, ...(exclude.includes('*') ? [] : exclude)];
  if (outputFileExtension !== '.js') esbuildOptions.outExtension = { '.js': outputFileExtension };
  delete esbuildOptions.plugins;

  const functions: ServerlessFunction[] = functionNames.map((name) => {
    const node = functionsNode[name];
    if (!isObject(node) || typeof node.handler !== 'string') {
      throw new Error(`serverless.yml: function ${name} has no handler`);
    }
    const handler = node.handler;
    const dot = handler.lastIndexOf('.');
    const base = handler.slice(0, dot);
    const extension = ['.ts', '.js', '.jsx', '.tsx'].find((ext) => existsSync(join(root, base + ext)));
    if (extension === undefined) throw new Error(`serverless.yml: no file for handler ${handler}`);
    const events = Array.isArray(node.events) ? node.events : [];
    return {
      name,
      entry: base + extension,
      exportName: handler.slice(dot + 1),
      environment: {
        ...providerEnv,
        AWS_LAMBDA_FUNCTION_NAME: `${service}-${BENCH_STAGE}-${name}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(node.memorySize ?? provider.memorySize ?? 1024),
        ...environmentOf(node.environment),
      },
      eventBridgePatterns: events.flatMap((event) => {
        const bridge = isObject(event) ? event.eventBridge : undefined;
        const pattern = isObject(bridge) ? resolve(bridge.pattern ?? null) : null;
        return isObject(pattern) ? [pattern] : [];
      }),
      hasSchedule: events.some(
        (event) =>
          isObject(event) &&
          ('schedule' in event || (isObject(event.eventBridge) && 'schedule' in event.eventBridge)),
      ),
      declared: true,
    };
  });

  const remediator = functions.find((fn) => fn.name === 'on-ingress-event');
  const declaredEntries = new Set(functions.map((fn) => fn.entry));
  for (const file of readdirSync(join(root, 'functions')).sort()) {
    const entry = `functions/${file}`;
    if (!/^[a-z0-9-]+\.ts$/.test(file) || declaredEntries.has(entry)) continue;
    const name = file.slice(0, -'.ts'.length);
    functions.push({
      name,
      entry,
      exportName: 'handler',
      environment: {
        ...providerEnv,
        AWS_LAMBDA_FUNCTION_NAME: `${service}-${BENCH_STAGE}-${name}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(provider.memorySize ?? 1024),
        ...(remediator ? { REMEDIATOR_FUNCTION_NAME: `${service}-${BENCH_STAGE}-${remediator.name}` } : {}),
      },
      eventBridgePatterns: [],
      hasSchedule: false,
      declared: false,
    });
  }

  return {
    runtime,
    esbuildOptions: { ...(esbuildOptions as BuildOptions), ...(plugins.length > 0 ? { plugins } : {}) },
    customEsbuild,
    functions,
    placeholders,
  };
};
