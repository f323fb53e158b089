/**
 * Shared by the AWS adapter tests: registers the aws-sdk-client-mock-vitest matchers (vitest 5 +
 * matcher package 8: `expect.extend(allCustomMatcher)`, typed through the package's `extend` entry),
 * builds service errors the way the SDK throws them, and reads back the exact inputs sent.
 */
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { expect } from 'vitest';

expect.extend(allCustomMatcher);

/** Fixed so tests can assert it ends up in the AwsCallError message. */
export const REQUEST_ID = '5c3a6a9e-0000-4000-8000-000000000001';

/** The constructor every SDK v3 `<Service>ServiceException` class has. */
type ServiceExceptionClass = new (options: {
  name: string;
  message?: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
}) => Error;

/**
 * An error as the SDK raises it for an AWS error code: the service's exception class, `name` = the code,
 * `$fault` and `$metadata` from the HTTP response.
 */
export const awsError = (
  ExceptionClass: ServiceExceptionClass,
  name: string,
  message: string,
  httpStatusCode = 400,
): Error =>
  new ExceptionClass({
    name,
    message,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: REQUEST_ID, attempts: 1, totalRetryDelay: 0 },
  });

interface CommandCall {
  readonly args: readonly [{ readonly input: unknown }, ...unknown[]];
}
interface CallSource {
  commandCalls(command: never): readonly CommandCall[];
  calls(): readonly CommandCall[];
}

/** The inputs of every call of one command, in order: for exact (not partial) comparisons. */
export const sentInputs = (mock: CallSource, command: unknown): unknown[] =>
  mock.commandCalls(command as never).map((call) => call.args[0].input);

/** The names of every command sent, in order. */
export const sentCommands = (mock: CallSource): string[] =>
  mock.calls().map((call) => (call.args[0] as { constructor: { name: string } }).constructor.name);
