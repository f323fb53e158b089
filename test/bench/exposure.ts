/**
 * Section 3: the exposure window. Every API-call sample event in events/ is routed the way
 * EventBridge would route it (the patterns in serverless.yml) to its function's bundled handler; every
 * AWS call is answered from the demo recorded account after SIMULATED_LATENCY_MS. Measured: calls,
 * sequential round trips before the first remediation write (and before the revoke), end-to-end time,
 * and the handler's own time (end-to-end minus the time spent waiting on simulated calls).
 *
 * Remediation runs in `enforce` (REMEDIATION_MODE=enforce, every other setting as serverless.yml's
 * defaults): in dry-run nothing is revoked, so there would be no window to measure.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEventKind } from '../../shared/events/detect.ts';
import { parseRecordedAccountFile } from '../../shared/recorded/account-file.ts';
import { plural } from '../../shared/wording.ts';
import { matchesEventPattern } from '../support/event-pattern.ts';
import { AMAZON_MQ_BUCKET, BUDGETS, SIMULATED_LATENCY_MS } from './budgets.ts';
import type { BundleResult } from './bundle.ts';
import { buildFunctionChild } from './children.ts';
import type { EventMeasure, ExposureChildConfig, ExposureChildResult } from './children/exposure-child.ts';
import { loadDemoAccount, sweepAccount } from './fixtures.ts';
import { median, ROOT, round, runChild } from './harness.ts';
import {
  BENCH_ACCOUNT,
  BENCH_REGION,
  type ServerlessConfig,
  type ServerlessFunction,
} from './serverless-config.ts';

export const DEMO_ACCOUNT = join('events', 'accounts', 'demo-account.json');

export interface BudgetVerdict {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'n/a';
  readonly explanation: string;
}

export interface ExposureEventResult {
  readonly function: string;
  readonly event: string;
  readonly outcome: EventMeasure['outcome'];
  readonly error?: string;
  readonly calls: number;
  readonly reads: number;
  readonly byOperation: Record<string, number>;
  readonly trace: readonly string[];
  readonly firstWrite?: string;
  readonly sequentialReadsBeforeWrite?: number;
  readonly sequentialReadsBeforeRevoke?: number;
  readonly sequentialRoundTrips: number;
  readonly firstInvocationMs: number;
  readonly warmRuns: number;
  readonly warmMedianMs: number;
  readonly warmMedianWaitedMs: number;
  /** Handler's own time: end-to-end − time with a simulated call in flight. */
  readonly warmMedianOverheadMs: number;
  /** The same up to the first remediation write (none: no write). */
  readonly warmMedianOverheadBeforeWriteMs?: number;
  readonly warmMedianCpuMs: number;
  readonly warmMedianSimulatorMs: number;
  readonly budgets: readonly BudgetVerdict[];
}

/** One event against the 200-broker account with the Amazon MQ bucket enforced (informational: no budget). */
export interface AtScaleResult {
  readonly function: string;
  readonly event: string;
  readonly outcome: EventMeasure['outcome'];
  readonly error?: string;
  readonly calls: number;
  readonly byOperation: Record<string, number>;
  readonly throttled: number;
  readonly sequentialRoundTrips: number;
  readonly firstInvocationMs: number;
}

export interface ExposureSection {
  readonly latencyMs: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly account: string;
  readonly events: readonly ExposureEventResult[];
  /** Sample events no function receives (EventBridge would not deliver them), or config invocations. */
  readonly notDelivered: readonly string[];
  readonly atScale: readonly AtScaleResult[];
  /** Fails when no sample exercised a budget, so the section cannot pass by measuring nothing. */
  readonly coverage: readonly BudgetVerdict[];
}

const SETTINGS_OVERRIDES = { REMEDIATION_MODE: 'enforce' } as const;

interface AccountJson {
  brokers: { SecurityGroups?: string[] }[];
  securityGroups: { GroupId: string; GroupName?: string }[];
  networkInterfaces: { Groups?: { GroupId: string }[] }[];
}

/** A group of the demo account that no broker lists, preferring one other interfaces use. */
const unusedGroup = (account: AccountJson): string | undefined => {
  const used = new Set(account.brokers.flatMap((b) => b.SecurityGroups ?? []));
  const candidates = account.securityGroups.map((g) => g.GroupId).filter((id) => !used.has(id));
  const withInterfaces = candidates.find((id) =>
    account.networkInterfaces.some((eni) => (eni.Groups ?? []).some((g) => g.GroupId === id)),
  );
  return withInterfaces ?? candidates[0];
};

