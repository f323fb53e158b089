/**
 * The stack as `osls package` builds it, ready to run: the CloudFormation template, each function's
 * handler, environment and role resolved the way CloudFormation would resolve them for one account
 * and region, and each function's zip unpacked as Lambda unpacks it into LAMBDA_TASK_ROOT.
 *
 * osls always works in `.serverless/` (and serverless-esbuild in `.esbuild/`) of the service
 * directory before writing to --package, so packaging from the repository itself would collide with
 * test/template/package.test.ts running at the same time: the sources are copied to a temporary
 * directory (node_modules linked, not copied) and packaged there.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  type CfnResource,
  effectiveTemplate,
  type EffectiveTemplate,
  isObject,
  type Json,
} from '../../template/cfn.ts';
import { listZip } from '../../template/zip-listing.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const OSLS = join(ROOT, 'node_modules/osls/bin/serverless.js');
const RUNTIME = join(import.meta.dirname, 'lambda-runtime.mjs');
/** What the build reads; nothing else of the repository goes into a bundle. */
const SOURCES = [
  'serverless.yml',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'functions',
  'shared',
];

export interface StackTarget {
  readonly account: string;
  readonly region: string;
  readonly stage: string;
}

export interface PackagedFunction {
  /** The key under `functions:` in serverless.yml (`on-ingress-event`). */
  readonly key: string;
  readonly logicalId: string;
  readonly functionName: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly environment: Record<string, string>;
  /** Logical id of its execution role. */
  readonly roleId: string;
  readonly taskRoot: string;
}

export interface PackagedStack {
  readonly target: StackTarget;
  readonly template: EffectiveTemplate;
  readonly functions: readonly PackagedFunction[];
  /** Resolves an intrinsic function of this template (Ref, Fn::GetAtt, Fn::Sub, Fn::Join). */
  readonly resolve: (value: unknown) => unknown;
  readonly dispose: () => void;
}

const run = (args: readonly string[], cwd: string): Promise<{ status: number | null; output: string }> =>
  new Promise((done) => {
    // No AWS_* variable reaches osls: packaging must never need (or reach) an account.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
    const child = spawn(process.execPath, [...args], {
      cwd,
      env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('close', (status) => done({ status, output }));
  });

/** `{ "Ref": "AWS::NoValue" }`: removes the property or list item that holds it. */
const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

/** CloudFormation's physical names for what the template leaves unnamed: `<stack>-<logical id>-LOOPBACK`. */
const generatedName = (stackName: string, logicalId: string) => `${stackName}-${logicalId}-LOOPBACK`;

const resolver = (template: EffectiveTemplate, target: StackTarget, stackName: string) => {
  const { account, region } = target;
  const pseudo: Record<string, string> = {
    'AWS::AccountId': account,
    'AWS::Region': region,
    'AWS::Partition': 'aws',
    'AWS::StackName': stackName,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const resource = (id: string): CfnResource => {
    const found = template.resources[id];
    if (!found) throw new Error(`packaged stack: no resource ${id}`);
    return found;
  };
  const props = (id: string): Json => resource(id).Properties ?? {};
  const name = (id: string, property: string): string => {
    const value = props(id)[property];
    return typeof value === 'string' ? value : generatedName(stackName, id);
  };
  const ref = (id: string): string | typeof NO_VALUE => {
    if (id === 'AWS::NoValue') return NO_VALUE;
    if (pseudo[id] !== undefined) return pseudo[id];
    const { Type } = resource(id);
    switch (Type) {
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${name(id, 'TopicName')}`;
      case 'AWS::DynamoDB::Table':
        return name(id, 'TableName');
      case 'AWS::Lambda::Function':
        return name(id, 'FunctionName');
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${name(id, 'QueueName')}`;
      case 'AWS::IAM::Role':
        return name(id, 'RoleName');
      case 'AWS::KMS::Key':
        // A key id is a UUID; this one is derived from the logical id so that it stays stable.
        return `00000000-0000-4000-8000-${Buffer.from(id).toString('hex').slice(0, 12).padEnd(12, '0')}`;
      default:
        return generatedName(stackName, id);
    }
  };
  const getAtt = (id: string, attribute: string): string => {
    const { Type } = resource(id);
    const key = `${Type}.${attribute}`;
    switch (key) {
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${account}:role/${name(id, 'RoleName')}`;
      case 'AWS::DynamoDB::Table.Arn':
        return `arn:aws:dynamodb:${region}:${account}:table/${String(ref(id))}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${account}:function:${String(ref(id))}`;
      case 'AWS::SQS::Queue.Arn':
        return `arn:aws:sqs:${region}:${account}:${name(id, 'QueueName')}`;
      case 'AWS::SQS::Queue.QueueName':
        return name(id, 'QueueName');
      case 'AWS::SNS::Topic.TopicArn':
        return String(ref(id));
      case 'AWS::KMS::Key.Arn':
        return `arn:aws:kms:${region}:${account}:key/${String(ref(id))}`;
      case 'AWS::Config::ConfigRule.Arn':
        return `arn:aws:config:${region}:${account}:config-rule/config-rule-${id.toLowerCase().slice(0, 12)}`;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${account}:log-group:${name(id, 'LogGroupName')}:*`;
      default:
        throw new Error(`packaged stack: Fn::GetAtt ${key} is not resolved`);
    }
  };
  const resolveValue = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolveValue).filter((item) => item !== NO_VALUE);
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = value[key];
      if (key === 'Ref') return ref(String(argument));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        return getAtt(String(id), String(attribute));
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, unknown[]];
        return (resolveValue(parts) as unknown[]).join(separator);
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
        const named = resolveValue(variables ?? {}) as Record<string, unknown>;
        return String(text).replace(/\$\{([^}!]+)\}/g, (_, variable: string) => {
          if (named[variable] !== undefined) return String(named[variable]);
          const [id, attribute] = variable.split('.');
          return attribute ? getAtt(String(id), attribute) : String(ref(String(id)));
        });
      }
      if (key.startsWith('Fn::')) throw new Error(`packaged stack: ${key} is not resolved`);
    }
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, resolveValue(v)])
        .filter(([, v]) => v !== NO_VALUE),
    );
  };
  return resolveValue;
};

