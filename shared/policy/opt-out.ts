/**
 * The opt-out tag `mq-guardian:remediation`, defined once for the code and for IAM. On a broker or a
 * security group, the tag with any value except `on` or `enforce` (in any letter case, nothing
 * around them) means: never change this group, or this broker's groups. `off` is the value to write;
 * `OFF`, ` off `, `Off\n`, `disabled`, an empty value… count as off too, because a person who wrote
 * the tag meant something and a port cut by a misread opt-out is an outage.
 *
 * The remediating role is denied every change to a group whose tag opts out (`OPT_OUT_IAM_CONDITION`
 * in the role's Deny statement), so the opt-out holds even if the code is wrong. IAM can express
 * exactly this set: the key is present (`Null` false) and its value is none of the values that
 * remediate (`StringNotEqualsIgnoreCase`). test/template/opt-out-iam.test.ts checks that the code and
 * the IAM condition agree on generated values.
 */
import type { Tags } from '../model/types.ts';
import { TAGS } from './settings.ts';

/** The values that leave a broker or group to the stack's remediation mode (compared ignoring case). */
export const REMEDIATE_VALUES: readonly string[] = ['on', 'enforce'];

/** True when the tags opt the resource out of remediation. */
export const optsOut = (tags: Tags): boolean => {
  if (!Object.hasOwn(tags, TAGS.remediation)) return false;
  const value = tags[TAGS.remediation] ?? '';
  return !REMEDIATE_VALUES.some((v) => v === value.toLowerCase());
};

/** `mq-guardian:remediation=off`, or the value as written when it is not plain `off`. */
export const optOutTag = (tags: Tags): string => {
  const value = tags[TAGS.remediation] ?? '';
  return `${TAGS.remediation}=${value === 'off' ? 'off' : JSON.stringify(value)}`;
};

/** The condition of the remediating role's Deny statement on security groups (serverless.yml `HonourRemediationOff`). */
export const OPT_OUT_IAM_CONDITION = {
  Null: { [`aws:ResourceTag/${TAGS.remediation}`]: 'false' },
  StringNotEqualsIgnoreCase: { [`aws:ResourceTag/${TAGS.remediation}`]: [...REMEDIATE_VALUES] },
} as const;
