/** A JSON object (not null, not an array): the first question every defensive parser asks. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
