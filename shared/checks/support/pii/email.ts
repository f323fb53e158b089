/**
 * E-mail addresses: `local@domain.tld`, Unicode letters allowed, alphabetic top-level domain of 2+
 * letters. An address delimits itself (the `@` and the domain), so it is found inside a longer word
 * as well (`arn:…:user/jane@example.com`).
 *
 * Linear: found by expanding around each `@`, each character is visited at most twice.
 */
import type { Located } from './match.ts';

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

export const findEmails = (text: string): Located[] => {
  const found: Located[] = [];
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
