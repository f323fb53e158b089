/**
 * Packages the service with osls (offline: no AWS account, no credentials, no network) in three
 * settings and holds the CloudFormation template and the artifacts to what the code needs:
 *
 * - `defaults`: no --param at all (what `npm run deploy` gives);
 * - `full`: every optional part on (Config rules with two checks disabled and the opt-in check on,
 *   e-mail, Slack, Security Hub, dashboard, another schedule and retention);
 * - `existingTopic`: alerts to an existing topic, Slack parameter without a leading '/', Config rules on
 *   but every check disabled (no rule at all).
 *
 * Parameters are resolved while packaging, so each template's Conditions only compare literals: the
 * tests decide them (cfn.ts) and look at what CloudFormation would deploy. Every deployed resource is
 * validated against the AWS resource specification (resource-spec.ts) and every EventBridge pattern and
 * schedule against the EventBridge grammar (event-pattern-grammar.ts).
 *
 * osls quirks: the osls bin is run directly (not `npx osls`), and it always works in .serverless/
 * before moving the result to --package, so the variants are packaged one after the other, into
 * temporary directories, by this one test file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCheck, enabledChecks } from '../../shared/checks/registry.ts';
import { CONFIG_IAM_ACTIONS } from '../../shared/aws/config.ts';
import {
  ALERT_STATE_KEY_ATTRIBUTE,
  ALERT_STATE_TTL_ATTRIBUTE,
  DYNAMODB_IAM_ACTIONS,
} from '../../shared/aws/dynamodb.ts';
import {
  EC2_PREFIX_LIST_USERS_IAM_ACTIONS,
  EC2_READ_IAM_ACTIONS,
  EC2_WRITE_IAM_ACTIONS,
} from '../../shared/aws/ec2.ts';
import { KMS_IAM_ACTIONS } from '../../shared/aws/kms.ts';
import { LAMBDA_IAM_ACTIONS } from '../../shared/aws/lambda.ts';
import { MQ_IAM_ACTIONS } from '../../shared/aws/mq.ts';
import { SECURITYHUB_IAM_ACTIONS } from '../../shared/aws/securityhub.ts';
import { SNS_IAM_ACTIONS } from '../../shared/aws/sns.ts';
import { SSM_IAM_ACTIONS } from '../../shared/aws/ssm.ts';
import {
  EC2_EVENT_NAMES,
  EC2_EVENT_SOURCE,
  EVENTBRIDGE_SOURCES,
  MQ_EVENT_NAMES,
  MQ_EVENT_SOURCE,
} from '../../shared/events/cloudtrail.ts';
import { CHECK_IDS } from '../../shared/model/finding.ts';
import { loadSettings, SETTINGS_ENV } from '../../shared/policy/load-settings.ts';
import { OPT_OUT_IAM_CONDITION } from '../../shared/policy/opt-out.ts';
import { SETTING_NAMES } from '../../shared/policy/settings-schema.ts';
import { ALERTING_ENV } from '../../shared/runtime/alerting.ts';
import { METRIC_NAMES } from '../../shared/runtime/metrics.ts';
import { INGRESS_CHECK_IDS } from '../../shared/use-cases/handle-api-call.ts';
import { type EventPattern, matchesEventPattern } from '../support/event-pattern.ts';
import {
  arnText,
  asArray,
  type CfnResource,
  type EffectiveTemplate,
  effectiveTemplate,
  isObject,
  type Json,
  referencedId,
  type Template,
} from './cfn.ts';
import { eventPatternViolations, scheduleExpressionViolations } from './event-pattern-grammar.ts';
import {
  deploymentBucketViolations,
  globalNameViolations,
  settingParameterViolations,
  transformViolations,
} from './stackset-constraints.ts';
import {
  loadResourceSpecification,
  locateSpecDatabase,
  type ResourceSpecification,
  validateReferences,
  validateResources,
} from './resource-spec.ts';
import { listZip } from './zip-listing.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const OSLS = join(ROOT, 'node_modules/osls/bin/serverless.js');
const SERVICE = 'mq-guardian';
const STAGE = 'test';
const PREFIX = `${SERVICE}-${STAGE}`;
const REGION = 'us-east-1';
const MAX_BUNDLE_BYTES = 2 * 1024 * 1024;

const BROKER_FN = 'on-broker-event';
const INGRESS_FN = 'on-ingress-event';
const CONFIG_FN = 'config-rule';
const SWEEP_FN = 'sweep';
const SLACK_FN = 'notify-slack';
type FunctionKey =
  | typeof BROKER_FN
  | typeof INGRESS_FN
  | typeof CONFIG_FN
  | typeof SWEEP_FN
  | typeof SLACK_FN;
const ALL_FUNCTIONS: readonly FunctionKey[] = [BROKER_FN, INGRESS_FN, CONFIG_FN, SWEEP_FN, SLACK_FN];
/** The functions that evaluate brokers and so read the settings. */
const EVALUATING: readonly FunctionKey[] = [BROKER_FN, INGRESS_FN, CONFIG_FN, SWEEP_FN];
/** The functions that publish alerts (shared/runtime/alerting.ts). */
const ALERTING: readonly FunctionKey[] = [BROKER_FN, INGRESS_FN, SWEEP_FN];
/** The functions EventBridge rules invoke. */
const EVENT_FUNCTIONS = [BROKER_FN, INGRESS_FN] as const;

const EXISTING_TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:security-alerts';
const NON_OPT_IN_CHECKS = CHECK_IDS.filter((id) => !getCheck(id).meta.optIn);

const VARIANTS = {
  defaults: {},
  full: {
    remediationMode: 'enforce',
    configRules: 'true',
    configRuleFrequency: 'Six_Hours',
    // A space after the comma, as people write lists: the code trims it, the rule conditions too.
    disabledChecks: 'mq-broker-highly-available, mq-broker-no-pii-in-identifiers',
    enabledOptInChecks: 'mq-broker-ldap-authentication',
    alertEmail: 'security-team@example.com',
    slackWebhookParameter: '/mq-guardian/slack-webhook',
    securityHub: 'true',
    dashboard: 'true',
    sweepSchedule: 'rate(30 minutes)',
    logRetentionInDays: '90',
  },
  existingTopic: {
    alertTopicArn: EXISTING_TOPIC_ARN,
    slackWebhookParameter: 'mq-guardian-slack-webhook',
    configRules: 'true',
    disabledChecks: NON_OPT_IN_CHECKS.join(','),
  },
} as const satisfies Record<string, Record<string, string>>;
type VariantName = keyof typeof VARIANTS;
const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

// ---------------------------------------------------------------------------------------------
// IAM expectations: what each function's adapters declare (shared/aws/*.ts), per variant.

/** Every function writes its own logs and sends its failed asynchronous events to its own queue. */
const PLATFORM_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'sqs:SendMessage'];
const RERUN_RULES = CONFIG_IAM_ACTIONS.filter((a) => a === 'config:StartConfigRulesEvaluation');
const REPORT_TO_CONFIG = CONFIG_IAM_ACTIONS.filter((a) => a !== 'config:StartConfigRulesEvaluation');
/** shared/aws/sns.ts: a topic under a customer managed key also needs these of the publisher. */
const ENCRYPTED_TOPIC_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

interface Features {
  readonly anyConfigRule: boolean;
  readonly stackTopic: boolean;
  readonly securityHub: boolean;
  readonly slack: boolean;
}

const FEATURES: Record<VariantName, Features> = {
  defaults: { anyConfigRule: false, stackTopic: true, securityHub: false, slack: false },
  full: { anyConfigRule: true, stackTopic: true, securityHub: true, slack: true },
  existingTopic: { anyConfigRule: false, stackTopic: false, securityHub: false, slack: true },
};

const alertActions = (f: Features): string[] => [
  ...SNS_IAM_ACTIONS,
  ...(f.stackTopic ? ENCRYPTED_TOPIC_ACTIONS : []),
  ...DYNAMODB_IAM_ACTIONS,
  ...(f.securityHub ? SECURITYHUB_IAM_ACTIONS : []),
];

