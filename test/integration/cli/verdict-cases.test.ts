/**
 * The recorded verdict cases (events/accounts/verdict-cases.json with events/verdict-cases/): one
 * broker per kind of verdict that depends on reading AWS's answers the way the Amazon MQ, ActiveMQ and
 * EC2 documentation describes them. Each event is an UpdateBroker of one broker (or a change to a
 * prefix list one of them uses); its replay must give the verdict stated here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ReplayResult, replayEvent } from '../../../shared/cli/replay.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import { loadRecordedAccount } from '../../../shared/recorded/recorded-account.ts';

const EVENTS = join(import.meta.dirname, '..', '..', '..', 'events');
const NOW = new Date('2026-12-05T12:00:00Z');
const ANNOTATION_LIMIT = 256;

const replay = async (eventFile: string, settings: Partial<Settings> = {}): Promise<ReplayResult> => {
  const account = await loadRecordedAccount(join(EVENTS, 'accounts', 'verdict-cases.json'));
  const event = JSON.parse(readFileSync(join(EVENTS, eventFile), 'utf8')) as unknown;
  return replayEvent(event, account, {
    settings: { ...DEFAULT_SETTINGS, remediationMode: 'dry-run', ...settings },
    now: NOW,
  });
};

const evaluationOf = (result: ReplayResult, checkId: string) => {
  const found = result.evaluations.find((evaluation) => evaluation.checkId === checkId);
  if (found === undefined) throw new Error(`no evaluation of ${checkId}`);
  return found;
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('the recorded verdict cases', () => {
  it('evaluate every check of a RabbitMQ broker whose authentication strategy is CONFIG_MANAGED (OAuth 2.0) and that has no Users', async () => {
    // Act
    const result = await replay('verdict-cases/update-chat-oauth.json');

    // Assess: the 11 checks enabled by default (the LDAP check is opt-in), none of them ERROR.
    expect(result.evaluations).toHaveLength(11);
    expect(result.evaluations.filter((evaluation) => evaluation.status === 'ERROR')).toEqual([]);
    expect(evaluationOf(result, 'mq-broker-not-publicly-accessible').status).toBe('PASS');
  });

  it.each<[string, string, string]>([
    [
      'an authorization map whose entries grant every group (*) everything on ">"',
      'verdict-cases/update-orders-wildcard-map.json',
      'restricts nothing: every group (*) is granted',
    ],
    [
      'an authorization map that holds only a temporary-destination entry',
      'verdict-cases/update-orders-temp-only-map.json',
      'has an authorization map that refuses every queue and topic to every user',
    ],
  ])('fail %s', async (_case, eventFile, reason) => {
    // Act
    const evaluation = evaluationOf(await replay(eventFile), 'mq-broker-authorization-map-configured');

    // Assess
    expect(evaluation.status).toBe('FAIL');
    expect(evaluation.annotation).toContain(reason);
  });

  it('parse temporary-destination entries where Amazon MQ permits them and pass the map they are in', async () => {
    // Act
    const result = await replay('verdict-cases/update-orders-temp-entries.json');

    // Assess
    expect(evaluationOf(result, 'mq-broker-authorization-map-configured')).toMatchObject({
      status: 'PASS',
      annotation: expect.stringContaining(
        'restricts destinations to named groups (4 queue and topic entries)',
      ),
    });
    expect(evaluationOf(result, 'mq-broker-system-group-configured').status).toBe('PASS');
  });

  it.each<[string, string, string[]]>([
    [
      '0.0.0.0/1 and 128.0.0.0/1, which together admit every IPv4 address',
      'verdict-cases/update-orders-split-world-v4.json',
      ['sgr-05ca5e0000000000b', 'sgr-05ca5e0000000000c'],
    ],
    [
      '::/1 and 8000::/1, of which ::/1 alone holds every global unicast IPv6 address (2000::/3)',
      'verdict-cases/update-orders-split-world-v6.json',
      ['sgr-05ca5e0000000000f'],
    ],
  ])('fail a broker open to the world through %s, naming the rules', async (_case, eventFile, ruleIds) => {
    // Act
    const evaluation = evaluationOf(await replay(eventFile), 'mq-broker-ingress-not-open-to-world');

    // Assess
    expect(evaluation.status).toBe('FAIL');
    expect(evaluation.annotation).toContain('admit traffic from the whole internet');
    for (const ruleId of ruleIds) expect(evaluation.annotation).toContain(ruleId);
  });

  it('name the count and the first exempted world rules within the annotation limit', async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-orders-exempted-world.json'),
      'mq-broker-ingress-not-open-to-world',
    );

    // Assess
    expect(evaluation.status).toBe('PASS');
    expect(evaluation.annotation).toContain(
      'only through rules exempted by mq-guardian:allow: 14 rules (sgr-05ca5e00000000013, sgr-05ca5e00000000014 and 12 more)',
    );
    expect(evaluation.annotation.length).toBeLessThanOrEqual(ANNOTATION_LIMIT);
  });

  it('fail an engine version the shipped table still supports but DescribeBrokerEngineTypes no longer offers', async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-orders-withdrawn-engine.json'),
      'mq-broker-engine-version-supported',
    );

    // Assess
    expect(evaluation.status).toBe('FAIL');
    expect(evaluation.annotation).toContain(
      'ActiveMQ 5.18, which Amazon MQ no longer offers (it lists 5.19)',
    );
  });

  it('evaluate the customer key a RabbitMQ broker reports', async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-chat-customer-key.json'),
      'mq-broker-encrypted-with-customer-key',
    );

    // Assess
    expect(evaluation.status).toBe('PASS');
    expect(evaluation.annotation).toContain('5ca5e000-aaaa-4bbb-8ccc-000000000009');
  });

  it('pass a broker whose name merely contains a social-security-like number', async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-build-123-45-6789.json'),
      'mq-broker-no-pii-in-identifiers',
    );

    // Assess
    expect(evaluation.status).toBe('PASS');
    expect(evaluation.annotation).toContain('Broker build-123-45-6789 (');
  });

  it('fail a broker with a bank account number (IBAN) in a tag, masked', async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-payouts-prod.json'),
      'mq-broker-no-pii-in-identifiers',
    );

    // Assess
    expect(evaluation.status).toBe('FAIL');
    expect(evaluation.annotation).toContain('tags["payout-account"] (bank account number (IBAN))');
    expect(evaluation.annotation).not.toContain('3704');
  });

  it("fail a broker whose configuration's description holds an e-mail address, naming the fields, masked", async () => {
    // Act
    const evaluation = evaluationOf(
      await replay('verdict-cases/update-orders-config-contact.json'),
      'mq-broker-no-pii-in-identifiers',
    );

    // Assess
    expect(evaluation.status).toBe('FAIL');
    expect(evaluation.annotation).toContain(
      'holds personal data in 2 fields: configuration.Description (e-mail address), configuration.LatestRevision.Description (e-mail address)',
    );
    expect(evaluation.annotation).not.toContain('jane.doe');
  });

  it('pass a broker whose configuration name, descriptions and tags are neutral, on an earlier revision', async () => {
    // Act
    const result = await replay('verdict-cases/update-orders-config-clean.json');

    // Assess
    expect(evaluationOf(result, 'mq-broker-no-pii-in-identifiers')).toMatchObject({
      status: 'PASS',
      annotation: expect.stringContaining(
        'holds no personal data in its name, user names, tags or configuration',
      ),
    });
  });

  it('report as not evaluated a broker whose configuration DescribeConfiguration refuses, naming the fields and the reason', async () => {
    // Act
    const result = await replay('verdict-cases/update-chat-config-unread.json');

    // Assess
    const evaluation = evaluationOf(result, 'mq-broker-no-pii-in-identifiers');
    expect(evaluation.status).toBe('ERROR');
    expect(evaluation.annotation).toMatch(
      /^Could not evaluate: configuration\.Name, configuration\.Description, configuration\.LatestRevision\.Description, configuration\.Tags: .* could not be checked: DescribeConfiguration failed: Forbidd/,
    );
    expect(result.alerts.map((a) => a.text).join('\n')).toContain(
      'configuration.Tags: DescribeConfiguration failed: ForbiddenException: User is not authorized to perform mq:DescribeConfiguration',
    );
    expect(evaluation.annotation.length).toBeLessThanOrEqual(ANNOTATION_LIMIT);
    expect(result.evaluations.filter((e) => e.status === 'ERROR').map((e) => e.checkId)).toEqual([
      'mq-broker-no-pii-in-identifiers',
    ]);
  });

  describe('through managed prefix lists', () => {
    const WORLD = 'mq-broker-ingress-not-open-to-world';

    it('fail a broker whose OpenWire rule admits a customer-managed list holding 0.0.0.0/0, naming the list and the entry', async () => {
      // Act
      const result = await replay('verdict-cases/update-orders-world-prefix-list.json');

      // Assess
      const evaluation = evaluationOf(result, WORLD);
      expect(evaluation.status).toBe('FAIL');
      expect(evaluation.annotation).toContain(
        'sgr-05ca5e0f000000003 tcp 61617 from prefix list pl-05ca5e00000000001',
      );
      expect(evaluation.annotation.length).toBeLessThanOrEqual(ANNOTATION_LIMIT);
      expect(result.alerts.map((a) => a.text).join('\n')).toContain(
        'It admits prefix list pl-05ca5e00000000001 (partner-gateways), whose entry 0.0.0.0/0 is every IPv4 address.',
      );
    });

    it('pass a broker whose rule admits a list of peered VPC ranges only', async () => {
      // Act
      const evaluation = evaluationOf(
        await replay('verdict-cases/update-orders-private-prefix-list.json'),
        WORLD,
      );

      // Assess
      expect(evaluation.status).toBe('PASS');
    });

    it('report ERROR, never PASS, for a list shared from another account whose entries IAM refuses, naming it and why', async () => {
      // Act
      const evaluation = evaluationOf(
        await replay('verdict-cases/update-orders-denied-prefix-list.json'),
        WORLD,
      );

      // Assess
      expect(evaluation.status).toBe('ERROR');
      expect(evaluation.annotation).toContain(
        'prefix list pl-05ca5e00000000003 (1 rule) could not be read: GetManagedPrefixListEntries failed: UnauthorizedOperation',
      );
    });

    it('fail a broker whose IPv6 list holds ranges that together cover global unicast 2000::/3', async () => {
      // Act
      const result = await replay('verdict-cases/update-orders-world-ipv6-prefix-list.json');

      // Assess
      expect(evaluationOf(result, WORLD).status).toBe('FAIL');
      expect(result.alerts.map((a) => a.text).join('\n')).toContain(
        'whose entries 2000::/4, 3000::/4 cover at least 99% of the public IPv6 internet',
      );
    });

    it('evaluate, when the entries of a list change (ModifyManagedPrefixList), the broker of the group that references it', async () => {
      // Act
      const result = await replay('verdict-cases/modify-partner-gateways-prefix-list.json', {
        remediationMode: 'enforce',
        revokeWorldIngress: true,
      });

      // Assess
      expect(result.resolution).toContain(
        'groups referencing prefix list pl-05ca5e00000000001: network interfaces of sg-05ca5e0000000000f',
      );
      expect(evaluationOf(result, WORLD).status).toBe('FAIL');
      expect(result.writes.filter((w) => w.service === 'ec2')).toEqual([]);
      expect(result.alerts.map((a) => a.text).join('\n')).toContain(
        'Changed by: arn:aws:sts::123456789012:assumed-role/PlatformAdmin/platform-admin-session (ModifyManagedPrefixList',
      );
    });

    it('never revoke the list rule, even in enforce with revokeWorldIngress, and say the broker is still exposed', async () => {
      // Act
      const result = await replay('verdict-cases/update-orders-world-prefix-list.json', {
        remediationMode: 'enforce',
        revokeWorldIngress: true,
      });

      // Assess
      expect(result.writes.filter((w) => w.service === 'ec2')).toEqual([]);
      expect(result.alerts.map((a) => a.text).join('\n')).toContain('the broker is still exposed');
    });
  });

  it('ignore a failed call: no evaluations, no writes', async () => {
    // Act
    const result = await replay('negative-ec2-authorize-failed-call.json');

    // Assess
    expect(result.resolution).toBe('ignored: failed call');
    expect(result.evaluations).toEqual([]);
    expect(result.writes).toEqual([]);
  });
});
