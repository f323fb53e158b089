/**
 * Packages the service once with osls (offline: no AWS account, no credentials, no network) and holds
 * the CloudFormation template and the artifacts to what the code needs: EventBridge rules that let
 * through exactly the events the handlers understand, one least-privilege role per function that
 * grants exactly the IAM actions the adapters declare, safe default settings, and one small ES module
 * bundle per function.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_READ_IAM_ACTIONS, EC2_WRITE_IAM_ACTIONS } from '../../shared/aws/ec2.ts';
import { KMS_IAM_ACTIONS } from '../../shared/aws/kms.ts';
import { LAMBDA_IAM_ACTIONS } from '../../shared/aws/lambda.ts';
import { MQ_IAM_ACTIONS } from '../../shared/aws/mq.ts';
import {
  EC2_EVENT_NAMES,
  EC2_EVENT_SOURCE,
  EVENTBRIDGE_SOURCES,
  MQ_EVENT_NAMES,
  MQ_EVENT_SOURCE,
} from '../../shared/events/cloudtrail.ts';
import { loadSettings, SETTINGS_ENV } from '../../shared/policy/load-settings.ts';
import { type EventPattern, matchesEventPattern } from '../support/event-pattern.ts';
import { listZip } from './zip-listing.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SERVICE = 'mq-guardian';
const STAGE = 'test';
const REGION = 'us-east-1';
const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;

const BROKER_FN = 'on-broker-event';
const INGRESS_FN = 'on-ingress-event';
type FunctionKey = typeof BROKER_FN | typeof INGRESS_FN;
const FUNCTION_KEYS: readonly FunctionKey[] = [BROKER_FN, INGRESS_FN];

/** Exactly what each handler's adapters call (their exported lists), plus its own logs and dead letters. */
const PLATFORM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];
const EXPECTED_ACTIONS: Record<FunctionKey, readonly string[]> = {
  [BROKER_FN]: [
    ...MQ_IAM_ACTIONS,
    ...EC2_READ_IAM_ACTIONS,
    ...KMS_IAM_ACTIONS,
    ...LAMBDA_IAM_ACTIONS,
    ...PLATFORM_ACTIONS,
  ],
  [INGRESS_FN]: [
    ...MQ_IAM_ACTIONS,
    ...EC2_READ_IAM_ACTIONS,
    ...EC2_WRITE_IAM_ACTIONS,
    ...KMS_IAM_ACTIONS,
    ...PLATFORM_ACTIONS,
  ],
};

// ---------------------------------------------------------------------------------------------
// Template access

type Json = Record<string, unknown>;
interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
}
interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Json;
}
interface PackagedFunction {
  readonly key: FunctionKey;
  readonly logicalId: string;
  readonly props: Json;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The logical id an `{ "Fn::GetAtt": [id, attribute] }` or `{ "Ref": id }` points at. */
const referencedId = (value: unknown, attribute?: string): string | undefined => {
  if (!isObject(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && (attribute === undefined || getAtt[1] === attribute)) {
    return typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  }
  if (attribute === undefined && typeof value.Ref === 'string') return value.Ref;
  return undefined;
};

/** A resource ARN as written: a plain string or the template of an `Fn::Sub`. */
const arnText = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value['Fn::Sub'] === 'string') return value['Fn::Sub'];
  return undefined;
};

const isReadOnly = (action: string): boolean => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);

// ---------------------------------------------------------------------------------------------
// Sample events

interface SampleEvent {
  readonly file: string;
  readonly event: Json;
}

const loadSampleEvents = (): SampleEvent[] =>
  readdirSync(join(ROOT, 'events'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, event: JSON.parse(readFileSync(join(ROOT, 'events', file), 'utf8')) as Json }));

const SECURITY_GROUP_RESOURCE = /^sgr?-/;

/**
 * Which function should receive an event, decided from the event and the code's own lists, not from
 * the patterns under test: a successful CloudTrail call from the right source whose name the parser
 * handles; for EC2 tag calls only when they tag a security group or rule.
 */
