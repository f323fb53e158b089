/**
 * Shared by the hardening tests: the four Lambda handlers loaded as deployed (environment set before
 * the modules are imported, real SDK clients and adapters), a recorded account behind
 * aws-sdk-client-mock (test/support/sdk-account.ts), Lambda contexts, sample events, and capture of
 * what the Powertools logger writes.
 *
 * Handlers: on-broker-event and on-ingress-event are the modules' own `handler` exports. For
 * config-rule and sweep the modules' factories are called with the same real adapters the `handler`
 * exports use, minus the client-side Amazon MQ token bucket: that bucket is filled once per
 * container and refills in real time (5 and 10 calls a second), so hundreds of invocations in one
 * test process would spend minutes waiting on it, and it changes no answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, vi } from 'vitest';
import { sampleEvent } from '../../support/repository-files.ts';
import { SdkAccount } from '../../support/sdk-account.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const REMEDIATION_ROLE_NAME = 'mq-guardian-dev-remediator';
export const REMEDIATION_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${REMEDIATION_ROLE_NAME}`;
export const REMEDIATOR_FUNCTION = 'mq-guardian-dev-on-ingress-event';
export const ALERT_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:mq-guardian-dev-alerts`;
export const ALERT_TABLE = 'mq-guardian-dev-alert-state';

export const demoAccountText = (): string =>
  readFileSync(join(ROOT, 'events', 'accounts', 'demo-account.json'), 'utf8');

export const sample = sampleEvent;

/** Ids of the demo account (events/accounts/README.md). */
export const IDS = {
  orders: 'b-1a2b3c4d-0000-4000-8000-000000000001',
  payments: 'b-1a2b3c4d-0000-4000-8000-000000000002',
  inventory: 'b-1a2b3c4d-0000-4000-8000-000000000003',
  billing: 'b-1a2b3c4d-0000-4000-8000-000000000005',
  analytics: 'b-1a2b3c4d-0000-4000-8000-000000000006',
  shipping: 'b-1a2b3c4d-0000-4000-8000-000000000007',
  notifications: 'b-1a2b3c4d-0000-4000-8000-00000000000a',
  ordersGroup: 'sg-0a1b2c3d4e5f60001',
  billingGroup: 'sg-0a1b2c3d4e5f60005',
  shippingGroup: 'sg-0a1b2c3d4e5f60006',
  notificationsGroup: 'sg-0a1b2c3d4e5f60008',
  billingWideRule: 'sgr-0a1b2c3d4e5f60050',
  ordersWideRule: 'sgr-0a1b2c3d4e5f60004',
} as const;

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface Handlers {
  readonly onBrokerEvent: Handler;
  readonly onIngressEvent: Handler;
  readonly configRule: Handler;
  readonly sweep: Handler;
}

const lambdaContext = (name: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: `mq-guardian-dev-${name}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:mq-guardian-dev-${name}`,
  memoryLimitInMB: '256',
  awsRequestId: '6f1f1a2b-0000-4000-8000-00000000c0de',
  logGroupName: `/aws/lambda/mq-guardian-dev-${name}`,
  logStreamName: '2025/03/10/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export const CONTEXTS = {
  onBrokerEvent: lambdaContext('on-broker-event'),
  onIngressEvent: lambdaContext('on-ingress-event'),
  configRule: lambdaContext('config-rule'),
  sweep: lambdaContext('sweep'),
} as const;

/**
 * Sets the environment the stack gives the functions (enforce mode, the remediation role, the
 * remediator's name, the alert topic and state table) and imports the handlers. Call once per test
 * file, after SdkAccount.install().
 */
export const loadHandlers = async (
  env: Readonly<Record<string, string>> = {},
): Promise<Handlers & { readonly logger: typeof import('../../../shared/logger.ts').logger }> => {
  const settingsEnv: Record<string, string> = {
    AWS_REGION: REGION,
    REMEDIATION_MODE: 'enforce',
    REMEDIATION_ROLE_ARN,
    REMEDIATOR_FUNCTION_NAME: REMEDIATOR_FUNCTION,
    ALERT_TOPIC_ARN: ALERT_TOPIC,
    ALERT_STATE_TABLE: ALERT_TABLE,
    // Never used (every send is mocked), but keeps the SDK from looking for credentials anywhere.
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-used-only-by-mocked-clients',
    ...env,
  };
  for (const [name, value] of Object.entries(settingsEnv)) vi.stubEnv(name, value);

  const [
    onBroker,
    onIngress,
    configRule,
    sweep,
    mq,
    ec2,
    kms,
    config,
    lambda,
    enabledChecks,
    settingsModule,
    log,
    alerting,
  ] = await Promise.all([
    import('../../../functions/on-broker-event.ts'),
    import('../../../functions/on-ingress-event.ts'),
    import('../../../functions/config-rule.ts'),
    import('../../../functions/sweep.ts'),
    import('../../../shared/aws/mq.ts'),
    import('../../../shared/aws/ec2.ts'),
    import('../../../shared/aws/kms.ts'),
    import('../../../shared/aws/config.ts'),
    import('../../../shared/aws/lambda.ts'),
    import('../../../shared/checks/enabled.ts'),
    import('../../../shared/policy/load-settings.ts'),
    import('../../../shared/logger.ts'),
    import('../../../shared/runtime/alerting-env.ts'),
  ]);
  const settings = settingsModule.loadSettings();
  // As the functions build them: checks and alert plan loaded by import() on first use.
  const alertingEnv = alerting.readAlertingEnv();
  const findingsSinkFor = alertingEnv ? alerting.lazyAlertingSinkFactory(settings, alertingEnv) : undefined;
  const readers = () => ({
    brokers: mq.createMqBrokerReader(),
    network: ec2.createEc2NetworkReader(),
    keys: kms.createKmsKeyReader(),
  });
  return {
    onBrokerEvent: onBroker.handler as unknown as Handler,
    onIngressEvent: onIngress.handler as unknown as Handler,
    configRule: configRule.createConfigRuleHandler({
      readers: readers(),
      compliance: config.createConfigReporter(),
      settings,
      checks: enabledChecks.loadEnabledChecks(settings),
      region: REGION,
    }) as unknown as Handler,
    sweep: sweep.createSweepHandler({
      readers: readers(),
      settings,
      checks: enabledChecks.loadEnabledChecks(settings),
      remediationRequester: lambda.createLambdaRemediationRequester(REMEDIATOR_FUNCTION),
      ...(findingsSinkFor ? { findingsSinkFor } : {}),
    }) as unknown as Handler,
    logger: log.logger,
  };
};

