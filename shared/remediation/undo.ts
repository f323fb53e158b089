/**
 * Exact AWS CLI commands that put back what a remediation changed. They go into the alert and the
 * structured log, so a human can paste them into a shell as they are: every argument that is not
 * plainly safe is single-quoted, and single quotes inside (a rule description can hold one) are
 * closed, escaped and reopened.
 */
import type { IpProtocol, RuleSource, Tags } from '../model/types.ts';

export interface IpPermissionSpec {
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  readonly source: RuleSource;
  readonly description?: string;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX shell quoting: safe words stay as they are, anything else is single-quoted. */
export const shellQuote = (value: string): string =>
  SHELL_SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;

/** The `--ip-permissions` JSON of one permission (one source, one port range), as the CLI and the SDK take it. */
export const ipPermissionsJson = (permission: IpPermissionSpec): string => {
  const description =
    permission.description === undefined || permission.description === ''
      ? {}
      : { Description: permission.description };
  const source = permission.source;
  const target =
    source.kind === 'cidrIpv4'
      ? { IpRanges: [{ CidrIp: source.cidr, ...description }] }
      : source.kind === 'cidrIpv6'
        ? { Ipv6Ranges: [{ CidrIpv6: source.cidr, ...description }] }
        : source.kind === 'prefixList'
          ? { PrefixListIds: [{ PrefixListId: source.prefixListId, ...description }] }
          : {
              UserIdGroupPairs: [
                {
                  GroupId: source.groupId,
                  ...(source.userId === undefined ? {} : { UserId: source.userId }),
                  ...description,
                },
              ],
            };
  return JSON.stringify([
    { IpProtocol: permission.protocol, FromPort: permission.fromPort, ToPort: permission.toPort, ...target },
  ]);
};

const regionArgs = (region: string | undefined): string[] =>
  region === undefined || region === '' ? [] : ['--region', shellQuote(region)];

/** Tags AWS reserves (`aws:`) cannot be written back by anyone. */
const writableTags = (tags: Tags | undefined): { Key: string; Value: string }[] =>
  Object.entries(tags ?? {})
    .filter(([key]) => !key.toLowerCase().startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));

/** `aws ec2 authorize-security-group-ingress …`: restores a revoked rule with its source, ports, description and tags. */
export const authorizeIngressCommand = (input: {
  readonly groupId: string;
  readonly region?: string;
  readonly permission: IpPermissionSpec;
  readonly tags?: Tags;
}): string => {
  const tags = writableTags(input.tags);
  const tagArgs =
    tags.length === 0
      ? []
      : [
          '--tag-specifications',
          shellQuote(JSON.stringify([{ ResourceType: 'security-group-rule', Tags: tags }])),
        ];
  return [
    'aws ec2 authorize-security-group-ingress',
    ...regionArgs(input.region),
    '--group-id',
    shellQuote(input.groupId),
    '--ip-permissions',
    shellQuote(ipPermissionsJson(input.permission)),
    ...tagArgs,
  ].join(' ');
};

/** `aws ec2 revoke-security-group-ingress … --security-group-rule-ids …`: removes rules by id (exact). */
export const revokeIngressByIdsCommand = (input: {
  readonly groupId: string;
  readonly region?: string;
  readonly ruleIds: readonly string[];
}): string =>
  [
    'aws ec2 revoke-security-group-ingress',
    ...regionArgs(input.region),
    '--group-id',
    shellQuote(input.groupId),
    '--security-group-rule-ids',
    ...input.ruleIds.map(shellQuote),
  ].join(' ');

/**
 * `aws ec2 revoke-security-group-ingress … --ip-permissions …`: removes one permission by its exact
 * protocol, ports and source. Used for a rule that is only planned, whose id AWS has not given yet.
 */
export const revokeIngressByPermissionCommand = (input: {
  readonly groupId: string;
  readonly region?: string;
  readonly permission: IpPermissionSpec;
}): string =>
  [
    'aws ec2 revoke-security-group-ingress',
    ...regionArgs(input.region),
    '--group-id',
    shellQuote(input.groupId),
    '--ip-permissions',
    shellQuote(ipPermissionsJson({ ...input.permission, description: undefined })),
  ].join(' ');
