/**
 * International bank account numbers (ISO 13616): a country code, two check digits and the national
 * account number (BBAN), either in electronic form (`DE89370400440532013000`) or printed in groups of
 * four (`DE89 3704 0044 0532 0130 00`, space or hyphen). A candidate counts only when it is a whole
 * token (./tokens.ts), has exactly the length registered for its country, matches that country's BBAN
 * format and passes the mod-97 check (ISO 7064 MOD 97-10), and the national check digits where a
 * country has them. Those rules come from `ibantools` (the IBAN registry's table); letters are
 * accepted in either case.
 *
 * Linear: candidates are the token starts of two letters and two digits; each reads at most the
 * 34 characters of an IBAN plus its separators.
 */
import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { Located } from './match.ts';
import { tokenEndsAt, TOKEN_START } from './tokens.ts';

const COUNTRY_LENGTHS: ReadonlyMap<string, number> = new Map(
  Object.entries(getCountrySpecifications()).flatMap(([country, spec]) =>
    spec.chars !== null && spec.bban_regexp !== null ? [[country, spec.chars] as const] : [],
  ),
);

const CANDIDATE = new RegExp(`${TOKEN_START}[a-z]{2}[0-9]{2}`, 'giu');
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;
const GROUP = 4;

/** The IBAN in electronic form starting at `start`, and where it ends, or undefined. */
const readIban = (text: string, start: number, length: number): { iban: string; end: number } | undefined => {
  const next = text.charAt(start + GROUP);
  const separator = next === ' ' || next === '-' ? next : '';
  let iban = text.slice(start, start + GROUP);
  let at = start + GROUP;
  while (iban.length < length) {
    if (separator !== '') {
      if (text.charAt(at) !== separator) return undefined;
      at += 1;
    }
    const size = separator === '' ? length - iban.length : Math.min(GROUP, length - iban.length);
    const group = text.slice(at, at + size);
    if (group.length !== size || !ALPHANUMERIC.test(group)) return undefined;
    iban += group;
    at += size;
  }
  return { iban: iban.toUpperCase(), end: at };
};

const maskIban = (iban: string): string =>
  `${iban.slice(0, 2)}${'*'.repeat(iban.length - 6)}${iban.slice(-4)}`;

export const findIbans = (text: string): Located[] =>
  Array.from(text.matchAll(CANDIDATE)).flatMap((m) => {
    const start = m.index ?? 0;
    const length = COUNTRY_LENGTHS.get(m[0].slice(-4, -2).toUpperCase());
    if (length === undefined) return [];
    const read = readIban(text, start, length);
    if (read === undefined || !tokenEndsAt(text, read.end) || !isValidIBAN(read.iban)) return [];
    return [{ index: start, match: { kind: 'iban' as const, masked: maskIban(read.iban) } }];
  });
