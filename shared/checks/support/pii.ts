/**
 * Detectors for obvious personal data in identifiers (broker names, user names, tags).
 *
 * What counts, and why only this:
 * - e-mail addresses (`local@domain.tld`, Unicode letters allowed, alphabetic TLD of 2+ letters);
 * - phone numbers: international form with a leading `+` and 8 to 15 digits (E.164), or the North
 *   American form 3-3-4 with separators and valid area/exchange codes (`(201) 555-0123`, `201-555-0123`);
 * - payment card numbers: 13 to 19 digits (plain, or grouped 4-4-4-4 / Amex 4-6-5) with the prefix and
 *   length of a major card network AND a valid Luhn check digit;
 * - US social security numbers written `AAA-GG-SSSS`, with the SSA's never-issued ranges excluded.
 *
 * Not flagged, on purpose: bare digit runs without separators other than card numbers (AWS account
 * ids, timestamps, order numbers), national phone formats without `+` outside North America, IPv4
 * addresses (in infrastructure metadata they name machines and networks, and CIDRs are common tag
 * values), and people's names (no precise test exists). Identifiers such as broker ids, ARNs, UUIDs,
 * versions and dates do not match: numbers glued to letters, or continuing a longer dotted or dashed
 * number, are skipped.
 *
 * Every detector runs in linear time: e-mails are found by expanding around each `@` (each
 * character is visited at most twice), the other patterns are regular expressions whose quantifiers
 * are bounded and never nested, so the work per start position is constant. Pure: no logging.
 */

export type PiiKind = 'email' | 'phone' | 'payment-card' | 'us-ssn';

export interface PiiMatch {
  readonly kind: PiiKind;
  /** A masked form safe to show in findings: never the value in full. */
  readonly masked: string;
}

const KIND_NAMES: Readonly<Record<PiiKind, { readonly one: string; readonly many: string }>> = {
  email: { one: 'e-mail address', many: 'e-mail addresses' },
  phone: { one: 'phone number', many: 'phone numbers' },
  'payment-card': { one: 'payment card number', many: 'payment card numbers' },
  'us-ssn': { one: 'US social security number', many: 'US social security numbers' },
};

/** "e-mail address" / "2 e-mail addresses". */
export const describePiiKind = (kind: PiiKind, count = 1): string =>
  count === 1 ? KIND_NAMES[kind].one : `${count} ${KIND_NAMES[kind].many}`;

// ---------------------------------------------------------------------------------------------
// E-mail addresses

const LOCAL_CHAR = /^[\p{L}\p{N}._%+-]$/u;
const DOMAIN_CHAR = /^[\p{L}\p{N}.-]$/u;
const TLD = /^\p{L}{2,63}$/u;
const LABEL_EDGE_HYPHEN = /^-|-$/;

const firstChar = (text: string): string => Array.from(text)[0] ?? '';

const maskEmail = (local: string, labels: readonly string[]): string =>
  `${firstChar(local)}***@${firstChar(labels[0] ?? '')}***.${labels[labels.length - 1] ?? ''}`;

const validEmail = (local: string, domain: string): readonly string[] | undefined => {
  if (local.length === 0 || local.endsWith('.') || local.includes('..')) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2) return undefined;
  if (labels.some((label) => label.length === 0 || LABEL_EDGE_HYPHEN.test(label))) return undefined;
  return TLD.test(labels[labels.length - 1] ?? '') ? labels : undefined;
};

const findEmails = (text: string): { index: number; match: PiiMatch }[] => {
  const found: { index: number; match: PiiMatch }[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text.charAt(start - 1))) start -= 1;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text.charAt(end))) end += 1;
    // Leading dots belong to surrounding punctuation ("see .jane@..."), trailing dots and hyphens
    // to the sentence ("write to jane@example.com.").
    let localStart = start;
    while (localStart < at && text.charAt(localStart) === '.') localStart += 1;
    let domainEnd = end;
    while (domainEnd > at + 1 && /[.-]/.test(text.charAt(domainEnd - 1))) domainEnd -= 1;
    const local = text.slice(localStart, at);
    const labels = validEmail(local, text.slice(at + 1, domainEnd));
    if (labels) found.push({ index: localStart, match: { kind: 'email', masked: maskEmail(local, labels) } });
  }
  return found;
};

// ---------------------------------------------------------------------------------------------
// Numbers

// A number glued to a letter, digit or underscore on either side is part of an identifier
// (b-1234a5b6…, order_42…, build-123-45-6789x, 4111…x); one that follows or precedes a digit across a
// single separator continues a longer number (IPv4 addresses, versions, dates, UUIDs, digit groups).
const START = String.raw`(?<![\p{L}\p{N}_])(?<!\p{N}[ .\-\/])`;
const END = String.raw`(?![\p{L}\p{N}_])(?![ .\-\/]\p{N})`;

const digitsOf = (text: string): string => text.replace(/\D/g, '');

const maskDigits = (digits: string, keepLast: number): string =>
  `${'*'.repeat(Math.max(0, digits.length - keepLast))}${keepLast > 0 ? digits.slice(-keepLast) : ''}`;

// International numbers: a `+` not glued to a word, then at most 24 characters of digits and single
// separators. The window is bounded, so the scan stays linear.
const PHONE_WINDOW = 24;
const PHONE_BODY_CHAR = /^[0-9 ().-]$/;
const SEPARATOR_RUNS = /[ ().-]+/g;
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;

