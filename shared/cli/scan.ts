/**
 * `mq-guardian scan`: every broker of a live account through the same adapters and use cases as the
 * deployed functions; read-only unless asked to remediate in enforce mode. Loaded lazily by the CLI so
 * that offline commands never load the SDK.
 *
 * One broker's failure (a read, a remediation action) never hides the others: every broker is
 * evaluated, and the report holds the findings, the actions with their undo commands, and what failed.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { MqClient } from '@aws-sdk/client-mq';
import { sdkClientConfig } from '../aws/clients.ts';
import { createEc2IngressWriter, createEc2NetworkReader } from '../aws/ec2.ts';
import { createKmsKeyReader } from '../aws/kms.ts';
import { createMqBrokerReader } from '../aws/mq.ts';
import { enabledChecks } from '../checks/registry.ts';
import { AwsCallError, errorMessage, GuardianError } from '../errors.ts';
import { type Finding, SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import type { AccountReaders, IngressWriter } from '../ports.ts';
import { DEFAULT_SETTINGS, type RemediationMode, type Settings } from '../policy/settings.ts';
import type { RemediationReport } from '../remediation/execute.ts';
import { mapBounded } from '../use-cases/bounded.ts';
import { createSnapshotCache } from '../use-cases/build-snapshot.ts';
import { toCompliance } from '../use-cases/config-evaluations.ts';
import { type BrokerEvaluation, brokerErrorFindings } from '../use-cases/evaluate.ts';
import { evaluateBroker } from '../use-cases/evaluate-broker.ts';
import { RemediationFailedError } from '../use-cases/remediate.ts';
import { type ReplayAction, type ReplaySkip, toAction } from './replay.ts';
import { renderActions } from './replay-text.ts';
import { renderTable } from './table.ts';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);

const causes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && chain.length < 10; e = (e as { cause?: unknown }).cause) {
    chain.push(e);
    if (!(e instanceof Error)) break;
  }
  return chain;
};

const isCredentialsProblem = (error: unknown): boolean =>
  causes(error).some(
    (e) =>
      (e instanceof AwsCallError && CREDENTIAL_ERRORS.has(e.awsErrorName)) ||
      (e instanceof Error && CREDENTIAL_ERRORS.has(e.name)),
  );

/** The SDK's own wording when neither the environment nor the profile names a region. */
const isRegionMissing = (error: unknown): boolean =>
  causes(error).some((e) => e instanceof Error && /Region is missing/i.test(e.message));

const noCredentials = (cause: unknown, profile: string | undefined): GuardianError =>
  new GuardianError(
    'NO_CREDENTIALS',
    `scan reads a live AWS account and found no usable AWS credentials${profile ? ` in profile "${profile}"` : ''}: ` +
      'configure them (aws configure, --profile PROFILE, AWS_PROFILE or environment variables); ' +
      'checks, replay and demo work offline',
    { cause },
  );

const SET_REGION =
  'pass --region REGION, set AWS_REGION, or give the profile a region (aws configure set region REGION [--profile PROFILE])';

/** Section names of an AWS shared config or credentials file (`[profile x]` and `[x]` both name x). */
const profilesIn = async (file: string): Promise<string[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]/gm)].map((m) => m[1] ?? '');
};

/**
 * Fails, naming the profile and the files looked in, when `profile` is in neither AWS file (the SDK
 * would otherwise report a missing region or missing credentials, not the missing profile).
 */
