/**
 * Whether a change was made by mq-guardian's own remediation role. The setting holds the IAM role
 * ARN (`arn:aws:iam::111122223333:role/path/Name`); CloudTrail names the caller either by that ARN
 * (sessionIssuer) or by the session ARN (`arn:aws:sts::111122223333:assumed-role/Name/session`),
 * which carries no path. Role names are unique per account regardless of path and of case, so the
 * comparison is partition + account + role name, case-insensitive on the name.
 */
import type { Actor } from '../model/actor.ts';

interface RoleIdentity {
  readonly partition: string;
  readonly account: string;
  readonly roleName: string;
}

const ROLE_ARN = /^arn:([a-z0-9-]+):iam::(\d{12}):role\/(?:[^\s]*\/)?([^/\s]+)$/;
const ASSUMED_ROLE_ARN = /^arn:([a-z0-9-]+):sts::(\d{12}):assumed-role\/([^/\s]+)\/[^\s]+$/;

/** The role behind an IAM role ARN or an STS assumed-role session ARN; undefined for anything else. */
export const roleIdentity = (arn: string | undefined): RoleIdentity | undefined => {
  if (arn === undefined) return undefined;
  const trimmed = arn.trim();
  const match = ROLE_ARN.exec(trimmed) ?? ASSUMED_ROLE_ARN.exec(trimmed);
  if (!match) return undefined;
  const [, partition, account, roleName] = match;
  if (partition === undefined || account === undefined || roleName === undefined) return undefined;
  return { partition, account, roleName: roleName.toLowerCase() };
};

/** Whether `arn` is an IAM role ARN (`arn:aws:iam::111122223333:role/path/Name`), the form the setting takes. */
export const isRoleArn = (arn: string): boolean => ROLE_ARN.test(arn.trim());

/** Why a change by the remediation role is not remediated, as alerts, replay and the demo say it. */
export const ownChangeReason = (remediationRoleArn: string): string =>
  `the change was made by mq-guardian's own remediation role (${remediationRoleArn}); its changes are evaluated, never remediated`;

const sameRole = (a: RoleIdentity, b: RoleIdentity): boolean =>
  a.partition === b.partition && a.account === b.account && a.roleName === b.roleName;

export const isRemediationActor = (
  actor: Actor | undefined,
  remediationRoleArn: string | undefined,
): boolean => {
  if (actor === undefined) return false;
  const own = roleIdentity(remediationRoleArn);
  if (own === undefined) return false;
  return [actor.roleArn, actor.arn].some((arn) => {
    const identity = roleIdentity(arn);
    return identity !== undefined && sameRole(identity, own);
  });
};