const expectedFunction = (event: Json): FunctionKey | undefined => {
  const detail = event.detail;
  if (event['detail-type'] !== 'AWS API Call via CloudTrail' || !isObject(detail)) return undefined;
  if (detail.errorCode !== undefined) return undefined;
  const name = String(detail.eventName);
  if (event.source === EVENTBRIDGE_SOURCES[MQ_EVENT_SOURCE] && detail.eventSource === MQ_EVENT_SOURCE) {
    return (MQ_EVENT_NAMES as readonly string[]).includes(name) ? BROKER_FN : undefined;
  }
  if (event.source === EVENTBRIDGE_SOURCES[EC2_EVENT_SOURCE] && detail.eventSource === EC2_EVENT_SOURCE) {
    if (!(EC2_EVENT_NAMES as readonly string[]).includes(name)) return undefined;
    if (name !== 'CreateTags' && name !== 'DeleteTags') return INGRESS_FN;
    const request = isObject(detail.requestParameters) ? detail.requestParameters : {};
    const set = isObject(request.resourcesSet) ? request.resourcesSet : {};
    const ids = asArray(set.items as unknown[] | undefined).map((item) =>
      isObject(item) ? String(item.resourceId) : '',
    );
    return ids.some((id) => SECURITY_GROUP_RESOURCE.test(id)) ? INGRESS_FN : undefined;
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// Package once

let packageDir = '';
let packageSeconds = 0;
let resources: Record<string, CfnResource> = {};
let functions: PackagedFunction[] = [];

const fn = (key: FunctionKey): PackagedFunction => {
  const found = functions.find((f) => f.key === key);
  if (!found) throw new Error(`Function ${key} is not in the template`);
  return found;
};

const resource = (logicalId: string): CfnResource => {
  const found = resources[logicalId];
  if (!found) throw new Error(`Resource ${logicalId} is not in the template`);
  return found;
};

const roleOf = (f: PackagedFunction): { logicalId: string; props: Json } => {
  const logicalId = referencedId(f.props.Role, 'Arn');
  if (!logicalId) throw new Error(`${f.key} has no Role of this template`);
  return { logicalId, props: resource(logicalId).Properties ?? {} };
};

const statementsOf = (f: PackagedFunction): Statement[] =>
  asArray(roleOf(f).props.Policies as Json[] | undefined).flatMap((policy) => {
    const document = policy.PolicyDocument;
    return isObject(document) ? asArray(document.Statement as Statement[] | undefined) : [];
  });

const envOf = (f: PackagedFunction): Json => {
  const environment = f.props.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
};

/** The settings as the function gets them, intrinsic functions left out (they resolve at deploy time). */
const plainEnvOf = (f: PackagedFunction): Record<string, string> =>
  Object.fromEntries(
    Object.entries(envOf(f)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

const artifactOf = (f: PackagedFunction): string => {
  const code = f.props.Code;
  return join(packageDir, basename(String(isObject(code) ? code.S3Key : '')));
};

const invokeConfigOf = (f: PackagedFunction): Json => {
  const config = Object.values(resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::EventInvokeConfig' && referencedId(r.Properties?.FunctionName) === f.logicalId,
  );
  if (!config?.Properties) throw new Error(`${f.key} has no EventInvokeConfig`);
  return config.Properties;
};

/** The queue the function's failed asynchronous invocations go to. */
const deadLetterQueueOf = (f: PackagedFunction): string => {
  const destination = invokeConfigOf(f).DestinationConfig;
  const onFailure = isObject(destination) && isObject(destination.OnFailure) ? destination.OnFailure : {};
  const queue = referencedId(onFailure.Destination, 'Arn');
  if (!queue) throw new Error(`${f.key} has no OnFailure destination`);
  return queue;
};

interface PackagedRule {
  readonly logicalId: string;
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: Json;
  readonly functionKey: FunctionKey | undefined;
}

const rules = (): PackagedRule[] =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      const target = asArray(props.Targets as Json[] | undefined)[0] ?? {};
      const targetId = referencedId(target.Arn, 'Arn');
      return {
        logicalId,
        name: String(props.Name),
        pattern: props.EventPattern as EventPattern,
        target,
        functionKey: functions.find((f) => f.logicalId === targetId)?.key,
      };
    });

beforeAll(() => {
  packageDir = mkdtempSync(join(tmpdir(), 'mq-guardian-package-'));
  const started = performance.now();
  // The osls binary itself rather than `npx osls`: same program, without npm's own start-up checks.
  // Every AWS_* variable is removed: `package` only builds and writes files, and must keep working on a
  // machine without an account (and never reach one when a developer's credentials are set).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/osls/bin/serverless.js'),
      'package',
      '--stage',
      STAGE,
      '--region',
      REGION,
      // osls always works in .serverless/ (replacing whatever a developer packaged there) and then moves
      // the result here, so no artifacts of the `test` stage are left behind to be deployed by mistake.
      '--package',
      packageDir,
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 170_000,
      env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' },
    },
  );
  packageSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) {
    throw new Error(
      `osls package failed (status ${run.status}, signal ${run.signal}, ${run.error?.message ?? 'no spawn error'}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  const template = JSON.parse(
    readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, CfnResource> };
  resources = template.Resources;
  functions = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      const key = String(props.FunctionName).replace(`${SERVICE}-${STAGE}-`, '') as FunctionKey;
      return { key, logicalId, props };
    });
  console.info(`osls package took ${packageSeconds.toFixed(1)} s`);
}, 180_000);

afterAll(() => {
  if (packageDir) rmSync(packageDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('packaged functions', () => {
  it('are exactly on-broker-event and on-ingress-event', () => {
    // Assess
    expect(functions.map((f) => f.key).sort()).toEqual([...FUNCTION_KEYS].sort());
  });

  it.each(FUNCTION_KEYS)('%s runs on nodejs22.x, arm64, 256 MB, 60 s', (key) => {
    // Prepare
    const { props } = fn(key);
    // Assess
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.MemorySize).toBe(256);
    expect(props.Timeout).toBe(60);
  });

  it('each has a role of its own, defined in this template', () => {
    // Act
    const roles = functions.map((f) => roleOf(f).logicalId);
    // Assess
    expect(new Set(roles).size).toBe(functions.length);
    for (const role of roles) expect(resource(role).Type).toBe('AWS::IAM::Role');
  });

  it.each(FUNCTION_KEYS)(
    '%s defaults to dry-run and to touching neither shared groups nor world rules',
    (key) => {
      // Prepare
      const env = envOf(fn(key));
      // Assess
      expect(env.REMEDIATION_MODE).toBe('dry-run');
      expect(env.REMEDIATE_SHARED_GROUPS).toBe('false');
      expect(env.REVOKE_WORLD_INGRESS).toBe('false');
      expect(env.CONFIG_RULE_PREFIX).toBe('');
    },
  );

  it.each(FUNCTION_KEYS)('%s gets every setting, and load-settings accepts the defaults', (key) => {
    // Prepare
    const env = envOf(fn(key));
    // Act
    const settings = loadSettings({
      ...plainEnvOf(fn(key)),
      [SETTINGS_ENV.remediationRoleArn]: 'arn:aws:iam::123456789012:role/x',
    });
    // Assess
    expect(Object.keys(env)).toEqual(expect.arrayContaining(Object.values(SETTINGS_ENV)));
    expect(settings.remediationMode).toBe('dry-run');
    expect(settings.protocolAllowlist).toEqual({});
    expect(env.POWERTOOLS_SERVICE_NAME).toBe(SERVICE);
  });

  it.each(FUNCTION_KEYS)('%s knows the remediating role by its ARN', (key) => {
    // Assess
    expect(referencedId(envOf(fn(key)).REMEDIATION_ROLE_ARN, 'Arn')).toBe(roleOf(fn(INGRESS_FN)).logicalId);
  });

  it('hands remediation to on-ingress-event by name, from on-broker-event only', () => {
    // Assess
    expect(referencedId(envOf(fn(BROKER_FN)).REMEDIATOR_FUNCTION_NAME)).toBe(fn(INGRESS_FN).logicalId);
    expect(envOf(fn(INGRESS_FN))).not.toHaveProperty('REMEDIATOR_FUNCTION_NAME');
  });

  it.each(FUNCTION_KEYS)(
    '%s retries asynchronous invocations twice, then sends them to its encrypted dead-letter queue',
    (key) => {
      // Prepare
      const config = invokeConfigOf(fn(key));
      // Act
      const queue = resource(deadLetterQueueOf(fn(key)));
      // Assess
      expect(config.MaximumRetryAttempts).toBe(2);
      expect(config.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(queue.Type).toBe('AWS::SQS::Queue');
      expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    },
  );

  it.each(FUNCTION_KEYS)('%s keeps its logs for the configured number of days', (key) => {
    // Prepare
    const group = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::Logs::LogGroup' &&
        r.Properties?.LogGroupName === `/aws/lambda/${fn(key).props.FunctionName}`,
    );
    // Assess
    expect(group?.Properties?.RetentionInDays).toBe(30);
  });
});

describe('EventBridge rules', () => {
  const samples = loadSampleEvents();

  it('have sample events on both sides of every decision', () => {
    // Act
    const expected = samples.map((s) => expectedFunction(s.event));
    // Assess: without events for each outcome, the matching tests below would prove little.
    expect(expected.filter((e) => e === BROKER_FN).length).toBeGreaterThanOrEqual(5);
    expect(expected.filter((e) => e === INGRESS_FN).length).toBeGreaterThanOrEqual(5);
    for (const file of [
      'negative-ec2-authorize-failed-call.json',
      'negative-s3-create-bucket.json',
      'ec2-create-tags-instance.json',
      'config-change-broker.json',
    ]) {
      const sample = samples.find((s) => s.file === file);
      expect(sample, file).toBeDefined();
      expect(expectedFunction(sample?.event ?? {}), file).toBeUndefined();
    }
  });

  it('each target one of the functions, with a retry policy and that function’s dead-letter queue', () => {
    // Act
    const found = rules();
    // Assess
    expect(found.length).toBeGreaterThanOrEqual(2);
    for (const rule of found) {
      expect(rule.functionKey, rule.name).toBeDefined();
      const retry = rule.target.RetryPolicy;
      expect(isObject(retry) && retry.MaximumRetryAttempts, rule.name).toBeGreaterThan(0);
      expect(isObject(retry) && retry.MaximumEventAgeInSeconds, rule.name).toBeGreaterThanOrEqual(60);
      const deadLetters = isObject(rule.target.DeadLetterConfig)
        ? rule.target.DeadLetterConfig.Arn
        : undefined;
      expect(referencedId(deadLetters, 'Arn'), rule.name).toBe(
        deadLetterQueueOf(fn(rule.functionKey ?? BROKER_FN)),
      );
    }
  });

  it('may put their undelivered events in the dead-letter queues, each rule only in its own', () => {
    // Prepare
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::SQS::QueuePolicy');
    const document = policy?.Properties?.PolicyDocument;
    const statements = isObject(document) ? asArray(document.Statement as Statement[] | undefined) : [];
    // Act
    const allowed = (queue: string, ruleName: string): boolean =>
      statements.some((s) => {
        const sources = isObject(s.Condition?.ArnEquals) ? s.Condition.ArnEquals['aws:SourceArn'] : undefined;
        return (
          s.Effect === 'Allow' &&
          asArray(s.Action).includes('sqs:SendMessage') &&
          referencedId(s.Resource, 'Arn') === queue &&
          asArray(sources).some((arn) => arnText(arn)?.endsWith(`:rule/${ruleName}`))
        );
      });
    // Assess
    for (const rule of rules()) {
      const own = deadLetterQueueOf(fn(rule.functionKey ?? BROKER_FN));
      expect(allowed(own, rule.name), rule.name).toBe(true);
      for (const other of FUNCTION_KEYS.filter((k) => k !== rule.functionKey)) {
        expect(allowed(deadLetterQueueOf(fn(other)), rule.name), `${rule.name} -> ${other}`).toBe(false);
      }
    }
  });

  it.each(FUNCTION_KEYS)('for %s select exactly the event names its parser handles', (key) => {
    // Act
    const names = rules()
      .filter((rule) => rule.functionKey === key)
      .flatMap((rule) => {
        const detail = rule.pattern.detail;
        return isObject(detail) ? asArray(detail.eventName as string[] | undefined) : [];
      });
    // Assess
    const expected = key === BROKER_FN ? MQ_EVENT_NAMES : EC2_EVENT_NAMES;
    expect([...names].sort()).toEqual([...expected].sort());
  });

  it.each(samples.map((s) => [s.file, s] as const))(
    'route %s to the right function, once',
    (_file, sample) => {
      // Prepare
      const expected = expectedFunction(sample.event);
      // Act
      const matching = rules().filter((rule) => matchesEventPattern(rule.pattern, sample.event));
      // Assess
      expect(matching.map((rule) => rule.functionKey)).toEqual(expected === undefined ? [] : [expected]);
    },
  );

  it('drop a failed call that would otherwise match', () => {
    // Prepare
    const success = samples.find(
      (s) => s.file === 'ec2-authorize-security-group-ingress-world-all-ports.json',
    );
    const failed = structuredClone(success?.event ?? {});
    (failed.detail as Json).errorCode = 'Client.UnauthorizedOperation';
    // Act
    const matches = (event: Json) => rules().some((rule) => matchesEventPattern(rule.pattern, event));
    // Assess
    expect(matches(success?.event ?? {})).toBe(true);
    expect(matches(failed)).toBe(false);
  });

  it('deliver a tag call that names a security group among other resources', () => {
    // Prepare
    const sample = samples.find((s) => s.file === 'ec2-create-tags-instance.json');
    const mixed = structuredClone(sample?.event ?? {});
    const request = (mixed.detail as Json).requestParameters as Json;
    request.resourcesSet = {
      items: [{ resourceId: 'i-0a1b2c3d4e5f60001' }, { resourceId: 'sg-0a1b2c3d4e5f60009' }],
    };
    // Act
    const matching = rules().filter((rule) => matchesEventPattern(rule.pattern, mixed));
    // Assess
    expect(expectedFunction(mixed)).toBe(INGRESS_FN);
    expect(matching.map((rule) => rule.functionKey)).toEqual([INGRESS_FN]);
  });
});

describe('function roles', () => {
  it.each(FUNCTION_KEYS)('%s may be assumed by Lambda only and has no managed policies', (key) => {
    // Prepare
    const role = roleOf(fn(key)).props;
    const trust = role.AssumeRolePolicyDocument as { Statement: Statement[] };
    // Assess
    expect(role.ManagedPolicyArns ?? []).toEqual([]);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
    });
  });

  it.each(FUNCTION_KEYS)('%s grants exactly the actions its code calls', (key) => {
    // Act
    const granted = new Set(statementsOf(fn(key)).flatMap((s) => asArray(s.Action)));
    // Assess
    expect([...granted].sort()).toEqual([...new Set(EXPECTED_ACTIONS[key])].sort());
  });

  it.each(FUNCTION_KEYS)('%s only allows, and names every action in full', (key) => {
    // Prepare
    const statements = statementsOf(fn(key));
    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect, statement.Sid).toBe('Allow');
      for (const action of asArray(statement.Action)) {
        expect(action, statement.Sid).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  it.each(FUNCTION_KEYS)('%s grants no write action on every resource', (key) => {
    // Act
    const writesOnEverything = statementsOf(fn(key))
      .filter((s) => asArray(s.Resource).includes('*'))
      .flatMap((s) => asArray(s.Action).filter((action) => !isReadOnly(action)));
    // Assess
    expect(writesOnEverything).toEqual([]);
  });

  it.each(FUNCTION_KEYS)('%s writes logs to its own log group only', (key) => {
    // Prepare
    const name = String(fn(key).props.FunctionName);
    // Act
    const resourcesOfLogs = statementsOf(fn(key))
      .filter((s) => asArray(s.Action).some((action) => action.startsWith('logs:')))
      .flatMap((s) => asArray(s.Resource).map(arnText));
    // Assess
    expect(resourcesOfLogs).toEqual([
      `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*`,
    ]);
  });

  it.each(FUNCTION_KEYS)('%s sends messages to its own dead-letter queue only', (key) => {
    // Act
    const queues = statementsOf(fn(key))
      .filter((s) => asArray(s.Action).includes('sqs:SendMessage'))
      .flatMap((s) => asArray(s.Resource).map((r) => referencedId(r, 'Arn')));
    // Assess
    expect(queues).toEqual([deadLetterQueueOf(fn(key))]);
  });

  it('lets on-broker-event invoke on-ingress-event and nothing else', () => {
    // Act
    const statements = statementsOf(fn(BROKER_FN)).filter((s) =>
      asArray(s.Action).includes('lambda:InvokeFunction'),
    );
    // Assess
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]?.Action)).toEqual(['lambda:InvokeFunction']);
    expect(asArray(statements[0]?.Resource).map((r) => referencedId(r, 'Arn'))).toEqual([
      fn(INGRESS_FN).logicalId,
    ]);
  });

  it('lets on-ingress-event change ingress only on security groups and rules of its own account and region', () => {
    // Prepare
    const scope =
      /^arn:\$\{AWS::Partition\}:ec2:\$\{AWS::Region\}:\$\{AWS::AccountId\}:security-group(-rule)?\/\*$/;
    // Act
    const writes = statementsOf(fn(INGRESS_FN)).filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('ec2:') && !isReadOnly(a)),
    );
    // Assess
    expect(writes.length).toBeGreaterThan(0);
    for (const statement of writes) {
      const arns = asArray(statement.Resource).map(arnText);
      expect(arns.length, statement.Sid).toBeGreaterThan(0);
      for (const arn of arns) expect(arn, statement.Sid).toMatch(scope);
    }
  });

  it('lets on-ingress-event tag rules only while authorizing them', () => {
    // Act
    const tagging = statementsOf(fn(INGRESS_FN)).filter((s) => asArray(s.Action).includes('ec2:CreateTags'));
    // Assess
    expect(tagging).toHaveLength(1);
    expect(asArray(tagging[0]?.Action)).toEqual(['ec2:CreateTags']);
    expect(tagging[0]?.Condition).toEqual({
      StringEquals: { 'ec2:CreateAction': 'AuthorizeSecurityGroupIngress' },
    });
    expect(asArray(tagging[0]?.Resource).map(arnText)).toEqual([
      `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:security-group-rule/*`,
    ]);
  });

  it('gives on-broker-event no way to change security groups', () => {
    // Act
    const granted = statementsOf(fn(BROKER_FN)).flatMap((s) => asArray(s.Action));
    // Assess
    expect(granted.filter((action) => action.startsWith('ec2:') && !isReadOnly(action))).toEqual([]);
  });
});

describe('artifacts', () => {
  it.each(FUNCTION_KEYS)('%s is one minified ES module under 2 MB', (key) => {
    // Prepare
    const f = fn(key);
    const handlerFile = `${String(f.props.Handler).replace(/\.handler$/, '')}.mjs`;
    // Act
    const entries = listZip(artifactOf(f));
    const bundle = entries[0];
    const text = bundle?.read().toString('utf8') ?? '';
    console.info(
      `${key}: ${bundle?.name} ${((bundle?.size ?? 0) / 1024 / 1024).toFixed(2)} MB (${((bundle?.compressedSize ?? 0) / 1024).toFixed(0)} KB zipped)`,
    );
    // Assess
    expect(entries.map((e) => e.name)).toEqual([handlerFile]);
    expect(bundle?.size).toBeLessThan(MAX_BUNDLE_BYTES);
    expect(text.length).toBe(bundle?.size);
    expect(text.startsWith("import { createRequire } from 'module';")).toBe(true);
    // Minified: well over a megabyte on a few lines (not asserted through the text, which would print it).
    expect(text.split('\n').length).toBeLessThan(200);
  });

  it.each(FUNCTION_KEYS)('%s loads on its own, AWS SDK included, and exports the handler', (key) => {
    // Prepare: the bundle alone in a directory with no node_modules anywhere above it, so any
    // package left external (the AWS SDK, say) fails to resolve.
    const bundle = listZip(artifactOf(fn(key)))[0];
    const dir = mkdtempSync(join(tmpdir(), 'mq-guardian-bundle-'));
    const file = join(dir, 'handler.mjs');
    writeFileSync(file, bundle?.read() ?? Buffer.alloc(0));
    // Act
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        'const m = await import(process.argv[1]); console.log(typeof m.handler, Object.keys(m).join(","));',
        file,
      ],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: process.env.PATH, AWS_REGION: REGION, ...plainEnvOf(fn(key)) },
      },
    );
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('function handler');
  });
});
