import { describe, expect, it } from 'vitest';
import type { Actor } from '../../../shared/model/actor.ts';
import { isRemediationActor, roleIdentity } from '../../../shared/remediation/self-actor.ts';

const ROLE = 'arn:aws:iam::123456789012:role/mq-guardian/mq-guardian-prod-remediator';

const actor = (overrides: Partial<Actor>): Actor => ({
  type: 'AssumedRole',
  eventTime: '2025-01-15T10:00:00Z',
  eventId: '6f1c2d3e-0000-4000-8000-000000000002',
  eventName: 'RevokeSecurityGroupIngress',
  ...overrides,
});

describe('roleIdentity', () => {
  it.each([
    [ROLE, { partition: 'aws', account: '123456789012', roleName: 'mq-guardian-prod-remediator' }],
    [
      'arn:aws-us-gov:sts::123456789012:assumed-role/Remediator/session-1',
      { partition: 'aws-us-gov', account: '123456789012', roleName: 'remediator' },
    ],
    ['arn:aws:iam::123456789012:user/jdoe', undefined],
    ['arn:aws:sts::123456789012:federated-user/jdoe', undefined],
    ['not an arn', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (arn, expected) => {
    // Act
    const identity = roleIdentity(arn);

    // Assess
    expect(identity).toEqual(expected);
  });
});

describe('isRemediationActor', () => {
  it.each<[string, Partial<Actor>, string | undefined, boolean]>([
    [
      'the session ARN of the role',
      { arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-prod-remediator/1700000000' },
      ROLE,
      true,
    ],
    ['the role ARN (session issuer)', { roleArn: ROLE }, ROLE, true],
    [
      'the role name in another case',
      { arn: 'arn:aws:sts::123456789012:assumed-role/MQ-Guardian-Prod-Remediator/s' },
      ROLE,
      true,
    ],
    [
      'another account',
      { arn: 'arn:aws:sts::999999999999:assumed-role/mq-guardian-prod-remediator/s' },
      ROLE,
      false,
    ],
    [
      'another partition',
      { arn: 'arn:aws-cn:sts::123456789012:assumed-role/mq-guardian-prod-remediator/s' },
      ROLE,
      false,
    ],
    [
      'a longer role name',
      { arn: 'arn:aws:sts::123456789012:assumed-role/mq-guardian-prod-remediator2/s' },
      ROLE,
      false,
    ],
    [
      'an IAM user',
      { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/mq-guardian-prod-remediator' },
      ROLE,
      false,
    ],
    ['no setting', { roleArn: ROLE }, undefined, false],
  ])('answers for %s', (_name, who, setting, expected) => {
    // Act
    const self = isRemediationActor(actor(who), setting);

    // Assess
    expect(self).toBe(expected);
  });

  it('answers false without an actor', () => {
    // Act
    const self = isRemediationActor(undefined, ROLE);

    // Assess
    expect(self).toBe(false);
  });
});
