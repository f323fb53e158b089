/**
 * Section 5, inside a process of its own (bundled like the functions): CPU time of the pure hot
 * paths, with a small harness (process.hrtime.bigint, warmup, median) instead of a benchmark library.
 * argv: <result file> <config file>.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseConfigurationData } from '../../../shared/activemq/parse-configuration.ts';
import { ALL_CHECKS } from '../../../shared/checks/registry.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { buildSnapshot } from '../../../shared/use-cases/build-snapshot.ts';
import { evaluateSnapshot } from '../../../shared/use-cases/evaluate.ts';
import { plural } from '../../../shared/wording.ts';

export interface HotPathChildConfig {
  readonly account: unknown;
  readonly brokerId: string;
  readonly configurationBase64: string;
  readonly configurationBytes: number;
  readonly expectedEntries: number;
}

export interface Timing {
  readonly name: string;
  readonly samples: number;
  readonly medianUs: number;
  readonly p95Us: number;
  readonly minUs: number;
  readonly detail: string;
}

const [resultFile, configFile] = process.argv.slice(2);
if (!resultFile || !configFile) throw new Error('usage: hot-path-child <result file> <config file>');
const config = JSON.parse(readFileSync(configFile, 'utf8')) as HotPathChildConfig;

/** Keeps results alive so the JIT cannot drop the work measured. */
let sink = 0;

const measure = (name: string, detail: string, work: () => unknown, warmupMs = 300, runMs = 1500): Timing => {
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) sink ^= work() === undefined ? 0 : 1;
  const samples: number[] = [];
  const end = performance.now() + runMs;
  while (performance.now() < end || samples.length < 50) {
    const t0 = process.hrtime.bigint();
    const value = work();
    const t1 = process.hrtime.bigint();
    sink ^= value === undefined ? 0 : 1;
    samples.push(Number(t1 - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (p: number) =>
    samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))] as number;
  return {
    name,
    samples: samples.length,
    medianUs: at(50),
    p95Us: at(95),
    minUs: samples[0] as number,
    detail,
  };
};

const account = recordedAccountFrom(config.account, 'demo account');
const snapshot = await buildSnapshot(
  config.brokerId,
  { brokers: account, network: account, keys: account },
  {
    account: account.accountId,
    region: account.region,
    now: new Date('2026-01-15T10:00:00.000Z'),
  },
);
if (snapshot === null) throw new Error(`broker ${config.brokerId} is not in the demo account`);
if (snapshot.configuration.status !== 'parsed') {
  throw new Error(`broker ${config.brokerId}: configuration is ${snapshot.configuration.status}, not parsed`);
}
const settings = { ...DEFAULT_SETTINGS, enabledOptInChecks: ALL_CHECKS.map((c) => c.meta.id) };
const context = { settings, now: new Date('2026-01-15T10:00:00.000Z') };
const evaluation = evaluateSnapshot(snapshot, ALL_CHECKS, context);
if (evaluation.findings.length !== ALL_CHECKS.length || evaluation.crashes.length > 0) {
  throw new Error(
    `evaluation gave ${evaluation.findings.length} findings and ${evaluation.crashes.length} crashes`,
  );
}
const parsed = parseConfigurationData(config.configurationBase64);
const entries = parsed.authorizationMap?.entries.length ?? 0;
if (entries !== config.expectedEntries) {
  throw new Error(
    `the generated configuration parsed to ${entries} entries, expected ${config.expectedEntries}`,
  );
}

const rules = snapshot.securityGroups.reduce((n, g) => n + g.ingressRules.length, 0);
const timings: Timing[] = [
  measure(
    'evaluate one broker snapshot',
    `${ALL_CHECKS.length} checks, broker ${snapshot.broker.name} (${snapshot.broker.engineType}, ${plural(snapshot.securityGroups.length, 'group')}, ${plural(rules, 'ingress rule')}, configuration parsed)`,
    () => evaluateSnapshot(snapshot, ALL_CHECKS, context),
  ),
  measure(
    'parse an ActiveMQ configuration',
    `${Math.round(config.configurationBytes / 1024)} KiB XML, ${entries} map entries (base64 decode, validation, parse)`,
    () => parseConfigurationData(config.configurationBase64),
    300,
    2500,
  ),
];
writeFileSync(resultFile, JSON.stringify({ timings, sink }));
