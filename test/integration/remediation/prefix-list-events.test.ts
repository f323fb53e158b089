/**
 * A change to a managed prefix list's entries (ModifyManagedPrefixList, RestoreManagedPrefixListVersion)
 * on the event path: the groups of the account that reference the list, each evaluated as after a
 * change to its own rules, over the demo recorded account with a list added to three of its groups.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError, NotSettledError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import type { EventOutcome } from '../../../shared/use-cases/handle-api-call.ts';
import { runEventPath } from '../../support/event-path.ts';
import { demoAccount, sampleEvent } from '../../support/repository-files.ts';

const ACCOUNT = '123456789012';
const LIST = 'pl-0a1b2c3d4e5f60001';
const PAYMENTS_BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000002';
const REPORTING_BROKER = 'b-1a2b3c4d-0000-4000-8000-000000000008';
const PAYMENTS_GROUP = 'sg-0a1b2c3d4e5f60004';
const REPORTING_GROUP = 'sg-0a1b2c3d4e5f60007';
/** orders-app-clients: attached to an application instance, used by no broker. */
const CLIENTS_GROUP = 'sg-0a1b2c3d4e5f60003';
const LIST_RULES = ['sgr-0a1b2c3d4e5f600f1', 'sgr-0a1b2c3d4e5f600f2', 'sgr-0a1b2c3d4e5f600f3'];
const WORLD_CHECK = 'mq-broker-ingress-not-open-to-world';

const listRule = (ruleId: string, groupId: string, port: number) => ({
  SecurityGroupRuleId: ruleId,
  GroupId: groupId,
  GroupOwnerId: ACCOUNT,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: port,
  ToPort: port,
  PrefixListId: LIST,
  Description: 'partner gateways',
  Tags: [],
});

/**
 * The demo account with the list `partner-gateways` referenced by payments-prod's and reporting-prod's
 * groups (OpenWire) and by the clients' group (HTTPS). Without `associations` EC2's answer is the groups
 * whose rules name the list; with them, exactly those (route tables, other accounts' groups).
 */
const accountWithList = (
  entries: readonly { Cidr: string; Description?: string }[],
  options: {
    associations?: readonly object[];
    groups?: readonly string[];
    denied?: boolean;
    state?: string;
  } = {},
) => {
  const account = demoAccount() as Record<string, unknown> & {
    securityGroupRules: object[];
    denied?: Record<string, unknown>;
  };
  const groups = options.groups ?? [PAYMENTS_GROUP, REPORTING_GROUP, CLIENTS_GROUP];
  groups.forEach((groupId, index) => {
    account.securityGroupRules.push(
      listRule(LIST_RULES[index] as string, groupId, groupId === CLIENTS_GROUP ? 443 : 61617),
    );
  });
  account.prefixLists = [
    {
      PrefixListId: LIST,
      PrefixListName: 'partner-gateways',
      OwnerId: ACCOUNT,
      AddressFamily: 'IPv4',
      Version: 4,
      State: options.state ?? 'modify-complete',
      Entries: entries,
      ...(options.associations ? { Associations: options.associations } : {}),
    },
  ];
  if (options.denied) account.denied = { ...account.denied, prefixListAssociations: [LIST] };
  return account;
};

const WORLD_ENTRIES = [
  { Cidr: '198.51.100.0/24', Description: 'partner a' },
  { Cidr: '0.0.0.0/0', Description: 'temporary partner access' },
];
const PRIVATE_ENTRIES = [{ Cidr: '198.51.100.0/24', Description: 'partner a' }];

const ENFORCE_REVOKING: Settings = {
  ...DEFAULT_SETTINGS,
  remediationMode: 'enforce',
  revokeWorldIngress: true,
};

const modifyEvent = () => sampleEvent('ec2-modify-managed-prefix-list-world.json');
const restoreEvent = () => sampleEvent('ec2-restore-managed-prefix-list-version.json');

const run = (event: unknown, account: unknown, settings = ENFORCE_REVOKING) =>
  runEventPath(event, account, settings);