const loadEvents = (): { name: string; event: unknown }[] =>
  readdirSync(join(ROOT, 'events'))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file,
      event: JSON.parse(readFileSync(join(ROOT, 'events', file), 'utf8')) as unknown,
    }));

const isApiCall = (event: unknown): boolean => {
  try {
    return detectEventKind(event) === 'api-call';
  } catch {
    return false;
  }
};

const eventNameOf = (event: unknown): string | undefined =>
  (event as { detail?: { eventName?: unknown } })?.detail?.eventName as string | undefined;

const groupIdsNamed = (event: unknown): boolean =>
  typeof (event as { detail?: { requestParameters?: { groupId?: unknown } } })?.detail?.requestParameters
    ?.groupId === 'string';

/** The warm runs' handler time up to the first remediation write (runs that wrote nothing left out). */
const overheadsBeforeWrite = (warm: EventMeasure['warm']): number[] =>
  warm.flatMap((w) => (w.overheadBeforeWriteMs === undefined ? [] : [w.overheadBeforeWriteMs]));

const judgeEvent = (fn: string, event: unknown, measure: EventMeasure): BudgetVerdict[] => {
  const verdicts: BudgetVerdict[] = [];
  if (measure.error !== undefined) {
    verdicts.push({ name: 'handler', status: 'fail', explanation: `the handler failed: ${measure.error}` });
  }
  const overheadVerdict = (name: string, ms: number, budgetMs: number): BudgetVerdict => ({
    name,
    status: ms <= budgetMs ? 'pass' : 'fail',
    explanation: `${round(ms, 2)} ms ${ms <= budgetMs ? '≤' : '>'} ${budgetMs} ms`,
  });
  const untilWrite = overheadsBeforeWrite(measure.warm);
  if (untilWrite.length > 0) {
    verdicts.push(
      overheadVerdict(
        'handler overhead before the first write (warm median)',
        median(untilWrite),
        BUDGETS.handlerOverheadBeforeWriteMs,
      ),
    );
  }
  verdicts.push(
    overheadVerdict(
      'handler overhead, whole invocation (warm median)',
      median(measure.warm.map((w) => w.overheadMs)),
      BUDGETS.handlerOverheadMs,
    ),
  );
  const name = eventNameOf(event);
  const brokers = measure.outcome.brokers;
  if (
    fn === 'on-ingress-event' &&
    name === 'AuthorizeSecurityGroupIngress' &&
    brokers !== undefined &&
    brokers > 0
  ) {
    const reads = measure.sequentialReadsBeforeRevoke;
    verdicts.push(
      reads === undefined
        ? {
            name: 'sequential reads before revoke',
            status: 'n/a',
            explanation:
              'no revoke (the rule is allowed, exempt or only narrowed away): nothing exposed to close',
          }
        : {
            name: 'sequential reads before revoke',
            status: reads <= BUDGETS.sequentialReadsBeforeRevoke ? 'pass' : 'fail',
            explanation: `${reads} ${reads <= BUDGETS.sequentialReadsBeforeRevoke ? '≤' : '>'} ${BUDGETS.sequentialReadsBeforeRevoke}`,
          },
    );
  }
  if (fn === 'on-ingress-event' && brokers === 0 && groupIdsNamed(event)) {
    const rounds = measure.sequentialRoundTrips;
    verdicts.push({
      name: 'read rounds for a group no broker uses',
      status: rounds <= BUDGETS.roundsForUnusedGroup && measure.calls === measure.reads ? 'pass' : 'fail',
      explanation: `${plural(rounds, 'round')}, ${plural(measure.reads, 'read')}, ${plural(measure.calls - measure.reads, 'write')} (budget ${plural(BUDGETS.roundsForUnusedGroup, 'round')}, no write)`,
    });
  }
  return verdicts;
};

const beforeWrite = (
  warm: EventMeasure['warm'],
): Pick<ExposureEventResult, 'warmMedianOverheadBeforeWriteMs'> => {
  const times = overheadsBeforeWrite(warm);
  return times.length === 0 ? {} : { warmMedianOverheadBeforeWriteMs: round(median(times), 2) };
};

