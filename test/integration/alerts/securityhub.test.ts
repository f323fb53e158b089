import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  SecurityHubServiceException,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AsffFinding } from '../../../shared/alerts/asff.ts';
import { planAlerts } from '../../../shared/alerts/plan.ts';
import {
  createSecurityHubFindingPublisher,
  MAX_FINDINGS_PER_IMPORT,
  SECURITYHUB_IAM_ACTIONS,
} from '../../../shared/aws/securityhub.ts';
import { AwsCallError, UnexpectedShapeError } from '../../../shared/errors.ts';
import { ACCOUNT, evaluate, PUBLIC_CHECKS, publicSnapshot, REGION } from '../../unit/alerts/scenarios.ts';
import { awsError, sentCommands, sentInputs } from './support.ts';

const hubMock = mockClient(SecurityHubClient);

const [update] = planAlerts({
  evaluation: evaluate(publicSnapshot(true), PUBLIC_CHECKS),
  previous: new Map(),
  mode: 'dry-run',
  account: ACCOUNT,
  region: REGION,
}).securityHub;
const FINDING = update!.finding;

const findings = (count: number): AsffFinding[] =>
  Array.from({ length: count }, (_, i) => ({ ...FINDING, Id: `${FINDING.Id}#${i}` }));

const newPublisher = () =>
  createSecurityHubFindingPublisher(new SecurityHubClient({ region: 'us-east-1', maxAttempts: 1 }));

describe('createSecurityHubFindingPublisher', () => {
  beforeEach(() => {
    hubMock.reset();
  });

  it('sends the ASFF finding as it is: schema version, product ARN, stable id', async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });

    // Act
    const failures = await newPublisher().importFindings([FINDING]);

    // Assess
    expect(failures).toEqual([]);
    expect(sentInputs(hubMock, BatchImportFindingsCommand)).toEqual([{ Findings: [FINDING] }]);
    expect(FINDING).toMatchObject({
      SchemaVersion: '2018-10-08',
      ProductArn: `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`,
      Id: `${ACCOUNT}/${REGION}/mq-broker-not-publicly-accessible/b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9`,
      AwsAccountId: ACCOUNT,
    });
  });

  it(`imports 250 findings in batches of ${MAX_FINDINGS_PER_IMPORT}, ${MAX_FINDINGS_PER_IMPORT} and 50`, async () => {
    // Prepare
    hubMock
      .on(BatchImportFindingsCommand)
      .resolves({ FailedCount: 0, SuccessCount: 100, FailedFindings: [] });
    const all = findings(250);

    // Act
    await newPublisher().importFindings(all);

    // Assess
    const batches = sentInputs(hubMock, BatchImportFindingsCommand) as { Findings: AsffFinding[] }[];
    expect(batches.map((b) => b.Findings.length)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.Findings.map((f) => f.Id))).toEqual(all.map((f) => f.Id));
  });

  it('returns the findings Security Hub refused, from FailedFindings', async () => {
    // Prepare
    const all = findings(3);
    hubMock.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 2,
      FailedFindings: [{ Id: all[1]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is too large' }],
    });

    // Act
    const failures = await newPublisher().importFindings(all);

    // Assess
    expect(failures).toEqual([{ id: all[1]!.Id, code: 'InvalidInput', message: 'Finding is too large' }]);
  });

  it('counts a whole batch as refused when FailedCount is not itemised', async () => {
    // Prepare
    const all = findings(2);
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 2, SuccessCount: 0 });

    // Act
    const failures = await newPublisher().importFindings(all);

    // Assess
    expect(failures.map((f) => [f.id, f.code])).toEqual(all.map((f) => [f.Id, 'Unknown']));
  });

  it('reads an answer without FailedFindings and FailedCount 0 as every finding imported', async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 2 });

    // Act
    const failures = await newPublisher().importFindings(findings(2));

    // Assess
    expect(failures).toEqual([]);
  });

  it('counts every finding it does not name as refused when a failure comes without its Id', async () => {
    // Prepare
    const all = findings(3);
    hubMock.on(BatchImportFindingsCommand).resolves({
      FailedCount: 2,
      SuccessCount: 1,
      FailedFindings: [
        { Id: all[0]!.Id, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is too large' },
        { ErrorCode: 'InvalidInput', ErrorMessage: 'Finding is too large' } as never,
      ],
    });

    // Act
    const failures = await newPublisher().importFindings(all);

    // Assess
    expect(failures.map((f) => [f.id, f.code])).toEqual([
      [all[0]!.Id, 'InvalidInput'],
      [all[1]!.Id, 'Unknown'],
      [all[2]!.Id, 'Unknown'],
    ]);
  });

  it.each([
    ['FailedCount', { SuccessCount: 1, FailedFindings: [] }],
    ['SuccessCount', { FailedCount: 0, FailedFindings: [] }],
  ])(
    'takes an answer without %s (a required member) as one it does not understand',
    async (field, answer) => {
      // Prepare
      hubMock.on(BatchImportFindingsCommand).resolves(answer);

      // Act
      const error = await newPublisher()
        .importFindings([FINDING])
        .catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(UnexpectedShapeError);
      expect((error as Error).message).toBe(
        `BatchImportFindings returned no ${field}; which findings were imported is unknown`,
      );
    },
  );

  it('throws an AwsCallError when the call fails (Security Hub not enabled)', async () => {
    // Prepare
    hubMock
      .on(BatchImportFindingsCommand)
      .rejects(
        awsError(SecurityHubServiceException, 'InvalidAccessException', 'Account is not subscribed', 401),
      );

    // Act
    const error = await newPublisher()
      .importFindings([FINDING])
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ operation: 'BatchImportFindings', awsErrorName: 'InvalidAccessException' });
  });

  it('sends nothing for no findings', async () => {
    // Act
    const failures = await newPublisher().importFindings([]);

    // Assess
    expect(failures).toEqual([]);
    expect(hubMock.calls()).toHaveLength(0);
  });

  it('sends only commands that SECURITYHUB_IAM_ACTIONS grants', async () => {
    // Prepare
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });

    // Act
    await newPublisher().importFindings([FINDING]);

    // Assess
    expect(sentCommands(hubMock).map((n) => `securityhub:${n.replace(/Command$/, '')}`)).toEqual([
      ...SECURITYHUB_IAM_ACTIONS,
    ]);
  });
});
