import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { UnexpectedShapeError } from '../errors.ts';
import { mapKeyMetadata } from '../model/mappers.ts';
import type { KmsKeyState } from '../model/types.ts';
import type { KeyReader } from '../ports.ts';
import { callAws, describeServiceError, type ServiceErrorLike } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createKmsKeyReader` calls; serverless.yml must grant exactly this. */
export const KMS_IAM_ACTIONS = ['kms:DescribeKey'] as const;

export const getKmsClient: () => KMSClient = once(() => new KMSClient(sdkClientConfig()));

/**
 * Answers that say "this key cannot be read by us", which retrying does not change: the key is gone,
 * its policy does not let this account describe it (keys of other accounts), or the id is malformed.
 * They become `unreadable` so that the encryption check reports them instead of the invocation failing.
 */
const UNREADABLE_ERRORS = ['NotFoundException', 'AccessDeniedException', 'InvalidArnException'] as const;

export const createKmsKeyReader = (client: KMSClient = getKmsClient()): KeyReader => ({
  async describeKey(keyId: string): Promise<KmsKeyState> {
    const unreadable = Object.fromEntries(
      UNREADABLE_ERRORS.map((name) => [
        name,
        (error: ServiceErrorLike): KmsKeyState => ({
          status: 'unreadable',
          keyId,
          reason: describeServiceError(error),
        }),
      ]),
    );
    const output = await callAws(
      'DescribeKey',
      () => client.send(new DescribeKeyCommand({ KeyId: keyId })),
      unreadable,
    );
    if ('status' in output) return output;
    if (!output.KeyMetadata) throw new UnexpectedShapeError(`DescribeKey ${keyId} returned no KeyMetadata`);
    return mapKeyMetadata(output.KeyMetadata);
  },
});
