import type { Finding } from '../model/finding.ts';
import type { ConfigCompliance, ConfigEvaluation } from '../ports.ts';

/** AWS Config's limit on Annotation. */
export const MAX_ANNOTATION_LENGTH = 256;
/** AWS Config's limit on evaluations per PutEvaluations call. */
export const MAX_EVALUATIONS_PER_CALL = 100;

/** ERROR is never reported as compliant: Config gets NON_COMPLIANT with the reason. */
export const toCompliance = (finding: Finding): ConfigCompliance => {
  switch (finding.status) {
    case 'PASS':
      return 'COMPLIANT';
    case 'NOT_APPLICABLE':
      return 'NOT_APPLICABLE';
    case 'FAIL':
    case 'ERROR':
      return 'NON_COMPLIANT';
  }
};

/**
 * Fits a finding into Config's 256 characters while still naming what is wrong: the offending rule ids
 * or field paths go first, then as much of the sentence as fits.
 */
export const annotate = (finding: Finding): string => {
  const prefix = finding.status === 'ERROR' ? 'Could not evaluate: ' : '';
  const text = `${prefix}${finding.message}`;
  if (text.length <= MAX_ANNOTATION_LENGTH) return text;
  const names = evidenceNames(finding);
  const head = names.length > 0 ? `${prefix}${names.join(', ')}: ` : prefix;
  const room = MAX_ANNOTATION_LENGTH - head.length - 1;
  if (room < 20) return `${head.slice(0, MAX_ANNOTATION_LENGTH - 1)}…`;
  return `${head}${finding.message.slice(0, room)}…`;
};

const evidenceNames = (finding: Finding): string[] => {
  const evidence = finding.evidence;
  if (!evidence) return [];
  const names =
    evidence.kind === 'ingress'
      ? evidence.offendingRules.map((r) => r.ruleId)
      : evidence.fields.map((f) => f.path);
  // Keep the list itself within half the annotation; say how many more there are.
  const kept: string[] = [];
  let length = 0;
  for (const name of names) {
    if (length + name.length + 2 > MAX_ANNOTATION_LENGTH / 2) {
      kept.push(`+${names.length - kept.length} more`);
      break;
    }
    kept.push(name);
    length += name.length + 2;
  }
  return kept;
};

export const toConfigEvaluation = (finding: Finding, orderingTimestamp: Date): ConfigEvaluation => ({
  complianceResourceType: finding.resource.type,
  complianceResourceId: finding.resource.id,
  complianceType: toCompliance(finding),
  annotation: annotate(finding),
  orderingTimestamp,
});

export const batches = <T>(items: readonly T[], size = MAX_EVALUATIONS_PER_CALL): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
};
