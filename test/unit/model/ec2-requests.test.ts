import { describe, expect, it } from 'vitest';
import { toAuthorizeIngressInput, toRevokeIngressInput } from '../../../shared/model/ec2-requests.ts';
import type { AuthorizeIngressRequest } from '../../../shared/ports.ts';

const request = (overrides: Partial<AuthorizeIngressRequest> = {}): AuthorizeIngressRequest => ({
  groupId: 'sg-1234567890abcdef0',
  protocol: 'tcp',
  fromPort: 61617,
  toPort: 61617,
  source: { kind: 'cidrIpv4', cidr: '10.20.0.0/16' },
  description: 'OpenWire kept by mq-guardian',
  ...overrides,
});

describe('toAuthorizeIngressInput', () => {
  it.each<[string, AuthorizeIngressRequest['source'], Record<string, unknown>]>([
    [
      'an IPv4 CIDR',
      { kind: 'cidrIpv4', cidr: '10.20.0.0/16' },
      { IpRanges: [{ CidrIp: '10.20.0.0/16', Description: 'OpenWire kept by mq-guardian' }] },
    ],
    [
      'an IPv6 CIDR',
      { kind: 'cidrIpv6', cidr: '2001:db8::/32' },
      { Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'OpenWire kept by mq-guardian' }] },
    ],
    [
      'a prefix list',
      { kind: 'prefixList', prefixListId: 'pl-0721453c7ac4ec009' },
      {
        PrefixListIds: [
          { PrefixListId: 'pl-0721453c7ac4ec009', Description: 'OpenWire kept by mq-guardian' },
        ],
      },
    ],
    [
      'a group of another account',
      { kind: 'securityGroup', groupId: 'sg-1a2b3c4d', userId: '111122223333' },
      {
        UserIdGroupPairs: [
          { GroupId: 'sg-1a2b3c4d', UserId: '111122223333', Description: 'OpenWire kept by mq-guardian' },
        ],
      },
    ],
    [
      'a group without account',
      { kind: 'securityGroup', groupId: 'sg-1a2b3c4d' },
      { UserIdGroupPairs: [{ GroupId: 'sg-1a2b3c4d', Description: 'OpenWire kept by mq-guardian' }] },
    ],
  ])('builds one permission from %s', (_case, source, sourceFields) => {
    // Act
    const input = toAuthorizeIngressInput(request({ source }));

    // Assess
    expect(input).toEqual({
      GroupId: 'sg-1234567890abcdef0',
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 61617, ToPort: 61617, ...sourceFields }],
    });
  });

  it('tags the new rule through TagSpecifications of resource type security-group-rule', () => {
    // Act
    const input = toAuthorizeIngressInput(
      request({ tags: { 'mq-guardian:narrowed-from': 'sgr-0a1b2c3d4e5f60004', owner: 'platform' } }),
    );

    // Assess
    expect(input.TagSpecifications).toEqual([
      {
        ResourceType: 'security-group-rule',
        Tags: [
          { Key: 'mq-guardian:narrowed-from', Value: 'sgr-0a1b2c3d4e5f60004' },
          { Key: 'owner', Value: 'platform' },
        ],
      },
    ]);
  });

  it('leaves TagSpecifications out when there are no tags', () => {
    // Act
    const input = toAuthorizeIngressInput(request({ tags: {} }));

    // Assess
    expect(input).not.toHaveProperty('TagSpecifications');
  });
});

describe('toRevokeIngressInput', () => {
  it('revokes by rule ids, never by permission', () => {
    // Prepare
    const ids = ['sgr-0a1b2c3d4e5f60001', 'sgr-0a1b2c3d4e5f60002'] as const;

    // Act
    const input = toRevokeIngressInput('sg-0a1b2c3d4e5f60002', ids);

    // Assess
    expect(input).toEqual({
      GroupId: 'sg-0a1b2c3d4e5f60002',
      SecurityGroupRuleIds: ['sgr-0a1b2c3d4e5f60001', 'sgr-0a1b2c3d4e5f60002'],
    });
    expect(input.SecurityGroupRuleIds).not.toBe(ids);
  });
});
