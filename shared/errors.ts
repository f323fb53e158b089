/**
 * One base error and a few named subclasses. Every error carries a stable `code` so that
 * callers (handlers, the CLI, tests) can branch on it without string matching, and a `cause`.
 */
import { plural } from './wording.ts';

export class GuardianError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The event (EventBridge, CloudTrail, Config invocation, CLI input) is malformed or of the wrong kind. Never retried. */
export class InvalidEventError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_EVENT', message, options);
  }
}

/** A stack setting, tag or configuration value is invalid. */
export class ConfigurationError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIGURATION', message, options);
  }
}

/** A resource named by an event no longer exists (broker deleted, rule revoked). */
export class ResourceGoneError extends GuardianError {
  readonly resourceId: string;

  constructor(resourceId: string, message: string, options?: { cause?: unknown }) {
    super('RESOURCE_GONE', message, options);
    this.resourceId = resourceId;
  }
}

/** An ActiveMQ configuration revision could not be decoded or parsed (not base64, not XML, too large, DOCTYPE...). */
export class ConfigurationParseError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIGURATION_PARSE', message, options);
  }
}

/** A remediation action failed; the invocation must fail so that it is retried. */
export class RemediationError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('REMEDIATION', message, options);
  }
}

/**
 * Too little of the invocation's time is left to write and announce safely: nothing more is written,
 * and the invocation fails so that it is retried (and finally dead-lettered), instead of timing out
 * between a write and its record.
 */
export class OutOfTimeError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('OUT_OF_TIME', message, options);
  }
}

/** What an event changed is still being applied by AWS: the invocation fails so that it is retried later. */
export class NotSettledError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NOT_SETTLED', message, options);
  }
}

/** An AWS call failed in a way that should be retried (throttling, 5xx, timeouts, access denied after deploy drift). */
export class AwsCallError extends GuardianError {
  readonly operation: string;
  readonly awsErrorName: string;

  constructor(operation: string, awsErrorName: string, message: string, options?: { cause?: unknown }) {
    super('AWS_CALL', message, options);
    this.operation = operation;
    this.awsErrorName = awsErrorName;
  }
}

/** One or more checks crashed; the others still produced findings. */
export class CheckFailuresError extends GuardianError {
  readonly failures: readonly { checkId: string; resourceId: string; error: unknown }[];

  constructor(failures: readonly { checkId: string; resourceId: string; error: unknown }[]) {
    super('CHECK_FAILURES', `${plural(failures.length, 'check evaluation')} failed`);
    this.failures = failures;
  }
}

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);

/**
 * Why a read of `operation` gave no answer, naming the operation once: the adapters' errors already
 * start with it (`DescribeNetworkInterfaces failed: Throttling: …`, `ListBrokers returned no …`).
 */
export const readFailure = (operation: string, error: unknown): string => {
  const message = errorMessage(error);
  if (message.startsWith(`${operation} `)) return message;
  return message === '' ? `${operation} failed` : `${operation} failed: ${message}`;
};

/** An AWS API answered with a shape mq-guardian does not understand (missing id, unknown engine...). Never guessed around. */
export class UnexpectedShapeError extends GuardianError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNEXPECTED_AWS_SHAPE', message, options);
  }
}
