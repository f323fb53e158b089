import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SecureParameterReader } from '../alerts/ports.ts';
import { ConfigurationError } from '../errors.ts';
import { toAwsCallError } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/**
 * What `createSsmSecureParameterReader` calls; serverless.yml must grant it on the one parameter.
 * A SecureString encrypted with a customer managed key also needs kms:Decrypt on that key (the AWS
 * managed key aws/ssm needs nothing more).
 */
export const SSM_IAM_ACTIONS = ['ssm:GetParameter'] as const;

/** How long a parameter value is reused before SSM is asked again. */
export const SECURE_PARAMETER_MAX_AGE_SECONDS = 300;

export const getSsmClient: () => SSMClient = once(() => new SSMClient(sdkClientConfig()));

const causeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'cause' in error
    ? (error as { cause: unknown }).cause
    : undefined;

/**
 * Powertools Parameters over an injected client: values are decrypted and cached per container for
 * `maxAgeSeconds`. The value is never logged or put into an error message.
 */
export const createSsmSecureParameterReader = (
  client: SSMClient = getSsmClient(),
  maxAgeSeconds: number = SECURE_PARAMETER_MAX_AGE_SECONDS,
): SecureParameterReader => {
  const provider = new SSMProvider({ awsSdkV3Client: client });
  return {
    async getSecureString(name, options) {
      let value: unknown;
      try {
        value = await provider.get(name, {
          decrypt: true,
          maxAge: maxAgeSeconds,
          forceFetch: options?.refresh === true,
        });
      } catch (error) {
        // Powertools wraps the SDK error in a GetParameterError; the SDK error is its cause.
        const cause = causeOf(error) ?? error;
        if ((cause as { name?: unknown }).name === 'ParameterNotFound') {
          throw new ConfigurationError(`SSM parameter ${name} does not exist`);
        }
        throw toAwsCallError('GetParameter', cause);
      }
      if (typeof value !== 'string' || value.trim() === '') {
        throw new ConfigurationError(`SSM parameter ${name} is empty`);
      }
      return value.trim();
    },
  };
};
