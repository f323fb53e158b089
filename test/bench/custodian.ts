/**
 * Section 6: Cloud Custodian's Lambda cold path for an equivalent policy (import, policy load and
 * validation of an `aws.message-broker` policy), in fresh Python processes run in the rounds of section 2's loop (a bare `python3 -c 0` in every
 * round beside the bare `node -e 0`), so that its ratio to the functions' cold starts is of one loop.
 * Skipped, with the reason, where Python or Custodian (`pip install c7n`) is not installed.
 *
 * Where PyPI is not reachable, Custodian runs from its source: Debian's `python3-boto3`, `python3-jsonschema`,
 * `python3-yaml`, `python3-dateutil`, `python3-jmespath`, `python3-tabulate` and `python3-argcomplete` give its
 * dependencies, and `BENCH_PYTHON=/usr/bin/python3 BENCH_PYTHONPATH=<checkout of cloud-custodian>` point the
 * bench at them. The versions measured are reported with the figures.
 */
import { spawnSync } from 'node:child_process';
import { median, round } from './harness.ts';
import { type Sample, type Subject, timing } from './interleaved.ts';
import { PYTHON_PEAK_RSS_KB } from './peak-rss.ts';

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
      readonly aboveBareIqrMs: readonly [number, number];
      /** Largest of the runs' own peak RSS (VmHWM). */
      readonly peakRssBytes: number;
    };

/** Custodian can be measured: the processes to run in section 2's loop. */
export interface CustodianAvailable {
  readonly status: 'available';
  readonly version: string;
  readonly runtime: string;
  readonly subjects: readonly [bare: Subject, coldPath: Subject];
}

const PYTHON = process.env.BENCH_PYTHON ?? 'python3';
/** Where Custodian's source is, when it is not installed in the interpreter's own site-packages. */
const PYTHONPATH = process.env.BENCH_PYTHONPATH;
const PYTHON_ENV = { ...(PYTHONPATH === undefined ? {} : { PYTHONPATH }) };

const PROBE = `
import platform, boto3, botocore, c7n.version
print(c7n.version.version)
print(f"Python {platform.python_version()}, boto3 {boto3.__version__}, botocore {botocore.__version__}")
`;

/** What Custodian's mu handler does before the first API call: load, resolve and validate the policy. */
const COLD_PATH = `
import json
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
${PYTHON_PEAK_RSS_KB}
print(json.dumps({'peakRssKb': peak_rss_kb()}))
`;

export const BARE_PYTHON = 'python3 -c 0';
export const CUSTODIAN_COLD_PATH = 'Cloud Custodian cold path';

/** Whether Custodian can be measured here, and if so the two processes section 2's loop runs. */
export const probeCustodian = (): CustodianAvailable | Extract<CustodianSection, { status: 'skipped' }> => {
  const probe = spawnSync(PYTHON, ['-c', PROBE], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...PYTHON_ENV },
  });
  if (probe.error) return { status: 'skipped', reason: `${PYTHON} is not installed` };
  if (probe.status !== 0) {
    return {
      status: 'skipped',
      reason: `Cloud Custodian is not installed for ${PYTHON} (pip install c7n, or BENCH_PYTHONPATH=<its source>; test/bench/README.md)`,
    };
  }
  const [version = '', runtime = ''] = probe.stdout.trim().split('\n');
  return {
    status: 'available',
    version,
    runtime,
    subjects: [
      {
        name: BARE_PYTHON,
        command: PYTHON,
        args: ['-c', '0'],
        env: PYTHON_ENV,
        reports: false,
        optional: true,
      },
      {
        name: CUSTODIAN_COLD_PATH,
        command: PYTHON,
        args: ['-c', COLD_PATH],
        env: PYTHON_ENV,
        reports: true,
        optional: true,
      },
    ],
  };
};

/** Section 6 from the samples section 2's loop took of Custodian's two processes. */
export const custodianSection = (
  available: CustodianAvailable,
  samples: Readonly<Record<string, readonly Sample[]>>,
  errors: Readonly<Record<string, string>>,
): CustodianSection => {
  const failed = errors[BARE_PYTHON] ?? errors[CUSTODIAN_COLD_PATH];
  if (failed !== undefined) throw new Error(`Cloud Custodian's runs failed: ${failed}`);
  const bare = samples[BARE_PYTHON] ?? [];
  const cold = samples[CUSTODIAN_COLD_PATH] ?? [];
  if (bare.length === 0 || cold.length === 0) throw new Error('no Cloud Custodian runs were measured');
  const bareMedianMs = median(bare.map((s) => s.wallMs));
  const own = timing(cold, bareMedianMs);
  return {
    status: 'measured',
    version: available.version,
    runtime: available.runtime,
    runs: own.runs,
    bareMedianMs: round(bareMedianMs),
    medianMs: own.medianMs,
    aboveBareMs: own.aboveBareMs,
    aboveBareIqrMs: own.aboveBareIqrMs,
    peakRssBytes: own.peakRssBytes,
  };
};