/**
 * Packages the stack with `params` (`--param name=value`) for `target`, and unpacks every function.
 * Takes about a minute (esbuild of five functions); do it once per test file.
 */
export const packageStack = async (
  target: StackTarget,
  params: Readonly<Record<string, string>>,
): Promise<PackagedStack> => {
  const work = mkdtempSync(join(tmpdir(), 'mq-guardian-packaged-'));
  const service = join(work, 'service');
  const out = join(work, 'package');
  mkdirSync(service);
  for (const source of SOURCES) cpSync(join(ROOT, source), join(service, source), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(service, 'node_modules'), 'dir');
  const packaged = await run(
    [
      OSLS,
      'package',
      '--stage',
      target.stage,
      '--region',
      target.region,
      '--package',
      out,
      ...Object.entries(params).map(([name, value]) => `--param=${name}=${value}`),
    ],
    service,
  );
  if (packaged.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`osls package failed (status ${packaged.status}):\n${packaged.output}`);
  }
  const raw = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  const template = effectiveTemplate(raw);
  const stackName = `mq-guardian-${target.stage}`;
  const resolveValue = resolver(template, target, stackName);
  const functions = Object.entries(template.resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]): PackagedFunction => {
      const props = r.Properties ?? {};
      const functionName = String(props.FunctionName);
      const key = functionName.replace(`${stackName}-`, '');
      const taskRoot = join(work, 'functions', key);
      mkdirSync(taskRoot, { recursive: true });
      const artifact =
        String((props.Code as Json | undefined)?.S3Key ?? '')
          .split('/')
          .at(-1) ?? `${key}.zip`;
      for (const entry of listZip(join(out, artifact))) {
        if (entry.name.endsWith('/')) continue;
        const file = join(taskRoot, entry.name);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, entry.read());
      }
      const variables = ((props.Environment as Json | undefined)?.Variables ?? {}) as Json;
      const environment = Object.fromEntries(
        Object.entries(resolveValue(variables) as Json).map(([name, value]) => [name, String(value)]),
      );
      const role = props.Role as Json;
      const roleId = String((role['Fn::GetAtt'] as unknown[] | undefined)?.[0]);
      return {
        key,
        logicalId,
        functionName,
        handler: String(props.Handler),
        runtime: String(props.Runtime),
        memorySize: Number(props.MemorySize ?? 128),
        timeout: Number(props.Timeout ?? 3),
        environment,
        roleId,
        taskRoot,
      };
    });
  return {
    target,
    template,
    functions,
    resolve: resolveValue,
    dispose: () => rmSync(work, { recursive: true, force: true }),
  };
};

export interface InvocationResult {
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  /** What the function wrote (its structured logs). */
  readonly output: string;
}

export interface InvokeOptions {
  /** The loopback AWS, as AWS_ENDPOINT_URL: every SDK client of the bundle goes there. */
  readonly endpoint: string;
  /** Static credentials of the function's role session; the access key id names the function. */
  readonly accessKeyId: string;
  readonly requestId?: string;
}

/**
 * One invocation in a fresh Node.js process, as a cold Lambda container: the environment is the
 * template's variables plus what the Lambda service sets (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME,
 * credentials, LAMBDA_TASK_ROOT, _HANDLER) and nothing of this process's environment.
 */
export const invokeFunction = (
  stack: Pick<PackagedStack, 'target'>,
  fn: Omit<PackagedFunction, 'logicalId' | 'roleId'>,
  event: unknown,
  options: InvokeOptions,
): Promise<InvocationResult> => {
  const scratch = mkdtempSync(join(tmpdir(), `mq-guardian-invoke-${fn.key}-`));
  const eventFile = join(scratch, 'event.json');
  const resultFile = join(scratch, 'result.json');
  writeFileSync(eventFile, JSON.stringify(event));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    ...fn.environment,
    AWS_REGION: stack.target.region,
    AWS_DEFAULT_REGION: stack.target.region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/05/[$LATEST]loopback',
    AWS_ACCESS_KEY_ID: options.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'loopback-secret',
    AWS_SESSION_TOKEN: 'loopback-session',
    LAMBDA_TASK_ROOT: fn.taskRoot,
    _HANDLER: fn.handler,
    AWS_ENDPOINT_URL: options.endpoint,
    LOOPBACK_ACCOUNT: stack.target.account,
    LOOPBACK_EVENT_FILE: eventFile,
    LOOPBACK_RESULT_FILE: resultFile,
    LOOPBACK_TIMEOUT_MS: String(fn.timeout * 1000),
    LOOPBACK_REQUEST_ID: options.requestId ?? '6f1f1a2b-0000-4000-8000-00000000e2e0',
  };
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [RUNTIME], {
      cwd: fn.taskRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), fn.timeout * 1000 + 5000);
    child.on('error', fail);
    child.on('close', () => {
      clearTimeout(killer);
      try {
        const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Omit<InvocationResult, 'output'>;
        done({ ...result, output });
      } catch {
        done({ ok: false, error: { name: 'Runtime.ExitError', message: output.slice(-2000) }, output });
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
};
