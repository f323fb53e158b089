/**
 * What names mq-guardian's own remediation request (remediation-request.ts), without its schema: the
 * sweep and the evaluation build requests with these, and need no parser (nor zod) to do so.
 */
export const REMEDIATION_REQUEST_SOURCE = 'mq-guardian';
export const REMEDIATION_REQUEST_TYPE = 'Remediation Request';

export const isRemediationRequest = (input: unknown): boolean =>
  typeof input === 'object' &&
  input !== null &&
  (input as { source?: unknown }).source === REMEDIATION_REQUEST_SOURCE;
