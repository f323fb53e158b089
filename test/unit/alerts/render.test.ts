import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts/alert.ts';
import { buildAlerts } from '../../../shared/alerts/plan.ts';
import { parseAlert, parseAlertMessage } from '../../../shared/alerts/schema.ts';
import {
  escapeSlack,
  escapeWithin,
  renderSlackPayload,
  SLACK_MAX_BLOCKS,
  SLACK_MAX_FIELD_CHARS,
  SLACK_MAX_HEADER_CHARS,
  SLACK_MAX_SECTION_CHARS,
  type SlackBlock,
} from '../../../shared/alerts/slack-payload.ts';
import {
  renderSnsMessage,
  SNS_MAX_BYTES,
  SNS_STRUCTURED_PROTOCOLS,
  SNS_TEXT_PROTOCOLS,
} from '../../../shared/alerts/sns-message.ts';
import { renderAlertText, renderSubject } from '../../../shared/alerts/text.ts';
import { GuardianError, InvalidEventError } from '../../../shared/errors.ts';
import { ACCOUNT, goldenScenarios, previousOf, REGION } from './scenarios.ts';

const scenarios = await goldenScenarios();
const alerts: Alert[] = scenarios.flatMap((s) =>
  buildAlerts({
    evaluation: s.evaluation,
    previous: previousOf(s),
    ...(s.actor ? { actor: s.actor } : {}),
    ...(s.remediation ? { remediation: s.remediation } : {}),
    mode: s.mode,
    account: ACCOUNT,
    region: REGION,
  }),
);
const byAction = (action: Alert['action']): Alert => {
  const alert = alerts.find((a) => a.action === action);
  if (!alert) throw new Error(`no ${action} alert among the scenarios`);
  return alert;
};

/** An alert far beyond what the planner produces: every list long, every text huge and hostile. */
const oversized = (base: Alert): Alert => ({
  ...base,
  summary: `<!channel> ${'x&'.repeat(3000)}`,
  broker: { ...base.broker, name: `<@U123>&${'n'.repeat(300)}` },
  finding: {
    ...base.finding,
    message: '<https://evil.example.com|click>'.repeat(200),
    details: Array.from({ length: 500 }, (_, i) => `line ${i} <b>&amp;</b> ${'d'.repeat(400)}`),
    omittedDetails: 7,
  },
  securityGroups: Array.from({ length: 40 }, (_, i) => ({ groupId: `sg-${i}`, ruleIds: ['sgr-1', 'sgr-2'] })),
  remediation: {
    ...base.remediation,
    reason: 'r'.repeat(5000),
    undo: Array.from({ length: 30 }, (_, i) => `aws ec2 x ${i} '${'<&>'.repeat(2000)}'`),
  },
});

const textsOf = (block: SlackBlock): string[] => {
  switch (block.type) {
    case 'header':
      return [block.text.text];
    case 'section':
      return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
    case 'context':
      return block.elements.map((e) => e.text);
    case 'divider':
      return [];
  }
};

