/**
 * Golden tests of what subscribers receive for the six alert scenarios: the SNS message (its
 * JSON `Message` decoded, so the file is readable, plus a byte-exact check of the encoding), the
 * readable text and the Slack payload. Regenerate with `UPDATE_GOLDEN=1 npx vitest run test/unit/alerts`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildAlerts } from '../../../shared/alerts/plan.ts';
import { renderSlackPayload } from '../../../shared/alerts/slack-payload.ts';
import { renderSnsMessage, type SnsMessage } from '../../../shared/alerts/sns-message.ts';
import { renderAlertText } from '../../../shared/alerts/text.ts';
import { asJson, checkGolden, type GoldenIo, goldenJson, parseGolden, updateRequested } from './golden.ts';
import { ACCOUNT, goldenScenarios, previousOf, REGION } from './scenarios.ts';

const GOLDEN_DIR = fileURLToPath(new URL('../../fixtures/golden/alerts/', import.meta.url));
const update = updateRequested();

/** `Message` with each protocol's string parsed when it is JSON (the structured alert). */
const decodeSns = (message: SnsMessage) => ({
  ...message,
  Message: Object.fromEntries(
    Object.entries(JSON.parse(message.Message) as Record<string, string>).map(([protocol, body]) => [
      protocol,
      body.startsWith('{') ? (JSON.parse(body) as unknown) : body,
    ]),
  ),
});

/** The exact `Message` string a decoded golden file stands for. */
const encodeMessage = (decoded: Record<string, unknown>): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(decoded).map(([protocol, body]) => [
        protocol,
        typeof body === 'string' ? body : JSON.stringify(body),
      ]),
    ),
  );

const scenarios = await goldenScenarios();

const alertOf = (name: string) => {
  const scenario = scenarios.find((s) => s.name === name);
  if (scenario === undefined) throw new Error(`no scenario ${name}`);
  return buildAlerts({
    evaluation: scenario.evaluation,
    previous: previousOf(scenario),
    ...(scenario.actor ? { actor: scenario.actor } : {}),
    ...(scenario.remediation ? { remediation: scenario.remediation } : {}),
    mode: scenario.mode,
    account: ACCOUNT,
    region: REGION,
  });
};

/** Text goldens: byte for byte. */
const expectGolden = (file: string, actual: string) => {
  const result = checkGolden(`${GOLDEN_DIR}${file}`, actual, update);
  // Prints a diff when the file differs; a missing file fails with its name.
  expect(result.status === 'missing' ? `missing golden file ${file}` : actual).toBe(result.expected);
};

/** JSON goldens: the same JSON value, exactly (strict equality of the parsed file). */
const expectGoldenJson = (file: string, actual: unknown) => {
  const result = checkGolden(`${GOLDEN_DIR}${file}`, goldenJson(actual), update);
  expect(result.status).not.toBe('missing');
  expect(asJson(actual)).toStrictEqual(parseGolden(result.expected));
};

const NAMES = scenarios.map((s) => [s.name] as const);

describe('alert golden files', () => {
  it.each(NAMES)('%s gives exactly one alert', (name) => {
    // Act
    const alerts = alertOf(name);

    // Assess
    expect(alerts).toHaveLength(1);
  });

  it.each(NAMES)('%s: the SNS message matches its .sns.json file', (name) => {
    // Prepare
    const [alert] = alertOf(name);

    // Act
    const message = renderSnsMessage(alert!);

    // Assess
    expectGoldenJson(`${name}.sns.json`, decodeSns(message));
    expect(message.Message).toBe(encodeMessage(decodeSns(message).Message));
  });

  it.each(NAMES)('%s: the readable text matches its .txt file', (name) => {
    // Prepare
    const [alert] = alertOf(name);

    // Act
    const text = `${renderAlertText(alert!)}\n`;

    // Assess
    expectGolden(`${name}.txt`, text);
  });

  it.each(NAMES)('%s: the Slack payload matches its .slack.json file', (name) => {
    // Prepare
    const [alert] = alertOf(name);

    // Act
    const payload = renderSlackPayload(alert!);

    // Assess
    expectGoldenJson(`${name}.slack.json`, payload);
  });
});

describe('checkGolden', () => {
  const memoryIo = (files: Record<string, string>) => {
    const writes: string[] = [];
    const io: GoldenIo = {
      read: (path) => files[path],
      write: (path, content) => {
        writes.push(path);
        files[path] = content;
      },
    };
    return { io, writes, files };
  };

  it('reports a difference and writes nothing when no update is requested', () => {
    // Prepare
    const { io, writes } = memoryIo({ '/g/a.json': 'old\n' });

    // Act
    const result = checkGolden('/g/a.json', 'new\n', false, io);

    // Assess
    expect(result).toEqual({ status: 'mismatch', expected: 'old\n' });
    expect(writes).toEqual([]);
  });

  it('reports a missing file without creating it', () => {
    // Prepare
    const { io, writes } = memoryIo({});

    // Act
    const result = checkGolden('/g/b.json', 'x', false, io);

    // Assess
    expect(result.status).toBe('missing');
    expect(writes).toEqual([]);
  });

  it('rewrites the file when an update is requested', () => {
    // Prepare
    const { io, files } = memoryIo({ '/g/a.json': 'old\n' });

    // Act
    const result = checkGolden('/g/a.json', 'new\n', true, io);

    // Assess
    expect(result.status).toBe('written');
    expect(files['/g/a.json']).toBe('new\n');
  });

  it.each([
    [{ UPDATE_GOLDEN: '1' }, true],
    [{ UPDATE_GOLDEN: 'true' }, false],
    [{ UPDATE_GOLDEN: '0' }, false],
    [{}, false],
  ])('treats %o as update requested: %s', (env, expected) => {
    // Act
    const requested = updateRequested(env);

    // Assess
    expect(requested).toBe(expected);
  });
});
