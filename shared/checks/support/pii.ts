/**
 * Detectors for obvious personal data in identifiers (broker names, user names, tags, configuration
 * names and descriptions).
 *
 * What counts, and why only this:
 * - e-mail addresses (./pii/email.ts);
 * - phone numbers, payment card numbers (network prefix, length and Luhn) and US social security
 *   numbers (./pii/numbers.ts);
 * - bank account numbers in IBAN form, with their per-country length, format and mod-97 checksum
 *   (./pii/iban.ts): the Amazon MQ data-protection guidance names account numbers first.
 * Every number must be a whole token (./pii/tokens.ts): `build-123-45-6789` is a build name, not a
 * social security number, while `123-45-6789`, `ssn: 123-45-6789` and `ssn-123-45-6789` are flagged.
 *
 * Not flagged, on purpose: bare digit runs without separators other than card numbers (AWS account
 * ids, timestamps, order numbers), national phone formats without `+` outside North America, IPv4
 * addresses (in infrastructure metadata they name machines and networks, and CIDRs are common tag
 * values), national bank account formats other than IBAN, and people's names (no precise test exists).
 * Identifiers such as broker ids, ARNs, UUIDs, versions, dates, ticket ids and hashes are not whole
 * numbers of the right form, so they do not match (test/unit/checks/support/pii-corpus.test.ts holds
 * the corpus that pins this).
 *
 * Every detector runs in linear time. Pure: no logging.
 */
import { findEmails } from './pii/email.ts';
import { findIbans } from './pii/iban.ts';
import type { PiiKind, PiiMatch } from './pii/match.ts';
import { findNumbers } from './pii/numbers.ts';

export type { PiiKind, PiiMatch } from './pii/match.ts';
export { luhnValid } from './pii/numbers.ts';

const KIND_NAMES: Readonly<Record<PiiKind, { readonly one: string; readonly many: string }>> = {
  email: { one: 'e-mail address', many: 'e-mail addresses' },
  phone: { one: 'phone number', many: 'phone numbers' },
  'payment-card': { one: 'payment card number', many: 'payment card numbers' },
  iban: { one: 'bank account number (IBAN)', many: 'bank account numbers (IBAN)' },
  'us-ssn': { one: 'US social security number', many: 'US social security numbers' },
};

/** "e-mail address" / "2 e-mail addresses". */
export const describePiiKind = (kind: PiiKind, count = 1): string =>
  count === 1 ? KIND_NAMES[kind].one : `${count} ${KIND_NAMES[kind].many}`;

/**
 * Every piece of obvious personal data in `value`, in the order it appears. Full-width and other
 * compatibility forms (`＠`, `４１１１`) are normalised first, so they are found as well.
 */
export const findPii = (value: string): readonly PiiMatch[] => {
  const text = value.normalize('NFKC');
  return [...findEmails(text), ...findIbans(text), ...findNumbers(text)]
    .sort((a, b) => a.index - b.index)
    .map((found) => found.match);
};
