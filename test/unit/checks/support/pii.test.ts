import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describePiiKind, findPii, luhnValid, type PiiKind } from '../../../../shared/checks/support/pii.ts';

const kinds = (value: string): PiiKind[] => findPii(value).map((match) => match.kind);

describe('findPii', () => {
  it.each<[string, string, PiiKind[]]>([
    ['a plain e-mail address', 'jane.doe@example.com', ['email']],
    ['an e-mail address inside text and brackets', 'owner: Jane <jane.doe@example.com>.', ['email']],
    ['an e-mail address with a plus tag and subdomain', 'ops+mq@mail.example.co.uk', ['email']],
    ['an e-mail address with Unicode letters', 'jörg@exämple.de', ['email']],
    ['a full-width e-mail address', 'ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ', ['email']],
    [
      'an IAM user ARN naming an e-mail address',
      'arn:aws:iam::123456789012:user/jane@example.com',
      ['email'],
    ],
    ['an international phone number', '+1 201 555 0123', ['phone']],
    ['an international phone number without separators', '+4915123456789', ['phone']],
    ['an international phone number with a bracketed area code', '+44 (20) 7946 0958', ['phone']],
    ['a phone number after an emoji', '📞 +49 151 23456789', ['phone']],
    ['a full-width phone number', '＋４９ １５１ ２３４５６７８９', ['phone']],
    ['a North American number with dashes', '201-555-0123', ['phone']],
    ['a North American number with a bracketed area code', '(201) 555-0123', ['phone']],
    ['a North American number with dots inside text', 'call 201.555.0123 now', ['phone']],
    ['a Visa test card number', '4111111111111111', ['payment-card']],
    ['a grouped Mastercard test number', '5555 5555 5555 4444', ['payment-card']],
    ['a dashed Visa test number', '4111-1111-1111-1111', ['payment-card']],
    ['an Amex test number', '378282246310005', ['payment-card']],
    ['a grouped Amex test number', '3782 822463 10005', ['payment-card']],
    ['a US social security number', '123-45-6789', ['us-ssn']],
    ['a labelled social security number', 'ssn-123-45-6789', ['us-ssn']],
    [
      'several kinds in order',
      'jane@example.com / +1 201 555 0123 / 123-45-6789',
      ['email', 'phone', 'us-ssn'],
    ],
  ])('finds %s', (_case, value, expected) => {
    // Act
    const found = kinds(value);

    // Assess
    expect(found).toEqual(expected);
  });

  it.each<[string, string]>([
    ['a broker id from the AWS documentation', 'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9'],
    ['a broker id with hexadecimal digits', 'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4'],
    [
      'a broker ARN',
      'arn:aws:mq:us-east-1:123456789012:broker:orders-prod:b-b4cfface-0aa9-4922-b41d-07fab046cef3',
    ],
    ['a KMS key ARN', 'arn:aws:kms:us-east-1:000011112222:key/c4750c1a-72e5-4d16-bc72-0e7b559e0250'],
    [
      'a CloudFormation stack id',
      'arn:aws:cloudformation:us-east-1:123456789012:stack/orders/12345678-1234-1234-1234-123456789012',
    ],
    ['a configuration id', 'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a'],
    ['an AWS account id', '123456789012'],
    ['a security group id', 'sg-1234567890abcdef0'],
    ['engine versions', '5.18 5.16.3 3.13.7 4.2'],
    ['ISO dates and times', '2024-11-15 2026-11-24T14:04:59Z 15/11/2024'],
    ['IPv4 addresses and CIDRs', '10.0.0.1 192.168.100.200 172.31.90.204/32'],
    ['a millisecond timestamp', '1736935200000'],
    ['a 16-digit number that fails the Luhn check', '4111111111111112'],
    ['a Luhn-valid number without a card network prefix', '1234567812345670'],
    ['a 3-3-4 number with an invalid area code', '123-456-7890'],
    ['a 3-3-4 number with an invalid exchange code', '201-055-0123'],
    ['a 3-3-4 number with a service area code', '911-555-0123'],
    ['a social security number in the never-issued area 000', 'ssn 000-12-3456'],
    ['a social security number in the never-issued area 666', 'ssn 666-12-3456'],
    ['a social security number in the never-issued areas 900-999', 'ssn 900-12-3456'],
    ['a social security number with the never-issued group 00', 'ssn 123-00-4567'],
    ['a social security number with the never-issued serial 0000', 'ssn 123-45-0000'],
    ['a time zone offset', 'UTC+1 +05:30'],
    ['an address without a top-level domain', 'admin@localhost'],
    ['an address at an IP address', 'root@10.0.0.1'],
    ['a one-letter top-level domain', 'a@b.c'],
    ['a CIDR-like tag value', '0.0.0.0/0'],
    ['a version glued to a name', 'release-2024.11.15-201'],
    ['a number continuing a longer digit group', '4111 1111 1111 1111 2222'],
    ['Unicode text without personal data', 'Ünïcödé team 🚀 Zürich–München'],
    ['an e-mail-like string with an empty local part', '@example.com'],
  ])('does not flag %s', (_case, value) => {
    // Act
    const found = findPii(value);

    // Assess
    expect(found).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['an e-mail address', 'jane.doe@example.com', 'j***@e***.com'],
    ['a phone number, keeping two digits', '+1 201 555 0123', '+*********23'],
    ['a card number, keeping the last four digits', '4111 1111 1111 1111', '************1111'],
    ['a social security number, keeping nothing', '123-45-6789', '***-**-****'],
  ])('masks %s', (_case, value, masked) => {
    // Act
    const [match] = findPii(value);

    // Assess
    expect(match?.masked).toBe(masked);
  });

  it('never returns a masked form that contains the value it masks', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9_+-]{1,15}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
        fc.constantFrom('com', 'org', 'de', 'io', 'example'),
        fc.constantFrom('', ' ', 'owner: ', '<', 'mail='),
        fc.constantFrom('', ' ', '>', ', ', '.'),
        (local, domain, tld, before, after) => {
          // Prepare
          const address = `${local}@${domain}.${tld}`;

          // Act
          const found = findPii(`${before}${address}${after}`);

          // Assess
          expect(found.map((match) => match.kind)).toEqual(['email']);
          // Only the first character of the local part and of the domain, and the top-level domain, are
          // shown (a substring check would fail whenever the local part equals the TLD, e.g. "de").
          expect(found[0]?.masked).toBe(`${local.charAt(0)}***@${domain.charAt(0)}***.${tld}`);
        },
      ),
    );
  });

  it('never shows more than four digits of a number it masks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 60 }), (value) => {
        // Act
        const found = findPii(value);

        // Assess
        for (const match of found) {
          if (match.kind !== 'email') expect(match.masked.replace(/\D/g, '').length).toBeLessThanOrEqual(4);
        }
      }),
    );
  });

  /** Today's scanners read each character at most 4 times; a quadratic one reads ~n/2 times. */
  const MAX_READS_PER_CHARACTER = 8;
  // Scanning work is counted, not timed: the hand-written scanners read the text one charAt at a
  // time, so a scan that looks at each character a bounded number of times stays linear, while a
  // scanner that restarts at every candidate (quadratic) reads billions of characters on these inputs.
  // (The regular expressions have no nested quantifiers: their work per position is bounded.)
  it.each<[string, string]>([
    ['a long run of local-part characters before one @', `${'a'.repeat(200_000)}@`],
    ['a long run of @', '@'.repeat(200_000)],
    ['alternating letters and @', 'a@'.repeat(100_000)],
    ['dotted labels on both sides of one @', `${'a.'.repeat(100_000)}@${'b.'.repeat(100_000)}`],
    ['a long run of digits', '1'.repeat(200_000)],
    ['digits separated by dashes', '1-'.repeat(100_000)],
    ['digits separated by spaces', '1 '.repeat(100_000)],
    ['repeated plus signs and digits', '+1'.repeat(100_000)],
    ['repeated plus signs', '+'.repeat(200_000)],
    ['bracketed digit groups', '(201) '.repeat(40_000)],
    ['almost-phone numbers', '201-555-012 '.repeat(20_000)],
  ])('reads each character a bounded number of times on %s', (_case, value) => {
    // Prepare: count reads without recording them (a spy would keep every call's arguments).
    const charAt = String.prototype.charAt;
    let reads = 0;
    String.prototype.charAt = function countedCharAt(this: string, position: number): string {
      reads += 1;
      return charAt.call(this, position);
    };

    // Act
    try {
      findPii(value);
    } finally {
      String.prototype.charAt = charAt;
    }

    // Assess
    expect(reads).toBeLessThanOrEqual(MAX_READS_PER_CHARACTER * value.length);
  });

  it('finds personal data at the end of a very long value', () => {
    // Act
    const found = kinds(`${'x'.repeat(100_000)} jane@example.com`);

    // Assess
    expect(found).toEqual(['email']);
  });
});

