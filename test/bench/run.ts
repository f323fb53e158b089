/**
 * `npm run bench`: bundle size, cold start, exposure window, sweep at scale and hot-path
 * CPU, each against its budget. Prints tables, writes bench-report.json at the repository root and
 * exits non-zero when a budget is exceeded or a section cannot be measured. Offline; two to four
 * minutes (most of it simulated AWS latency and the sweep's real-time rate limit).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import { plural } from '../../shared/wording.ts';
import { BUDGETS } from './budgets.ts';
import { type BundleResult, buildFunctionBundle } from './bundle.ts';
import { buildSdkOnlyBundle } from './children.ts';
import { type ColdStartSection, measureColdStart } from './cold-start.ts';
import { type ExposureSection, measureExposure } from './exposure.ts';
import { measureWireExposure, type WireExposureSection } from './exposure-wire.ts';
import { type CustodianSection, custodianSection, probeCustodian } from './custodian.ts';
import { createWorkDir, kib, NODE_BIN, nodeVersion, ROOT, round } from './harness.ts';
import { type HotPathSection, measureHotPath } from './hot-path.ts';
import { loadServerlessConfig } from './serverless-config.ts';
import { measureSweep, type SweepSection } from './sweep-at-scale.ts';
import { type Cell, table } from './table.ts';

interface Failure {
  readonly section: string;
  readonly subject: string;
  readonly reason: string;
}

const started = Date.now();
const failures: Failure[] = [];
const explained: Failure[] = [];
const sectionErrors: Record<string, string> = {};
const print = (line = '') => process.stdout.write(`${line}\n`);
const mib = (bytes: number) => `${round(bytes / 1024 / 1024)} MiB`;

const sectionSeconds: Record<string, number> = {};
const attempt = async <T>(section: string, work: () => Promise<T> | T): Promise<T | undefined> => {
  const sectionStarted = Date.now();
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    sectionErrors[section] = message;
    failures.push({
      section,
      subject: '(section)',
      reason: `could not be measured: ${message.split('\n')[0]}`,
    });
    print(`\n${section}: could not be measured\n${message}`);
    return undefined;
  } finally {
    sectionSeconds[section] = round((Date.now() - sectionStarted) / 1000);
  }
};

const version = nodeVersion();
const config = loadServerlessConfig(ROOT);
const work = createWorkDir();

print(`mq-guardian bench — ${new Date().toISOString()}`);
print(`Node ${version} (${NODE_BIN}) for every measured process; esbuild ${esbuildVersion}`);
const loadAtStart = loadavg()[0] ?? 0;
print(
  `Machine: ${plural(availableParallelism(), 'CPU')}, load average ${round(loadAtStart, 2)}${loadAtStart > availableParallelism() ? ' — busy: timings are inflated, compare with care' : ''}`,
);
if (!version.startsWith('v22.')) {
  failures.push({
    section: 'setup',
    subject: NODE_BIN,
    reason: `${version} is not Node 22 (the nodejs22.x runtime)`,
  });
}
const undeclared = config.functions.filter((fn) => !fn.declared).map((fn) => fn.entry);
if (undeclared.length > 0) {
  print(
    `Not declared in serverless.yml yet (measured with the provider environment): ${undeclared.join(', ')}`,
  );
}

// 1. Bundles ----------------------------------------------------------------------------------------
const bundles: BundleResult[] = [];
await attempt('1. bundle', async () => {
  if (config.functions.length === 0)
    throw new Error('serverless.yml declares no function and functions/ holds none');
  for (const fn of config.functions)
    bundles.push(await buildFunctionBundle(config, fn, join(work.path, 'bundles')));
});
print('\n1. Bundle size (esbuild JS API, serverless.yml custom.esbuild as serverless-esbuild passes it)');
print(`   options: ${JSON.stringify(config.esbuildOptions)}`);
print(
  table(
    [
      'function',
      'start-up KiB (files)',
      'artifact KiB (files)',
      'gzip KiB',
      'largest contributors',
      'budget',
    ],
    bundles.map((b) => [
      b.function,
      `${round(b.startupBytes / 1024)} (${b.startupFiles})`,
      `${round(b.bytes / 1024)} (${b.files})`,
      round(b.gzipBytes / 1024),
      b.packages
        .slice(0, 4)
        .map(
          (p) =>
            `${p.name.replace('@aws-sdk/', '')}${b.lazyPackages.includes(p.name) ? '*' : ''} ${Math.round(p.bytes / 1024)}K`,
        )
        .join(', '),
      b.budget.status.toUpperCase(),
    ]),
  ),
);
print(
  '   start-up = the handler module and the chunks it imports statically (what a cold start reads); artifact = every chunk; budget on start-up',
);
print('   * loaded lazily (dynamic import): chunks of their own, read and evaluated on first use only');
for (const b of bundles) {
  print(`   ${b.function}: ${b.budget.explanation}`);
  if (b.lazyPackages.length > 0) print(`     lazily loaded: ${b.lazyPackages.join(', ')}`);
  print(
    `     breakdown: ${b.packages
      .slice(0, 12)
      .map((p) => `${p.name} ${kib(p.bytes)}`)
      .join('; ')}`,
  );
  print(
    `     read at start-up: ${b.startupPackages
      .slice(0, 12)
      .map((p) => `${p.name} ${kib(p.bytes)}`)
      .join('; ')}`,
  );
  const entry = { section: '1. bundle', subject: b.function, reason: b.budget.explanation };
  if (b.budget.status === 'fail') failures.push(entry);
  if (b.budget.status === 'explained') explained.push(entry);
}

// 2. Cold start (and section 6's processes, in the same rounds) -----------------------------------
const custodianProbe = probeCustodian();
const coldStart: ColdStartSection | undefined =
  bundles.length === 0
    ? undefined
    : await attempt('2. cold start', async () => {
        const sdkOnly = new Map<string, string>();
        for (const b of bundles) {
          if (b.eagerSdkClients.length > 0) {
            sdkOnly.set(
              b.function,
              await buildSdkOnlyBundle(config, b, join(work.path, `sdk-only-${b.function}.mjs`)),
            );
          }
        }
        return measureColdStart(
          bundles,
          config.functions,
          version,
          sdkOnly,
          custodianProbe.status === 'available' ? custodianProbe.subjects : [],
        );
      });
const iqr = ([low, high]: readonly [number, number]) => `${low}–${high}`;
if (coldStart) {
  print(
    `\n2. Cold start (fresh node per run; ${coldStart.runs} rounds after ${coldStart.warmupRuns} warm-up, every process once a round in a shuffled order (seed ${coldStart.seed})${custodianProbe.status === 'available' ? ', Cloud Custodian and a bare python3 of section 6 in the same rounds' : ''}; bare \`node -e 0\` every round: median ${coldStart.bareMedianMs} ms, IQR ${iqr(coldStart.bareIqrMs)}, ${mib(coldStart.bareRssBytes)}; load average ${coldStart.loadAverage.start} → ${coldStart.loadAverage.end})`,
  );
  print(
    table(
      [
        'function',
        'median ms',
        'above bare ms',
        'above bare IQR',
        'p90 ms',
        'import() ms',
        'peak RSS MiB',
        'SDK clients alone: ms / MiB',
        'budget',
      ],
      coldStart.functions.map((f) => [
        f.function,
        f.medianMs,
        f.aboveBareMs,
        iqr(f.aboveBareIqrMs),
        f.p90Ms,
        f.importMs,
        round(f.peakRssBytes / 1024 / 1024),
        f.sdkOnly ? `${f.sdkOnly.aboveBareMs} / ${round(f.sdkOnly.peakRssBytes / 1024 / 1024)}` : undefined,
        f.budget.status.toUpperCase(),
      ]),
    ),
  );
  print(
    "   above bare = median − bare node's median; IQR = first and third quartiles likewise; peak RSS = the largest of the runs' own (VmHWM)",
  );
  print(
    '   SDK clients alone = a bundle of only the @aws-sdk clients the function loads at start-up, constructed, same options, same loop',
  );
  for (const f of coldStart.functions) {
    print(
      `   ${f.function}: ${f.budget.explanation}${f.sdkOnly ? ` (SDK clients ${f.sdkOnly.clients.map((c) => c.replace('@aws-sdk/client-', '')).join('+')} alone: ${f.sdkOnly.aboveBareMs} ms, ${round(f.sdkOnly.peakRssBytes / 1024 / 1024)} MiB)` : ''}`,
    );
    if (f.budget.status === 'fail')
      failures.push({ section: '2. cold start', subject: f.function, reason: f.budget.explanation });
  }
}

// 3. Exposure window --------------------------------------------------------------------------------
const exposure: ExposureSection | undefined =
  bundles.length === 0
    ? undefined
    : await attempt('3. exposure', () => measureExposure(config, bundles, work.path));
if (exposure) {
  print(
    `\n3. Exposure window (every AWS call answered after ${exposure.latencyMs} ms from ${exposure.account}; ${Object.entries(
      exposure.settings,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )}; warm = median of ${Math.min(...exposure.events.map((e) => e.warmRuns))}–${Math.max(...exposure.events.map((e) => e.warmRuns))} runs, fewer for slow events)`,
  );
  const verdict = (e: ExposureSection['events'][number]): Cell =>
    e.budgets.some((b) => b.status === 'fail') ? 'FAIL' : 'pass';
  print(
    table(
      [
        'function',
        'event',
        'brokers',
        'calls',
        'first write',
        'seq reads before',
        'first ms',
        'warm ms',
        'waited ms',
        'overhead ms',
        'before write',
        'budgets',
      ],
      exposure.events.map((e) => [
        e.function,
        e.event.replace(/\.json$/, ''),
        e.outcome.brokers,
        e.calls,
        e.firstWrite,
        e.sequentialReadsBeforeRevoke ?? e.sequentialReadsBeforeWrite,
        e.firstInvocationMs,
        e.warmMedianMs,
        e.warmMedianWaitedMs,
        e.warmMedianOverheadMs,
        e.warmMedianOverheadBeforeWriteMs,
        verdict(e),
      ]),
    ),
  );
  print(
    '   seq reads before = read rounds on the critical path before the revoke (or before the first write when there is no revoke)',
  );
  print(
    "   overhead = warm end-to-end − time with a simulated call in flight (the simulator answers inside that time; SDK clients' send() stubbed on the prototype); before write = the same up to the first remediation write",
  );
  for (const e of exposure.events) {
    if (e.error !== undefined) print(`   ${e.event}: ERROR ${e.error}`);
    for (const b of e.budgets) {
      if (b.status === 'fail') {
        failures.push({
          section: '3. exposure',
          subject: `${e.function} ${e.event}`,
          reason: `${b.name}: ${b.explanation}`,
        });
      }
    }
  }
  for (const c of exposure.coverage) {
    if (c.status === 'fail')
      failures.push({ section: '3. exposure', subject: '(samples)', reason: `${c.name}: ${c.explanation}` });
  }
  const shown = new Set<string>();
  const writes =
    /^(AuthorizeSecurityGroupIngress|RevokeSecurityGroupIngress|ModifySecurityGroupRules|Invoke)@/;
  for (const e of exposure.events) {
    const key = `${e.function} ${e.trace.join(' ')}`;
    if (e.calls === 0 || shown.has(key)) continue;
    shown.add(key);
    const firstWrite = e.trace.findIndex((call) => writes.test(call));
    const upTo = firstWrite < 0 ? Math.min(e.trace.length, 12) : firstWrite + 1;
    const rest = e.trace.length - upTo;
    print(
      `   trace ${e.function} ${e.event}: ${e.trace.slice(0, upTo).join(' → ')}${rest > 0 ? ` → … ${rest} more` : ''}`,
    );
  }
  print(`   not delivered to any function: ${exposure.notDelivered.join('; ')}`);
  print(
    '   At scale (200-broker account of section 4, Amazon MQ bucket enforced, SDK retries bypassed; informational, no budget):',
  );
  print(
    table(
      ['function', 'event', 'brokers', 'calls', 'MQ throttled', 'seq round trips', 'ms', 'result'],
      exposure.atScale.map((e) => [
        e.function,
        e.event,
        e.outcome.brokers,
        e.calls,
        e.throttled,
        e.sequentialRoundTrips,
        e.firstInvocationMs,
        e.error === undefined ? (e.outcome.status ?? 'ok') : e.error.slice(0, 60),
      ]),
    ),
  );
}

// 3b. Exposure window, cold, over the wire ----------------------------------------------------------
const wire: WireExposureSection | undefined =
  bundles.length === 0
    ? undefined
    : await attempt('3b. exposure over the wire', () => measureWireExposure(config, bundles));
if (wire) {
  print(
    `\n3b. Exposure window, cold, over the wire (${wire.function} bundle of section 1 in a fresh Node 22 per run, real SDK clients over HTTP to the loopback AWS, ${wire.latencyMs} ms a call, ${wire.account}, ${wire.event.replace(/\.json$/, '')}, enforce)`,
  );
  print(
    table(
      ['run', 'first request ms', 'revoke received ms', 'reads before', 'rounds before'],
      wire.runs.map((r, i) => [
        i + 1,
        r.firstRequestMs,
        r.revokeMs,
        r.readsBeforeRevoke.length,
        r.roundsBeforeRevoke,
      ]),
    ),
  );
  print(
    `   median ${wire.medianRevokeMs} ms from spawning the process to the revoke (min ${wire.minRevokeMs}, max ${wire.maxRevokeMs}); first request after ${wire.medianFirstRequestMs} ms (cold start, init, first serialization)`,
  );
  print(`   reads before the revoke: ${[...new Set(wire.runs[0]?.readsBeforeRevoke ?? [])].join(', ')}`);
  for (const b of wire.budgets) {
    print(`   ${b.status.toUpperCase()} ${b.name}: ${b.explanation}`);
    if (b.status === 'fail')
      failures.push({ section: '3b. exposure over the wire', subject: wire.function, reason: b.explanation });
  }
}

// 4. Sweep at scale ---------------------------------------------------------------------------------
const sweep: SweepSection | undefined =
  bundles.length === 0
    ? undefined
    : await attempt('4. sweep', () => measureSweep(config, bundles, work.path));
if (sweep) {
  print(
    `\n4. Sweep at scale (${sweep.function}${sweep.declaredInServerlessYml ? '' : ', not in serverless.yml yet'}): ${sweep.account.brokers} brokers × ${sweep.account.groupsPerBroker} groups (${sweep.account.securityGroups} groups, ${sweep.account.rules} rules, ${sweep.account.interfaces} interfaces), ${sweep.account.configurations} shared configurations`,
  );
  print(`   simulated: ${sweep.simulated}`);
  print(
    table(
      [
        'wall s',
        'floor s',
        'ratio',
        'floor without burst s',
        'calls',
        'MQ calls',
        'throttled',
        'EC2 calls/s',
        'peak in flight',
        'peak RSS MiB',
      ],
      [
        [
          sweep.wallS,
          sweep.floorS,
          sweep.floorRatio,
          sweep.sustainedFloorS,
          sweep.calls,
          sweep.mqCalls,
          sweep.throttled,
          sweep.ec2CallsPerSecond,
          sweep.peakInFlight,
          round(sweep.functionPeakRssBytes / 1024 / 1024),
        ],
      ],
    ),
  );
  print(
    table(
      ['operation', 'calls'],
      Object.entries(sweep.byOperation)
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => [op, n]),
    ),
  );
  print(
    `   RSS: bundle loaded (peak) ${mib(sweep.rssLoadedBytes)}, simulated account +${mib(sweep.simulatorShareBytes)}, process peak ${mib(sweep.peakRssBytes)}; peak RSS above = process peak − simulated account`,
  );
  if (sweep.summary) print(`   outcome: ${JSON.stringify(sweep.summary)}`);
  if (Object.keys(sweep.otherErrors).length > 0)
    print(`   service errors (not throttling): ${JSON.stringify(sweep.otherErrors)}`);
  for (const b of sweep.budgets) {
    print(`   ${b.status.toUpperCase()} ${b.name}: ${b.explanation}`);
    if (b.status === 'fail')
      failures.push({ section: '4. sweep', subject: sweep.function, reason: `${b.name}: ${b.explanation}` });
  }
}

// 5. Hot path ---------------------------------------------------------------------------------------
const hotPath: HotPathSection | undefined = await attempt('5. hot path', () =>
  measureHotPath(config, work.path),
);
if (hotPath) {
  print(
    '\n5. Hot path CPU (bundled like the functions; hrtime per call after 300 ms warmup; report only, no budget)',
  );
  print(
    table(
      ['work', 'median µs', 'p95 µs', 'min µs', 'samples', 'input'],
      hotPath.timings.map((t) => [
        t.name,
        round(t.medianUs),
        round(t.p95Us),
        round(t.minUs),
        t.samples,
        t.detail,
      ]),
    ),
  );
}

// 6. Cloud Custodian, side by side -----------------------------------------------------------------
const custodian: CustodianSection | undefined =
  custodianProbe.status === 'skipped'
    ? custodianProbe
    : coldStart === undefined
      ? undefined
      : await attempt('6. custodian', () =>
          custodianSection(custodianProbe, coldStart.alongside, coldStart.alongsideErrors),
        );
if (custodian?.status === 'skipped') {
  print(`\n6. Cloud Custodian cold path: skipped — ${custodian.reason}`);
} else if (custodian) {
  print(
    `\n6. Cloud Custodian ${custodian.version} cold path (${custodian.runtime}; import, policy load, validation; fresh python3 per run in the rounds of section 2, median of ${custodian.runs}; bare python3 = ${custodian.bareMedianMs} ms): ${custodian.aboveBareMs} ms above bare python (IQR ${iqr(custodian.aboveBareIqrMs)}), peak RSS ${mib(custodian.peakRssBytes)}`,
  );
  for (const f of coldStart?.functions ?? []) {
    const ratio = round(custodian.aboveBareMs / Math.max(f.aboveBareMs, 0.1), 1);
    const holds = ratio >= BUDGETS.custodianRatioMin;
    print(
      `   ${f.function}: ${f.aboveBareMs} ms above bare node = Custodian ÷ ${ratio} (budget: ÷ ${BUDGETS.custodianRatioMin} or better) ${holds ? 'pass' : 'FAIL'}`,
    );
    if (!holds) {
      failures.push({
        section: '6. custodian',
        subject: f.function,
        reason: `Custodian's cold path is only ${ratio} times this function's (${custodian.aboveBareMs} ms ÷ ${f.aboveBareMs} ms), budget ${BUDGETS.custodianRatioMin}`,
      });
    }
  }
}

work.dispose();

const report = {
  generatedAt: new Date().toISOString(),
  durationS: round((Date.now() - started) / 1000),
  node: { version, path: NODE_BIN },
  esbuild: esbuildVersion,
  budgets: BUDGETS,
  serverless: {
    runtime: config.runtime,
    customEsbuild: config.customEsbuild,
    esbuildOptions: config.esbuildOptions,
    placeholders: config.placeholders,
    undeclaredFunctions: undeclared,
  },
  bundles: bundles.map(({ path: _path, ...b }) => b),
  coldStart,
  exposure,
  wire,
  sweep,
  hotPath,
  custodian,
  machine: {
    cpus: availableParallelism(),
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg()[0] ?? 0,
  },
  sectionSeconds,
  sectionErrors,
  explained,
  failures,
  passed: failures.length === 0,
};
const reportPath = join(ROOT, 'bench-report.json');
writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);

print(
  `\nBudgets: ${failures.length === 0 ? 'all hold' : `${failures.length} exceeded`}${explained.length > 0 ? ` (${plural(explained.length, 'bundle')} over size with the explanation above)` : ''}`,
);
for (const f of failures) print(`  FAIL ${f.section} — ${f.subject}: ${f.reason}`);
print(
  `Report: ${reportPath} (${round((Date.now() - started) / 1000)} s: ${Object.entries(sectionSeconds)
    .map(([section, seconds]) => `${section.split(' ')[0]} ${seconds} s`)
    .join(', ')}; load average now ${round(loadavg()[0] ?? 0, 2)})`,
);
process.exitCode = failures.length === 0 ? 0 : 1;
