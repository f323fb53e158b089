import { describe, expect, it, vi } from 'vitest';
import { toAwsCallError } from '../../../shared/aws/calls.ts';
import { AwsCallError } from '../../../shared/errors.ts';
import type { AccountReaders } from '../../../shared/ports.ts';
import type { RecordedAccount } from '../../../shared/recorded/recorded-account.ts';
import {
  buildSnapshot,
  createSnapshotCache,
  resolveGroupBrokers,
} from '../../../shared/use-cases/build-snapshot.ts';
import {
  aBrokerItem,
  anAccount,
  aRuleItem,
  BROKER_ID,
  base64,
  CONFIGURATION_ID,
  demoAccount,
  GROUP_ID,
  type Json,
  MAP_XML,
} from '../recorded/account-builder.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const OPTIONS = { account: '123456789012', region: 'us-east-1', now: NOW };

const ORDERS_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000001';
const INVENTORY_DEV = 'b-1a2b3c4d-0000-4000-8000-000000000003';
const SHIPPING_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000007';
const REPORTING_PROD = 'b-1a2b3c4d-0000-4000-8000-000000000008';
const EVENTS_PUBLIC = 'b-1a2b3c4d-0000-4000-8000-000000000009';
const NOTIFICATIONS_PROD = 'b-1a2b3c4d-0000-4000-8000-00000000000a';

const readersOf = (account: RecordedAccount): AccountReaders => ({
  brokers: account,
  network: account,
  keys: account,
});

const networkFailure = () =>
  new AwsCallError(
    'DescribeNetworkInterfaces',
    'UnauthorizedOperation',
    'not allowed to describe interfaces',
  );