describe('renderSnsMessage', () => {
  it.each(alerts.map((a) => [a.action, a] as const))(
    '%s: carries the text to people and the structured alert to machines',
    (_action, alert) => {
      // Act
      const message = renderSnsMessage(alert);
      const body = JSON.parse(message.Message) as Record<string, string>;

      // Assess
      expect(message.MessageStructure).toBe('json');
      expect(Object.keys(body)).toEqual([...SNS_TEXT_PROTOCOLS, ...SNS_STRUCTURED_PROTOCOLS]);
      expect(body.default).toBe(renderAlertText(alert));
      expect(body.email).toBe(body.default);
      for (const protocol of SNS_STRUCTURED_PROTOCOLS) {
        expect(parseAlertMessage(body[protocol] as string)).toEqual(alert);
      }
    },
  );

  it('sets the severity, checkId and action attributes subscribers filter on', () => {
    // Prepare
    const alert = byAction('narrowed');

    // Act
    const message = renderSnsMessage(alert);

    // Assess
    expect(message.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'MEDIUM' },
      checkId: { DataType: 'String', StringValue: 'mq-broker-ingress-limited-to-used-protocols' },
      action: { DataType: 'String', StringValue: 'narrowed' },
    });
  });

  it('keeps the subject ASCII, on one line and under 100 characters', () => {
    // Prepare
    const alert: Alert = {
      ...byAction('alert'),
      broker: { ...byAction('alert').broker, name: `é—“x”…${'n'.repeat(120)}` },
    };

    // Act
    const subject = renderSubject(alert);

    // Assess
    expect(subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('drops detail lines (counted, not lost) when a message would not fit in SNS', () => {
    // Prepare
    const base = byAction('alert');
    const alert: Alert = {
      ...base,
      finding: {
        ...base.finding,
        details: Array.from({ length: 20 }, () => 'd'.repeat(4000)),
        omittedDetails: 2,
      },
    };

    // Act
    const message = renderSnsMessage(alert);
    const structured = parseAlertMessage(
      (JSON.parse(message.Message) as Record<string, string>).lambda as string,
    );

    // Assess
    expect(Buffer.byteLength(message.Message)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(structured.finding.details).toHaveLength(3);
    expect(structured.finding.omittedDetails).toBe(19);
  });

  it('refuses an alert that cannot fit even without its details', () => {
    // Prepare
    const alert: Alert = { ...byAction('alert'), summary: 's'.repeat(40_000) };

    // Act
    const attempt = () => renderSnsMessage(alert);

    // Assess
    expect(attempt).toThrow(GuardianError);
    expect(attempt).toThrow(/does not fit in an SNS message/);
  });
});

describe('escapeSlack', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['<https://evil.example.com|x>', '&lt;https://evil.example.com|x&gt;'],
    ['&amp;', '&amp;amp;'],
    ['plain', 'plain'],
  ])('escapes %j as %j', (input, expected) => {
    // Act
    const escaped = escapeSlack(input);

    // Assess
    expect(escaped).toBe(expected);
  });
});

describe('escapeWithin', () => {
  it.each([
    ['&&&&&&', 10],
    ['ab<cd>ef', 7],
    ['x'.repeat(50), 20],
  ])('escapes %j within %i characters without cutting an entity', (input, max) => {
    // Act
    const escaped = escapeWithin(input, max);

    // Assess
    expect(escaped.length).toBeLessThanOrEqual(max);
    expect(escaped.endsWith('…')).toBe(true);
    expect(escaped.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/[&<>]/);
  });

  it('leaves text that fits whole', () => {
    // Act
    const escaped = escapeWithin('a & b', 20);

    // Assess
    expect(escaped).toBe('a &amp; b');
  });
});

