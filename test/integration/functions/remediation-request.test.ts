/**
 * A remediation request handed over for several brokers: before writing, the remediator learns which
 * brokers use each group from DescribeBroker of every broker of the account, once for the whole
 * request, not once per broker or group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkAccount } from '../../support/sdk-account.ts';
import {
  CONTEXTS,
  demoAccountText,
  type Handlers,
  IDS,
  loadHandlers,
  remediationRequest,
  run,
} from '../hardening/support.ts';

const account = new SdkAccount(demoAccountText()).install();
let handlers: Handlers;

beforeAll(async () => {
  handlers = await loadHandlers({ POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

afterAll(() => account.restore());

describe('on-ingress-event handling a remediation request for two brokers', () => {
  it('lists and describes the account’s brokers once for the whole request, then narrows', async () => {
    // Prepare
    account.reset();
    const brokers = account.state.brokers.length;

    // Act
    const result = await run(
      handlers.onIngressEvent,
      remediationRequest([IDS.billing, IDS.orders]),
      CONTEXTS.onIngressEvent,
    );

    // Assess
    expect(result.ok).toBe(true);
    const operations = account.calls.map((c) => c.operation);
    expect(operations.filter((o) => o === 'ListBrokers')).toHaveLength(1);
    // Every broker once for the listing; the second broker's own snapshot reads it live once more.
    expect(operations.filter((o) => o === 'DescribeBroker')).toHaveLength(brokers + 1);
    expect(account.ec2Writes().some((c) => c.operation === 'RevokeSecurityGroupIngress')).toBe(true);
  });
});

describe('on-ingress-event handling a remediation request from the call that opted a broker out', () => {
  it('reads the request (never "ignored") and writes nothing to the broker’s groups, though the broker read shows no opt-out tag yet', async () => {
    // Prepare: the request on-broker-event hands over after Amazon MQ CreateTags set
    // mq-guardian:remediation=off on orders-prod; the recorded broker does not carry the tag yet.
    account.reset();
    const request = remediationRequest([IDS.orders], 'event 7c1f0a35-0c7a-4b6e-9d0e-2f4b5a6c7d8e');
    (request.detail as Record<string, unknown>).actor = {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session',
      eventTime: '2026-11-24T11:59:00Z',
      eventId: '7c1f0a35-0c7a-4b6e-9d0e-2f4b5a6c7d8e',
      eventName: 'CreateTags',
      optedOutBrokerIds: [IDS.orders],
    };

    // Act
    const result = await run(handlers.onIngressEvent, request, CONTEXTS.onIngressEvent);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { status: 'remediated' } });
    expect(account.ec2Writes()).toEqual([]);
  });

  it('is ignored when an id it names is not one', async () => {
    // Prepare
    account.reset();
    const request = remediationRequest([IDS.orders]);
    (request.detail as Record<string, unknown>).actor = {
      type: 'AssumedRole',
      eventTime: '2026-11-24T11:59:00Z',
      eventId: '7c1f0a35-0c7a-4b6e-9d0e-2f4b5a6c7d8e',
      eventName: 'CreateTags',
      optedOutBrokerIds: ['orders-prod'],
    };

    // Act
    const result = await run(handlers.onIngressEvent, request, CONTEXTS.onIngressEvent);

    // Assess
    expect(result).toMatchObject({ ok: true, value: { status: 'ignored' } });
    expect(account.calls).toEqual([]);
  });
});
