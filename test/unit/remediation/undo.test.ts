import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorizeIngressCommand,
  ipPermissionsJson,
  revokeIngressByIdsCommand,
  revokeIngressByPermissionCommand,
  shellQuote,
} from '../../../shared/remediation/undo.ts';
import { cidrIpv4, cidrIpv6, groupRef, prefixList } from '../../support/snapshot-builder.ts';

/** What bash makes of a command line's arguments after the program name (`aws`). */
const bashArgs = (command: string): string[] => {
  const out = execFileSync('bash', ['-c', `set -- ${command.replace(/^aws /, '')}; printf '%s\\0' "$@"`], {
    encoding: 'utf8',
  });
  return out.split('\0').slice(0, -1);
};

describe('shellQuote', () => {
  it.each([
    ['sg-1234567890abcdef0', 'sg-1234567890abcdef0'],
    ['us-east-1', 'us-east-1'],
    ['a b', "'a b'"],
    ["Bob's", "'Bob'\\''s'"],
    ['', "''"],
    ['$HOME `id`', "'$HOME `id`'"],
  ])('quotes %j as %j', (value, expected) => {
    // Act
    const quoted = shellQuote(value);

    // Assess
    expect(quoted).toBe(expected);
  });

  it('gives bash back exactly the string it quoted, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('\0')),
        (value) => {
          expect(bashArgs(`aws ${shellQuote(value)}`)).toEqual([value]);
        },
      ),
      { numRuns: 60, seed: 20250115 },
    );
  });
});

describe('ipPermissionsJson', () => {
  it.each([
    [cidrIpv4('0.0.0.0/0'), '"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"d"}]'],
    [cidrIpv6('::/0'), '"Ipv6Ranges":[{"CidrIpv6":"::/0","Description":"d"}]'],
    [
      prefixList('pl-0721453c7ac4ec009'),
      '"PrefixListIds":[{"PrefixListId":"pl-0721453c7ac4ec009","Description":"d"}]',
    ],
    [
      groupRef('sg-1a2b3c4d', '123456789012'),
      '"UserIdGroupPairs":[{"GroupId":"sg-1a2b3c4d","UserId":"123456789012","Description":"d"}]',
    ],
    [groupRef('sg-1a2b3c4d'), '"UserIdGroupPairs":[{"GroupId":"sg-1a2b3c4d","Description":"d"}]'],
  ])('writes a %j source as %s', (source, expected) => {
    // Act
    const json = ipPermissionsJson({
      protocol: 'tcp',
      fromPort: 8162,
      toPort: 8162,
      source,
      description: 'd',
    });

    // Assess
    expect(json).toBe(`[{"IpProtocol":"tcp","FromPort":8162,"ToPort":8162,${expected}}]`);
  });

  it('leaves out an empty description', () => {
    // Act
    const json = ipPermissionsJson({
      protocol: '-1',
      fromPort: -1,
      toPort: -1,
      source: cidrIpv4('10.0.0.0/16'),
      description: '',
    });

    // Assess
    expect(json).toBe(
      '[{"IpProtocol":"-1","FromPort":-1,"ToPort":-1,"IpRanges":[{"CidrIp":"10.0.0.0/16"}]}]',
    );
  });
});

describe('authorizeIngressCommand', () => {
  it('restores a rule whose description holds a single quote, and bash reads the JSON back intact', () => {
    // Prepare
    const permission = {
      protocol: 'tcp',
      fromPort: 0,
      toPort: 65535,
      source: cidrIpv4('0.0.0.0/0'),
      description: "Bob's laptop (temp)",
    };

    // Act
    const command = authorizeIngressCommand({
      groupId: 'sg-1234567890abcdef0',
      region: 'eu-west-1',
      permission,
    });

    // Assess
    expect(command).toBe(
      `aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-1234567890abcdef0 --ip-permissions '[{"IpProtocol":"tcp","FromPort":0,"ToPort":65535,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"Bob'\\''s laptop (temp)"}]}]'`,
    );
    const args = bashArgs(command);
    expect(args.slice(0, 6)).toEqual([
      'ec2',
      'authorize-security-group-ingress',
      '--region',
      'eu-west-1',
      '--group-id',
      'sg-1234567890abcdef0',
    ]);
    expect(JSON.parse(args[7] ?? '')).toEqual([
      {
        IpProtocol: 'tcp',
        FromPort: 0,
        ToPort: 65535,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: "Bob's laptop (temp)" }],
      },
    ]);
  });

  it('writes the rule tags back, except the ones AWS reserves, and omits --region when unknown', () => {
    // Act
    const command = authorizeIngressCommand({
      groupId: 'sg-1',
      permission: { protocol: 'udp', fromPort: 53, toPort: 53, source: prefixList('pl-1') },
      tags: { team: "o'neil", 'aws:cloudformation:stack-name': 'x' },
    });

    // Assess
    expect(command).not.toContain('--region');
    const args = bashArgs(command);
    expect(args.at(-2)).toBe('--tag-specifications');
    expect(JSON.parse(args.at(-1) ?? '')).toEqual([
      { ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: "o'neil" }] },
    ]);
  });
});

describe('revoke commands', () => {
  it('revokes rules by id', () => {
    // Act
    const command = revokeIngressByIdsCommand({
      groupId: 'sg-1',
      region: 'us-east-1',
      ruleIds: ['sgr-01afa97ef3e1bedfc', 'sgr-01f4be99110f638a7'],
    });

    // Assess
    expect(command).toBe(
      'aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-1 --security-group-rule-ids sgr-01afa97ef3e1bedfc sgr-01f4be99110f638a7',
    );
  });

  it('revokes a planned permission by its exact protocol, ports and source, without the description', () => {
    // Act
    const command = revokeIngressByPermissionCommand({
      groupId: 'sg-1',
      permission: {
        protocol: 'tcp',
        fromPort: 61617,
        toPort: 61617,
        source: cidrIpv6('::/0'),
        description: 'mq-guardian: narrowed from sgr-1',
      },
    });

    // Assess
    expect(command).toBe(
      `aws ec2 revoke-security-group-ingress --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":61617,"ToPort":61617,"Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]'`,
    );
  });
});
