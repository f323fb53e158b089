/**
 * Section 6: Cloud Custodian's Lambda cold path for an equivalent policy (import, policy load and
 * validation of an `aws.message-broker` policy), in fresh Python processes interleaved with a bare
 * `python3 -c 0`, so the functions' cold starts of section 2 can be compared with it in the same run.
 * Skipped, with the reason, where Python or Custodian (`pip install c7n`) is not installed.
 *
 * Where PyPI is not reachable, Custodian runs from its source: Debian's `python3-boto3`, `python3-jsonschema`,
 * `python3-yaml`, `python3-dateutil`, `python3-jmespath`, `python3-tabulate` and `python3-argcomplete` give its
 * dependencies, and `BENCH_PYTHON=/usr/bin/python3 BENCH_PYTHONPATH=<checkout of cloud-custodian>` point the
 * bench at them. The versions measured are reported with the figures.
 */
import { spawnSync } from 'node:child_process';
import { median, round } from './harness.ts';

export type CustodianSection =
  | { readonly status: 'skipped'; readonly reason: string }
  | {
      readonly status: 'measured';
      readonly version: string;
      /** Python, boto3 and botocore versions of the interpreter measured. */
      readonly runtime: string;
      readonly runs: number;
      readonly bareMedianMs: number;
      readonly medianMs: number;
      readonly aboveBareMs: number;
      readonly peakRssBytes: number;
    };

const PYTHON = process.env.BENCH_PYTHON ?? 'python3';
/** Where Custodian's source is, when it is not installed in the interpreter's own site-packages. */
const PYTHONPATH = process.env.BENCH_PYTHONPATH;
const PYTHON_ENV = { PATH: process.env.PATH ?? '', ...(PYTHONPATH === undefined ? {} : { PYTHONPATH }) };

const PROBE = `
import platform, boto3, botocore, c7n.version
print(c7n.version.version)
print(f"Python {platform.python_version()}, boto3 {boto3.__version__}, botocore {botocore.__version__}")
`;

/** What Custodian's mu handler does before the first API call: load, resolve and validate the policy. */
const COLD_PATH = `
import json, resource
from c7n.config import Config
from c7n.loader import PolicyLoader
from c7n.resources import load_resources
load_resources(('aws.message-broker',))
policies = PolicyLoader(Config.empty(region='us-east-1')).load_data({'policies': [{
    'name': 'mq-broker-not-public', 'resource': 'aws.message-broker',
    'mode': {'type': 'cloudtrail', 'events': [{'source': 'amazonmq.amazonaws.com', 'event': 'CreateBroker', 'ids': 'responseElements.brokerId'}]},
    'filters': [{'PubliclyAccessible': True}]}]}, file_uri='bench.yml')
for policy in policies:
    policy.validate()
print(json.dumps({'maxRssKb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`;

const time = (args: readonly string[]): { wallMs: number; stdout: string } => {
  const started = process.hrtime.bigint();
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', env: PYTHON_ENV });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${PYTHON} failed: ${result.stderr.slice(-500)}`);
  return { wallMs, stdout: result.stdout };
};

export const measureCustodian = (runs = 15, warmupRuns = 2): CustodianSection => {
  const probe = spawnSync(PYTHON, ['-c', PROBE], { encoding: 'utf8', env: PYTHON_ENV });
  if (probe.error) return { status: 'skipped', reason: `${PYTHON} is not installed` };
  if (probe.status !== 0) {
    return {
      status: 'skipped',
      reason: `Cloud Custodian is not installed for ${PYTHON} (pip install c7n, or BENCH_PYTHONPATH=<its source>; test/bench/README.md)`,
    };
  }
  const bare: number[] = [];
  const cold: number[] = [];
  let peakRssKb = 0;
  for (let i = 0; i < warmupRuns + runs; i += 1) {
    const b = time(['-c', '0']);
    const c = time(['-c', COLD_PATH]);
    if (i < warmupRuns) continue;
    bare.push(b.wallMs);
    cold.push(c.wallMs);
    const last = c.stdout.trim().split('\n').pop() ?? '{}';
    peakRssKb = Math.max(peakRssKb, (JSON.parse(last) as { maxRssKb: number }).maxRssKb);
  }
  const bareMedianMs = median(bare);
  return {
    status: 'measured',
    version: probe.stdout.trim().split('\n')[0] ?? '',
    runtime: probe.stdout.trim().split('\n')[1] ?? '',
    runs,
    bareMedianMs: round(bareMedianMs),
    medianMs: round(median(cold)),
    aboveBareMs: round(median(cold) - bareMedianMs),
    peakRssBytes: peakRssKb * 1024,
  };
};
