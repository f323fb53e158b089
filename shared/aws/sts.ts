/**
 * Entering a member account for `mq-guardian scan` across an organization: STS AssumeRole of a role
 * in that account, answering temporary credentials. The scan builds its read-only Amazon MQ, EC2 and
 * KMS readers on them (shared/cli/scan.ts); this file knows STS only.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { UnexpectedShapeError } from '../errors.ts';
import { callAws } from './calls.ts';
import { sdkClientConfig } from './clients.ts';

/** What the caller of an organization scan needs (the role in each account needs the readers' reads). */
export const STS_IAM_ACTIONS = ['sts:AssumeRole'] as const;

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

export interface RoleAssumer {
  /**
   * Credentials of `roleArn`. Throws AwsCallError for `AssumeRole` with STS's error name: AccessDenied
   * when the role does not exist or does not trust the caller, RegionDisabledException when STS is
   * not activated in the caller's region.
   */
  assumeRole(roleArn: string): Promise<TemporaryCredentials>;
}

/** Shows in the member account's CloudTrail as the session name (2 to 64 of [\w+=,.@-]). */
export const SCAN_SESSION_NAME = 'mq-guardian-scan';

export const createStsRoleAssumer = (
  client: STSClient = new STSClient(sdkClientConfig()),
  sessionName: string = SCAN_SESSION_NAME,
): RoleAssumer => ({
  async assumeRole(roleArn) {
    const output = await callAws('AssumeRole', () =>
      client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })),
    );
    const c = output.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
      throw new UnexpectedShapeError(`AssumeRole of ${roleArn} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  },
});
