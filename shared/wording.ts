/** Wording shared by every message mq-guardian writes for people (logs, errors, alerts, CLI). */

/** `1 broker`, `3 brokers`; irregular plurals are passed in (`1 policy`, `2 policies`). */
export const plural = (count: number, singular: string, pluralForm = `${singular}s`): string =>
  `${count} ${count === 1 ? singular : pluralForm}`;