const validSeparatorRun = (run: string): boolean => {
  const plain = run.replace(/[()]/g, '');
  const parens = run.length - plain.length;
  return plain.length <= 1 && parens <= 1;
};

const findInternationalPhones = (text: string): { index: number; match: PiiMatch }[] => {
  const found: { index: number; match: PiiMatch }[] = [];
  for (let plus = text.indexOf('+'); plus !== -1; plus = text.indexOf('+', plus + 1)) {
    if (plus > 0 && WORD_CHAR.test(text.charAt(plus - 1))) continue;
    let end = plus + 1;
    while (end < text.length && end - plus <= PHONE_WINDOW && PHONE_BODY_CHAR.test(text.charAt(end)))
      end += 1;
    // Still digits after the window: a longer number than any phone number.
    if (end < text.length && /[0-9]/.test(text.charAt(end))) continue;
    if (end < text.length && WORD_CHAR.test(text.charAt(end))) continue;
    const body = text.slice(plus + 1, end).replace(/[ (.-]+$/, '');
    if (!/^[1-9]/.test(body)) continue;
    const separators = body.match(SEPARATOR_RUNS) ?? [];
    if (!separators.every(validSeparatorRun)) continue;
    const digits = digitsOf(body);
    if (digits.length < 8 || digits.length > 15) continue;
    found.push({ index: plus, match: { kind: 'phone', masked: `+${maskDigits(digits, 2)}` } });
  }
  return found;
};

const NANP = new RegExp(String.raw`${START}(?:\((\d{3})\) ?|(\d{3})[-. ])(\d{3})[-. ](\d{4})${END}`, 'gu');

const findNorthAmericanPhones = (text: string): { index: number; match: PiiMatch }[] =>
  Array.from(text.matchAll(NANP)).flatMap((m) => {
    const area = m[1] ?? m[2] ?? '';
    const exchange = m[3] ?? '';
    // NANP: area code and exchange start with 2-9; N11 area codes are service codes, not areas.
    if (!/^[2-9]/.test(area) || !/^[2-9]/.test(exchange) || /^[2-9]11$/.test(area)) return [];
    const digits = `${area}${exchange}${m[4] ?? ''}`;
    return [{ index: m.index ?? 0, match: { kind: 'phone' as const, masked: maskDigits(digits, 2) } }];
  });

const CARD_PLAIN = new RegExp(String.raw`${START}\d{13,19}${END}`, 'gu');
const CARD_GROUPED = new RegExp(String.raw`${START}\d{4}([ -])\d{4}\1\d{4}\1\d{4}${END}`, 'gu');
const CARD_AMEX_GROUPED = new RegExp(String.raw`${START}\d{4}([ -])\d{6}\1\d{5}${END}`, 'gu');

export const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
};

const inRange = (digits: string, length: number, from: number, to: number): boolean => {
  const prefix = Number(digits.slice(0, length));
  return prefix >= from && prefix <= to;
};

/** Prefix (IIN) and length of a major card network: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay. */
const cardNetworkMatches = (digits: string): boolean => {
  const n = digits.length;
  if (digits.startsWith('4')) return n === 13 || n === 16 || n === 19;
  if (inRange(digits, 2, 51, 55) || inRange(digits, 4, 2221, 2720)) return n === 16;
  if (digits.startsWith('34') || digits.startsWith('37')) return n === 15;
  if (digits.startsWith('6011') || digits.startsWith('65') || inRange(digits, 3, 644, 649)) return n >= 16;
  if (inRange(digits, 4, 3528, 3589)) return n >= 16;
  if (
    digits.startsWith('36') ||
    digits.startsWith('38') ||
    digits.startsWith('39') ||
    inRange(digits, 3, 300, 305)
  )
    return n >= 14;
  if (digits.startsWith('62')) return n >= 16;
  return false;
};

const findCards = (text: string): { index: number; match: PiiMatch }[] =>
  [CARD_PLAIN, CARD_GROUPED, CARD_AMEX_GROUPED].flatMap((pattern) =>
    Array.from(text.matchAll(pattern)).flatMap((m) => {
      const digits = digitsOf(m[0]);
      if (!cardNetworkMatches(digits) || !luhnValid(digits)) return [];
      return [
        { index: m.index ?? 0, match: { kind: 'payment-card' as const, masked: maskDigits(digits, 4) } },
      ];
    }),
  );

const SSN = new RegExp(String.raw`${START}(\d{3})-(\d{2})-(\d{4})${END}`, 'gu');

const findSsns = (text: string): { index: number; match: PiiMatch }[] =>
  Array.from(text.matchAll(SSN)).flatMap((m) => {
    const [area = '', group = '', serial = ''] = [m[1], m[2], m[3]];
    // Never issued: area 000, 666 and 900-999; group 00; serial 0000.
    if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000')
      return [];
    return [{ index: m.index ?? 0, match: { kind: 'us-ssn' as const, masked: '***-**-****' } }];
  });

// ---------------------------------------------------------------------------------------------

/**
 * Every piece of obvious personal data in `value`, in the order it appears. Full-width and other
 * compatibility forms (`＠`, `４１１１`) are normalised first, so they are found as well.
 */
export const findPii = (value: string): readonly PiiMatch[] => {
  const text = value.normalize('NFKC');
  return [
    ...findEmails(text),
    ...findInternationalPhones(text),
    ...findNorthAmericanPhones(text),
    ...findCards(text),
    ...findSsns(text),
  ]
    .sort((a, b) => a.index - b.index)
    .map((found) => found.match);
};