export type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

export const run = async (handler: Handler, event: unknown, context: Context): Promise<Outcome> => {
  try {
    return { ok: true, value: await handler(event, context) };
  } catch (error) {
    return { ok: false, error };
  }
};

/** A remediation request as on-broker-event and the sweep send it (shared/events/remediation-request.ts). */
export const remediationRequest = (
  brokerIds: readonly string[],
  reason = 'sweep',
): Record<string, unknown> => ({
  source: 'mq-guardian',
  'detail-type': 'Remediation Request',
  detail: { brokerIds: [...brokerIds], reason },
});

/** The scheduled event EventBridge sends the sweep. */
export const scheduledEvent = (): Record<string, unknown> => ({
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2025-03-10T11:00:00Z',
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/mq-guardian-dev-sweep`],
  detail: {},
});

// -------------------------------------------------------------------------------------------------
// Rules, compared without the ids EC2 generates

export interface RuleShape {
  readonly groupId: string;
  readonly protocol: string;
  readonly from: number;
  readonly to: number;
  readonly source: string;
}

/** The ingress rules of the given groups as sorted text: what access exists, whatever the rule ids. */
export const accessOf = (account: SdkAccount, groupIds: readonly string[]): string[] =>
  account.state.securityGroupRules
    .filter((r) => r.IsEgress === false && groupIds.includes(String(r.GroupId)))
    .map((r) => {
      const source =
        r.CidrIpv4 ??
        r.CidrIpv6 ??
        r.PrefixListId ??
        (r.ReferencedGroupInfo as { GroupId?: string } | null)?.GroupId;
      return `${String(r.GroupId)} ${String(r.IpProtocol)} ${String(r.FromPort)}-${String(r.ToPort)} ${String(source)}`;
    })
    .sort();

// -------------------------------------------------------------------------------------------------
// What the logger writes

/**
 * Runs `work` and returns every line written to stdout and stderr meanwhile (the Powertools logger
 * prints JSON lines through a Console bound to process.stdout / process.stderr). One capture at a
 * time: two running at once share one spy, and the first to finish lets the other's lines through.
 */
export const captureOutput = async <T>(
  work: () => Promise<T>,
): Promise<{ lines: string[]; outcome: Outcome }> => {
  const chunks: string[] = [];
  const collect =
    (stream: NodeJS.WriteStream) =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      void stream;
      return true;
    };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(collect(process.stdout) as never);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(collect(process.stderr) as never);
  let outcome: Outcome;
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const lines = chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return { lines, outcome };
};

export interface DemoStackOptions {
  /**
   * Runs every global setTimeout at once, so that back-off between retries (the executor's, the alert
   * publisher's) does not wait. middy imports its own setTimeout from node:timers and is not affected.
   */
  readonly immediateTimeouts?: boolean;
}

/**
 * The demo account served to the SDK clients for the whole file, and the functions loaded once with
 * `env` (on top of loadHandlers' defaults): the set-up every hardening test shares. `handlers` is
 * filled in before the first test runs; a file's own beforeAll hooks registered after this call run
 * after the handlers are loaded.
 */
export const useDemoStack = (
  env: Readonly<Record<string, string>>,
  options: DemoStackOptions = {},
): { readonly account: SdkAccount; readonly handlers: Handlers } => {
  const account = new SdkAccount(demoAccountText()).install();
  const handlers = {} as Handlers;
  let timeouts: { mockRestore(): void } | undefined;
  beforeAll(async () => {
    Object.assign(handlers, await loadHandlers(env));
    if (options.immediateTimeouts) {
      const realSetTimeout = globalThis.setTimeout;
      timeouts = vi
        .spyOn(globalThis, 'setTimeout')
        .mockImplementation(((callback: () => void) => realSetTimeout(callback, 0)) as never);
    }
  });
  afterAll(() => {
    timeouts?.mockRestore();
    account.restore();
  });
  return { account, handlers };
};
