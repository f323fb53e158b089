/**
 * The exact EC2 command inputs mq-guardian sends. The SDK adapter and the recorded account both build
 * their requests here, so that what `replay` logs is byte for byte what the deployed function sends.
 */
import type { Tags } from './types.ts';
import type { AuthorizeIngressRequest } from '../ports.ts';

const tagList = (tags: Tags): { Key: string; Value: string }[] =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

const sourcePermission = (request: AuthorizeIngressRequest): Record<string, unknown> => {
  const { source, description: Description } = request;
  switch (source.kind) {
    case 'cidrIpv4':
      return { IpRanges: [{ CidrIp: source.cidr, Description }] };
    case 'cidrIpv6':
      return { Ipv6Ranges: [{ CidrIpv6: source.cidr, Description }] };
    case 'prefixList':
      return { PrefixListIds: [{ PrefixListId: source.prefixListId, Description }] };
    case 'securityGroup':
      return {
        UserIdGroupPairs: [
          {
            GroupId: source.groupId,
            ...(source.userId === undefined ? {} : { UserId: source.userId }),
            Description,
          },
        ],
      };
  }
};

/** AuthorizeSecurityGroupIngress input for one permission (one source, one port range). */
export const toAuthorizeIngressInput = (request: AuthorizeIngressRequest): Record<string, unknown> => {
  const tags = request.tags === undefined ? [] : tagList(request.tags);
  return {
    GroupId: request.groupId,
    IpPermissions: [
      {
        IpProtocol: request.protocol,
        FromPort: request.fromPort,
        ToPort: request.toPort,
        ...sourcePermission(request),
      },
    ],
    ...(tags.length === 0
      ? {}
      : { TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: tags }] }),
  };
};

/** RevokeSecurityGroupIngress input by rule ids: exact, unlike IpPermissions, which must match a rule's every field. */
export const toRevokeIngressInput = (
  groupId: string,
  ruleIds: readonly string[],
): Record<string, unknown> => ({
  GroupId: groupId,
  SecurityGroupRuleIds: [...ruleIds],
});
