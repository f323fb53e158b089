/**
 * The detectors against a corpus of identifiers that platform teams really put in broker names, user
 * names, tags and configuration descriptions. None of the first corpus is personal data and none may be
 * flagged; every value of the second corpus is, and must be. Each value is tried alone, as it would be
 * in a tag, and inside a sentence, as it would be in a description.
 */
import { describe, expect, it } from 'vitest';
import { findPii, type PiiKind } from '../../../../shared/checks/support/pii.ts';

const NOT_PERSONAL_DATA: Readonly<Record<string, readonly string[]>> = {
  dates: [
    '2026-12-05',
    '05/12/2026',
    '12/05/2026',
    '05.12.2026',
    '20261205',
    '2026-12-05T10:15:30Z',
    '2026-12-05T10:15:30.123+01:00',
    'Sat, 05 Dec 2026 10:15:30 GMT',
    'backup-2026-12-05-101530',
    '2026-W49',
  ],
  versions: [
    '1.2.3',
    'v10.4.12-rc.1',
    '5.18.4',
    '3.13.7+build.20261205',
    '2.0.0-beta.123.45.6789',
    'release-2024.11.15-201',
    'rabbitmq-4.2.1',
    'activemq-5.18.3',
  ],
  'ticket ids': [
    'JIRA-1234',
    'OPS-123-45-6789',
    'INC0012345',
    'CHG0034567',
    'RITM0012345678901',
    'SR-2015550123',
    '#4521',
    'CASE-201-555-0123',
  ],
  'IP addresses': [
    '10.0.0.1',
    '192.168.100.200',
    '203.0.113.0/24',
    '172.31.90.204/32',
    '2001:db8::1',
    'fe80::1ff:fe23:4567:890a',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:192.0.2.128',
    '2001:db8:4111:1111:1111:1111::/96',
  ],
  UUIDs: [
    'c4750c1a-72e5-4d16-bc72-0e7b559e0250',
    '12345678-1234-1234-1234-123456789012',
    '41111111-1111-4111-8111-111111111111',
    '{5f2b1c7e-1234-4567-89ab-cdef01234567}',
  ],
  ARNs: [
    'arn:aws:mq:eu-west-1:123456789012:broker:orders-prod:b-b4cfface-0aa9-4922-b41d-07fab046cef3',
    'arn:aws:mq:us-east-1:123456789012:configuration:c-d76dd81d-cdba-4533-a71c-feeaf2e2606a',
    'arn:aws:kms:us-east-1:000011112222:key/c4750c1a-72e5-4d16-bc72-0e7b559e0250',
    'arn:aws:iam::123456789012:role/mq-guardian-remediator',
    'arn:aws:sns:eu-central-1:123456789012:mq-alerts',
    'arn:aws:cloudformation:us-east-1:123456789012:stack/orders/12345678-1234-1234-1234-123456789012',
  ],
  'broker and resource ids': [
    'b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9',
    'b-a67fb4c0-2f23-46cf-98cb-7015bd36e1b4',
    'c-d76dd81d-cdba-4533-a71c-feeaf2e2606a',
    'sg-1234567890abcdef0',
    'sgr-0a1b2c3d4e5f67890',
    'eni-0123456789abcdef0',
    'vpc-4111111111111111',
    'subnet-201555012345',
  ],
  hashes: [
    'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'd41d8cd98f00b204e9800998ecf8427e',
    'sha256:4111111111111111e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934',
    'de89370400440532013000de89370400440532013000',
    'git-1a2b3c4',
  ],
  'build numbers that look like phone numbers': [
    'build-201-555-0123',
    'build.201.555.0123',
    '1.201.555.0123',
    '201-555-0123.7',
    'b201-555-0123',
    '2015550123',
    '201555012345',
    'build_+4915123456789',
    'v+4915123456789',
  ],
  'account ids and plain numbers': [
    '123456789012',
    '000011112222',
    '1736935200000',
    '1764921600000000000',
    '4111',
    'cc-1234',
    '4111 1111 1111 1111 2222',
    '42',
  ],
  'other settings': [
    '0.0.0.0/0',
    '::/0',
    'openwire,amqp,stomp,mqtt,wss',
    'mq.m5.large',
    'UTC+1',
    '+05:30',
    'eu-west-1',
    'admin@localhost',
    'root@10.0.0.1',
  ],
};

const PERSONAL_DATA: Readonly<Record<PiiKind, readonly string[]>> = {
  iban: [
    'DE89370400440532013000',
    'DE89 3704 0044 0532 0130 00',
    'GB82WEST12345698765432',
    'GB82 WEST 1234 5698 7654 32',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'CH9300762011623852957',
    'ES9121000418450200051332',
    'IT60X0542811101000000123456',
    'BE68539007547034',
    'NO9386011117947',
    'PL61109010140000071219812874',
    'SA0380000000608010167519',
    'BR1800360305000010009795493C1',
    'MT84MALT011000012345MTLCAST001S',
  ],
  'payment-card': [
    '4111111111111111',
    '4012888888881881',
    '4222222222222',
    '5555555555554444',
    '5105105105105100',
    '2223003122003222',
    '378282246310005',
    '371449635398431',
    '6011111111111117',
    '6011000990139424',
    '3530111333300000',
    '3566002020360505',
    '30569309025904',
    '38520000023237',
    '6200000000000005',
    '4111 1111 1111 1111',
    '5555-5555-5555-4444',
    '3782 822463 10005',
  ],
  'us-ssn': ['123-45-6789', '078-05-1120', '219-09-9999', '536-22-1234'],
  phone: ['+1 201 555 0123', '+44 20 7946 0958', '+4915123456789', '(201) 555-0123', '201.555.0123'],
  email: ['jane.doe@example.com', 'ops+mq@mail.example.co.uk'],
};

/** Invalid check digits: the same shapes as above, so only the checksum can tell them apart. */
const INVALID_CHECKSUMS: readonly string[] = [
  'DE89370400440532013001',
  'GB82WEST12345698765433',
  'FR1420041010050500013M02607',
  'NL92ABNA0417164300',
  'NO9386011117948',
  '4111111111111112',
  '4012888888881882',
  '5555555555554445',
  '378282246310006',
  '6011111111111118',
  '3530111333300001',
  '4111 1111 1111 1112',
];

/** Where a value sits: alone (a tag value), or inside a description. */
const PLACES: readonly [string, (value: string) => string][] = [
  ['alone', (value) => value],
  ['in a sentence', (value) => `Owned by platform team, see ${value}.`],
  ['after a label', (value) => `ref: ${value}; env=prod`],
];

const cases = <T>(corpus: Readonly<Record<string, readonly T[]>>): [string, T][] =>
  Object.entries(corpus).flatMap(([family, values]) => values.map((value): [string, T] => [family, value]));

describe('findPii on identifiers that are not personal data', () => {
  describe.each(PLACES)('%s', (_place, place) => {
    it.each(cases(NOT_PERSONAL_DATA))('does not flag %s: %s', (_family, value) => {
      // Act
      const found = findPii(place(value));

      // Assess
      expect(found).toEqual([]);
    });
  });

  it.each(INVALID_CHECKSUMS)('does not flag %s, whose check digit is wrong', (value) => {
    // Act
    const found = findPii(value);

    // Assess
    expect(found).toEqual([]);
  });
});

describe('findPii on personal data', () => {
  describe.each(PLACES)('%s', (_place, place) => {
    it.each(cases(PERSONAL_DATA))('flags %s: %s', (kind, value) => {
      // Act
      const found = findPii(place(value)).map((match) => match.kind);

      // Assess
      expect(found).toEqual([kind]);
    });
  });
});
