/**
 * Where a number may start and end to count as personal data: it must be a WHOLE TOKEN.
 *
 * Identifiers are made of words joined by `-`, `.`, `_` and `~` (the characters Amazon MQ allows in
 * broker names besides letters and digits), so a number joined to a word is part of an identifier
 * (`build-123-45-6789`, `rack-201-555-0123`, `v4111111111111111`, `release.2024-11-15`), not a value
 * of its own. A token therefore starts and ends:
 * - at the start or end of the text, at white space, or at punctuation that separates values
 *   (`: = , ; / | ( ) [ ] < > " '` and the like);
 * - never next to a letter, digit, `_` or `~`, nor at a `-` or `.` that joins it to a letter or digit
 *   (`build-…`, `…-x`, `….7`); a `-` or `.` next to white space or the end of the text is
 *   punctuation (`call 201-555-0123.`);
 * - never one separator away from another digit (`1 4111…`, `… 2222`, `05/…`): the number then
 *   continues a longer one (digit groups, dates, CIDRs).
 * One exception keeps labelled values found: a number joined by `-`, `_` or `.` to a label that is a
 * word of its own and names the kind of value (`ssn-123-45-6789`, `my_tel.201-555-0123`,
 * `card-4111…`, `iban_DE89…`) is a token of its own. The labels are listed in `LABELS`.
 * An international phone number starts at its `+`, which never continues a word: only a letter, digit,
 * `_` or `~` right before the `+` glues it (./numbers.ts).
 */

const WORD = String.raw`[\p{L}\p{N}_~]`;
const JOINER = String.raw`[.\-]`;

/** Words that name personal data when they label a value (case-insensitive). */
export const LABELS = [
  'ssn',
  'tin',
  'tel',
  'phone',
  'mobile',
  'fax',
  'card',
  'cc',
  'pan',
  'iban',
  'account',
  'acct',
] as const;

const LABELLED = String.raw`(?<=(?<![\p{L}\p{N}])(?:${LABELS.join('|')})[\-_.])`;

/** Regular-expression source that matches where a token may start (use with the `u` and `i` flags). */
export const TOKEN_START = String.raw`(?:(?<!${WORD})(?<!${WORD}${JOINER})(?<!\p{N}[ \/])|${LABELLED})`;

/** Regular-expression source that matches where a token may end (use with the `u` flag). */
export const TOKEN_END = String.raw`(?!${WORD})(?!${JOINER}${WORD})(?![ \/]\p{N})`;

const END_AT = new RegExp(TOKEN_END, 'uy');

const matchesAt = (pattern: RegExp, text: string, index: number): boolean => {
  pattern.lastIndex = index;
  return pattern.test(text);
};

/** May a token end just before `index` of `text`? */
export const tokenEndsAt = (text: string, index: number): boolean => matchesAt(END_AT, text, index);