describe('buildSnapshot', () => {
  it('reads an ActiveMQ broker with its parsed configuration, groups, rules and key', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot).toMatchObject({
      account: '123456789012',
      region: 'us-east-1',
      broker: { id: ORDERS_PROD, name: 'orders-prod', authenticationStrategy: 'LDAP' },
      configuration: {
        status: 'parsed',
        ref: { id: 'c-1a2b3c4d-0000-4000-8000-000000000001', revision: 2 },
        configuration: { authorizationPluginPresent: true, authorizationMap: { kind: 'simple' } },
      },
      kmsKey: { status: 'found', keyState: 'Enabled', keyManager: 'CUSTOMER' },
      capturedAt: '2026-11-24T12:00:00.000Z',
    });
    expect(snapshot?.pendingConfiguration).toBeUndefined();
    expect(snapshot?.securityGroups).toHaveLength(1);
    expect(snapshot?.securityGroups[0]).toMatchObject({
      groupId: 'sg-0a1b2c3d4e5f60001',
      groupName: 'orders-prod-mq',
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      tags: { team: 'orders' },
      otherUsers: [],
    });
    expect(snapshot?.securityGroups[0]?.ingressRules.map((r) => r.ruleId)).toEqual([
      'sgr-0a1b2c3d4e5f60010',
      'sgr-0a1b2c3d4e5f60011',
      'sgr-0a1b2c3d4e5f60003',
      'sgr-0a1b2c3d4e5f60004',
      'sgr-0a1b2c3d4e5f60005',
    ]);
  });

  it('reads each source once: one DescribeBroker, then one call per kind of read', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    await buildSnapshot(ORDERS_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(account.readCounts()).toEqual({
      DescribeBroker: 1,
      DescribeConfigurationRevision: 1,
      DescribeConfiguration: 1,
      DescribeSecurityGroupRules: 1,
      DescribeSecurityGroups: 1,
      DescribeNetworkInterfaces: 1,
      DescribeKey: 1,
      DescribeBrokerEngineTypes: 1,
    });
  });

  describe('the managed prefix lists the rules reference', () => {
    const LIST = 'pl-0ca5e0000000000c1';
    const OTHER_LIST = 'pl-0ca5e0000000000c2';
    const listRule = (ruleId: string, prefixListId: string): Json => {
      const { CidrIpv4: _cidr, ...rest } = aRuleItem({ SecurityGroupRuleId: ruleId }) as Record<string, Json>;
      return { ...rest, PrefixListId: prefixListId };
    };
    const PARTNERS = {
      PrefixListId: LIST,
      PrefixListName: 'partners',
      OwnerId: '123456789012',
      AddressFamily: 'IPv4',
      Version: 3,
      Entries: [{ Cidr: '198.51.100.0/24' }],
    };

    it('reads each list a rule references once, and puts it on the group', async () => {
      // Prepare
      const account = anAccount({
        securityGroupRules: [
          aRuleItem(),
          listRule('sgr-0000000000000c001', LIST),
          listRule('sgr-0000000000000c002', LIST),
        ],
        prefixLists: [PARTNERS],
      });

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.securityGroups[0]?.prefixLists).toEqual([
        {
          status: 'read',
          list: {
            prefixListId: LIST,
            name: 'partners',
            ownerId: '123456789012',
            addressFamily: 'IPv4',
            version: 3,
            entries: [{ cidr: '198.51.100.0/24' }],
          },
        },
      ]);
      expect(account.readCounts()).toMatchObject({
        DescribeManagedPrefixLists: 1,
        GetManagedPrefixListEntries: 1,
      });
    });

    it('reads no list, and adds nothing to the group, when no rule references one', async () => {
      // Prepare
      const account = anAccount({ prefixLists: [PARTNERS] });

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.securityGroups[0]?.prefixLists).toBeUndefined();
      expect(account.readCounts().GetManagedPrefixListEntries).toBeUndefined();
      expect(account.readCounts().DescribeManagedPrefixLists).toBeUndefined();
    });

    it('keeps a list that could not be read as unread with why: denied, or not found', async () => {
      // Prepare
      const account = anAccount({
        securityGroupRules: [
          listRule('sgr-0000000000000c001', LIST),
          listRule('sgr-0000000000000c002', OTHER_LIST),
        ],
        prefixLists: [PARTNERS],
        denied: { prefixLists: [LIST] },
      });

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.securityGroups[0]?.prefixLists).toEqual([
        {
          status: 'unread',
          prefixListId: LIST,
          reason:
            'GetManagedPrefixListEntries failed: UnauthorizedOperation: You are not authorized to perform this operation.',
        },
        { status: 'unread', prefixListId: OTHER_LIST, reason: `EC2 does not find prefix list ${OTHER_LIST}` },
      ]);
      // A list is not the group: nothing about the group itself is unread.
      expect(snapshot?.securityGroups[0]?.unread).toEqual([]);
    });

    it('reads a list once for the brokers of a sweep that share it', async () => {
      // Prepare
      const second = 'b-0000000000-0000-4000-8000-0000000000b2';
      const account = anAccount({
        brokers: [aBrokerItem(), aBrokerItem({ BrokerId: second, BrokerName: 'second' })],
        securityGroupRules: [listRule('sgr-0000000000000c001', LIST)],
        prefixLists: [PARTNERS],
      });
      const cache = createSnapshotCache();

      // Act
      await buildSnapshot(BROKER_ID, readersOf(account), { ...OPTIONS, cache });
      await buildSnapshot(second, readersOf(account), { ...OPTIONS, cache });

      // Assess
      expect(account.readCounts().GetManagedPrefixListEntries).toBe(1);
    });
  });

  describe('the configuration’s name and descriptions', () => {
    /** The builder's account: its configuration at `revisions`, the broker on `current`. */
    const withConfiguration = (
      revisions: Json[],
      current = 1,
      description?: string,
      tags?: Record<string, string>,
    ) =>
      anAccount({
        brokers: [aBrokerItem({ Configurations: { Current: { Id: CONFIGURATION_ID, Revision: current } } })],
        configurations: [
          {
            Id: CONFIGURATION_ID,
            Name: 'orders',
            EngineType: 'ACTIVEMQ',
            ...(description === undefined ? {} : { Description: description }),
            ...(tags === undefined ? {} : { Tags: tags }),
            Revisions: revisions,
          },
        ],
      });
    const revision = (number: number, description?: string): Json => ({
      Revision: number,
      Data: base64(MAP_XML),
      ...(description === undefined ? {} : { Description: description }),
    });

    it('carries the name, the description, the latest revision’s and the tags, with one more call', async () => {
      // Prepare
      const account = withConfiguration([revision(1, 'Authorization map')], 1, 'Orders settings', {
        team: 'orders',
      });

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.configurationText).toEqual({
        ref: { id: CONFIGURATION_ID, revision: 1 },
        fields: [
          { path: 'configuration.Name', value: 'orders' },
          { path: 'configuration.Description', value: 'Orders settings' },
          { path: 'configuration.LatestRevision.Description', value: 'Authorization map' },
        ],
        unread: [],
        tags: { team: 'orders' },
      });
      expect(account.readCounts()).toMatchObject({
        DescribeConfiguration: 1,
        DescribeConfigurationRevision: 1,
      });
    });

    it('adds the current revision’s description when the broker runs an older revision', async () => {
      // Prepare
      const account = withConfiguration([revision(1, 'First map'), revision(2, 'Second map')], 1);

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess: the ActiveMQ revision read answers both
      expect(snapshot?.configurationText?.fields).toEqual([
        { path: 'configuration.Name', value: 'orders' },
        { path: 'configuration.LatestRevision.Description', value: 'Second map' },
        { path: 'configurationRevision.Description', value: 'First map' },
      ]);
      expect(account.readCounts().DescribeConfigurationRevision).toBe(1);
    });

    it('reads the current revision of a RabbitMQ broker only when it is not the latest', async () => {
      // Prepare
      const account = demoAccount();
      const readers = readersOf(account);

      // Act
      const snapshot = await buildSnapshot(NOTIFICATIONS_PROD, readers, OPTIONS);

      // Assess
      expect(snapshot?.configurationText).toEqual({
        ref: { id: 'c-1a2b3c4d-0000-4000-8000-00000000000a', revision: 1 },
        fields: [{ path: 'configuration.Name', value: 'notifications-prod-config' }],
        unread: [],
        tags: {},
      });
      expect(account.readCounts().DescribeConfigurationRevision).toBeUndefined();
    });

    it('names every field not read, with why, when DescribeConfiguration fails', async () => {
      // Prepare
      const account = withConfiguration([revision(1, 'Authorization map')]);
      vi.spyOn(account, 'describeConfiguration').mockRejectedValue(
        new AwsCallError('DescribeConfiguration', 'AccessDeniedException', 'not allowed'),
      );

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess: the other checks still have their snapshot; the revision's text is still read
      expect(snapshot?.configuration.status).toBe('parsed');
      expect(snapshot?.configurationText?.fields).toEqual([
        { path: 'configurationRevision.Description', value: 'Authorization map' },
      ]);
      expect(snapshot?.configurationText?.unread.map((u) => u.path)).toEqual([
        'configuration.Name',
        'configuration.Description',
        'configuration.LatestRevision.Description',
        'configuration.Tags',
      ]);
      expect(snapshot?.configurationText?.unread[0]?.reason).toBe(
        'DescribeConfiguration failed: not allowed',
      );
      expect(snapshot?.configurationText?.tags).toBeUndefined();
    });

    it('never reads a configuration Amazon MQ does not find as one without text', async () => {
      // Prepare
      const account = withConfiguration([revision(1)]);
      vi.spyOn(account, 'describeConfiguration').mockResolvedValue(null);

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.configurationText?.unread).toContainEqual({
        path: 'configuration.Name',
        reason: `DescribeConfiguration does not find ${CONFIGURATION_ID}`,
      });
    });

    it('has nothing to read for a broker that names no configuration', async () => {
      // Prepare
      const account = anAccount({ brokers: [aBrokerItem({ Configurations: {} })] });

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.configurationText).toEqual({ fields: [], unread: [] });
      expect(account.readCounts().DescribeConfiguration).toBeUndefined();
    });

    it('reads nothing of it when asked not to', async () => {
      // Prepare
      const account = demoAccount();

      // Act
      const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), {
        ...OPTIONS,
        readConfigurationText: false,
      });

      // Assess
      expect(snapshot?.configurationText).toBeUndefined();
      expect(account.readCounts().DescribeConfiguration).toBeUndefined();
    });

    it('reads a configuration once for all the brokers of a sweep that share it', async () => {
      // Prepare
      const account = demoAccount();
      const cache = createSnapshotCache();

      // Act
      await buildSnapshot(SHIPPING_PROD, readersOf(account), { ...OPTIONS, cache });
      await buildSnapshot(REPORTING_PROD, readersOf(account), { ...OPTIONS, cache });

      // Assess
      expect(account.readCounts().DescribeConfiguration).toBe(1);
    });
  });

  it('carries the versions Amazon MQ offers for the broker’s engine, matched whatever its case', async () => {
    // Prepare: DescribeBroker spells the engine ActiveMQ, DescribeBrokerEngineTypes ACTIVEMQ
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.engineOffer).toEqual({ status: 'read', versions: ['5.19', '5.18'] });
  });

  it('reads the offered versions once per reader, however many snapshots', async () => {
    // Prepare
    const account = demoAccount();
    const readers = readersOf(account);

    // Act
    await buildSnapshot(ORDERS_PROD, readers, OPTIONS);
    await buildSnapshot(EVENTS_PUBLIC, readers, OPTIONS);

    // Assess
    expect(account.readCounts().DescribeBrokerEngineTypes).toBe(1);
  });

  it('keeps the snapshot when DescribeBrokerEngineTypes fails: the offer is a fact not read', async () => {
    // Prepare
    const account = demoAccount();
    vi.spyOn(account, 'describeBrokerEngineTypes').mockRejectedValueOnce(new Error('AccessDeniedException'));

    // Act
    const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.broker.id).toBe(ORDERS_PROD);
    expect(snapshot?.engineOffer).toEqual({
      status: 'unread',
      reason: 'DescribeBrokerEngineTypes failed: AccessDeniedException',
    });
  });

  it('does not ask Amazon MQ for its versions when no check of the evaluation needs them', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), {
      ...OPTIONS,
      readEngineOffer: false,
    });

    // Assess
    expect(snapshot?.engineOffer).toBeUndefined();
    expect(account.readCounts().DescribeBrokerEngineTypes).toBeUndefined();
  });

  it('starts every read after DescribeBroker at once, before any of them answers', async () => {
    // Prepare
    const account = demoAccount();
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held =
      <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        started.push(name);
        await gate;
        return call(...args);
      };
    const readers: AccountReaders = {
      brokers: {
        describeBroker: (id) => account.describeBroker(id),
        listBrokers: () => account.listBrokers(),
        describeConfigurationRevision: held('revision', (ref) => account.describeConfigurationRevision(ref)),
        describeConfiguration: (id) => account.describeConfiguration(id),
        describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
      },
      network: {
        describeIngressRules: held('rules', (ids) => account.describeIngressRules(ids)),
        describeRulesById: (ids) => account.describeRulesById(ids),
        describeSecurityGroups: held('groups', (ids) => account.describeSecurityGroups(ids)),
        findSecurityGroupIdsByName: (name) => account.findSecurityGroupIdsByName(name),
        describeNetworkInterfaces: held('interfaces', (ids) => account.describeNetworkInterfaces(ids)),
        readPrefixList: (id) => account.readPrefixList(id),
        prefixListAssociations: (id) => account.prefixListAssociations(id),
      },
      keys: { describeKey: held('key', (id) => account.describeKey(id)) },
    };

    // Act
    const pending = buildSnapshot(ORDERS_PROD, readers, OPTIONS);
    await vi.waitFor(() => expect(started).toHaveLength(5));
    release();
    const snapshot = await pending;

    // Assess
    expect([...started].sort()).toEqual(['groups', 'interfaces', 'key', 'revision', 'rules']);
    expect(snapshot?.broker.id).toBe(ORDERS_PROD);
  });

  it('answers null, after one read, for a broker that does not exist', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(
      'b-1a2b3c4d-0000-4000-8000-000000000004',
      readersOf(account),
      OPTIONS,
    );

    // Assess
    expect(snapshot).toBeNull();
    expect(account.readCounts()).toEqual({ DescribeBroker: 1 });
  });

  it('lists the interfaces of other users of a shared group, never the broker itself', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(SHIPPING_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.securityGroups[0]?.otherUsers).toEqual([
      expect.objectContaining({
        networkInterfaceId: 'eni-0a1b2c3d4e5f60101',
        instanceId: 'i-0a1b2c3d4e5f60001',
      }),
    ]);
  });

  it('sets otherUsers to null for every group when the interfaces cannot be read', async () => {
    // Prepare
    const account = anAccount({
      brokers: [aBrokerItem({ SecurityGroups: [GROUP_ID, 'sg-0fedcba9876543210'] })],
      securityGroups: [{ GroupId: GROUP_ID }, { GroupId: 'sg-0fedcba9876543210' }],
    });
    vi.spyOn(account, 'describeNetworkInterfaces').mockRejectedValue(networkFailure());

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.securityGroups.map((g) => g.otherUsers)).toEqual([null, null]);
    expect(snapshot?.securityGroups[0]?.ingressRules).toHaveLength(2);
  });

  it.each([
    [
      'ingress rules',
      'describeIngressRules',
      'rules',
      `the ingress rules of ${GROUP_ID} (DescribeSecurityGroupRules failed: Rate exceeded)`,
    ],
    [
      'security groups',
      'describeSecurityGroups',
      'group',
      `the group ${GROUP_ID} itself (DescribeSecurityGroups failed: Rate exceeded), so its tags are unknown`,
    ],
  ] as const)(
    'records %s that cannot be read as a fact not read, naming the failure',
    async (_case, method, fact, reason) => {
      // Prepare
      const account = anAccount();
      vi.spyOn(account, method).mockRejectedValue(
        new AwsCallError(method, 'ThrottlingException', 'Rate exceeded'),
      );

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.securityGroups.map((g) => g.unread)).toEqual([[{ fact, reason }]]);
    },
  );

  it.each([
    [
      'describeNetworkInterfaces',
      'DescribeNetworkInterfaces',
      'interfaces',
      `the network interfaces of ${GROUP_ID}`,
    ],
    ['describeIngressRules', 'DescribeSecurityGroupRules', 'rules', `the ingress rules of ${GROUP_ID}`],
  ] as const)(
    'names the failed operation once when %s fails with the adapter error',
    async (method, operation, fact, what) => {
      // Prepare
      const account = anAccount();
      const throttled = Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
      vi.spyOn(account, method).mockRejectedValue(toAwsCallError(operation, throttled));

      // Act
      const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

      // Assess
      expect(snapshot?.securityGroups[0]?.unread).toEqual([
        { fact, reason: `${what} (${operation} failed: Throttling: Rate exceeded (HTTP 400))` },
      ]);
    },
  );

  it.each([
    ['the configuration revision', 'describeConfigurationRevision'],
    ['the KMS key', 'describeKey'],
  ] as const)('fails when %s cannot be read', async (_case, method) => {
    // Prepare
    const account = anAccount();
    const failure = new AwsCallError(method, 'ThrottlingException', 'Rate exceeded');
    vi.spyOn(account, method).mockRejectedValue(failure);

    // Act
    const result = buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    await expect(result).rejects.toBe(failure);
  });

  it('marks a RabbitMQ configuration absent without reading its revision, and reads no key for an AWS owned one', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(NOTIFICATIONS_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.configuration).toEqual({
      status: 'absent',
      reason: 'RabbitMQ configurations are not evaluated',
    });
    expect(snapshot?.kmsKey).toBeUndefined();
    expect(snapshot?.securityGroups.map((g) => g.groupId)).toEqual(['sg-0a1b2c3d4e5f60008']);
    expect(account.readCounts().DescribeConfigurationRevision).toBeUndefined();
    expect(account.readCounts().DescribeKey).toBeUndefined();
  });

  it('reads no network at all for a public RabbitMQ broker without security groups', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(EVENTS_PUBLIC, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.securityGroups).toEqual([]);
    expect(account.readCounts()).toEqual({
      DescribeBroker: 1,
      DescribeBrokerEngineTypes: 1,
      DescribeConfiguration: 1,
    });
  });

  it.each([
    ['is not base64', '<broker/>'],
    ['is not XML', base64('this is not a configuration')],
    [
      'declares a DOCTYPE',
      base64('<!DOCTYPE broker [<!ENTITY x "y">]><broker xmlns="http://activemq.apache.org/schema/core"/>'),
    ],
  ])('reports a revision that %s as an error state, not as a failure', async (_case, data) => {
    // Prepare
    const account = anAccount({
      configurations: [
        {
          Id: CONFIGURATION_ID,
          Name: 'orders',
          EngineType: 'ACTIVEMQ',
          Revisions: [{ Revision: 1, Data: base64(MAP_XML) }],
        },
      ],
    });
    vi.spyOn(account, 'describeConfigurationRevision').mockResolvedValue({ data });

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.configuration).toMatchObject({
      status: 'error',
      ref: { id: CONFIGURATION_ID, revision: 1 },
      code: 'CONFIGURATION_PARSE',
    });
  });

  it('reports a revision that does not exist as an error state', async () => {
    // Prepare
    const account = anAccount({
      brokers: [aBrokerItem({ Configurations: { Current: { Id: CONFIGURATION_ID, Revision: 7 } } })],
    });

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.configuration).toEqual({
      status: 'error',
      ref: { id: CONFIGURATION_ID, revision: 7 },
      code: 'CONFIGURATION_REVISION_NOT_FOUND',
      message: `Configuration ${CONFIGURATION_ID} revision 7 was not found`,
    });
  });

  it('reads the pending revision too when it differs from the current one', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(INVENTORY_DEV, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.configuration).toMatchObject({
      status: 'parsed',
      ref: { revision: 1 },
      configuration: { authorizationPluginPresent: false, authorizationMap: null },
    });
    expect(snapshot?.pendingConfiguration).toMatchObject({
      status: 'parsed',
      ref: { revision: 2 },
      configuration: { authorizationPluginPresent: true },
    });
    expect(account.readCounts().DescribeConfigurationRevision).toBe(2);
  });

  it('reads a pending revision equal to the current one once, and reports no pending configuration', async () => {
    // Prepare
    const ref = { Id: CONFIGURATION_ID, Revision: 1 };
    const account = anAccount({ brokers: [aBrokerItem({ Configurations: { Current: ref, Pending: ref } })] });

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.pendingConfiguration).toBeUndefined();
    expect(account.readCounts().DescribeConfigurationRevision).toBe(1);
  });

  it('reports a broker still being created, with only a pending revision, as having no current configuration', async () => {
    // Prepare
    const account = anAccount({
      brokers: [
        aBrokerItem({
          BrokerState: 'CREATION_IN_PROGRESS',
          Configurations: { Pending: { Id: CONFIGURATION_ID, Revision: 1 } },
        }),
      ],
    });

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.configuration).toEqual({
      status: 'absent',
      reason: 'The broker has no configuration revision yet',
    });
    expect(snapshot?.pendingConfiguration).toMatchObject({ status: 'parsed' });
  });

  it('keeps a key that cannot be read as unreadable', async () => {
    // Prepare
    const account = demoAccount();

    // Act
    const snapshot = await buildSnapshot(SHIPPING_PROD, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.kmsKey).toMatchObject({
      status: 'unreadable',
      reason: expect.stringMatching(/^AccessDeniedException/),
    });
  });

  it('keeps a group DescribeSecurityGroups did not return, marked as not read (its tags are unknown)', async () => {
    // Prepare
    const account = anAccount({ brokers: [aBrokerItem({ SecurityGroups: ['sg-0000000000000dead'] })] });

    // Act
    const snapshot = await buildSnapshot(BROKER_ID, readersOf(account), OPTIONS);

    // Assess
    expect(snapshot?.securityGroups).toEqual([
      {
        groupId: 'sg-0000000000000dead',
        tags: {},
        ingressRules: [],
        otherUsers: [],
        otherBrokers: null,
        unread: [
          {
            fact: 'group',
            reason:
              'the group sg-0000000000000dead itself (DescribeSecurityGroups did not return it), so its tags are unknown',
          },
        ],
      },
    ]);
  });
});

