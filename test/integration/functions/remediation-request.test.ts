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
