/**
 * A fact not read fails the remediating invocation (so that it is retried) with an error that names
 * the read whose answer was incomplete, and writes nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { enabledChecks } from '../../../shared/checks/registry.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/policy/settings.ts';
import type { RecordedAccountFile } from '../../../shared/recorded/account-file.ts';
import { recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { evaluateBroker } from '../../../shared/use-cases/handle-api-call.ts';

const ACCOUNT_FILE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'events',
  'accounts',
  'shared-group-two-activemq.json',
);
const BROKER = 'b-5afe0002-0000-4000-8000-0000000000b1';
const ENFORCE: Settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' };

const accountFailing = (failing: string[]) => {
  const file = JSON.parse(readFileSync(ACCOUNT_FILE, 'utf8')) as RecordedAccountFile;
  return recordedAccountFrom({ ...file, unanswered: { securityGroups: [], failing } } as RecordedAccountFile);
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('evaluateBroker with a read that fails', () => {
  it.each([
    ['DescribeNetworkInterfaces', 'DescribeNetworkInterfaces'],
    ['DescribeSecurityGroups', 'DescribeSecurityGroups'],
    ['ListBrokers', 'ListBrokers'],
  ])('when %s fails, throws IncompleteRead naming %s and writes nothing', async (failing, named) => {
    // Prepare
    const account = accountFailing([failing]);

    // Act
    const result = evaluateBroker(BROKER, {
      readers: { brokers: account, network: account, keys: account },
      writer: account,
      settings: ENFORCE,
      checks: enabledChecks(ENFORCE),
      account: account.accountId,
      region: account.region,
      now: () => new Date('2026-12-05T12:00:00Z'),
    });

    // Assess
    await expect(result).rejects.toMatchObject({ operation: named, awsErrorName: 'IncompleteRead' });
    expect(account.writes()).toEqual([]);
  });
});
