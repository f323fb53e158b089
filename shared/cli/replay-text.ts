/** What `mq-guardian replay` prints for one event: resolution, evaluations, actions, alerts, writes. */
import type { ReplayResult } from './replay.ts';
import { renderTable } from './table.ts';
import { indent, plural } from './text.ts';

/** Each action with its reason and undo command (the undo only when the action changes, or would change, something). */
export const renderActions = (actions: ReplayResult['remediation'], prefix = ''): string[] =>
  actions.flatMap((action) => [
    `${prefix}remediation [${action.status}] ${action.summary}`,
    ...(action.status === 'skipped' && action.reason && !action.summary.includes(action.reason)
      ? [`${prefix}  reason: ${action.reason}`]
      : []),
    ...(action.error ? [`${prefix}  error: ${action.error}`] : []),
    ...(action.undo && action.status !== 'skipped' ? [`${prefix}  undo: ${action.undo}`] : []),
  ]);

/** `alertText` false: one line per alert (the demo's short form). */
export const renderReplay = (name: string, result: ReplayResult, alertText = true): string => {
  const lines = [`== ${name}: ${result.event.name ?? result.event.kind} — ${result.resolution}`];
  if (result.failure) {
    lines.push('   evaluations: not reported, the invocation failed before it could report them');
  } else if (result.evaluations.length === 0) {
    lines.push('   no broker affected: nothing evaluated');
  } else {
    lines.push(
      indent(
        renderTable(
          ['resource', 'check', 'result', 'annotation'],
          result.evaluations.map((e) => [
            e.resourceName ?? e.resourceId,
            e.checkId,
            e.compliance,
            e.annotation,
          ]),
          110,
        ),
        '   ',
      ),
    );
    const failing = result.evaluations.filter((e) => e.compliance === 'NON_COMPLIANT').length;
    lines.push(`   ${plural(result.evaluations.length, 'evaluation')}, ${failing} not compliant`);
  }
  if (result.ownChange && !result.remediationSkipped.some((s) => s.reason === result.ownChange)) {
    lines.push(`   not remediated: ${result.ownChange}`);
  }
  for (const skip of result.remediationSkipped) lines.push(`   remediation skipped: ${skip.reason}`);
  lines.push(...renderActions(result.remediation, '   '));
  for (const { alert, text } of result.alerts) {
    lines.push(`   alert [${alert.severity} ${alert.action}] ${alert.summary}`);
    if (alertText) lines.push(indent(text, '     | '));
  }
  if (result.failure) {
    lines.push(`   invocation failed (Lambda would retry it): ${result.failure.message}`);
  }
  lines.push(
    result.writes.length === 0
      ? '   writes: none'
      : `   writes: ${result.writes.map((w) => `${w.service}:${w.operation}`).join(', ')}`,
  );
  return lines.join('\n');
};
