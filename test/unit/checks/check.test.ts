import { describe, expect, it } from 'vitest';
import { brokerLabel, makeFinding } from '../../../shared/checks/check.ts';
import { ALL_CHECKS } from '../../../shared/checks/registry.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { aBroker, aSnapshot } from '../../support/snapshot-builder.ts';

describe('brokerLabel', () => {
  it.each([
    ['orders-prod', 'Broker orders-prod (', true],
    ['queue-for-jane.doe@example.com', 'Broker (name withheld) (', false],
    ['ops-+14155550123', 'Broker (name withheld) (', false],
  ])('labels a broker named %s without echoing personal data', (name, prefix, nameShown) => {
    // Prepare
    const snapshot = aSnapshot({ broker: aBroker({ name }) });

    // Act
    const label = brokerLabel(snapshot);

    // Assess
    expect(label.startsWith(prefix)).toBe(true);
    expect(label.includes(name)).toBe(nameShown);
  });

  it('keeps a personal-data broker name out of every check message and finding resource', () => {
    // Prepare
    const name = 'jane.doe@example.com';
    const snapshot = aSnapshot({ broker: aBroker({ name }) });
    const context = { settings: DEFAULT_SETTINGS, now: new Date('2026-11-24T00:00:00Z') };

    // Act
    const findings = ALL_CHECKS.map((check) => check.evaluate(snapshot, context));

    // Assess
    for (const finding of findings) {
      expect(finding.message).not.toContain(name);
      expect(finding.resource.name).toBe('(name withheld)');
    }
    expect(makeFinding(ALL_CHECKS[0]!.meta, snapshot, 'PASS', 'x').resource.id).toBe(snapshot.broker.id);
  });
});