export const measureExposure = async (
  config: ServerlessConfig,
  bundles: readonly BundleResult[],
  workDir: string,
  warmRuns = 10,
): Promise<ExposureSection> => {
  const accountPath = join(ROOT, DEMO_ACCOUNT);
  const accountJson = JSON.parse(readFileSync(accountPath, 'utf8')) as AccountJson;
  parseRecordedAccountFile(accountJson, DEMO_ACCOUNT);

  const samples = loadEvents();
  const unused = unusedGroup(accountJson);
  const template = samples.find(
    (s) => s.name === 'ec2-authorize-security-group-ingress-world-all-ports.json',
  );
  if (unused && template) {
    const groupId = (template.event as { detail: { requestParameters: { groupId: string } } }).detail
      .requestParameters.groupId;
    samples.push({
      name: `synthetic: world-all-ports authorize on ${unused} (no broker)`,
      event: JSON.parse(JSON.stringify(template.event).split(groupId).join(unused)),
    });
  }

  const byFunction = new Map<ServerlessFunction, { name: string; event: unknown }[]>();
  const notDelivered: string[] = [];
  for (const sample of samples) {
    if (!isApiCall(sample.event)) {
      notDelivered.push(`${sample.name} (not an API call event)`);
      continue;
    }
    const receivers = config.functions.filter((fn) =>
      fn.eventBridgePatterns.some((pattern) => matchesEventPattern(pattern, sample.event)),
    );
    if (receivers.length === 0) notDelivered.push(`${sample.name} (no function's pattern matches)`);
    for (const fn of receivers) byFunction.set(fn, [...(byFunction.get(fn) ?? []), sample]);
  }

  const scripts = new Map<ServerlessFunction, string>();
  const run = async (
    fn: ServerlessFunction,
    list: { name: string; event: unknown }[],
    options: {
      accountPath: string;
      warmRuns: number;
      mqBucket?: ExposureChildConfig['mqBucket'];
      tag: string;
    },
  ): Promise<readonly EventMeasure[]> => {
    const bundle = bundles.find((b) => b.function === fn.name);
    if (!bundle) throw new Error(`no bundle for ${fn.name}`);
    const script =
      scripts.get(fn) ??
      (await buildFunctionChild(
        config,
        'test/bench/children/exposure-child.ts',
        fn,
        bundle,
        join(workDir, `exposure-${fn.name}.mjs`),
      ));
    scripts.set(fn, script);
    const functionName = fn.environment.AWS_LAMBDA_FUNCTION_NAME ?? fn.name;
    const childConfig: ExposureChildConfig = {
      accountPath: options.accountPath,
      latencyMs: SIMULATED_LATENCY_MS,
      ...(options.mqBucket ? { mqBucket: options.mqBucket } : {}),
      warmRuns: options.warmRuns,
      minWarmRuns: Math.min(options.warmRuns, 5),
      warmBudgetMs: 4000,
      functionName,
      functionArn: `arn:aws:lambda:${BENCH_REGION}:${BENCH_ACCOUNT}:function:${functionName}`,
      events: list,
    };
    const configFile = join(workDir, `exposure-${fn.name}-${options.tag}.json`);
    writeFileSync(configFile, JSON.stringify(childConfig));
    const { result } = await runChild<ExposureChildResult>(
      script,
      join(workDir, `exposure-${fn.name}-${options.tag}.result.json`),
      [configFile],
      // One container replays every event many times: its Amazon MQ token bucket (burst 50) would make
      // later runs wait for refills that a real container handling one event never sees. Pacing stays
      // on in the at-scale runs, where it is what is being measured.
      { ...fn.environment, ...SETTINGS_OVERRIDES, ...(options.mqBucket ? {} : { MQ_API_RATE_LIMIT: 'off' }) },
    );
    return result.events;
  };

  const events: ExposureEventResult[] = [];
  for (const [fn, list] of byFunction) {
    const result = await run(fn, list, { accountPath, warmRuns, tag: 'demo' });
    for (const measure of result) {
      const sample = list.find((s) => s.name === measure.name);
      events.push({
        function: fn.name,
        event: measure.name,
        outcome: measure.outcome,
        ...(measure.error === undefined ? {} : { error: measure.error }),
        calls: measure.calls,
        reads: measure.reads,
        byOperation: measure.byOperation,
        trace: measure.trace,
        ...(measure.firstWrite === undefined ? {} : { firstWrite: measure.firstWrite }),
        ...(measure.sequentialReadsBeforeWrite === undefined
          ? {}
          : { sequentialReadsBeforeWrite: measure.sequentialReadsBeforeWrite }),
        ...(measure.sequentialReadsBeforeRevoke === undefined
          ? {}
          : { sequentialReadsBeforeRevoke: measure.sequentialReadsBeforeRevoke }),
        sequentialRoundTrips: measure.sequentialRoundTrips,
        firstInvocationMs: round(measure.first.totalMs, 2),
        warmRuns: measure.warm.length,
        warmMedianMs: round(median(measure.warm.map((w) => w.totalMs)), 2),
        warmMedianWaitedMs: round(median(measure.warm.map((w) => w.waitedMs)), 2),
        warmMedianOverheadMs: round(median(measure.warm.map((w) => w.overheadMs)), 2),
        ...beforeWrite(measure.warm),
        warmMedianCpuMs: round(median(measure.warm.map((w) => w.cpuMs)), 2),
        warmMedianSimulatorMs: round(median(measure.warm.map((w) => w.simulatorMs)), 2),
        budgets: judgeEvent(fn.name, sample?.event, measure),
      });
    }
  }
  // At scale: the same code paths when one event concerns many brokers (informational).
  const scaleAccount = sweepAccount(loadDemoAccount(DEMO_ACCOUNT));
  const scalePath = join(workDir, 'exposure-scale-account.json');
  writeFileSync(scalePath, JSON.stringify(scaleAccount));
  const retarget = (file: string, from: RegExp, to: string) => {
    const sample = samples.find((s) => s.name === file);
    return sample ? JSON.parse(JSON.stringify(sample.event).replace(from, to)) : undefined;
  };
  const configurationId = String(scaleAccount.configurations[0]?.Id);
  const sharedGroup = String(
    scaleAccount.securityGroups.find((g) => String(g.GroupName).startsWith('bench-vpc-'))?.GroupId,
  );
  const sharedBy = scaleAccount.brokers.filter((b) =>
    (b.SecurityGroups as string[]).includes(sharedGroup),
  ).length;
  const scaleCases: { fn: string; name: string; event: unknown }[] = [
    {
      fn: 'on-broker-event',
      name: `mq-update-configuration of ${configurationId} (${scaleAccount.brokers.length} brokers in the account)`,
      event: retarget(
        'mq-update-configuration.json',
        /c-1a2b3c4d-0000-4000-8000-000000000001/g,
        configurationId,
      ),
    },
    {
      fn: 'on-ingress-event',
      name: `ec2-authorize-security-group-ingress-web-console-cidr on ${sharedGroup} (shared by ${sharedBy} brokers)`,
      event: retarget(
        'ec2-authorize-security-group-ingress-web-console-cidr.json',
        /sg-0a1b2c3d4e5f60001/g,
        sharedGroup,
      ),
    },
  ];
  const atScale: AtScaleResult[] = [];
  for (const scaleCase of scaleCases) {
    const fn = config.functions.find((f) => f.name === scaleCase.fn);
    if (!fn || scaleCase.event === undefined) continue;
    const [measure] = await run(fn, [{ name: scaleCase.name, event: scaleCase.event }], {
      accountPath: scalePath,
      warmRuns: 0,
      mqBucket: AMAZON_MQ_BUCKET,
      tag: 'scale',
    });
    if (!measure) continue;
    atScale.push({
      function: fn.name,
      event: measure.name,
      outcome: measure.outcome,
      ...(measure.error === undefined ? {} : { error: measure.error }),
      calls: measure.calls,
      byOperation: measure.byOperation,
      throttled: measure.throttled,
      sequentialRoundTrips: measure.sequentialRoundTrips,
      firstInvocationMs: round(measure.first.totalMs, 1),
    });
  }

  const exercised = (budget: string): BudgetVerdict => {
    const count = events.filter((e) => e.budgets.some((b) => b.name === budget && b.status !== 'n/a')).length;
    return {
      name: `coverage: ${budget}`,
      status: count > 0 ? 'pass' : 'fail',
      explanation: count > 0 ? `${plural(count, 'event')} measured` : 'no sample event exercised this budget',
    };
  };
  return {
    latencyMs: SIMULATED_LATENCY_MS,
    settings: SETTINGS_OVERRIDES,
    account: DEMO_ACCOUNT,
    events,
    notDelivered,
    atScale,
    coverage: [
      exercised('sequential reads before revoke'),
      exercised('read rounds for a group no broker uses'),
    ],
  };
};
