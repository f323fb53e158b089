/**
 * Custom CloudWatch metrics in the embedded metric format (Powertools Metrics): evaluations by
 * result, remediation actions by outcome, alerts published. Handlers record while they work and the
 * `logMetrics(metrics)` middy middleware flushes once per invocation, as one log line that CloudWatch
 * turns into metrics (no PutMetricData call, no IAM permission).
 *
 * Namespace and the `service` dimension come from POWERTOOLS_METRICS_NAMESPACE and
 * POWERTOOLS_SERVICE_NAME (serverless.yml); the stack's dashboard reads the names below.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AlertPublisher } from '../alerts/ports.ts';
import { logger } from '../logger.ts';
import type { FindingStatus } from '../model/finding.ts';
import type { ActionStatus } from '../remediation/execute.ts';

export { logMetrics } from '@aws-lambda-powertools/metrics/middleware';

export const DEFAULT_METRICS_NAMESPACE = 'mq-guardian';

/** One metric per finding status: a check's result for one broker. */
export const EVALUATION_METRICS: Readonly<Record<FindingStatus, string>> = {
  PASS: 'EvaluationsPass',
  FAIL: 'EvaluationsFail',
  NOT_APPLICABLE: 'EvaluationsNotApplicable',
  ERROR: 'EvaluationsError',
};

/** One metric per remediation action outcome (ActionReport.status). */
export const REMEDIATION_METRICS: Readonly<Record<ActionStatus, string>> = {
  done: 'RemediationDone',
  planned: 'RemediationPlanned',
  'already-gone': 'RemediationAlreadyGone',
  'already-present': 'RemediationAlreadyPresent',
  skipped: 'RemediationSkipped',
  failed: 'RemediationFailed',
};

/** Alerts the topic accepted. */
export const ALERTS_SENT_METRIC = 'AlertsSent';

/** Every custom metric name, for the dashboard and its test. */
export const METRIC_NAMES: readonly string[] = [
  ...Object.values(EVALUATION_METRICS),
  ...Object.values(REMEDIATION_METRICS),
  ALERTS_SENT_METRIC,
];

/** The subset of Powertools' Metrics these helpers use; tests pass a recorder. */
export interface MetricsTarget {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
}

export const createMetrics = (env: NodeJS.ProcessEnv = process.env): Metrics =>
  new Metrics({
    namespace: env.POWERTOOLS_METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_METRICS_NAMESPACE,
    // Powertools' own warnings (e.g. an invocation that recorded no metric) go through the one
    // structured logger and its level, not straight to stderr.
    logger,
  });

/** The one instance per container, flushed by `logMetrics(metrics)`. */
export const metrics: Metrics = createMetrics();

const addCounts = <K extends string>(
  target: MetricsTarget,
  names: Readonly<Record<K, string>>,
  statuses: readonly K[],
): void => {
  const counts = new Map<K, number>();
  for (const status of statuses) counts.set(status, (counts.get(status) ?? 0) + 1);
  for (const [status, count] of counts) {
    const name = names[status];
    // A status this module does not know is a programming error upstream; dropping it silently would
    // hide it from the dashboard, so it is counted under its own name.
    target.addMetric(name ?? `Unknown${String(status)}`, MetricUnit.Count, count);
  }
};

/** Counts findings by status (zero counts are not emitted). */
export const recordEvaluations = (
  findings: readonly { readonly status: FindingStatus }[],
  target: MetricsTarget = metrics,
): void =>
  addCounts(
    target,
    EVALUATION_METRICS,
    findings.map((f) => f.status),
  );

/** Counts remediation actions by outcome (zero counts are not emitted). */
export const recordRemediation = (
  actions: readonly { readonly status: ActionStatus }[],
  target: MetricsTarget = metrics,
): void =>
  addCounts(
    target,
    REMEDIATION_METRICS,
    actions.map((a) => a.status),
  );

export const recordAlertsSent = (count: number, target: MetricsTarget = metrics): void => {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`alert count must be a whole number: ${count}`);
  if (count > 0) target.addMetric(ALERTS_SENT_METRIC, MetricUnit.Count, count);
};

/** The publisher, counting each alert the topic accepted (a failed publish is not counted). */
export const countPublishedAlerts = (
  publisher: AlertPublisher,
  target: MetricsTarget = metrics,
): AlertPublisher => ({
  async publish(alert) {
    await publisher.publish(alert);
    recordAlertsSent(1, target);
  },
});