describe('resolveGroupBrokers', () => {
  /** The demo account whose listing also names a broker DescribeBroker does not find, in `state`. */
  const withUnfound = (state: string): AccountReaders => {
    const account = demoAccount();
    const readers = readersOf(account);
    return {
      ...readers,
      brokers: {
        describeBroker: (id) => account.describeBroker(id),
        describeConfigurationRevision: (ref) => account.describeConfigurationRevision(ref),
        describeConfiguration: (id) => account.describeConfiguration(id),
        describeBrokerEngineTypes: () => account.describeBrokerEngineTypes(),
        listBrokers: async () => [
          ...(await account.listBrokers()),
          {
            id: 'b-1a2b3c4d-0000-4000-8000-0000000000ff',
            arn: 'arn:aws:mq:us-east-1:123456789012:broker:new-mq:b-1a2b3c4d-0000-4000-8000-0000000000ff',
            name: 'new-mq',
            engineType: 'ACTIVEMQ',
            state,
            deploymentMode: 'SINGLE_INSTANCE',
          },
        ],
      },
    };
  };

  it.each([
    ['being created', 'CREATION_IN_PROGRESS', true],
    ['running (one answer lags the other)', 'RUNNING', true],
    ['rebooting', 'REBOOT_IN_PROGRESS', true],
    ['in a state mq-guardian does not know', 'SOMETHING_NEW', true],
    ['being deleted (gone since the listing)', 'DELETION_IN_PROGRESS', false],
  ])(
    'with a listed broker DescribeBroker does not find, %s, reads which brokers use the group: %s',
    async (_, state, unread) => {
      // Prepare
      const readers = withUnfound(state);
      const snapshot = await buildSnapshot(ORDERS_PROD, readers, OPTIONS);

      // Act
      const resolved = await resolveGroupBrokers(snapshot!, readers);

      // Assess
      const group = resolved.securityGroups[0];
      expect(group?.unread.some((u) => u.fact === 'brokers')).toBe(unread);
      expect(group?.otherBrokers === null).toBe(unread);
      if (unread)
        expect(group?.unread.map((u) => u.reason).join()).toContain(
          `ListBrokers lists b-1a2b3c4d-0000-4000-8000-0000000000ff (${state}) but DescribeBroker does not find it, so which groups it uses is unknown`,
        );
    },
  );
});

