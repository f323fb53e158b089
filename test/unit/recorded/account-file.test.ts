import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuardianError } from '../../../shared/errors.ts';
import { parseRecordedAccountFile, RecordedAccountFileError } from '../../../shared/recorded/account-file.ts';
import { loadRecordedAccount, recordedAccountFrom } from '../../../shared/recorded/recorded-account.ts';
import { aBrokerItem, aRuleItem, anAccountFile, DEMO_ACCOUNT_PATH, type Json } from './account-builder.ts';

const messageOf = (act: () => unknown): string => {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(RecordedAccountFileError);
    return (error as Error).message;
  }
  throw new Error('expected a RecordedAccountFileError');
};

describe('parseRecordedAccountFile', () => {
  it('accepts a minimal file and fills the optional lists', () => {
    // Act
    const file = parseRecordedAccountFile({ account: '123456789012', region: 'eu-west-1' });

    // Assess
    expect(file).toMatchObject({
      brokers: [],
      configurations: [],
      securityGroups: [],
      securityGroupRules: [],
      networkInterfaces: [],
      kmsKeys: [],
      denied: { kms: [] },
    });
  });

  it.each<[string, Json, string]>([
    ['a short account id', { account: '12345' }, 'account: is not a 12-digit account id'],
    ['a region that is no region', { region: 'mars' }, 'region: is not a region name'],
    [
      'a revision that is not base64',
      {
        configurations: [
          { Id: 'c-1', Name: 'x', EngineType: 'ACTIVEMQ', Revisions: [{ Revision: 1, Data: '<broker/>' }] },
        ],
      },
      'configurations[0].Revisions[0].Data: is not base64',
    ],
    [
      'a rule without IsEgress',
      { securityGroupRules: [aRuleItem({ IsEgress: undefined })] },
      'securityGroupRules[0].IsEgress',
    ],
    ['a broker without id', { brokers: [{ BrokerName: 'nameless' }] }, 'brokers[0].BrokerId'],
  ])('rejects %s, naming the path', (_case, overrides, expected) => {
    // Act
    const message = messageOf(() => parseRecordedAccountFile(anAccountFile(overrides), 'accounts/bad.json'));

    // Assess
    expect(message.startsWith('accounts/bad.json: ')).toBe(true);
    expect(message).toContain(expected);
  });

  it('rejects a broker the mappers could not read, with its index and the mapper message', () => {
    // Prepare
    const json = anAccountFile({
      brokers: [aBrokerItem(), aBrokerItem({ BrokerId: 'b-2', PubliclyAccessible: undefined })],
    });

    // Act
    const message = messageOf(() => parseRecordedAccountFile(json, 'state.json'));

    // Assess
    expect(message).toBe('state.json: brokers[1]: DescribeBroker b-2: PubliclyAccessible is missing');
  });

  it('takes a rule whose group securityGroups does not list as a group DescribeSecurityGroups leaves out', async () => {
    // Prepare
    const json = anAccountFile({ securityGroupRules: [aRuleItem({ GroupId: 'sg-0000000000000dead' })] });

    // Act
    const account = recordedAccountFrom(parseRecordedAccountFile(json));

    // Assess
    expect((await account.describeIngressRules(['sg-0000000000000dead'])).map((r) => r.groupId)).toEqual([
      'sg-0000000000000dead',
    ]);
    expect(await account.describeSecurityGroups(['sg-0000000000000dead'])).toEqual([]);
  });

  it('rejects a repeated rule id', () => {
    // Prepare
    const json = anAccountFile({ securityGroupRules: [aRuleItem(), aRuleItem({ FromPort: 1, ToPort: 1 })] });

    // Act
    const message = messageOf(() => parseRecordedAccountFile(json));

    // Assess
    expect(message).toContain('securityGroupRules[1] repeats the id sgr-01afa97ef3e1bedfc');
  });
});

describe('loadRecordedAccount', () => {
  it('loads the demo account', async () => {
    // Act
    const account = await loadRecordedAccount(DEMO_ACCOUNT_PATH);

    // Assess
    expect(account.accountId).toBe('123456789012');
    expect(account.region).toBe('us-east-1');
    expect((await account.listBrokers()).length).toBeGreaterThanOrEqual(6);
  });

  it('names the file when it is not JSON', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'mqg-account-'));
    const path = join(dir, 'broken.json');
    await writeFile(path, '{ "account": ');

    // Act
    const error = await loadRecordedAccount(path).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(GuardianError);
    expect((error as GuardianError).code).toBe('INVALID_RECORDED_ACCOUNT');
    expect((error as Error).message).toContain(`${path}: not JSON`);
  });

  it('passes on the file system error for a missing file', async () => {
    // Act
    const error = await loadRecordedAccount('/nonexistent/mqg/account.json').catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'ENOENT' });
  });
});

describe('parseRecordedAccountFile with an event instead of an account', () => {
  it('refuses a file with keys an account file does not have', () => {
    // Prepare: an EventBridge envelope also carries "account" and "region".
    const event = { version: '0', account: '123456789012', region: 'us-east-1', detail: {} };

    // Act / Assess
    expect(() => parseRecordedAccountFile(event, 'event.json')).toThrow(/Unrecognized key/);
  });
});
