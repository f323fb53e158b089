import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import type { AlertPublisher } from '../../../shared/alerts/ports.ts';
import {
  ALERTS_SENT_METRIC,
  countPublishedAlerts,
  createMetrics,
  EVALUATION_METRICS,
  METRIC_NAMES,
  type MetricsTarget,
  recordAlertsSent,
  recordEvaluations,
  recordRemediation,
  REMEDIATION_METRICS,
} from '../../../shared/runtime/metrics.ts';

/** Remembers what was added, in order. */
const recorder = () => {
  const added: [string, number][] = [];
  const target: MetricsTarget = {
    addMetric: (name, unit, value) => {
      expect(unit).toBe('Count');
      added.push([name, value]);
    },
  };
  return { target, added };
};

describe('recordEvaluations', () => {
  it('counts findings per status, leaving out statuses that did not occur', () => {
    // Prepare
    const { target, added } = recorder();
    // Act
    recordEvaluations(
      [{ status: 'PASS' }, { status: 'FAIL' }, { status: 'PASS' }, { status: 'ERROR' }, { status: 'PASS' }],
      target,
    );
    // Assess
    expect(added).toEqual([
      ['EvaluationsPass', 3],
      ['EvaluationsFail', 1],
      ['EvaluationsError', 1],
    ]);
  });

  it('adds nothing for no findings', () => {
    // Prepare
    const { target, added } = recorder();
    // Act
    recordEvaluations([], target);
    // Assess
    expect(added).toEqual([]);
  });
});

describe('recordRemediation', () => {
  it('counts actions per outcome', () => {
    // Prepare
    const { target, added } = recorder();
    // Act
    recordRemediation(
      [{ status: 'done' }, { status: 'already-gone' }, { status: 'done' }, { status: 'failed' }],
      target,
    );
    // Assess
    expect(added).toEqual([
      ['RemediationDone', 2],
      ['RemediationAlreadyGone', 1],
      ['RemediationFailed', 1],
    ]);
  });
});

describe('recordAlertsSent', () => {
  it.each([
    [0, []],
    [4, [[ALERTS_SENT_METRIC, 4]]],
  ])('records %i alerts as %j', (count, expected) => {
    // Prepare
    const { target, added } = recorder();
    // Act
    recordAlertsSent(count, target);
    // Assess
    expect(added).toEqual(expected);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s', (count) => {
    // Act
    const record = () => recordAlertsSent(count, recorder().target);
    // Assess
    expect(record).toThrow(RangeError);
  });
});

describe('countPublishedAlerts', () => {
  it('counts an alert once the topic accepted it, and not when the publish fails', async () => {
    // Prepare
    const { target, added } = recorder();
    const publish = vi
      .fn<AlertPublisher['publish']>()
      .mockResolvedValueOnce()
      .mockRejectedValueOnce(new Error('throttled'));
    const publisher = countPublishedAlerts({ publish }, target);
    const alert = {} as Parameters<AlertPublisher['publish']>[0];
    // Act
    await publisher.publish(alert);
    const failed = publisher.publish(alert);
    // Assess
    await expect(failed).rejects.toThrow('throttled');
    expect(publish).toHaveBeenCalledTimes(2);
    expect(added).toEqual([[ALERTS_SENT_METRIC, 1]]);
  });
});

describe('metric names', () => {
  it('are distinct CloudWatch metric names, one per status and outcome plus alerts sent', () => {
    // Assess
    expect(new Set(METRIC_NAMES).size).toBe(METRIC_NAMES.length);
    expect(METRIC_NAMES).toHaveLength(
      Object.keys(EVALUATION_METRICS).length + Object.keys(REMEDIATION_METRICS).length + 1,
    );
    for (const name of METRIC_NAMES) expect(name).toMatch(/^[A-Z][A-Za-z]{1,254}$/);
  });
});

describe('createMetrics', () => {
  it('writes one embedded-metric-format line in the namespace and service of the stack', () => {
    // Prepare
    // The test run switches metrics off (vitest.config.ts); the stack never does.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    // Powertools writes through its own Console on process.stdout (not the global console).
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line.trim() !== ''),
      );
      return true;
    });
    const metrics = createMetrics({
      POWERTOOLS_METRICS_NAMESPACE: 'mq-guardian',
      POWERTOOLS_SERVICE_NAME: 'mq-guardian',
    });
    // Act
    recordEvaluations([{ status: 'FAIL' }, { status: 'FAIL' }], metrics);
    metrics.publishStoredMetrics();
    write.mockRestore();
    vi.unstubAllEnvs();
    // Assess
    expect(metrics).toBeInstanceOf(Metrics);
    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0] ?? '{}') as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
    };
    expect(emf._aws.CloudWatchMetrics[0]?.Namespace).toBe('mq-guardian');
    expect(emf._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
    expect(emf.service).toBe('mq-guardian');
    expect(emf.EvaluationsFail).toBe(2);
  });
});