describe('luhnValid', () => {
  it.each<[string, boolean]>([
    ['4111111111111111', true],
    ['378282246310005', true],
    ['79927398713', true],
    ['4111111111111112', false],
    ['', false],
  ])('says %s is %s', (digits, valid) => {
    // Act
    const result = luhnValid(digits);

    // Assess
    expect(result).toBe(valid);
  });
});

describe('describePiiKind', () => {
  it.each<[PiiKind, number, string]>([
    ['email', 1, 'e-mail address'],
    ['email', 2, '2 e-mail addresses'],
    ['payment-card', 3, '3 payment card numbers'],
    ['us-ssn', 1, 'US social security number'],
    ['iban', 2, '2 bank account numbers (IBAN)'],
  ])('names %s (%i) as "%s"', (kind, count, text) => {
    // Act
    const name = describePiiKind(kind, count);

    // Assess
    expect(name).toBe(text);
  });
});

describe('findPii and whole tokens', () => {
  it.each([
    ['a social-security-like number ending a build name', 'build-123-45-6789'],
    ['a social-security-like number followed by a letter', 'build 123-45-6789x'],
    ['a social-security-like number continued by a version part', '123-45-6789.2'],
    ['a card-like number glued to a letter', '4111111111111111x'],
    ['a card-like number after a letter', 'x4111111111111111'],
    ['a card-like number after a word and a dot', 'v.4111111111111111'],
    ['a phone-like number joined to a rack name', 'rack-201-555-0123'],
    ['a phone-like number joined by an underscore', 'rack_201-555-0123'],
    ['an international number glued to a word by an underscore', 'x_+4915123456789'],
    ['an IBAN glued to a letter', 'XDE89370400440532013000'],
    ['an IBAN joined to a word', 'payout-DE89370400440532013000'],
    ['a label glued to a longer word', 'nossn-123-45-6789'],
  ])('does not flag %s', (_case, value) => {
    // Act / Assess
    expect(findPii(value)).toEqual([]);
  });

  it.each<[string, string, PiiKind]>([
    ['a number after a colon', 'ssn:123-45-6789', 'us-ssn'],
    ['a number after an equals sign', 'card=4111111111111111', 'payment-card'],
    ['a number in brackets', '[201-555-0123]', 'phone'],
    ['a number ending a sentence', 'call 201-555-0123.', 'phone'],
    ['a number after a slash', 'employees/123-45-6789', 'us-ssn'],
    ['a number joined to its label', 'ssn-123-45-6789', 'us-ssn'],
    ['an international number after a hyphen (its + starts it)', 'ops-+14155550123', 'phone'],
    ['a number joined to a label in any case', 'SSN_123-45-6789', 'us-ssn'],
    ['a number joined to a label that follows a word', 'owner-tel.201-555-0123', 'phone'],
    ['a card number joined to its label', 'card-4111111111111111', 'payment-card'],
    ['an IBAN joined to its label', 'iban_DE89370400440532013000', 'iban'],
  ])('flags %s', (_case, value, kind) => {
    // Act
    const found = kinds(value);

    // Assess
    expect(found).toEqual([kind]);
  });

  it('flags the same numbers standing alone', () => {
    // Act
    const found = kinds('build 123-45-6789, card 4111111111111111, call 201-555-0123');

    // Assess
    expect(found).toEqual(['us-ssn', 'payment-card', 'phone']);
  });
});