describe('createSnapshotCache', () => {
  it('reads a configuration revision shared by two brokers once', async () => {
    // Prepare
    const account = demoAccount();
    const cache = createSnapshotCache();

    // Act
    const [shipping, reporting] = await Promise.all([
      buildSnapshot(SHIPPING_PROD, readersOf(account), { ...OPTIONS, cache }),
      buildSnapshot(REPORTING_PROD, readersOf(account), { ...OPTIONS, cache }),
    ]);

    // Assess
    expect(shipping?.configuration).toEqual(reporting?.configuration);
    expect(account.readCounts().DescribeConfigurationRevision).toBe(1);
  });

  it('reads a group shared by two brokers once per kind of read, and only the groups not read yet', async () => {
    // Prepare
    const second = 'b-1a2b3c4d-0000-4000-8000-0000000000b2';
    const account = anAccount({
      brokers: [
        aBrokerItem(),
        aBrokerItem({
          BrokerId: second,
          BrokerName: 'second',
          SecurityGroups: [GROUP_ID, 'sg-0fedcba9876543210'],
        }),
      ],
      securityGroups: [{ GroupId: GROUP_ID }, { GroupId: 'sg-0fedcba9876543210' }],
    });
    const rules = vi.spyOn(account, 'describeIngressRules');
    const cache = createSnapshotCache();

    // Act
    const first = await buildSnapshot(BROKER_ID, readersOf(account), { ...OPTIONS, cache });
    const other = await buildSnapshot(second, readersOf(account), { ...OPTIONS, cache });

    // Assess
    expect(rules.mock.calls).toEqual([[[GROUP_ID]], [['sg-0fedcba9876543210']]]);
    expect(account.readCounts()).toMatchObject({
      DescribeSecurityGroups: 2,
      DescribeNetworkInterfaces: 2,
      DescribeKey: 1,
    });
    expect(other?.securityGroups[0]?.ingressRules).toEqual(first?.securityGroups[0]?.ingressRules);
  });

  it('forgets a failed read, so the next broker reads again', async () => {
    // Prepare
    const account = demoAccount();
    const cache = createSnapshotCache();
    vi.spyOn(account, 'describeConfigurationRevision').mockRejectedValueOnce(
      new AwsCallError('DescribeConfigurationRevision', 'TooManyRequestsException', 'Rate exceeded'),
    );
    const first = buildSnapshot(SHIPPING_PROD, readersOf(account), { ...OPTIONS, cache });
    await expect(first).rejects.toBeInstanceOf(AwsCallError);

    // Act
    const second = await buildSnapshot(REPORTING_PROD, readersOf(account), { ...OPTIONS, cache });

    // Assess
    expect(second?.configuration.status).toBe('parsed');
  });

  it('still reports otherUsers as null for every broker of a sweep when the interfaces cannot be read', async () => {
    // Prepare
    const account = demoAccount();
    const cache = createSnapshotCache();
    vi.spyOn(account, 'describeNetworkInterfaces').mockRejectedValue(networkFailure());

    // Act
    const snapshots = await Promise.all(
      [ORDERS_PROD, SHIPPING_PROD].map((id) => buildSnapshot(id, readersOf(account), { ...OPTIONS, cache })),
    );

    // Assess
    expect(snapshots.map((s) => s?.securityGroups[0]?.otherUsers)).toEqual([null, null]);
  });

  it('makes no EC2 read when told no check of the evaluation reads security groups', async () => {
    // Prepare
    const account = demoAccount();
    const reads = [
      vi.spyOn(account, 'describeIngressRules'),
      vi.spyOn(account, 'describeSecurityGroups'),
      vi.spyOn(account, 'describeNetworkInterfaces'),
    ];

    // Act
    const snapshot = await buildSnapshot(ORDERS_PROD, readersOf(account), {
      ...OPTIONS,
      readSecurityGroups: false,
    });

    // Assess
    expect(reads.map((read) => read.mock.calls.length)).toEqual([0, 0, 0]);
    expect(snapshot?.securityGroups).toEqual([]);
    expect(snapshot?.kmsKey).toMatchObject({ status: 'found' });
  });
});
