/**
 * World exposure through managed prefix lists. A security group rule that references a prefix list
 * admits every CIDR block of the list on the rule's ports, as a rule per entry would (Amazon VPC User
 * Guide, "Managed prefix lists"); so the list's entries join the union of the broker's rule ranges.
 * Lists are customer-managed (owner: an account id, possibly shared through AWS RAM) or AWS-managed
 * (`com.amazonaws.…`, owner `AWS`), and hold IPv4 or IPv6 blocks, never both. A list whose entries
 * could not be read is never taken as admitting nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../../../../shared/checks/mq-broker-ingress-not-open-to-world.ts';
import type { Finding } from '../../../../shared/model/finding.ts';
import type { IngressRule, PrefixListState } from '../../../../shared/model/types.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/policy/settings.ts';
import {
  aBroker,
  anIngressRule,
  aSecurityGroup,
  aSnapshot,
  cidrIpv4,
  cidrIpv6,
  prefixList,
} from '../../../support/snapshot-builder.ts';

const GROUP = 'sg-0ca5e000000000a01';
const OTHER_GROUP = 'sg-0ca5e000000000a02';
const PARTNERS = 'pl-0ca5e0000000000c1';
const ALLOW = 'mq-guardian:allow';

const read = (prefixListId: string, cidrs: readonly string[], extra: object = {}): PrefixListState => ({
  status: 'read',
  list: {
    prefixListId,
    name: 'partners',
    ownerId: '123456789012',
    addressFamily: cidrs.some((c) => c.includes(':')) ? 'IPv6' : 'IPv4',
    version: 3,
    entries: cidrs.map((cidr) => ({ cidr })),
    ...extra,
  },
});

let next = 0;
const ruleFrom = (source: string, overrides: Partial<IngressRule> = {}): IngressRule =>
  anIngressRule({
    ruleId: `sgr-0ca5e${(++next).toString(16).padStart(12, '0')}`,
    groupId: GROUP,
    protocol: 'tcp',
    fromPort: 61617,
    toPort: 61617,
    source: source.startsWith('pl-')
      ? prefixList(source)
      : source.includes(':')
        ? cidrIpv6(source)
        : cidrIpv4(source),
    ...overrides,
  });

const evaluate = (
  groups: readonly { rules: readonly IngressRule[]; lists?: readonly PrefixListState[]; groupId?: string }[],
): Finding =>
  check.evaluate(
    aSnapshot({
      broker: aBroker({
        tags: { 'mq-guardian:protocols': 'openwire' },
        securityGroupIds: groups.map((g, i) => g.groupId ?? (i === 0 ? GROUP : OTHER_GROUP)),
      }),
      securityGroups: groups.map((g, i) => {
        const groupId = g.groupId ?? (i === 0 ? GROUP : OTHER_GROUP);
        return aSecurityGroup({
          groupId,
          ingressRules: g.rules.map((r) => ({ ...r, groupId })),
          ...(g.lists ? { prefixLists: g.lists } : {}),
        });
      }),
    }),
    { settings: DEFAULT_SETTINGS, now: new Date('2026-12-06T03:00:00Z') },
  );

const offending = (finding: Finding) =>
  finding.evidence?.kind === 'ingress' ? finding.evidence.offendingRules : [];

describe('world exposure through a managed prefix list', () => {
  it('fails on a customer-managed list that holds 0.0.0.0/0, naming the list and the entry in the evidence', () => {
    // Prepare
    const rule = ruleFrom(PARTNERS);

    // Act
    const finding = evaluate([{ rules: [rule], lists: [read(PARTNERS, ['198.51.100.0/24', '0.0.0.0/0'])] }]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offending(finding)).toEqual([
      expect.objectContaining({
        ruleId: rule.ruleId,
        prefixList: {
          prefixListId: PARTNERS,
          name: 'partners',
          ownerId: '123456789012',
          version: 3,
          entries: ['0.0.0.0/0'],
        },
        reason: `It admits prefix list ${PARTNERS} (partners), whose entry 0.0.0.0/0 is every IPv4 address.`,
      }),
    ]);
    expect(finding.message).toContain(`from prefix list ${PARTNERS}`);
  });

  it('passes on a list of private ranges', () => {
    // Act
    const finding = evaluate([
      {
        rules: [ruleFrom(PARTNERS)],
        lists: [read(PARTNERS, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'])],
      },
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('passes on an empty list: it admits nothing', () => {
    // Act
    const finding = evaluate([{ rules: [ruleFrom(PARTNERS)], lists: [read(PARTNERS, [])] }]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('fails when the entries of one list together cover the public internet', () => {
    // Act
    const finding = evaluate([
      { rules: [ruleFrom(PARTNERS)], lists: [read(PARTNERS, ['128.0.0.0/1', '10.0.0.0/8', '0.0.0.0/1'])] },
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offending(finding)[0]?.prefixList?.entries).toEqual(['128.0.0.0/1', '0.0.0.0/1']);
    expect(offending(finding)[0]?.reason).toContain(
      'whose entries 128.0.0.0/1, 0.0.0.0/1 cover at least 99%',
    );
  });

  it('fails on a list entry and a CIDR rule that together cover the internet on the same port, naming both', () => {
    // Prepare
    const fromList = ruleFrom(PARTNERS);
    const half = ruleFrom('128.0.0.0/1');

    // Act
    const finding = evaluate([{ rules: [fromList, half], lists: [read(PARTNERS, ['0.0.0.0/1'])] }]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offending(finding).map((r) => r.ruleId)).toEqual([fromList.ruleId, half.ruleId]);
    expect(offending(finding)[0]?.reason).toBe(
      `It admits prefix list ${PARTNERS} (partners) (entry 0.0.0.0/1); together with ${half.ruleId} (128.0.0.0/1) that is at least 99% of the public IPv4 internet on the same ports.`,
    );
  });

  it('passes when the list and the CIDR rule cover the halves on different ports', () => {
    // Act
    const finding = evaluate([
      {
        rules: [ruleFrom(PARTNERS), ruleFrom('128.0.0.0/1', { fromPort: 8162, toPort: 8162 })],
        lists: [read(PARTNERS, ['0.0.0.0/1'])],
      },
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('joins lists across the broker\u2019s groups: a list in one group and a half in another', () => {
    // Act
    const finding = evaluate([
      { rules: [ruleFrom(PARTNERS)], lists: [read(PARTNERS, ['0.0.0.0/1'])] },
      { rules: [ruleFrom('128.0.0.0/1')] },
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offending(finding)).toHaveLength(2);
  });

  it('keeps an exempted rule exempt whatever its list holds, and passes', () => {
    // Prepare
    const rule = ruleFrom(PARTNERS, { tags: { [ALLOW]: 'partner gateways, reviewed' } });

    // Act
    const finding = evaluate([{ rules: [rule], lists: [read(PARTNERS, ['0.0.0.0/0'])] }]);

    // Assess
    expect(finding.status).toBe('PASS');
    expect(finding.evidence?.kind === 'ingress' ? finding.evidence.exemptedRules : []).toEqual([
      { ruleId: rule.ruleId, groupId: GROUP, reason: 'partner gateways, reviewed' },
    ]);
  });

  it('keeps an exempted rule exempt even when its list could not be read', () => {
    // Act
    const finding = evaluate([
      {
        rules: [ruleFrom(PARTNERS, { tags: { [ALLOW]: 'reviewed' } })],
        lists: [{ status: 'unread', prefixListId: PARTNERS, reason: 'GetManagedPrefixListEntries failed' }],
      },
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it.each([
    [
      'denied',
      'GetManagedPrefixListEntries failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    ],
    ['not found', `EC2 does not find prefix list ${PARTNERS}`],
    [
      'too large',
      `GetManagedPrefixListEntries returned more than 1000 entries for ${PARTNERS}, more than a list a security group rule references can hold; refusing to continue`,
    ],
  ])(
    'reports ERROR, never PASS, for a list that could not be read (%s), naming it and why',
    (_case, reason) => {
      // Act
      const finding = evaluate([
        {
          rules: [ruleFrom('10.0.0.0/8'), ruleFrom(PARTNERS)],
          lists: [{ status: 'unread', prefixListId: PARTNERS, reason }],
        },
      ]);

      // Assess
      expect(finding.status).toBe('ERROR');
      expect(finding.message).toContain(`prefix list ${PARTNERS} (1 rule) could not be read: ${reason};`);
    },
  );

  it('fails, rather than errs, when another rule admits the world whatever the unread list holds', () => {
    // Act
    const finding = evaluate([
      {
        rules: [ruleFrom('0.0.0.0/0'), ruleFrom(PARTNERS)],
        lists: [{ status: 'unread', prefixListId: PARTNERS, reason: 'denied' }],
      },
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
  });

  it('reports ERROR for a list entry that is not a CIDR block', () => {
    // Act
    const finding = evaluate([{ rules: [ruleFrom(PARTNERS)], lists: [read(PARTNERS, ['198.51.100.0/33'])] }]);

    // Assess
    expect(finding.status).toBe('ERROR');
    expect(finding.message).toContain('198.51.100.0/33');
  });

  it('names an AWS-managed list by its com.amazonaws name', () => {
    // Act
    const finding = evaluate([
      {
        rules: [ruleFrom(PARTNERS)],
        lists: [read(PARTNERS, ['0.0.0.0/0'], { name: 'com.amazonaws.us-east-1.example', ownerId: 'AWS' })],
      },
    ]);

    // Assess
    expect(offending(finding)[0]?.reason).toContain(
      `prefix list ${PARTNERS} (com.amazonaws.us-east-1.example, AWS-managed)`,
    );
  });
});

describe('world exposure through an IPv6 prefix list', () => {
  const V6_LIST = 'pl-0ca5e0000000000d6';

  it.each<[string, readonly string[], Finding['status']]>([
    ['the two IPv6 halves', ['8000::/1', '::/1'], 'FAIL'],
    ['global unicast 2000::/3', ['2000::/3'], 'FAIL'],
    ['::/0', ['::/0'], 'FAIL'],
    ['unique local and link-local ranges only', ['fc00::/7', 'fe80::/10'], 'PASS'],
    ['documentation and one provider range', ['2001:db8::/32', '2600:1f18::/32'], 'PASS'],
  ])('%s: %s', (_name, entries, status) => {
    // Act
    const finding = evaluate([{ rules: [ruleFrom(V6_LIST)], lists: [read(V6_LIST, entries)] }]);

    // Assess
    expect(finding.status).toBe(status);
  });

  it('never joins an IPv6 list with IPv4 rules: one half of each family admits neither world', () => {
    // Act
    const finding = evaluate([
      { rules: [ruleFrom(V6_LIST), ruleFrom('0.0.0.0/1')], lists: [read(V6_LIST, ['8000::/1'])] },
    ]);

    // Assess
    expect(finding.status).toBe('PASS');
  });

  it('joins an IPv6 list with an IPv6 rule of the same port', () => {
    // Act
    const finding = evaluate([
      { rules: [ruleFrom(V6_LIST), ruleFrom('2000::/4')], lists: [read(V6_LIST, ['3000::/4'])] },
    ]);

    // Assess
    expect(finding.status).toBe('FAIL');
    expect(offending(finding)[0]?.reason).toContain('IPv6');
  });
});

describe('a prefix list rule admits what a rule per entry would', () => {
  const BLOCKS = [
    '0.0.0.0/1',
    '128.0.0.0/1',
    '0.0.0.0/2',
    '64.0.0.0/2',
    '128.0.0.0/2',
    '192.0.0.0/2',
    '10.0.0.0/8',
    '198.51.100.0/24',
    '0.0.0.0/0',
    '::/1',
    '8000::/1',
    '2000::/3',
    'fc00::/7',
  ];

  it('gives the same verdict as the entries written as CIDR rules, for any split between list and rules', () => {
    fc.assert(
      fc.property(
        fc.subarray(BLOCKS),
        fc.array(fc.boolean(), { minLength: BLOCKS.length, maxLength: BLOCKS.length }),
        fc.constantFrom(61617, 8162),
        (blocks, inList, port) => {
          // Prepare: the same blocks, some in a list (one rule), the rest as CIDR rules.
          const listed = blocks.filter((_, i) => inList[i]);
          const direct = blocks.filter((_, i) => !inList[i]);
          const listRule = ruleFrom(PARTNERS, { fromPort: port, toPort: port });
          const asList = evaluate([
            {
              rules: [...(listed.length > 0 ? [listRule] : []), ...direct.map((b) => ruleFrom(b))],
              lists: listed.length > 0 ? [read(PARTNERS, listed)] : [],
            },
          ]);
          const asRules = evaluate([
            {
              rules: [
                ...listed.map((b) => ruleFrom(b, { fromPort: port, toPort: port })),
                ...direct.map((b) => ruleFrom(b)),
              ],
            },
          ]);

          // Assess
          expect(asList.status).toBe(asRules.status);
        },
      ),
      { numRuns: 300 },
    );
  });
});