describe('findPii and bank account numbers', () => {
  it.each<[string, string]>([
    ['a German IBAN in electronic form', 'DE89370400440532013000'],
    ['a German IBAN printed in groups of four', 'DE89 3704 0044 0532 0130 00'],
    ['a British IBAN with a bank code of letters', 'GB82WEST12345698765432'],
    ['a British IBAN in groups separated by hyphens', 'GB82-WEST-1234-5698-7654-32'],
    ['an IBAN in lower case', 'nl91abna0417164300'],
    ['an IBAN followed by a currency', 'payout to CH93 0076 2011 6238 5295 7 CHF'],
    ['the shortest IBAN (Norway, 15 characters)', 'NO9386011117947'],
    ['a Maltese IBAN of 31 characters', 'MT84MALT011000012345MTLCAST001S'],
  ])('finds %s', (_case, value) => {
    // Act
    const found = kinds(value);

    // Assess
    expect(found).toEqual(['iban']);
  });

  it.each<[string, string]>([
    ['a German IBAN with a wrong check digit', 'DE89370400440532013001'],
    ['a German IBAN one character short', 'DE8937040044053201300'],
    ['a German IBAN one character long', 'DE893704004405320130000'],
    ['a British IBAN whose bank code is digits', 'GB82123412345698765432'],
    ['a printed IBAN whose last group runs on', 'DE89 3704 0044 0532 0130 0012'],
    ['a printed IBAN with an uneven group', 'DE89 3704 004 40532 0130 00'],
    ['an unknown country code', 'XX89370400440532013000'],
  ])('does not flag %s', (_case, value) => {
    // Act / Assess
    expect(findPii(value)).toEqual([]);
  });

  it('masks an IBAN down to its country code and last four characters', () => {
    // Act
    const [match] = findPii('DE89 3704 0044 0532 0130 00');

    // Assess
    expect(match?.masked).toBe('DE****************3000');
  });
});