describe('renderSlackPayload', () => {
  it('puts severity and what happened in the header, and broker, account, region and check in fields', () => {
    // Prepare
    const alert = byAction('alert');

    // Act
    const payload = renderSlackPayload(alert);

    // Assess
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `:red_circle: HIGH · New finding: ${alert.title}`, emoji: true },
    });
    const fields = payload.blocks[1]?.type === 'section' ? (payload.blocks[1].fields ?? []) : [];
    expect(fields.map((f) => f.text.split('\n')[0])).toEqual([
      '*Broker*',
      '*Account*',
      '*Region*',
      '*Check*',
    ]);
  });

  it('says "not done" for dry-run and puts each undo command in a code block', () => {
    // Prepare
    const alert = byAction('would-revoke');

    // Act
    const texts = renderSlackPayload(alert).blocks.flatMap(textsOf);

    // Assess
    expect(texts.some((t) => t.startsWith('*Not done* (mode `dry-run`'))).toBe(true);
    const undo = texts.find((t) => t.startsWith('*Undo* (once applied)\n```'));
    expect(undo).toBe(`*Undo* (once applied)\n\`\`\`${escapeSlack(alert.remediation.undo[0]!)}\`\`\``);
  });

  it('names the actor, the event and the time in a context block', () => {
    // Prepare
    const alert = byAction('revoked');

    // Act
    const context = renderSlackPayload(alert).blocks.find((b) => b.type === 'context');

    // Assess
    expect(context && textsOf(context)).toEqual([
      `Changed by *${alert.actor?.arn}*`,
      `AuthorizeSecurityGroupIngress at ${alert.actor?.eventTime}`,
      `event \`${alert.actor?.eventId}\``,
      `alert \`${alert.id}\``,
    ]);
  });

  it('ends with a link to the console', () => {
    // Prepare
    const alert = byAction('resolved');

    // Act
    const last = renderSlackPayload(alert).blocks.at(-1);

    // Assess
    expect(last && textsOf(last)).toEqual([`<${alert.consoleUrl}|Open in the AWS console>`]);
  });

  it.each(alerts.map((a) => [a.action, a] as const))(
    '%s: stays within Slack limits and escapes every piece of text, even for an oversized alert',
    (_action, alert) => {
      // Act
      const payload = renderSlackPayload(oversized(alert));

      // Assess
      expect(payload.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
      for (const block of payload.blocks) {
        if (block.type === 'header')
          expect(block.text.text.length).toBeLessThanOrEqual(SLACK_MAX_HEADER_CHARS);
        if (block.type === 'section') {
          expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_MAX_SECTION_CHARS);
          for (const field of block.fields ?? []) {
            expect(field.text.length).toBeLessThanOrEqual(SLACK_MAX_FIELD_CHARS);
          }
        }
      }
      const all = [payload.text, ...payload.blocks.flatMap(textsOf)].join('\n');
      expect(all).not.toContain('<!channel>');
      expect(all).not.toContain('<@U123>');
      expect(all).not.toContain('<https://evil.example.com');
      expect(all).not.toContain('<b>');
    },
  );

  it('summarises a long list of findings and of undo commands', () => {
    // Prepare
    const base = oversized(byAction('narrowed'));
    const alert: Alert = {
      ...base,
      finding: {
        ...base.finding,
        details: Array.from({ length: 20 }, (_, i) => `rule ${i}`),
        omittedDetails: 5,
      },
    };

    // Act
    const texts = renderSlackPayload(alert).blocks.flatMap(textsOf);

    // Assess
    const found = texts.find((t) => t.startsWith('*What was found*'));
    expect(found?.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(10);
    expect(found).toContain('… and 15 more');
    expect(texts).toContain('… and 20 more undo commands in the SNS message');
  });

  it('counts the detail lines that did not fit in a section as more', () => {
    // Prepare
    const alert = oversized(byAction('alert'));

    // Act
    const found = renderSlackPayload(alert)
      .blocks.flatMap(textsOf)
      .find((t) => t.startsWith('*What was found*'));

    // Assess
    const shown = found?.split('\n').filter((l) => l.startsWith('• ')).length ?? 0;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(10);
    expect(found).toContain(`… and ${500 - shown + 7} more`);
  });
});

describe('parseAlert', () => {
  it('refuses another schema version, naming the field', () => {
    // Prepare
    const value = { ...byAction('alert'), schemaVersion: 2 };

    // Act
    const attempt = () => parseAlert(value);

    // Assess
    expect(attempt).toThrow(InvalidEventError);
    expect(attempt).toThrow(/schemaVersion/);
  });

  it('refuses a message that is not JSON without quoting it', () => {
    // Act
    const attempt = () =>
      parseAlertMessage('Hello from someone else https://hooks.slack.invalid/T000/B000/XXXX');

    // Assess
    expect(attempt).toThrow(InvalidEventError);
    expect(attempt).not.toThrow(/hooks\.slack/);
  });

  it('drops fields it does not know, so a newer publisher can add optional ones', () => {
    // Prepare
    const alert = byAction('alert');

    // Act
    const parsed = parseAlert({ ...alert, addedLater: { x: 1 } });

    // Assess
    expect(parsed).toEqual(alert);
  });
});
