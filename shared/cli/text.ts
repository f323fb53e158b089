/** Small wording helpers for what the command line prints. */

/** `1 evaluation`, `3 evaluations`; irregular plurals are passed in (`1 policy`, `2 policies`). */
export const plural = (count: number, singular: string, pluralForm = `${singular}s`): string =>
  `${count} ${count === 1 ? singular : pluralForm}`;

/** Indents every line of `text` by `prefix`. */
export const indent = (text: string, prefix: string): string =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`.trimEnd())
    .join('\n');
