/**
 * Held-out replays of calls CloudTrail records as failed: a call that returned an error changed
 * nothing, so replay says so and neither reads nor writes (CloudTrail record contents: errorCode, "the
 * AWS service error if the request returns an error"; errorMessage, its description).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayEvent } from '../../../shared/cli/replay.ts';
import { logger } from '../../../shared/logger.ts';
import { DEFAULT_SETTINGS } from '../../../shared/policy/settings.ts';
import { loadRecordedAccount } from '../../../shared/recorded/recorded-account.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const STATE = join(root, 'events', 'accounts', 'demo-account.json');
const read = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(root, 'events', name), 'utf8')) as Record<string, unknown>;

type Envelope = Record<string, unknown> & { detail: Record<string, unknown> };

/** A recorded successful call turned into the failed call CloudTrail records for it. */
const failed = (name: string, error: Record<string, string>, bare = false): unknown => {
  const envelope = read(name) as Envelope;
  const detail = { ...envelope.detail, responseElements: null, ...error };
  return bare ? detail : { ...envelope, detail };
};

beforeAll(() => {
  logger.setLogLevel('SILENT');
});

describe('replay of failed calls', () => {
  it.each<[string, unknown]>([
    [
      'a world-open AuthorizeSecurityGroupIngress refused as a duplicate',
      failed('ec2-authorize-security-group-ingress-world-all-ports.json', {
        errorCode: 'Client.InvalidPermission.Duplicate',
        errorMessage: 'the specified rule already exists',
      }),
    ],
    [
      'a ModifySecurityGroupRules denied by IAM',
      failed('ec2-modify-security-group-rules-world-openwire.json', {
        errorCode: 'Client.UnauthorizedOperation',
        errorMessage: 'You are not authorized to perform this operation.',
      }),
    ],
    [
      'an UpdateBroker Amazon MQ refused',
      failed('mq-update-broker.json', {
        errorCode: 'BadRequestException',
        errorMessage: 'Invalid engine version',
      }),
    ],
    [
      'a CreateBroker denied, as a bare CloudTrail record',
      failed('mq-create-broker.json', { errorCode: 'AccessDenied' }, true),
    ],
    [
      'a DeleteBroker that found no broker',
      failed('mq-delete-broker.json', { errorCode: 'NotFoundException' }),
    ],
  ])('%s: exit 0, ignored, no evaluations, no reads, no writes', async (_name, input) => {
    // Prepare
    const account = await loadRecordedAccount(STATE);
    const settings = { ...DEFAULT_SETTINGS, remediationMode: 'enforce' as const };

    // Act
    const result = await replayEvent(input, account, { settings, now: new Date('2026-11-24T12:00:00Z') });

    // Assess
    expect(result.resolution).toBe('ignored: failed call');
    expect(result.evaluations).toEqual([]);
    expect(result.writes).toEqual([]);
    expect(account.readCounts()).toEqual({});
  });
});
