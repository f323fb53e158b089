/**
 * Phone, payment card and US social security numbers. Each must be a whole token (./tokens.ts).
 *
 * - phone numbers: international form with a leading `+` and 8 to 15 digits (E.164), or the North
 *   American form 3-3-4 with separators and valid area/exchange codes (`(201) 555-0123`, `201-555-0123`);
 * - payment card numbers: 13 to 19 digits (plain, or grouped 4-4-4-4 / Amex 4-6-5) with the prefix and
 *   length of a major card network AND a valid Luhn check digit (ISO/IEC 7812-1);
 * - US social security numbers written `AAA-GG-SSSS`, with the SSA's never-issued ranges excluded.
 *
 * Linear: the regular expressions have bounded quantifiers and none nested; the `+` scanner looks at
 * a bounded window after each `+`.
 */
import { digitsOf, type Located, maskDigits } from './match.ts';
import { TOKEN_END, TOKEN_START, tokenEndsAt } from './tokens.ts';

// International numbers: a `+` not glued to a word character, then at most 24 characters of digits and
// single separators. The window is bounded, so the scan stays linear. The `+` itself marks where the
// number starts, so a `-` or `.` before it separates (`ops-+14155550123`); a letter, digit, `_` or `~`
// right before it does not (`UTC+1`, `v+49…`).
const GLUED_BEFORE_PLUS = /^[\p{L}\p{N}_~]$/u;
const PHONE_WINDOW = 24;
const PHONE_BODY_CHAR = /^[0-9 ().-]$/;
const SEPARATOR_RUNS = /[ ().-]+/g;

const validSeparatorRun = (run: string): boolean => {
  const plain = run.replace(/[()]/g, '');
  const parens = run.length - plain.length;
  return plain.length <= 1 && parens <= 1;
};

const findInternationalPhones = (text: string): Located[] => {
  const found: Located[] = [];
  for (let plus = text.indexOf('+'); plus !== -1; plus = text.indexOf('+', plus + 1)) {
    if (plus > 0 && GLUED_BEFORE_PLUS.test(text.charAt(plus - 1))) continue;
    let end = plus + 1;
    while (end < text.length && end - plus <= PHONE_WINDOW && PHONE_BODY_CHAR.test(text.charAt(end)))
      end += 1;
    // Still digits after the window: a longer number than any phone number.
    if (end < text.length && /[0-9]/.test(text.charAt(end))) continue;
    const body = text.slice(plus + 1, end).replace(/[ (.-]+$/, '');
    if (!tokenEndsAt(text, plus + 1 + body.length)) continue;
    if (!/^[1-9]/.test(body)) continue;
    const separators = body.match(SEPARATOR_RUNS) ?? [];
    if (!separators.every(validSeparatorRun)) continue;
    const digits = digitsOf(body);
    if (digits.length < 8 || digits.length > 15) continue;
    found.push({ index: plus, match: { kind: 'phone', masked: `+${maskDigits(digits, 2)}` } });
  }
  return found;
};

const NANP = new RegExp(
  String.raw`${TOKEN_START}(?:\((\d{3})\) ?|(\d{3})[-. ])(\d{3})[-. ](\d{4})${TOKEN_END}`,
  'giu',
);

const findNorthAmericanPhones = (text: string): Located[] =>
  Array.from(text.matchAll(NANP)).flatMap((m) => {
    const area = m[1] ?? m[2] ?? '';
    const exchange = m[3] ?? '';
    // NANP: area code and exchange start with 2-9; N11 area codes are service codes, not areas.
    if (!/^[2-9]/.test(area) || !/^[2-9]/.test(exchange) || /^[2-9]11$/.test(area)) return [];
    const digits = `${area}${exchange}${m[4] ?? ''}`;
    return [{ index: m.index ?? 0, match: { kind: 'phone' as const, masked: maskDigits(digits, 2) } }];
  });

const CARD_PLAIN = new RegExp(String.raw`${TOKEN_START}\d{13,19}${TOKEN_END}`, 'giu');
const CARD_GROUPED = new RegExp(String.raw`${TOKEN_START}\d{4}([ -])\d{4}\1\d{4}\1\d{4}${TOKEN_END}`, 'giu');
const CARD_AMEX_GROUPED = new RegExp(String.raw`${TOKEN_START}\d{4}([ -])\d{6}\1\d{5}${TOKEN_END}`, 'giu');

/** The Luhn (mod 10) check digit of ISO/IEC 7812-1 holds for `digits`. */
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

const findCards = (text: string): Located[] =>
  [CARD_PLAIN, CARD_GROUPED, CARD_AMEX_GROUPED].flatMap((pattern) =>
    Array.from(text.matchAll(pattern)).flatMap((m) => {
      const digits = digitsOf(m[0]);
      if (!cardNetworkMatches(digits) || !luhnValid(digits)) return [];
      return [
        { index: m.index ?? 0, match: { kind: 'payment-card' as const, masked: maskDigits(digits, 4) } },
      ];
    }),
  );

const SSN = new RegExp(String.raw`${TOKEN_START}(\d{3})-(\d{2})-(\d{4})${TOKEN_END}`, 'giu');

const findSsns = (text: string): Located[] =>
  Array.from(text.matchAll(SSN)).flatMap((m) => {
    const [area = '', group = '', serial = ''] = [m[1], m[2], m[3]];
    // Never issued: area 000, 666 and 900-999; group 00; serial 0000.
    if (area === '000' || area === '666' || area.startsWith('9') || group === '00' || serial === '0000')
      return [];
    return [{ index: m.index ?? 0, match: { kind: 'us-ssn' as const, masked: '***-**-****' } }];
  });

export const findNumbers = (text: string): Located[] => [
  ...findInternationalPhones(text),
  ...findNorthAmericanPhones(text),
  ...findCards(text),
  ...findSsns(text),
];
