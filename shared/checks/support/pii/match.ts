/** What the personal-data detectors report. Pure types, shared by every detector. */

export type PiiKind = 'email' | 'phone' | 'payment-card' | 'iban' | 'us-ssn';

export interface PiiMatch {
  readonly kind: PiiKind;
  /** A masked form safe to show in findings: never the value in full. */
  readonly masked: string;
}

/** A match and where it starts in the (normalised) text, so that matches can be put in text order. */
export interface Located {
  readonly index: number;
  readonly match: PiiMatch;
}

/** `***…` for all but the last `keepLast` digits. */
export const maskDigits = (digits: string, keepLast: number): string =>
  `${'*'.repeat(Math.max(0, digits.length - keepLast))}${keepLast > 0 ? digits.slice(-keepLast) : ''}`;

export const digitsOf = (text: string): string => text.replace(/\D/g, '');
