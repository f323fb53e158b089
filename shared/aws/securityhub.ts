import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import type { AsffFinding } from '../alerts/asff.ts';
import type { FindingImportFailure, FindingPublisher } from '../alerts/ports.ts';
import { UnexpectedShapeError } from '../errors.ts';
import { callAws, chunk } from './calls.ts';
import { once, sdkClientConfig } from './clients.ts';

/** What `createSecurityHubFindingPublisher` calls; granted only when the Security Hub setting is on. */
export const SECURITYHUB_IAM_ACTIONS = ['securityhub:BatchImportFindings'] as const;

/** BatchImportFindings takes at most 100 findings a call. */
export const MAX_FINDINGS_PER_IMPORT = 100;

export const getSecurityHubClient: () => SecurityHubClient = once(
  () => new SecurityHubClient(sdkClientConfig()),
);

const toSdkFinding = (finding: AsffFinding): AwsSecurityFinding => ({
  ...finding,
  Types: [...finding.Types],
  FindingProviderFields: {
    ...finding.FindingProviderFields,
    Types: [...finding.FindingProviderFields.Types],
  },
  Resources: finding.Resources.map((r) => ({ ...r })),
});

export const createSecurityHubFindingPublisher = (
  client: SecurityHubClient = getSecurityHubClient(),
): FindingPublisher => ({
  async importFindings(findings: readonly AsffFinding[]): Promise<FindingImportFailure[]> {
    const failures: FindingImportFailure[] = [];
    for (const batch of chunk(findings, MAX_FINDINGS_PER_IMPORT)) {
      const output = await callAws('BatchImportFindings', () =>
        client.send(new BatchImportFindingsCommand({ Findings: batch.map(toSdkFinding) })),
      );
      const failedCount = output.FailedCount;
      if (typeof failedCount !== 'number' || typeof output.SuccessCount !== 'number') {
        // Both counts are required members of the answer: without them nothing says what was imported.
        throw new UnexpectedShapeError(
          `BatchImportFindings returned no ${typeof failedCount !== 'number' ? 'FailedCount' : 'SuccessCount'}; which findings were imported is unknown`,
        );
      }
      // FailedFindings is optional: absent with FailedCount 0 means none failed.
      const itemised = output.FailedFindings ?? [];
      const failed = itemised
        .filter((f): f is typeof f & { Id: string } => typeof f.Id === 'string' && f.Id.length > 0)
        .map((f) => ({ id: f.Id, code: f.ErrorCode ?? 'Unknown', message: f.ErrorMessage ?? '' }));
      if (failedCount > failed.length || failed.length < itemised.length) {
        // Counted but not itemised, or itemised without the finding's Id: which ones is unknown, so
        // none of the batch that is not named counts as imported.
        const named = new Set(failed.map((f) => f.id));
        failed.push(
          ...batch
            .filter((f) => !named.has(f.Id))
            .map((f) => ({
              id: f.Id,
              code: 'Unknown',
              message: `FailedCount ${failedCount} without details`,
            })),
        );
      }
      failures.push(...failed);
    }
    return failures;
  },
});