const expectedActions = (key: FunctionKey, f: Features): string[] => {
  const reads = [...MQ_IAM_ACTIONS, ...EC2_READ_IAM_ACTIONS, ...KMS_IAM_ACTIONS];
  switch (key) {
    case BROKER_FN:
      return [
        ...reads,
        ...LAMBDA_IAM_ACTIONS,
        ...(f.anyConfigRule ? RERUN_RULES : []),
        ...alertActions(f),
        ...PLATFORM_ACTIONS,
      ];
    case INGRESS_FN:
      return [
        ...reads,
        ...EC2_PREFIX_LIST_USERS_IAM_ACTIONS,
        ...EC2_WRITE_IAM_ACTIONS,
        ...(f.anyConfigRule ? RERUN_RULES : []),
        ...alertActions(f),
        ...PLATFORM_ACTIONS,
      ];
    case CONFIG_FN:
      return [...reads, ...REPORT_TO_CONFIG, ...PLATFORM_ACTIONS];
    case SWEEP_FN:
      return [...reads, ...LAMBDA_IAM_ACTIONS, ...alertActions(f), ...PLATFORM_ACTIONS];
    case SLACK_FN:
      return [...SSM_IAM_ACTIONS, ...PLATFORM_ACTIONS];
  }
};

/**
 * The SDK command whose presence in a bundle shows that the code uses an action (keepNames keeps the
 * command class names in the minified bundle), or null for what AWS does with the function's role.
 */
const USED_THROUGH: Readonly<Record<string, string | null>> = {
  // The Lambda service writes the function's logs and its on-failure destination with the role.
  'logs:CreateLogStream': null,
  'logs:PutLogEvents': null,
  'sqs:SendMessage': null,
  // The SDK calls the InvokeFunction action `Invoke`.
  'lambda:InvokeFunction': 'InvokeCommand',
  // Tags on a rule being authorized (TagSpecifications) are authorized as CreateTags.
  'ec2:CreateTags': 'AuthorizeSecurityGroupIngressCommand',
  // SNS encrypts a message for an encrypted topic with the publisher's permissions.
  'kms:GenerateDataKey': 'PublishCommand',
  'kms:Decrypt': 'PublishCommand',
};
const commandOf = (action: string): string | null =>
  Object.hasOwn(USED_THROUGH, action)
    ? (USED_THROUGH[action] as string | null)
    : `${action.split(':')[1]}Command`;

/**
 * Write actions IAM offers no resource type for (Service Authorization Reference, AWS Config):
 * config:PutEvaluations is bound to one invocation by its ResultToken.
 */
const WRITES_WITHOUT_RESOURCE_TYPE = new Set(['config:PutEvaluations']);

/** A string built with Ref and Fn::Join, as text with `${Name}` for each Ref (as Fn::Sub writes it). */
const joinedText = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.Ref === 'string') return `\${${value.Ref}}`;
  if (isObject(value) && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return parts.map(joinedText).join(separator);
  }
  throw new Error(`not a joined string: ${JSON.stringify(value)}`);
};

/** The remediator's one Deny: no change to a group that opted out (serverless.yml, OnIngressEventRole). */
const OPT_OUT_SID = 'HonourRemediationOff';

const isReadOnly = (action: string): boolean => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);

// ---------------------------------------------------------------------------------------------
// Packaging

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Principal?: unknown;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Json;
}

interface PackagedFunction {
  readonly key: FunctionKey;
  readonly logicalId: string;
  readonly props: Json;
}

interface Packaged {
  readonly name: VariantName;
  readonly dir: string;
  readonly template: Template;
  readonly effective: EffectiveTemplate;
  readonly functions: readonly PackagedFunction[];
}

const packaged = {} as Record<VariantName, Packaged>;
const directories: string[] = [];

/** Runs the osls binary without any AWS_* variable: packaging must never need (or reach) an account. */
const runOsls = (args: readonly string[]) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return spawnSync(process.execPath, [OSLS, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', FORCE_COLOR: '0' },
  });
};

const paramArgs = (params: Readonly<Record<string, string>>): string[] =>
  Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);

/** `osls package` with these settings into a temporary directory of its own. */
const runPackage = (label: string, params: Readonly<Record<string, string>>) => {
  const dir = mkdtempSync(join(tmpdir(), `mq-guardian-package-${label}-`));
  directories.push(dir);
  const run = runOsls([
    'package',
    '--stage',
    STAGE,
    '--region',
    REGION,
    '--package',
    dir,
    ...paramArgs(params),
  ]);
  return { dir, run };
};

