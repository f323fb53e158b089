import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, enabledChecks, getCheck } from '../../../shared/checks/registry.ts';
import { enabledCheckIds } from '../../../shared/checks/enabled.ts';
import { CHECK_IDS, OPT_IN_CHECK_IDS } from '../../../shared/model/finding.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';

const checksDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'checks');
const checkFiles = readdirSync(checksDir)
  .filter((f) => f.startsWith('mq-broker-') && f.endsWith('.ts'))
  .map((f) => basename(f, '.ts'))
  .sort();

describe('check registry', () => {
  it('holds exactly the public catalogue ids, in catalogue order', () => {
    // Act
    const ids = ALL_CHECKS.map((c) => c.meta.id);

    // Assess
    expect(ids).toEqual([...CHECK_IDS]);
  });

  it('has one file per check, named by its id', () => {
    // Assess
    expect(checkFiles).toEqual([...CHECK_IDS].sort());
  });

  it.each(ALL_CHECKS.map((c) => [c.meta.id, c] as const))(
    '%s has complete, kebab-case metadata',
    (id, check) => {
      // Assess
      expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(check.meta.title.length).toBeGreaterThan(10);
      expect(check.meta.risk.length).toBeGreaterThan(10);
      expect(check.meta.remediation.text.length).toBeGreaterThan(10);
      expect(check.meta.remediation.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(check.meta.source).toMatch(/^https:\/\//);
      expect(check.meta.engines.length).toBeGreaterThan(0);
    },
  );

  it('marks only the ingress-protocols check as auto-remediable', () => {
    // Assess
    expect(ALL_CHECKS.filter((c) => c.meta.autoRemediable).map((c) => c.meta.id)).toEqual([
      'mq-broker-ingress-limited-to-used-protocols',
    ]);
  });

  it('keeps the opt-in LDAP check off by default and on when enabled', () => {
    // Act
    const byDefault = enabledChecks(DEFAULT_SETTINGS).map((c) => c.meta.id);
    const optedIn = enabledChecks({
      ...DEFAULT_SETTINGS,
      enabledOptInChecks: ['mq-broker-ldap-authentication'],
    }).map((c) => c.meta.id);

    // Assess
    expect(byDefault).not.toContain('mq-broker-ldap-authentication');
    expect(byDefault).toHaveLength(CHECK_IDS.length - 1);
    expect(optedIn).toContain('mq-broker-ldap-authentication');
  });

  it('drops disabled checks', () => {
    // Act
    const ids = enabledChecks({ ...DEFAULT_SETTINGS, disabledChecks: ['mq-broker-highly-available'] }).map(
      (c) => c.meta.id,
    );

    // Assess
    expect(ids).not.toContain('mq-broker-highly-available');
    expect(ids).toHaveLength(CHECK_IDS.length - 2);
  });

  it('lists as opt-in exactly the checks whose metadata says so', () => {
    // Assess
    expect(OPT_IN_CHECK_IDS).toEqual(ALL_CHECKS.filter((c) => c.meta.optIn).map((c) => c.meta.id));
  });

  it.each([
    ['the defaults', DEFAULT_SETTINGS],
    ['an opted-in check', { ...DEFAULT_SETTINGS, enabledOptInChecks: ['mq-broker-ldap-authentication'] }],
    ['a disabled check', { ...DEFAULT_SETTINGS, disabledChecks: ['mq-broker-no-pii-in-identifiers'] }],
  ] as const)('names, without loading them, the checks it enables for %s', (_, settings) => {
    // Assess
    expect(enabledCheckIds(settings)).toEqual(enabledChecks(settings).map((c) => c.meta.id));
  });

  it('finds a check by id and refuses an unknown one', () => {
    // Assess
    expect(getCheck('mq-broker-highly-available').meta.id).toBe('mq-broker-highly-available');
    expect(() => getCheck('nope' as never)).toThrow(/No check with id nope/);
  });
});