export const assertProfileExists = async (
  profile: string,
  from: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> => {
  const configFile = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
  const known = [...(await profilesIn(configFile)), ...(await profilesIn(credentialsFile))];
  if (!known.includes(profile)) {
    throw new GuardianError(
      'UNKNOWN_PROFILE',
      `AWS profile "${profile}" (${from}) is not in ${configFile} or ${credentialsFile}: ` +
        `\`aws configure list-profiles\` lists your profiles, \`aws configure --profile ${profile}\` creates it`,
    );
  }
};

export interface ScanOptions {
  readonly failOn: Severity;
  /** `off` (plain scan, read-only), or remediate with the same planner and executor as the functions. */
  readonly remediationMode: RemediationMode;
  /** The stack settings to evaluate and remediate with (`--settings`); the mode above wins. Default: the defaults. */
  readonly settings?: Settings;
  readonly region?: string;
  /** The AWS CLI profile in use, named in error messages. */
  readonly profile?: string;
}

export interface ScanFailure {
  readonly brokerId: string;
  readonly error: string;
}

/** Everything a scan found and did: what the text shows and `--json` prints, as one document. */
export interface ScanReport {
  readonly region: string;
  readonly remediationMode: RemediationMode;
  readonly failOn: Severity;
  readonly findings: readonly Finding[];
  readonly actions: readonly ReplayAction[];
  readonly remediationSkipped: readonly ReplaySkip[];
  /** Brokers that could not be read, or whose remediation failed (their findings are still listed). */
  readonly failures: readonly ScanFailure[];
  /** 0 ok, 1 findings (ERROR included) at or above failOn, 3 a remediation action failed. */
  readonly exitCode: number;
}

/** Handed to the executor in dry-run: it must never be called, and says so loudly if it is. */
const refuseWrites: IngressWriter = {
  authorizeIngress: () => Promise.reject(new Error('dry-run: no write may be made')),
  revokeIngress: () => Promise.reject(new Error('dry-run: no write may be made')),
};

interface BrokerResult {
  readonly brokerId: string;
  readonly evaluation?: BrokerEvaluation;
  readonly remediation?: RemediationReport;
  readonly failure?: string;
  /** An unreadable broker: an ERROR finding per check, never the end of the scan. */
  readonly errorFindings?: readonly Finding[];
  readonly cause?: unknown;
}

/** Where a scan reads from and, in enforce mode only, writes to. */
export interface ScanDeps {
  readonly readers: AccountReaders;
  /** Called only in enforce mode: a plain scan or a dry-run never creates a writer. */
  readonly writer: () => IngressWriter;
}

/** Where the readers of `awsScanDeps` point; every field optional (the SDK's own resolution then). */
export interface AwsScanTarget {
  /** Sends every call (MQ, EC2, KMS) to one AWS-compatible endpoint instead of AWS's. */
  readonly endpointUrl?: string;
  /** The region to read (an organization scan reads several); default: the SDK's (AWS_REGION, profile). */
  readonly region?: string;
  /** Credentials to read with (a member account's assumed role); default: the SDK's chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
    readonly expiration?: Date;
  };
}

/**
 * The live account, through the same adapters as the functions. Without a target the SDK's own
 * resolution applies, which already honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
 */
export const awsScanDeps = (target: AwsScanTarget = {}): ScanDeps => {
  if (target.endpointUrl === undefined && target.region === undefined && target.credentials === undefined) {
    return {
      readers: {
        brokers: createMqBrokerReader(),
        network: createEc2NetworkReader(),
        keys: createKmsKeyReader(),
      },
      writer: createEc2IngressWriter,
    };
  }
  const config = {
    ...sdkClientConfig(),
    ...(target.endpointUrl === undefined ? {} : { endpoint: target.endpointUrl }),
    ...(target.region === undefined ? {} : { region: target.region }),
    ...(target.credentials === undefined ? {} : { credentials: { ...target.credentials } }),
  };
  const ec2 = new EC2Client(config);
  return {
    readers: {
      brokers: createMqBrokerReader(new MqClient(config)),
      network: createEc2NetworkReader(ec2),
      keys: createKmsKeyReader(new KMSClient(config)),
    },
    writer: () => createEc2IngressWriter(ec2),
  };
};

/** An endpoint URL as the SDK takes it: absolute http(s), nothing after the host but a path. */
export const parseEndpointUrl = (text: string): string | undefined => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const plain = url.search === '' && url.hash === '' && url.username === '' && url.password === '';
  return (url.protocol === 'http:' || url.protocol === 'https:') && plain ? text : undefined;
};

export const scanAccount = async (
  options: ScanOptions,
  deps: ScanDeps = awsScanDeps(),
): Promise<ScanReport> => {
  const { readers } = deps;
  const settings = { ...(options.settings ?? DEFAULT_SETTINGS), remediationMode: options.remediationMode };
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  let summaries: Awaited<ReturnType<typeof readers.brokers.listBrokers>>;
  try {
    summaries = await readers.brokers.listBrokers();
  } catch (error) {
    if (isRegionMissing(error)) {
      throw new GuardianError('NO_REGION', `scan needs a region: ${SET_REGION}`, { cause: error });
    }
    if (isCredentialsProblem(error)) throw noCredentials(error, options.profile);
    throw error;
  }
  const cache = createSnapshotCache();
  // The EC2 writer exists only when asked to enforce: a plain scan cannot write.
  const writer = options.remediationMode === 'enforce' ? deps.writer() : undefined;
  const checks = enabledChecks(settings);
  const results = await mapBounded(summaries, 5, async (summary): Promise<BrokerResult> => {
    let seen: { evaluation: BrokerEvaluation; remediation?: RemediationReport } | undefined;
    try {
      const outcome = await evaluateBroker(summary.id, {
        readers,
        settings,
        checks,
        account: summary.arn.split(':')[4] ?? '',
        region,
        now: () => new Date(),
        cache,
        // What was evaluated and done is known here even when the broker then fails.
        findingsSink: {
          notify: async ({ evaluation, remediation }) => {
            const report = remediation ?? seen?.remediation;
            seen = report ? { evaluation, remediation: report } : { evaluation };
          },
        },
        // dry-run plans through the same executor, which never calls the writer outside enforce.
        ...(options.remediationMode === 'off' ? {} : { writer: writer ?? refuseWrites }),
      });
      return {
        brokerId: summary.id,
        ...(outcome.evaluation ? { evaluation: outcome.evaluation } : {}),
        ...(outcome.remediation ? { remediation: outcome.remediation } : {}),
      };
    } catch (error) {
      const remediation = error instanceof RemediationFailedError ? error.report : seen?.remediation;
      return {
        brokerId: summary.id,
        ...(seen ? { evaluation: seen.evaluation } : {}),
        ...(remediation ? { remediation } : {}),
        ...(seen ? {} : { errorFindings: brokerErrorFindings(summary, checks, error) }),
        cause: error,
        failure: error instanceof GuardianError ? `${error.name}: ${error.message}` : errorMessage(error),
      };
    }
  });
  const credentials = results.find((r) => r.cause !== undefined && isCredentialsProblem(r.cause));
  if (credentials) throw noCredentials(credentials.cause, options.profile);
  const findings = results.flatMap((r) => r.evaluation?.findings ?? r.errorFindings ?? []);
  const actions = results.flatMap((r) => (r.remediation?.actions ?? []).map((a) => toAction(r.brokerId, a)));
  const remediationSkipped = results.flatMap((r) =>
    r.remediation?.skipped ? [{ brokerId: r.brokerId, reason: r.remediation.skipped.reason }] : [],
  );
  const failures = results.flatMap((r) => (r.failure ? [{ brokerId: r.brokerId, error: r.failure }] : []));
  const threshold = SEVERITY_ORDER.indexOf(options.failOn);
  const failing = findings.some(
    (f) => (f.status === 'FAIL' || f.status === 'ERROR') && SEVERITY_ORDER.indexOf(f.severity) >= threshold,
  );
  return {
    region,
    remediationMode: options.remediationMode,
    failOn: options.failOn,
    findings,
    actions,
    remediationSkipped,
    failures,
    // An unreadable broker is already an ERROR finding per check; a failed action is not a finding.
    exitCode: actions.some((a) => a.status === 'failed') ? 3 : failing ? 1 : 0,
  };
};

/** The scan as text: the findings table, then each action with its undo command, then what failed. */
export const renderScan = (report: ScanReport): string => {
  const lines: string[] = [];
  if (report.findings.length === 0 && report.failures.length === 0) {
    lines.push(`No Amazon MQ brokers in this account and region (${report.region || 'default region'}).`);
  } else if (report.findings.length > 0) {
    lines.push(
      renderTable(
        ['broker', 'check', 'severity', 'result', 'message'],
        report.findings.map((f) => [f.resource.name, f.checkId, f.severity, toCompliance(f), f.message]),
        100,
      ),
    );
  }
  for (const skip of report.remediationSkipped) {
    lines.push(`remediation skipped for ${skip.brokerId}: ${skip.reason}`);
  }
  lines.push(...renderActions(report.actions));
  for (const failure of report.failures) lines.push(`failed: broker ${failure.brokerId}: ${failure.error}`);
  return lines.join('\n');
};
