import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsCallError } from '../errors.ts';
import type { RemediationRequest } from '../events/remediation-request.ts';
import type { RemediationRequester } from '../ports.ts';
import { callAws } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createLambdaRemediationRequester` calls; granted only on the remediating function. */
export const LAMBDA_IAM_ACTIONS = ['lambda:InvokeFunction'] as const;

export const getLambdaClient: () => LambdaClient = once(() => new LambdaClient(sdkClientConfig()));

/**
 * Hands brokers to the remediating function (the only one allowed to change security groups) with an
 * asynchronous invoke: Lambda queues it, retries it and sends failures to that function's dead-letter queue.
 */
export const createLambdaRemediationRequester = (
  functionName: string,
  client: LambdaClient = getLambdaClient(),
): RemediationRequester => ({
  async requestRemediation(request: RemediationRequest): Promise<void> {
    const output = await callAws('Invoke', () =>
      client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(request)),
        }),
      ),
    );
    if (output.StatusCode !== 202) {
      throw new AwsCallError(
        'Invoke',
        'UnexpectedStatus',
        `Invoke of ${functionName} answered ${output.StatusCode}`,
      );
    }
  },
});
