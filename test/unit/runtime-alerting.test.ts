import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../shared/errors.ts';
import { DEFAULT_SETTINGS } from '../../shared/policy/settings.ts';
import { alertingFromEnv } from '../../shared/runtime/alerting.ts';

describe('alertingFromEnv', () => {
  it('configures no alerting when neither the topic nor the table is set', () => {
    // Act / Assess
    expect(alertingFromEnv(DEFAULT_SETTINGS, {})).toBeUndefined();
  });

  it.each([
    [{ ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:mq-guardian-alerts' }],
    [{ ALERT_STATE_TABLE: 'mq-guardian-alert-state' }],
  ])('refuses half a configuration %j at cold start', (env) => {
    // Act / Assess
    expect(() => alertingFromEnv(DEFAULT_SETTINGS, env)).toThrow(ConfigurationError);
  });

  it('builds a sink per account and region when both are set', () => {
    // Act
    const sinkFor = alertingFromEnv(DEFAULT_SETTINGS, {
      AWS_REGION: 'us-east-1',
      ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:mq-guardian-alerts',
      ALERT_STATE_TABLE: 'mq-guardian-alert-state',
      SECURITY_HUB_ENABLED: 'true',
    });

    // Assess
    expect(sinkFor).toBeTypeOf('function');
    expect(typeof sinkFor?.('123456789012', 'us-east-1').notify).toBe('function');
  });
});
