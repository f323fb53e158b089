/**
 * `mq-guardian scan`: every broker of a live account, read-only, through the same adapters and use
 * cases as the deployed functions. Loaded lazily by the CLI so that offline commands never load the SDK.
 */
import { createEc2IngressWriter, createEc2NetworkReader } from '../aws/ec2.ts';
import { createKmsKeyReader } from '../aws/kms.ts';
import { createMqBrokerReader } from '../aws/mq.ts';
import { enabledChecks } from '../checks/registry.ts';
import { AwsCallError, GuardianError } from '../errors.ts';
import { type Finding, SEVERITY_ORDER, type Severity } from '../model/finding.ts';
import type { BrokerSummary } from '../model/types.ts';
import type { AccountReaders, IngressWriter } from '../ports.ts';
import { DEFAULT_SETTINGS, type RemediationMode } from '../policy/settings.ts';
import { createSnapshotCache } from '../use-cases/build-snapshot.ts';
import { toCompliance } from '../use-cases/config-evaluations.ts';
import { evaluateBroker } from '../use-cases/handle-api-call.ts';
import { settleBounded } from '../use-cases/bounded.ts';
import { brokerErrorFindings } from '../use-cases/evaluate.ts';
import { renderTable } from './table.ts';

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);

const isCredentialsProblem = (error: unknown): boolean => {
  if (error instanceof AwsCallError)
    return CREDENTIAL_ERRORS.has(error.awsErrorName) || isCredentialsProblem(error.cause);
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
};

export interface ScanOptions {
  readonly json: boolean;
  readonly failOn: Severity;
  readonly print: (text: string) => void;
  /** `off` (plain scan, read-only), or remediate with the same planner and executor as the functions. */
  readonly remediationMode: RemediationMode;
}

export const scanAccount = async (options: ScanOptions): Promise<number> => {
  const readers: AccountReaders = {
    brokers: createMqBrokerReader(),
    network: createEc2NetworkReader(),
    keys: createKmsKeyReader(),
  };
  const settings = { ...DEFAULT_SETTINGS, remediationMode: options.remediationMode };
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? '';
  try {
    const summaries = await readers.brokers.listBrokers();
    const cache = createSnapshotCache();
    // The EC2 writer exists only when asked to enforce: a plain scan cannot write.
    const writer = options.remediationMode === 'enforce' ? createEc2IngressWriter() : undefined;
    const checks = enabledChecks(settings);
    const settled = await settleBounded(summaries, 5, (summary) =>
      evaluateBroker(summary.id, {
        readers,
        settings,
        checks,
        account: summary.arn.split(':')[4] ?? '',
        region,
        now: () => new Date(),
        cache,
        // dry-run plans through the same executor, which never calls the writer outside enforce.
        ...(options.remediationMode === 'off' ? {} : { writer: writer ?? refuseWrites }),
      }),
    );
    // One broker that cannot be read is that broker's ERROR, never the end of the scan.
    const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const findings = settled.flatMap((s, index) =>
      s.status === 'fulfilled'
        ? (s.value.evaluation?.findings ?? [])
        : isCredentialsProblem(s.reason)
          ? []
          : brokerErrorFindings(summaries[index] as BrokerSummary, checks, s.reason),
    );
    const credentials = settled.find(
      (s): s is PromiseRejectedResult => s.status === 'rejected' && isCredentialsProblem(s.reason),
    );
    if (credentials) throw credentials.reason;
    report(findings, options);
    for (const outcome of outcomes) {
      for (const action of outcome.remediation?.actions ?? []) {
        options.print(`remediation [${action.status}] ${action.summary}`);
        if (action.undo && action.status !== 'skipped') options.print(`  undo: ${action.undo}`);
      }
    }
    const threshold = SEVERITY_ORDER.indexOf(options.failOn);
    const failing = findings.some(
      (f) => (f.status === 'FAIL' || f.status === 'ERROR') && SEVERITY_ORDER.indexOf(f.severity) >= threshold,
    );
    return failing ? 1 : 0;
  } catch (error) {
    if (isCredentialsProblem(error)) {
      throw new GuardianError(
        'NO_CREDENTIALS',
        'scan reads a live AWS account and found no usable AWS credentials. Configure them (aws configure, ' +
          'AWS_PROFILE or --profile, or environment variables) and a region (--region or AWS_REGION). ' +
          'Everything else (checks, replay, demo) works offline.',
        { cause: error },
      );
    }
    throw error;
  }
};

/** Handed to the executor in dry-run: it must never be called, and says so loudly if it is. */
const refuseWrites: IngressWriter = {
  authorizeIngress: () => Promise.reject(new Error('dry-run: no write may be made')),
  revokeIngress: () => Promise.reject(new Error('dry-run: no write may be made')),
};

const report = (
  findings: readonly Finding[],
  options: { json: boolean; print: (text: string) => void },
): void => {
  if (options.json) {
    options.print(JSON.stringify({ findings }, null, 2));
    return;
  }
  if (findings.length === 0) {
    options.print('No Amazon MQ brokers in this account and region.');
    return;
  }
  options.print(
    renderTable(
      ['broker', 'check', 'severity', 'result', 'message'],
      findings.map((f) => [f.resource.name, f.checkId, f.severity, toCompliance(f), f.message]),
      100,
    ),
  );
};
