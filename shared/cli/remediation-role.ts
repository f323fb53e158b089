/**
 * `--remediation-role ARN` of `replay` and `demo`: the IAM role the deployed stack remediates with
 * (its `OnIngressEventRole`). The functions get it from the stack, not from a setting, so it is an
 * option beside `--settings` rather than a key of the settings file. Changes that role made are
 * evaluated and never remediated (no loops); without it every change is someone else's.
 */
import { isRoleArn } from '../remediation/self-actor.ts';
import { type OptionSpec, UsageError } from './args.ts';

export const REMEDIATION_ROLE_OPTION = {
  type: 'string',
  value: 'ARN',
  help:
    'the IAM role mq-guardian remediates with (the stack’s OnIngressEventRole, ' +
    'arn:aws:iam::ACCOUNT:role/NAME): changes it made are evaluated, never remediated',
} as const satisfies OptionSpec;

/** The role ARN given, checked; UsageError (one line, exit 2) when it is not an IAM role ARN. */
export const remediationRoleOption = (value: string | undefined, command: string): string | undefined => {
  if (value === undefined) return undefined;
  if (!isRoleArn(value)) {
    throw new UsageError(
      `--remediation-role must be an IAM role ARN such as arn:aws:iam::123456789012:role/mq-guardian-remediator (got "${value}")`,
      command,
    );
  }
  return value.trim();
};