const packageVariant = (name: VariantName): Packaged => {
  const { dir, run } = runPackage(name, VARIANTS[name]);
  if (run.status !== 0) {
    throw new Error(
      `osls package (${name}) failed (status ${run.status}, signal ${run.signal}, ${run.error?.message ?? 'no spawn error'}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  const template = JSON.parse(
    readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  const effective = effectiveTemplate(template);
  const functions = Object.entries(effective.resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      return { key: String(props.FunctionName).replace(`${PREFIX}-`, '') as FunctionKey, logicalId, props };
    });
  return { name, dir, template, effective, functions };
};

beforeAll(() => {
  for (const name of VARIANT_NAMES) {
    const started = performance.now();
    packaged[name] = packageVariant(name);
    console.info(`osls package (${name}) took ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
});

afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Template access

const resources = (p: Packaged) => p.effective.resources;

const resourcesOfType = (p: Packaged, type: string): [string, CfnResource][] =>
  Object.entries(resources(p)).filter(([, r]) => r.Type === type);

const resource = (p: Packaged, logicalId: string): CfnResource => {
  const found = resources(p)[logicalId];
  if (!found) throw new Error(`${p.name}: resource ${logicalId} is not deployed`);
  return found;
};

const fn = (p: Packaged, key: FunctionKey): PackagedFunction => {
  const found = p.functions.find((f) => f.key === key);
  if (!found) throw new Error(`${p.name}: function ${key} is not deployed`);
  return found;
};

const roleOf = (p: Packaged, f: PackagedFunction): { logicalId: string; props: Json } => {
  const logicalId = referencedId(f.props.Role, 'Arn');
  if (!logicalId) throw new Error(`${f.key} has no Role of this template`);
  return { logicalId, props: resource(p, logicalId).Properties ?? {} };
};

const statementsOf = (p: Packaged, f: PackagedFunction): Statement[] =>
  asArray(roleOf(p, f).props.Policies as Json[] | undefined).flatMap((policy) => {
    const document = policy.PolicyDocument;
    return isObject(document) ? asArray(document.Statement as Statement[] | undefined) : [];
  });

/** The statements that grant: what the function may do (a Deny only ever takes away). */
const allowsOf = (p: Packaged, f: PackagedFunction): Statement[] =>
  statementsOf(p, f).filter((s) => s.Effect === 'Allow');

const envOf = (f: PackagedFunction): Json => {
  const environment = f.props.Environment;
  return isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
};

/** The environment as the function gets it, intrinsic functions left out (they resolve at deploy time). */
const plainEnvOf = (f: PackagedFunction): Record<string, string> =>
  Object.fromEntries(
    Object.entries(envOf(f)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

const artifactOf = (p: Packaged, f: PackagedFunction): string => {
  const code = f.props.Code;
  return join(p.dir, basename(String(isObject(code) ? code.S3Key : '')));
};

/** The handler module and all its chunks, one after the other. */
const bundleText = (p: Packaged, f: PackagedFunction): string =>
  listZip(artifactOf(p, f))
    .filter((entry) => !entry.name.endsWith('/'))
    .map((entry) => entry.read().toString('utf8'))
    .join('\n');

const invokeConfigOf = (p: Packaged, f: PackagedFunction): Json => {
  const config = resourcesOfType(p, 'AWS::Lambda::EventInvokeConfig').find(
    ([, r]) => referencedId(r.Properties?.FunctionName) === f.logicalId,
  );
  if (!config?.[1].Properties) throw new Error(`${f.key} has no EventInvokeConfig`);
  return config[1].Properties;
};

/** The queue the function's failed asynchronous invocations go to. */
const deadLetterQueueOf = (p: Packaged, f: PackagedFunction): string => {
  const destination = invokeConfigOf(p, f).DestinationConfig;
  const onFailure = isObject(destination) && isObject(destination.OnFailure) ? destination.OnFailure : {};
  const queue = referencedId(onFailure.Destination, 'Arn');
  if (!queue) throw new Error(`${f.key} has no OnFailure destination`);
  return queue;
};

/** The topic ARN as the template writes it: a Ref to the stack's topic, or the existing topic's ARN. */
const alertTopicOf = (p: Packaged): unknown =>
  FEATURES[p.name].stackTopic ? { Ref: 'AlertTopic' } : EXISTING_TOPIC_ARN;

interface PackagedRule {
  readonly logicalId: string;
  readonly name: string;
  readonly pattern?: EventPattern;
  readonly schedule?: string;
  readonly target: Json;
  readonly functionKey: FunctionKey | undefined;
}

const eventRules = (p: Packaged): PackagedRule[] =>
  resourcesOfType(p, 'AWS::Events::Rule').map(([logicalId, r]) => {
    const props = r.Properties ?? {};
    const target = asArray(props.Targets as Json[] | undefined)[0] ?? {};
    const targetId = referencedId(target.Arn, 'Arn');
    return {
      logicalId,
      name: String(props.Name),
      ...(props.EventPattern ? { pattern: props.EventPattern as EventPattern } : {}),
      ...(typeof props.ScheduleExpression === 'string' ? { schedule: props.ScheduleExpression } : {}),
      target,
      functionKey: p.functions.find((f) => f.logicalId === targetId)?.key,
    };
  });

const patternRules = (p: Packaged) => eventRules(p).filter((r) => r.pattern !== undefined);

const configRules = (p: Packaged) =>
  resourcesOfType(p, 'AWS::Config::ConfigRule').map(([logicalId, r]) => ({
    logicalId,
    props: r.Properties ?? {},
    resource: r,
  }));

const alarms = (p: Packaged) =>
  resourcesOfType(p, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});

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

// =============================================================================================

describe('packaging', () => {
  it('refuses an unknown setting or value, naming the allowed ones, instead of deploying a default', () => {
    // Act
    const { dir, run } = runPackage('refused', {
      configRules: 'yes',
      protocolAllowlistActiveMq: 'openwrie',
      disabledChecks: 'mq-broker-highly-availabel',
      remediatonMode: 'enforce',
    });
    // Assess
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status).not.toBe(0);
    expect(output).toContain('configRules is "yes"; allowed: true, false');
    expect(output).toContain('"openwrie" (did you mean "openwire"?)');
    expect(output).toContain('"mq-broker-highly-availabel" (did you mean "mq-broker-highly-available"?)');
    expect(output).toContain('"remediatonMode" is not a setting (did you mean "remediationMode"?)');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names every function it deploys after the service and stage', () => {
    // Assess
    for (const name of VARIANT_NAMES) {
      for (const f of packaged[name].functions) expect(f.props.FunctionName, name).toBe(`${PREFIX}-${f.key}`);
    }
  });
});

describe('packaged functions', () => {
  it.each([
    ['defaults', [BROKER_FN, INGRESS_FN, CONFIG_FN, SWEEP_FN]],
    ['full', [...ALL_FUNCTIONS]],
    ['existingTopic', [...ALL_FUNCTIONS]],
  ] as const)('in %s are exactly %j (notify-slack only with a Slack parameter)', (name, expected) => {
    // Assess
    expect(packaged[name].functions.map((f) => f.key).sort()).toEqual([...expected].sort());
  });

  it.each([
    [BROKER_FN, 60, undefined],
    [INGRESS_FN, 60, undefined],
    [CONFIG_FN, 900, 2],
    [SWEEP_FN, 900, 1],
    [SLACK_FN, 120, 1],
  ] as const)(
    '%s runs on nodejs22.x, arm64, 256 MB, %i s, reserved concurrency %s',
    (key, timeout, reserved) => {
      // Prepare
      const { props } = fn(packaged.full, key);
      // Assess
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      expect(props.MemorySize).toBe(256);
      expect(props.Timeout).toBe(timeout);
      expect(props.ReservedConcurrentExecutions).toBe(reserved);
    },
  );

  it('each has a role of its own, defined in this template', () => {
    // Act
    const roles = packaged.full.functions.map((f) => roleOf(packaged.full, f).logicalId);
    // Assess
    expect(new Set(roles).size).toBe(packaged.full.functions.length);
    for (const role of roles) expect(resource(packaged.full, role).Type).toBe('AWS::IAM::Role');
  });

  it.each(EVALUATING)(
    '%s defaults to dry-run and to touching neither shared groups nor world rules',
    (key) => {
      // Prepare
      const env = envOf(fn(packaged.defaults, key));
      // Assess
      expect(env.REMEDIATION_MODE).toBe('dry-run');
      expect(env.REMEDIATE_SHARED_GROUPS).toBe('false');
      expect(env.REVOKE_WORLD_INGRESS).toBe('false');
    },
  );

  it.each(EVALUATING.flatMap((key) => VARIANT_NAMES.map((name) => [key, name] as const)))(
    '%s gets every setting in %s, and load-settings accepts them',
    (key, name) => {
      // Prepare
      const f = fn(packaged[name], key);
      // Act
      const settings = loadSettings({
        ...plainEnvOf(f),
        [SETTINGS_ENV.remediationRoleArn]: 'arn:aws:iam::123456789012:role/x',
      });
      // Assess
      expect(Object.keys(envOf(f))).toEqual(expect.arrayContaining(Object.values(SETTINGS_ENV)));
      expect(settings.remediationMode).toBe(name === 'full' ? 'enforce' : 'dry-run');
      expect(envOf(f).POWERTOOLS_SERVICE_NAME).toBe(SERVICE);
      expect(envOf(f).POWERTOOLS_METRICS_NAMESPACE).toBe(SERVICE);
    },
  );

  it.each(EVALUATING)('%s knows the remediating role by its ARN', (key) => {
    // Prepare
    const p = packaged.full;
    // Assess
    expect(referencedId(envOf(fn(p, key)).REMEDIATION_ROLE_ARN, 'Arn')).toBe(
      roleOf(p, fn(p, INGRESS_FN)).logicalId,
    );
  });

  it('hands remediation to on-ingress-event by name, from on-broker-event and the sweep only', () => {
    // Prepare
    const p = packaged.full;
    // Act
    const handingOver = p.functions.filter((f) => 'REMEDIATOR_FUNCTION_NAME' in envOf(f)).map((f) => f.key);
    // Assess
    expect(handingOver.sort()).toEqual([BROKER_FN, SWEEP_FN]);
    for (const key of handingOver) {
      expect(referencedId(envOf(fn(p, key)).REMEDIATOR_FUNCTION_NAME)).toBe(fn(p, INGRESS_FN).logicalId);
    }
  });

  it.each(VARIANT_NAMES)(
    'in %s tells the alerting functions, and only them, the topic and the state table',
    (name) => {
      // Prepare
      const p = packaged[name];
      // Assess
      for (const f of p.functions) {
        const env = envOf(f);
        if (!ALERTING.includes(f.key)) {
          expect(env, f.key).not.toHaveProperty(ALERTING_ENV.topicArn);
          continue;
        }
        expect(env[ALERTING_ENV.topicArn], f.key).toEqual(alertTopicOf(p));
        expect(referencedId(env[ALERTING_ENV.stateTable]), f.key).toBe('AlertStateTable');
        expect(env[ALERTING_ENV.securityHub], f.key).toBe(String(FEATURES[name].securityHub));
      }
    },
  );

  it('gives notify-slack the name of the webhook parameter, never a URL', () => {
    // Prepare
    const env = envOf(fn(packaged.full, SLACK_FN));
    // Assess
    expect(env.SLACK_WEBHOOK_PARAMETER).toBe('/mq-guardian/slack-webhook');
    expect(JSON.stringify(packaged.full.template)).not.toMatch(/hooks\.slack/);
  });

  it.each([
    [BROKER_FN, 2, 21600],
    [INGRESS_FN, 2, 21600],
    [CONFIG_FN, 2, 3600],
    [SWEEP_FN, 1, 3600],
    [SLACK_FN, 2, 21600],
  ] as const)(
    '%s retries asynchronous invocations %i time(s), keeps them %i s, then sends them to its own encrypted queue',
    (key, retries, age) => {
      // Prepare
      const p = packaged.full;
      const config = invokeConfigOf(p, fn(p, key));
      // Act
      const queueId = deadLetterQueueOf(p, fn(p, key));
      const others = p.functions.filter((f) => f.key !== key).map((f) => deadLetterQueueOf(p, f));
      // Assess
      expect(config.MaximumRetryAttempts).toBe(retries);
      expect(config.MaximumEventAgeInSeconds).toBe(age);
      expect(resource(p, queueId).Type).toBe('AWS::SQS::Queue');
      expect(resource(p, queueId).Properties?.SqsManagedSseEnabled).toBe(true);
      expect(resource(p, queueId).Properties?.MessageRetentionPeriod).toBe(1209600);
      expect(others).not.toContain(queueId);
    },
  );

  it.each([
    ['defaults', 30],
    ['full', 90],
  ] as const)('in %s each keep their logs in a log group of their own for %i days', (name, days) => {
    // Prepare
    const p = packaged[name];
    // Assess
    for (const f of p.functions) {
      const groups = resourcesOfType(p, 'AWS::Logs::LogGroup').filter(
        ([, r]) => r.Properties?.LogGroupName === `/aws/lambda/${f.props.FunctionName}`,
      );
      expect(groups, f.key).toHaveLength(1);
      expect(groups[0]?.[1].Properties?.RetentionInDays, f.key).toBe(days);
    }
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

  it.each(VARIANT_NAMES)('in %s are valid event patterns and schedule expressions', (name) => {
    // Act
    const violations = eventRules(packaged[name]).flatMap((rule) => [
      ...(rule.pattern ? eventPatternViolations(rule.pattern) : []),
      ...(rule.schedule ? scheduleExpressionViolations(rule.schedule) : []),
      ...(rule.pattern || rule.schedule ? [] : [`${rule.name}: neither a pattern nor a schedule`]),
    ]);
    // Assess
    expect(violations).toEqual([]);
    expect(eventRules(packaged[name]).length).toBe(4);
  });

  it('each target one function, with a retry policy and that function’s dead-letter queue', () => {
    // Prepare
    const p = packaged.full;
    // Act
    const found = eventRules(p);
    // Assess
    for (const rule of found) {
      expect(rule.functionKey, rule.name).toBeDefined();
      const retry = rule.target.RetryPolicy;
      expect(isObject(retry) && retry.MaximumRetryAttempts, rule.name).toBeGreaterThan(0);
      expect(isObject(retry) && retry.MaximumEventAgeInSeconds, rule.name).toBeGreaterThanOrEqual(60);
      const deadLetters = isObject(rule.target.DeadLetterConfig)
        ? rule.target.DeadLetterConfig.Arn
        : undefined;
      expect(referencedId(deadLetters, 'Arn'), rule.name).toBe(
        deadLetterQueueOf(p, fn(p, rule.functionKey ?? BROKER_FN)),
      );
    }
  });

  it('may put their undelivered events in the dead-letter queues, each rule only in its own', () => {
    // Prepare
    const p = packaged.full;
    const statements = resourcesOfType(p, 'AWS::SQS::QueuePolicy').flatMap(([, r]) => {
      const document = r.Properties?.PolicyDocument;
      return isObject(document) ? asArray(document.Statement as Statement[] | undefined) : [];
    });
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
    for (const rule of eventRules(p)) {
      const own = deadLetterQueueOf(p, fn(p, rule.functionKey ?? BROKER_FN));
      expect(allowed(own, rule.name), rule.name).toBe(true);
      for (const other of p.functions.filter((f) => f.key !== rule.functionKey)) {
        expect(allowed(deadLetterQueueOf(p, other), rule.name), `${rule.name} -> ${other.key}`).toBe(false);
      }
    }
  });

  it.each(EVENT_FUNCTIONS)('for %s select exactly the event names its parser handles', (key) => {
    // Act
    const names = patternRules(packaged.defaults)
      .filter((rule) => rule.functionKey === key)
      .flatMap((rule) => {
        const detail = rule.pattern?.detail;
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
      const matching = patternRules(packaged.defaults).filter((rule) =>
        matchesEventPattern(rule.pattern as EventPattern, sample.event),
      );
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
    const matches = (event: Json) =>
      patternRules(packaged.defaults).some((rule) =>
        matchesEventPattern(rule.pattern as EventPattern, event),
      );
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
    const matching = patternRules(packaged.defaults).filter((rule) =>
      matchesEventPattern(rule.pattern as EventPattern, mixed),
    );
    // Assess
    expect(expectedFunction(mixed)).toBe(INGRESS_FN);
    expect(matching.map((rule) => rule.functionKey)).toEqual([INGRESS_FN]);
  });

  it.each([
    ['defaults', 'rate(1 hour)'],
    ['full', 'rate(30 minutes)'],
  ] as const)('in %s run the sweep on %s, and nothing else on a schedule', (name, expression) => {
    // Act
    const scheduled = eventRules(packaged[name]).filter((rule) => rule.schedule !== undefined);
    // Assess
    expect(scheduled.map((rule) => [rule.name, rule.schedule, rule.functionKey])).toEqual([
      [`${PREFIX}-sweep`, expression, SWEEP_FN],
    ]);
    expect(scheduled[0]?.pattern).toBeUndefined();
  });
});

describe('AWS Config rules', () => {
  it('are off by default: no rule, no permission for Config, no rule prefix, no rule re-runs', () => {
    // Prepare
    const p = packaged.defaults;
    // Assess
    expect(configRules(p)).toEqual([]);
    expect(
      resourcesOfType(p, 'AWS::Lambda::Permission').filter(
        ([, r]) => r.Properties?.Principal === 'config.amazonaws.com',
      ),
    ).toEqual([]);
    for (const key of EVENT_FUNCTIONS) {
      expect(envOf(fn(p, key)).CONFIG_RULE_PREFIX, key).toBe('');
      expect(
        statementsOf(p, fn(p, key)).flatMap((s) => asArray(s.Action)),
        key,
      ).not.toContain('config:StartConfigRulesEvaluation');
    }
  });

  it('exist once for each check the functions evaluate, and for no other', () => {
    // Prepare
    const p = packaged.full;
    const settings = loadSettings(plainEnvOf(fn(p, CONFIG_FN)));
    // Act
    const ruleChecks = configRules(p).map((r) => (r.props.InputParameters as Json).checkId);
    // Assess: the opt-in check is on, the two disabled ones are off.
    expect([...ruleChecks].sort()).toEqual(
      enabledChecks(settings)
        .map((c) => c.meta.id)
        .sort(),
    );
    expect(ruleChecks).toContain('mq-broker-ldap-authentication');
    expect(ruleChecks).not.toContain('mq-broker-highly-available');
    expect(ruleChecks).not.toContain('mq-broker-no-pii-in-identifiers');
    expect(ruleChecks).toHaveLength(CHECK_IDS.length - 2);
  });

  it('are named and described after their check, and tell the function which check to run', () => {
    // Assess
    for (const rule of configRules(packaged.full)) {
      const checkId = (rule.props.InputParameters as Json).checkId as (typeof CHECK_IDS)[number];
      expect(rule.props.ConfigRuleName).toBe(`${PREFIX}-${checkId}`);
      expect(rule.props.Description).toBe(getCheck(checkId).meta.title);
      expect(rule.props.InputParameters).toEqual({ checkId });
    }
  });

  it('are custom Lambda rules of config-rule, run on changes, oversized changes and the configured period', () => {
    // Prepare
    const p = packaged.full;
    // Assess
    for (const rule of configRules(p)) {
      const source = rule.props.Source as Json;
      expect(source.Owner).toBe('CUSTOM_LAMBDA');
      expect(referencedId(source.SourceIdentifier, 'Arn')).toBe(fn(p, CONFIG_FN).logicalId);
      expect(source.SourceDetails).toEqual([
        { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
        { EventSource: 'aws.config', MessageType: 'OversizedConfigurationItemChangeNotification' },
        {
          EventSource: 'aws.config',
          MessageType: 'ScheduledNotification',
          MaximumExecutionFrequency: 'Six_Hours',
        },
      ]);
    }
  });

  it('watch brokers, and for the ingress checks also security groups', () => {
    // Assess
    for (const rule of configRules(packaged.full)) {
      const checkId = (rule.props.InputParameters as Json).checkId as (typeof CHECK_IDS)[number];
      const expected = INGRESS_CHECK_IDS.includes(checkId)
        ? ['AWS::AmazonMQ::Broker', 'AWS::EC2::SecurityGroup']
        : ['AWS::AmazonMQ::Broker'];
      expect(rule.props.Scope, checkId).toEqual({ ComplianceResourceTypes: expected });
    }
  });

  it('may invoke config-rule from this account only, and each rule waits for that permission', () => {
    // Prepare
    const p = packaged.full;
    // Act
    const permissions = resourcesOfType(p, 'AWS::Lambda::Permission').filter(
      ([, r]) => r.Properties?.Principal === 'config.amazonaws.com',
    );
    // Assess
    expect(permissions).toHaveLength(1);
    const [permissionId, permission] = permissions[0] as [string, CfnResource];
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fn(p, CONFIG_FN).logicalId, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
    for (const rule of configRules(p))
      expect(asArray(rule.resource.DependsOn), rule.logicalId).toContain(permissionId);
  });

  it('are re-run by the real-time functions by exactly the names the code asks for, on exactly their ARNs', () => {
    // Prepare
    const p = packaged.full;
    const settings = loadSettings(plainEnvOf(fn(p, CONFIG_FN)));
    const ruleIds = configRules(p)
      .map((r) => r.logicalId)
      .sort();
    // Assess
    for (const key of EVENT_FUNCTIONS) {
      const prefix = envOf(fn(p, key)).CONFIG_RULE_PREFIX;
      const asked = enabledChecks(settings).map((c) => `${prefix}-${c.meta.id}`);
      expect(asked.sort(), key).toEqual(
        configRules(p)
          .map((r) => String(r.props.ConfigRuleName))
          .sort(),
      );
      const rerun = statementsOf(p, fn(p, key)).filter((s) =>
        asArray(s.Action).includes('config:StartConfigRulesEvaluation'),
      );
      expect(rerun, key).toHaveLength(1);
      expect(
        asArray(rerun[0]?.Resource)
          .map((r) => referencedId(r, 'Arn'))
          .sort(),
        key,
      ).toEqual(ruleIds);
    }
  });

  it('leave no rule and no re-run permission when every check is disabled, yet deploy', () => {
    // Prepare
    const p = packaged.existingTopic;
    // Assess
    expect(configRules(p)).toEqual([]);
    for (const key of EVENT_FUNCTIONS) {
      expect(
        statementsOf(p, fn(p, key)).flatMap((s) => asArray(s.Action)),
        key,
      ).not.toContain('config:StartConfigRulesEvaluation');
    }
    expect(enabledChecks(loadSettings(plainEnvOf(fn(p, CONFIG_FN))))).toEqual([]);
  });
});

describe('alerts', () => {
  it('go to a topic of the stack, encrypted with a key CloudWatch alarms may use', () => {
    // Prepare
    const p = packaged.defaults;
    const topic = resource(p, 'AlertTopic');
    const key = resource(p, referencedId(topic.Properties?.KmsMasterKeyId) ?? '');
    const statements = asArray((key.Properties?.KeyPolicy as Json | undefined)?.Statement as Statement[]);
    // Act
    const forAlarms = statements.filter(
      (s) => isObject(s.Principal) && s.Principal.Service === 'cloudwatch.amazonaws.com',
    );
    // Assess
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    expect(forAlarms).toHaveLength(1);
    expect(asArray(forAlarms[0]?.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(forAlarms[0]?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
  });

  it('let this stack’s alarms, and no other principal, publish through the topic policy', () => {
    // Prepare
    const p = packaged.defaults;
    const [, policy] = resourcesOfType(p, 'AWS::SNS::TopicPolicy')[0] ?? [];
    const statements = asArray(
      (policy?.Properties?.PolicyDocument as Json | undefined)?.Statement as Statement[],
    );
    // Act
    const allows = statements.filter((s) => s.Effect === 'Allow');
    const alarmArn = arnText((allows[0]?.Condition?.ArnLike as Json | undefined)?.['aws:SourceArn']);
    // Assess
    expect(allows).toHaveLength(1);
    expect(allows[0]?.Action).toBe('sns:Publish');
    expect((allows[0] as unknown as Json).Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
    expect(alarmArn).toBe(
      `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${PREFIX}-*`,
    );
    for (const alarm of alarms(p)) expect(String(alarm.AlarmName)).toMatch(new RegExp(`^${PREFIX}-`));
  });

  it('are kept in an on-demand table keyed and expired the way the state store expects', () => {
    // Prepare
    const table = resource(packaged.defaults, 'AlertStateTable').Properties ?? {};
    // Assess
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([{ AttributeName: ALERT_STATE_KEY_ATTRIBUTE, KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([
      { AttributeName: ALERT_STATE_KEY_ATTRIBUTE, AttributeType: 'S' },
    ]);
    expect(table.TimeToLiveSpecification).toEqual({
      AttributeName: ALERT_STATE_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });

  it.each([
    ['defaults', []],
    ['full', ['security-team@example.com']],
    ['existingTopic', []],
  ] as const)('in %s are e-mailed to %j', (name, addresses) => {
    // Act
    const emails = resourcesOfType(packaged[name], 'AWS::SNS::Subscription')
      .map(([, r]) => r.Properties ?? {})
      .filter((s) => s.Protocol === 'email');
    // Assess
    expect(emails.map((s) => s.Endpoint)).toEqual(addresses);
    for (const subscription of emails) expect(subscription.TopicArn).toEqual(alertTopicOf(packaged[name]));
  });

  it.each(['full', 'existingTopic'] as const)(
    'in %s reach notify-slack (alerts only, undeliverable ones kept) with SNS allowed to invoke it',
    (name) => {
      // Prepare
      const p = packaged[name];
      const slack = fn(p, SLACK_FN);
      // Act
      const [subscription] = resourcesOfType(p, 'AWS::SNS::Subscription')
        .map(([, r]) => r.Properties ?? {})
        .filter((s) => s.Protocol === 'lambda');
      const permission = resourcesOfType(p, 'AWS::Lambda::Permission')
        .map(([, r]) => r.Properties ?? {})
        .find((r) => r.Principal === 'sns.amazonaws.com');
      // Assess
      expect(subscription?.TopicArn).toEqual(alertTopicOf(p));
      expect(referencedId(subscription?.Endpoint, 'Arn')).toBe(slack.logicalId);
      expect(subscription?.FilterPolicyScope).toBe('MessageAttributes');
      expect(subscription?.FilterPolicy).toEqual({ action: [{ exists: true }] });
      expect(
        referencedId((subscription?.RedrivePolicy as Json | undefined)?.deadLetterTargetArn, 'Arn'),
      ).toBe(deadLetterQueueOf(p, slack));
      expect(permission?.SourceArn).toEqual(alertTopicOf(p));
      expect(referencedId(permission?.FunctionName, 'Arn')).toBe(slack.logicalId);
    },
  );

  it('have no Slack subscription, function or role when no webhook parameter is named', () => {
    // Prepare
    const p = packaged.defaults;
    // Assess
    expect(resourcesOfType(p, 'AWS::SNS::Subscription')).toEqual([]);
    expect(p.functions.map((f) => f.key)).not.toContain(SLACK_FN);
    expect(Object.keys(resources(p))).not.toContain('NotifySlackRole');
  });

  it('use an existing topic as it is: no topic, key or topic policy of the stack', () => {
    // Prepare
    const p = packaged.existingTopic;
    // Assess
    for (const type of ['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'AWS::KMS::Key', 'AWS::KMS::Alias']) {
      expect(resourcesOfType(p, type), type).toEqual([]);
    }
    expect(p.effective.outputs.AlertTopicArn?.Value).toBe(EXISTING_TOPIC_ARN);
  });
});

describe('alarms', () => {
  it.each(VARIANT_NAMES)('in %s watch every function for errors and notify the alert topic', (name) => {
    // Prepare
    const p = packaged[name];
    // Assess
    for (const f of p.functions) {
      const watching = alarms(p).filter(
        (a) =>
          a.Namespace === 'AWS/Lambda' &&
          a.MetricName === 'Errors' &&
          asArray(a.Dimensions as Json[]).some(
            (d) => d.Name === 'FunctionName' && referencedId(d.Value) === f.logicalId,
          ),
      );
      expect(watching, f.key).toHaveLength(1);
      expect(watching[0]?.Threshold).toBe(1);
      expect(watching[0]?.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(watching[0]?.AlarmActions, f.key).toEqual([alertTopicOf(p)]);
    }
  });

  it.each(VARIANT_NAMES)('in %s fire on the first message in any dead-letter queue', (name) => {
    // Prepare
    const p = packaged[name];
    const queues = resourcesOfType(p, 'AWS::SQS::Queue').map(([id]) => id);
    // Assess
    expect(queues.length).toBe(p.functions.length);
    for (const queue of queues) {
      const watching = alarms(p).filter(
        (a) =>
          a.Namespace === 'AWS/SQS' &&
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          asArray(a.Dimensions as Json[]).some(
            (d) => d.Name === 'QueueName' && referencedId(d.Value, 'QueueName') === queue,
          ),
      );
      expect(watching, queue).toHaveLength(1);
      expect(watching[0]?.Threshold).toBe(1);
      expect(watching[0]?.AlarmActions, queue).toEqual([alertTopicOf(p)]);
    }
  });
});

describe('function roles', () => {
  // it.each needs its table when the file is collected, before beforeAll has packaged anything.
  const table = VARIANT_NAMES.flatMap((name) =>
    (name === 'defaults' ? EVALUATING : ALL_FUNCTIONS).map((key): [VariantName, FunctionKey] => [name, key]),
  );

  it.each(table)('in %s, %s may be assumed by Lambda only and has no managed policies', (name, key) => {
    // Prepare
    const role = roleOf(packaged[name], fn(packaged[name], key)).props;
    const trust = role.AssumeRolePolicyDocument as { Statement: Statement[] };
    // Assess
    expect(role.ManagedPolicyArns ?? []).toEqual([]);
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  it.each(table)('in %s, %s grants exactly the actions its adapters declare', (name, key) => {
    // Act
    const granted = new Set(
      allowsOf(packaged[name], fn(packaged[name], key)).flatMap((s) => asArray(s.Action)),
    );
    // Assess
    expect([...granted].sort()).toEqual([...new Set(expectedActions(key, FEATURES[name]))].sort());
  });

  it.each(table)('in %s, %s grants only actions its bundle calls', (name, key) => {
    // Prepare
    const p = packaged[name];
    const text = bundleText(p, fn(p, key));
    // Act
    const unused = allowsOf(p, fn(p, key))
      .flatMap((s) => asArray(s.Action))
      .filter((action) => {
        const command = commandOf(action);
        return command !== null && !text.includes(`"${command}"`);
      });
    // Assess
    expect(text.length).toBeGreaterThan(0);
    expect(unused).toEqual([]);
  });

  it.each(table)(
    'in %s, %s allows (and denies only changes to opted-out groups), names every action in full and writes nowhere with "*"',
    (name, key) => {
      // Prepare
      const statements = statementsOf(packaged[name], fn(packaged[name], key));
      const optOut = statements.filter((s) => s.Sid === OPT_OUT_SID);
      // Act
      const writesOnEverything = statements
        .filter((s) => asArray(s.Resource).includes('*'))
        .flatMap((s) =>
          asArray(s.Action).filter((a) => !isReadOnly(a) && !WRITES_WITHOUT_RESOURCE_TYPE.has(a)),
        );
      // Assess
      expect(statements.length).toBeGreaterThan(0);
      expect(optOut.length).toBe(key === INGRESS_FN ? 1 : 0);
      for (const statement of statements) {
        expect(statement.Effect, statement.Sid).toBe(statement.Sid === OPT_OUT_SID ? 'Deny' : 'Allow');
        expect(asArray(statement.Resource).length, statement.Sid).toBeGreaterThan(0);
        for (const action of asArray(statement.Action))
          expect(action, statement.Sid).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
      expect(writesOnEverything).toEqual([]);
    },
  );

  it.each(table)(
    'in %s, %s writes logs to its own log group and dead letters to its own queue',
    (name, key) => {
      // Prepare
      const p = packaged[name];
      const f = fn(p, key);
      const statements = statementsOf(p, f);
      // Act
      const logs = statements
        .filter((s) => asArray(s.Action).some((a) => a.startsWith('logs:')))
        .flatMap((s) => asArray(s.Resource).map(arnText));
      const queues = statements
        .filter((s) => asArray(s.Action).includes('sqs:SendMessage'))
        .flatMap((s) => asArray(s.Resource).map((r) => referencedId(r, 'Arn')));
      // Assess
      expect(logs).toEqual([
        `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${f.props.FunctionName}:*`,
      ]);
      expect(queues).toEqual([deadLetterQueueOf(p, f)]);
    },
  );

  it.each(VARIANT_NAMES)(
    'in %s publish alerts only to the alert topic and keep state only in the table',
    (name) => {
      // Prepare
      const p = packaged[name];
      // Assess
      for (const f of p.functions) {
        for (const statement of statementsOf(p, f)) {
          const actions = asArray(statement.Action);
          if (actions.some((a) => a.startsWith('sns:')))
            expect(statement.Resource, f.key).toEqual(alertTopicOf(p));
          if (actions.some((a) => a.startsWith('dynamodb:')))
            expect(referencedId(statement.Resource, 'Arn'), f.key).toBe('AlertStateTable');
          if (actions.includes('kms:GenerateDataKey')) {
            expect(referencedId(statement.Resource, 'Arn'), f.key).toBe('AlertTopicKey');
            expect(statement.Condition, f.key).toEqual({
              StringEquals: { 'kms:ViaService': { 'Fn::Sub': `sns.\${AWS::Region}.amazonaws.com` } },
            });
          }
        }
      }
    },
  );

  it('imports findings into this account’s own Security Hub product only', () => {
    // Prepare
    const p = packaged.full;
    // Assess
    for (const key of ALERTING) {
      const statements = statementsOf(p, fn(p, key)).filter((s) =>
        asArray(s.Action).includes('securityhub:BatchImportFindings'),
      );
      expect(statements, key).toHaveLength(1);
      expect(arnText(statements[0]?.Resource), key).toBe(
        `arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default`,
      );
      expect(statements[0]?.Condition, key).toEqual({
        StringEquals: { 'securityhub:TargetAccount': { Ref: 'AWS::AccountId' } },
      });
    }
  });

  it.each([
    ['full', 'parameter/mq-guardian/slack-webhook'],
    ['existingTopic', 'parameter/mq-guardian-slack-webhook'],
  ] as const)('in %s let notify-slack read only %s', (name, parameter) => {
    // Act
    const reads = statementsOf(packaged[name], fn(packaged[name], SLACK_FN)).filter((s) =>
      asArray(s.Action).includes('ssm:GetParameter'),
    );
    // Assess
    expect(reads.map((s) => asArray(s.Resource).map(arnText))).toEqual([
      [`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:${parameter}`],
    ]);
  });

  it.each([BROKER_FN, SWEEP_FN] as const)('lets %s invoke on-ingress-event and nothing else', (key) => {
    // Prepare
    const p = packaged.full;
    // Act
    const statements = statementsOf(p, fn(p, key)).filter((s) =>
      asArray(s.Action).includes('lambda:InvokeFunction'),
    );
    // Assess
    expect(statements).toHaveLength(1);
    expect(asArray(statements[0]?.Action)).toEqual(['lambda:InvokeFunction']);
    expect(asArray(statements[0]?.Resource).map((r) => referencedId(r, 'Arn'))).toEqual([
      fn(p, INGRESS_FN).logicalId,
    ]);
  });

  it('lets on-ingress-event change ingress only on security groups and rules of its own account and region', () => {
    // Prepare
    const scope =
      /^arn:\$\{AWS::Partition\}:ec2:\$\{AWS::Region\}:\$\{AWS::AccountId\}:security-group(-rule)?\/\*$/;
    // Act
    const writes = statementsOf(packaged.full, fn(packaged.full, INGRESS_FN)).filter((s) =>
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
    const tagging = statementsOf(packaged.full, fn(packaged.full, INGRESS_FN)).filter((s) =>
      asArray(s.Action).includes('ec2:CreateTags'),
    );
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

  it.each(VARIANT_NAMES)(
    'in %s deny on-ingress-event every change to a group whose mq-guardian:remediation tag opts out',
    (name) => {
      // Prepare
      const p = packaged[name];
      // Act
      const denies = statementsOf(p, fn(p, INGRESS_FN)).filter((s) => s.Effect === 'Deny');
      // Assess
      expect(denies).toEqual([
        {
          Sid: OPT_OUT_SID,
          Effect: 'Deny',
          Action: [
            'ec2:AuthorizeSecurityGroupIngress',
            'ec2:RevokeSecurityGroupIngress',
            'ec2:ModifySecurityGroupRules',
            'ec2:UpdateSecurityGroupRuleDescriptionsIngress',
          ],
          Resource: {
            'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:security-group/*`,
          },
          Condition: OPT_OUT_IAM_CONDITION,
        },
      ]);
      const granted = allowsOf(p, fn(p, INGRESS_FN)).flatMap((s) => asArray(s.Action));
      for (const action of granted.filter(
        (a) => a !== 'ec2:CreateTags' && a.startsWith('ec2:') && !isReadOnly(a),
      ))
        expect(asArray(denies[0]?.Action)).toContain(action);
    },
  );

  it.each(VARIANT_NAMES)(
    'in %s let only the stack’s own rules and hand-over roles invoke on-ingress-event',
    (name) => {
      // Prepare
      const p = packaged[name];
      const remediator = fn(p, INGRESS_FN).logicalId;
      // Act
      const permissions = resourcesOfType(p, 'AWS::Lambda::Permission')
        .map(([, r]) => r.Properties ?? {})
        .filter((r) => referencedId(r.FunctionName, 'Arn') === remediator);
      // Assess
      const ownRules = eventRules(p).filter((r) => r.functionKey === INGRESS_FN);
      expect(ownRules.length).toBeGreaterThan(0);
      expect(permissions.map((r) => r.Action)).toEqual(permissions.map(() => 'lambda:InvokeFunction'));
      const roles = permissions.filter((r) => r.Principal !== 'events.amazonaws.com');
      expect(roles.map((r) => referencedId(r.Principal, 'Arn')).sort()).toEqual(
        [roleOf(p, fn(p, BROKER_FN)).logicalId, roleOf(p, fn(p, SWEEP_FN)).logicalId].sort(),
      );
      const fromEvents = permissions.filter((r) => r.Principal === 'events.amazonaws.com');
      expect(fromEvents.map((r) => joinedText(r.SourceArn)).sort()).toEqual(
        ownRules
          .map((rule) => `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${rule.name}`)
          .sort(),
      );
    },
  );

  it('gives no function but on-ingress-event a way to change security groups', () => {
    // Prepare
    const p = packaged.full;
    // Act
    const writers = p.functions.filter((f) =>
      statementsOf(p, f).some((s) => asArray(s.Action).some((a) => a.startsWith('ec2:') && !isReadOnly(a))),
    );
    // Assess
    expect(writers.map((f) => f.key)).toEqual([INGRESS_FN]);
  });
});

describe('resource specification', () => {
  const located = locateSpecDatabase();
  let spec: ResourceSpecification | undefined;
  const specification = (): ResourceSpecification => {
    if ('missing' in located) throw new Error(`No CloudFormation resource specification: ${located.missing}`);
    spec ??= loadResourceSpecification(located.path);
    return spec;
  };

  it.each(VARIANT_NAMES)(
    'accepts every resource deployed in %s: types, properties, required ones, references',
    (name) => {
      // Prepare
      const p = packaged[name];
      // Act
      const violations = [
        ...validateResources(specification(), resources(p)),
        ...Object.entries(p.effective.outputs).flatMap(([id, output]) =>
          validateReferences(specification(), resources(p), `Outputs.${id}`, output),
        ),
      ];
      // Assess
      expect(violations).toEqual([]);
      expect(Object.keys(resources(p)).length).toBeGreaterThan(20);
    },
  );
});

describe('StackSet template', () => {
  const ARTIFACTS = { artifactBucketPrefix: 'example-org-mq-guardian-artifacts' };
  const stackSetOf = (p: Packaged): Template & Json =>
    JSON.parse(readFileSync(join(p.dir, `${SERVICE}-stackset.json`), 'utf8')) as Template & Json;
  /** Resources as deployed, without what only says where the code comes from. */
  const withoutCode = (resources: Record<string, CfnResource>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(resources)
        .filter(([, r]) => r.Type !== 'AWS::S3::Bucket' && r.Type !== 'AWS::S3::BucketPolicy')
        .map(([id, r]) => [
          id,
          r.Type === 'AWS::Lambda::Function' ? { ...r, Properties: { ...r.Properties, Code: 'code' } } : r,
        ]),
    );

  it.each(VARIANT_NAMES)(
    'of %s has no transform, no deployment bucket, region-unique names and every setting as a Parameter with its allowed values',
    (name) => {
      // Prepare
      const template = stackSetOf(packaged[name]);
      // Act
      const effective = effectiveTemplate(template, ARTIFACTS);
      // Assess
      expect(transformViolations(template)).toEqual([]);
      expect(deploymentBucketViolations(template)).toEqual([]);
      expect(globalNameViolations(effective.resources)).toEqual([]);
      expect(settingParameterViolations(template, SETTING_NAMES)).toEqual([]);
    },
  );

  it('takes its Parameter defaults from --param', () => {
    // Act
    const parameters = stackSetOf(packaged.full).Parameters as Record<string, Json>;
    // Assess
    for (const [setting, value] of Object.entries(VARIANTS.full))
      expect(parameters[setting]?.Default, setting).toBe(value);
  });

  it('names artifacts that the package holds, under the key prefix Parameter', () => {
    // Prepare
    const p = packaged.full;
    const effective = effectiveTemplate(stackSetOf(p), ARTIFACTS);
    // Act
    const keys = Object.values(effective.resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => arnText(isObject(r.Properties?.Code) ? r.Properties.Code.S3Key : undefined) ?? '');
    // Assess
    expect(keys).toHaveLength(ALL_FUNCTIONS.length);
    for (const key of keys) {
      expect(key).toMatch(/^mq-guardian\/test\/[0-9a-f]{16}\/[a-z-]+\.zip$/);
      expect(readdirSync(p.dir)).toContain(basename(key));
    }
  });

  it("deploys with another account's settings what packaging with those settings deploys", () => {
    // Prepare: the defaults' template, given the full variant's settings as Parameter values.
    const template = stackSetOf(packaged.defaults);
    // Act
    const effective = effectiveTemplate(template, { ...VARIANTS.full, ...ARTIFACTS });
    // Assess
    expect(withoutCode(effective.resources)).toEqual(withoutCode(resources(packaged.full)));
  });

  it('accepts every resource against the resource specification', () => {
    // Prepare
    const located = locateSpecDatabase();
    if ('missing' in located) throw new Error(`No CloudFormation resource specification: ${located.missing}`);
    const effective = effectiveTemplate(stackSetOf(packaged.full), ARTIFACTS);
    // Act
    const violations = validateResources(loadResourceSpecification(located.path), effective.resources);
    // Assess
    expect(violations).toEqual([]);
  });

  it('fits the 1 MB CloudFormation allows a template read from S3', () => {
    // Assess
    const bytes = readFileSync(join(packaged.full.dir, `${SERVICE}-stackset.json`)).length;
    expect(bytes).toBeLessThan(1024 * 1024);
  });

  // docs/organizations.md tells people to pass the template with --template-url: even minified it is
  // larger than the 51,200 bytes CreateStackSet takes in TemplateBody, and it stays well inside the
  // 460,800 bytes older CloudFormation quotas allowed from S3.
  it('is too large for TemplateBody even minified, so the StackSet is created from S3 (TemplateURL)', () => {
    // Prepare
    const text = readFileSync(join(packaged.full.dir, `${SERVICE}-stackset.json`), 'utf8');

    // Act
    const minified = Buffer.byteLength(JSON.stringify(JSON.parse(text)));

    // Assess
    expect(minified).toBeGreaterThan(51_200);
    expect(minified).toBeLessThan(460_800);
  });
});

describe('dashboard', () => {
  it('is deployed only when asked for', () => {
    // Assess
    expect(resourcesOfType(packaged.defaults, 'AWS::CloudWatch::Dashboard')).toEqual([]);
    expect(resourcesOfType(packaged.full, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('shows every custom metric the functions emit, and every function and queue', () => {
    // Prepare
    const p = packaged.full;
    const [, dashboard] = resourcesOfType(p, 'AWS::CloudWatch::Dashboard')[0] ?? [];
    const sub = (dashboard?.Properties?.DashboardBody as Json | undefined)?.['Fn::Sub'] as [string, Json];
    // Act: the body as JSON, with the Fn::Sub variables named rather than resolved.
    const body = JSON.parse(sub[0].replace(/\$\{([^}]+)\}/g, '<$1>')) as {
      widgets: { properties: { metrics: string[][] } }[];
    };
    const lines = body.widgets.flatMap((w) => w.properties.metrics);
    const custom = lines.filter((m) => m[0] === SERVICE).map((m) => m[1]);
    const functionNames = lines.filter((m) => m[0] === 'AWS/Lambda').map((m) => m[3]);
    const queueVariables = lines
      .filter((m) => m[0] === 'AWS/SQS')
      .map((m) => String(m[3]).replace(/^<|>$/g, ''));
    // Assess
    expect([...custom].sort()).toEqual([...METRIC_NAMES].sort());
    for (const line of lines.filter((m) => m[0] === SERVICE))
      expect(line.slice(2)).toEqual(['service', SERVICE]);
    expect([...functionNames].sort()).toEqual(p.functions.map((f) => String(f.props.FunctionName)).sort());
    expect(queueVariables.map((v) => referencedId(sub[1][v], 'QueueName')).sort()).toEqual(
      p.functions
        .filter((f) => f.key !== SLACK_FN)
        .map((f) => deadLetterQueueOf(p, f))
        .sort(),
    );
  });
});

describe('artifacts', () => {
  it.each(ALL_FUNCTIONS)(
    '%s holds its handler module and its own chunks only, minified, under 2 MB',
    (key) => {
      // Prepare
      const p = packaged.full;
      const f = fn(p, key);
      const handlerBase = String(f.props.Handler).replace(/\.handler$/, '');
      // Act
      const entries = listZip(artifactOf(p, f)).filter((e) => !e.name.endsWith('/'));
      const total = entries.reduce((sum, e) => sum + e.size, 0);
      console.info(
        `${key}: ${entries.length} files, ${(total / 1024).toFixed(0)} KiB (${(entries.reduce((sum, e) => sum + e.compressedSize, 0) / 1024).toFixed(0)} KiB zipped)`,
      );
      // Assess
      expect(entries.map((e) => e.name)).toContain(`${handlerBase}.mjs`);
      const others = entries.map((e) => e.name).filter((name) => name !== `${handlerBase}.mjs`);
      expect(others.length).toBeGreaterThan(0);
      for (const name of others) expect(name).toMatch(new RegExp(`^${handlerBase}\\.chunks/[^/]+\\.mjs$`));
      expect(total).toBeLessThan(MAX_BUNDLE_BYTES);
      for (const entry of entries) {
        const text = entry.read().toString('utf8');
        // Bytes, not characters: a bundled package's licence comment may hold non-ASCII names.
        expect(Buffer.byteLength(text, 'utf8')).toBe(entry.size);
        expect(text.startsWith("import { createRequire } from 'module';")).toBe(true);
        // Minified: few lines (not asserted through the text, which would print it).
        expect(text.split('\n').length).toBeLessThan(200);
      }
    },
  );

  it.each(ALL_FUNCTIONS)(
    '%s loads on its own, AWS SDK included, exports the handler and every chunk loads',
    (key) => {
      // Prepare: the artifact alone in a directory with no node_modules anywhere above it, so any
      // package left external (the AWS SDK, say) or a chunk missing from the zip fails to resolve.
      const p = packaged.full;
      const f = fn(p, key);
      const entries = listZip(artifactOf(p, f)).filter((e) => !e.name.endsWith('/'));
      const dir = mkdtempSync(join(tmpdir(), 'mq-guardian-bundle-'));
      for (const entry of entries) {
        mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
        writeFileSync(join(dir, entry.name), entry.read());
      }
      const handlerFile = join(dir, `${String(f.props.Handler).replace(/\.handler$/, '')}.mjs`);
      const chunks = entries.map((e) => join(dir, e.name)).filter((file) => file !== handlerFile);
      // Act
      const run = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          [
            'const m = await import(process.argv[1]);',
            'for (const chunk of process.argv.slice(2)) await import(chunk);',
            'console.log(typeof m.handler);',
          ].join(' '),
          handlerFile,
          ...chunks,
        ],
        {
          cwd: dir,
          encoding: 'utf8',
          timeout: 30_000,
          env: {
            PATH: process.env.PATH,
            AWS_REGION: REGION,
            ...plainEnvOf(fn(p, key)),
            // What CloudFormation fills in on deploy (Refs in the template).
            ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:mq-guardian-test-alerts',
            ALERT_STATE_TABLE: 'mq-guardian-test-AlertStateTable-ABC',
          },
        },
      );
      rmSync(dir, { recursive: true, force: true });
      // Assess
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout.trim()).toBe('function');
    },
  );
});

describe('the organization settings of the packaged stack', () => {
  const CENTRAL_TOPIC = 'arn:aws:sns:eu-central-1:999988887777:mq-guardian-central-alerts';
  const SCAN_ACCOUNT = '999988887777';
  const organization = () =>
    effectiveTemplate(packaged.defaults.template, {
      centralAlertTopicArn: CENTRAL_TOPIC,
      organizationScanAccount: SCAN_ACCOUNT,
    });
  const policyStatements = (resource: CfnResource | undefined): Statement[] =>
    asArray(resource?.Properties?.Policies as Json[] | undefined).flatMap((policy) =>
      asArray((policy.PolicyDocument as { Statement?: Statement[] }).Statement),
    );

  it('lets exactly the alerting functions publish to the central topic and use its key through SNS in its region', () => {
    // Prepare
    const effective = organization();
    const p = packaged.defaults;

    // Act
    const granted = EVALUATING.map((key) => {
      const role = effective.resources[roleOf(p, fn(p, key)).logicalId];
      const statements = policyStatements(role);
      return [
        key,
        statements.find((s) => s.Sid === 'PublishCentralAlerts'),
        statements.find((s) => s.Sid === 'EncryptCentralAlerts'),
      ] as const;
    });

    // Assess
    for (const [key, publish, encrypt] of granted) {
      if (!ALERTING.includes(key)) {
        expect(publish, key).toBeUndefined();
        continue;
      }
      expect(publish, key).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: CENTRAL_TOPIC });
      expect(asArray(encrypt?.Action).sort(), key).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(JSON.stringify(encrypt?.Resource), key).toContain('eu-central-1');
      expect(JSON.stringify(encrypt?.Resource), key).toContain('999988887777');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
      expect(JSON.stringify(encrypt?.Condition), key).toContain('sns.${TopicRegion}.amazonaws.com');
    }
    for (const key of ALERTING) {
      expect(
        envOf({ ...fn(p, key), props: effective.resources[fn(p, key).logicalId]?.Properties ?? {} }),
      ).toMatchObject({ CENTRAL_ALERT_TOPIC_ARN: CENTRAL_TOPIC });
    }
  });

  it('grants nothing central and creates no scan role with the defaults', () => {
    // Prepare
    const p = packaged.defaults;

    // Act
    const sids = EVALUATING.flatMap((key) => statementsOf(p, fn(p, key)).map((s) => s.Sid));

    // Assess
    expect(sids).not.toContain('PublishCentralAlerts');
    expect(sids).not.toContain('EncryptCentralAlerts');
    expect(p.effective.resources.OrganizationScanRole).toBeUndefined();
  });

  it('creates the read-only scan role, trusted by the scan account only, with exactly the reads of a scan', () => {
    // Act
    const role = organization().resources.OrganizationScanRole;

    // Assess
    expect(role?.Properties?.RoleName).toEqual({ 'Fn::Sub': `mq-guardian-scan-\${AWS::Region}` });
    expect(role?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${SCAN_ACCOUNT}:root` } },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const statements = policyStatements(role);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements.flatMap((s) => asArray(s.Action)).sort()).toEqual(
      [...MQ_IAM_ACTIONS, ...EC2_READ_IAM_ACTIONS, ...KMS_IAM_ACTIONS].sort(),
    );
    expect(globalNameViolations({ OrganizationScanRole: role as CfnResource })).toEqual([]);
  });
});