const worldFinding = (outcome: EventOutcome, brokerId: string) =>
  outcome.brokers
    .find((b) => b.brokerId === brokerId)
    ?.evaluation?.findings.find((f) => f.checkId === WORLD_CHECK);

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('a change to the entries of a managed prefix list', () => {
  it('evaluates every broker whose group references the list, with the new entries, and alerts on each', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES);

    // Act
    const { outcome, alerted } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers.map((b) => [b.brokerId, b.status]).sort()).toEqual([
      [PAYMENTS_BROKER, 'evaluated'],
      [REPORTING_BROKER, 'evaluated'],
    ]);
    for (const brokerId of [PAYMENTS_BROKER, REPORTING_BROKER]) {
      const finding = worldFinding(result, brokerId);
      expect(finding?.status, brokerId).toBe('FAIL');
      expect(JSON.stringify(finding?.evidence)).toContain(LIST);
      expect(JSON.stringify(finding?.evidence)).toContain('0.0.0.0/0');
    }
    expect(alerted.map((a) => a.evaluation.snapshot.broker.id).sort()).toEqual([
      PAYMENTS_BROKER,
      REPORTING_BROKER,
    ]);
    expect(alerted.every((a) => a.actor?.eventName === 'ModifyManagedPrefixList')).toBe(true);
  });

  it('reads the list with the interfaces of the groups that reference it, one round after the associations', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES);

    // Act
    const { outcome, rounds } = await run(modifyEvent(), account);
    await outcome;

    // Assess
    const roundOf = (operation: string) => rounds.calls().find((c) => c.operation === operation)?.round;
    expect(roundOf('GetManagedPrefixListAssociations')).toBe(1);
    expect(roundOf('DescribeNetworkInterfaces')).toBe(2);
    expect(roundOf('GetManagedPrefixListEntries')).toBe(2);
    expect(rounds.calls().filter((c) => c.operation === 'GetManagedPrefixListEntries')).toHaveLength(1);
  });

  it.each(['modify-in-progress', 'restore-in-progress'])(
    'fails the event, to be retried, while the list is %s: its entries may still be the old ones',
    async (state) => {
      // Prepare
      const account = accountWithList(WORLD_ENTRIES, { state });

      // Act
      const { outcome, writes, evaluationLoads } = await run(modifyEvent(), account);
      const error = await outcome.catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(NotSettledError);
      expect((error as Error).message).toBe(
        `Prefix list ${LIST} is ${state}: its entries are judged once the change is applied, when the event is retried`,
      );
      expect(writes()).toEqual([]);
      expect(evaluationLoads()).toBeLessThanOrEqual(1);
    },
  );

  it('judges a list whose change failed (modify-failed) on the entries it kept', async () => {
    // Prepare
    const account = accountWithList(PRIVATE_ENTRIES, { state: 'modify-failed' });

    // Act
    const { outcome } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(worldFinding(result, PAYMENTS_BROKER)?.status).toBe('PASS');
  });

  it('never revokes a rule for what its list holds, even with revokeWorldIngress on, and says the broker is still exposed', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES);

    // Act
    const { outcome, writes } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    const revoked = writes()
      .filter((w) => w.operation === 'RevokeSecurityGroupIngress')
      .flatMap((w) => (w.input as { SecurityGroupRuleIds?: string[] }).SecurityGroupRuleIds ?? []);
    expect(revoked.filter((id) => LIST_RULES.includes(id))).toEqual([]);
    const skipped = result.brokers.flatMap((b) => b.remediation?.actions ?? []);
    expect(skipped.some((a) => LIST_RULES.includes(a.ruleId ?? '') && a.status === 'skipped')).toBe(true);
  });

  it('finds the list back to a version of private entries (RestoreManagedPrefixListVersion): the brokers pass again', async () => {
    // Prepare
    const account = accountWithList(PRIVATE_ENTRIES);

    // Act
    const { outcome } = await run(restoreEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers.map((b) => b.brokerId).sort()).toEqual([PAYMENTS_BROKER, REPORTING_BROKER]);
    expect(worldFinding(result, PAYMENTS_BROKER)?.status).toBe('PASS');
    expect(worldFinding(result, REPORTING_BROKER)?.status).toBe('PASS');
  });

  it("leaves out route tables and other accounts' groups that reference a shared list", async () => {
    // Prepare: EC2 answers the account's payments group, a route table, and a group of the account the
    // list is shared with through AWS RAM.
    const account = accountWithList(WORLD_ENTRIES, {
      groups: [PAYMENTS_GROUP],
      associations: [
        { ResourceId: PAYMENTS_GROUP, ResourceOwner: ACCOUNT },
        { ResourceId: 'rtb-0a1b2c3d4e5f60001', ResourceOwner: ACCOUNT },
        { ResourceId: 'sg-0a1b2c3d4e5f6ff01', ResourceOwner: '444455556666' },
      ],
    });

    // Act
    const { outcome } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers.map((b) => b.brokerId)).toEqual([PAYMENTS_BROKER]);
    expect(result.resolution).toBe(
      `groups referencing prefix list ${LIST}: network interfaces of ${PAYMENTS_GROUP}`,
    );
  });

  it('costs no evaluation for a list only a group no broker uses references', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES, { groups: [CLIENTS_GROUP] });

    // Act
    const { outcome, rounds, writes, evaluationLoads } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers).toEqual([]);
    expect(evaluationLoads()).toBe(0);
    expect(writes()).toEqual([]);
    expect(rounds.calls().map((c) => c.operation)).not.toContain('DescribeBroker');
  });

  it('reads nothing more once EC2 says no group of the account references the list', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES, {
      groups: [],
      associations: [{ ResourceId: 'rtb-0a1b2c3d4e5f60001', ResourceOwner: ACCOUNT }],
    });

    // Act
    const { outcome, rounds } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers).toEqual([]);
    expect(result.resolution).toBe(`no security group of ${ACCOUNT} references prefix list ${LIST}`);
    expect(rounds.calls().map((c) => c.operation)).toEqual(['GetManagedPrefixListAssociations']);
  });

  it('fails the event when the associations cannot be read, never "nothing affected"', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES, { denied: true });

    // Act
    const { outcome, writes, evaluationLoads } = await run(modifyEvent(), account);
    const error = await outcome.catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'GetManagedPrefixListAssociations',
      awsErrorName: 'UnauthorizedOperation',
    });
    expect(evaluationLoads()).toBe(0);
    expect(writes()).toEqual([]);
  });

  it('fails the event on an associated resource that looks like a group but is not a group id', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES, {
      associations: [
        { ResourceId: PAYMENTS_GROUP, ResourceOwner: ACCOUNT },
        { ResourceId: 'sg-not-a-group', ResourceOwner: ACCOUNT },
      ],
    });

    // Act
    const { outcome, evaluationLoads } = await run(modifyEvent(), account);
    const error = await outcome.catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnexpectedShapeError);
    expect((error as Error).message).toBe(
      `GetManagedPrefixListAssociations ${LIST}: ResourceId "sg-not-a-group" is not a security group id`,
    );
    expect(evaluationLoads()).toBe(0);
  });

  it('ends quietly for a list that no longer exists (a referenced list cannot be deleted)', async () => {
    // Prepare
    const account = accountWithList(WORLD_ENTRIES);
    account.prefixLists = [];

    // Act
    const { outcome } = await run(modifyEvent(), account);
    const result = await outcome;

    // Assess
    expect(result.brokers).toEqual([]);
    expect(result.resolution).toBe(`prefix list ${LIST} no longer exists`);
  });

  it('reads nothing for a Modify that only renames the list', async () => {
    // Prepare
    const event = modifyEvent();
    (event.detail as { requestParameters: unknown }).requestParameters = {
      ModifyManagedPrefixListRequest: { PrefixListId: LIST, PrefixListName: 'partner-gateways-eu' },
    };

    // Act
    const { outcome, rounds } = await run(event, accountWithList(WORLD_ENTRIES));
    const result = await outcome;

    // Assess
    expect(result.brokers).toEqual([]);
    expect(rounds.calls()).toEqual([]);
  });
});
