import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDeadLetters, planRedrive, redriveCommand, shellQuote } from '../../../shared/cli/redrive.ts';

const ACCOUNT = '123456789012';
const FUNCTION_ARN = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:mq-guardian-prod-on-broker-event`;
const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/mq-guardian-prod-OnBrokerEventDeadLetterQueue-AbC123`;

const apiCallEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.amazonmq',
  account: ACCOUNT,
  region: 'eu-west-1',
  detail: { eventSource: 'amazonmq.amazonaws.com', eventName: 'UpdateBroker' },
};

/** A Lambda on-failure destination record (Lambda developer guide, "Asynchronous invocation"). */
const destinationRecord = (payload: unknown) => ({
  version: '1.0',
  timestamp: '2026-11-24T10:00:00.000Z',
  requestContext: {
    requestId: 'e4b46cbf-b738-4a8e-8880-a18cdf61200e',
    functionArn: `${FUNCTION_ARN}:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: 3,
  },
  requestPayload: payload,
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  responsePayload: { errorType: 'AwsCallError', errorMessage: 'DescribeBroker failed: ThrottlingException' },
});

const message = (id: string, body: unknown, attributes: Record<string, string> = {}) => ({
  MessageId: id,
  ReceiptHandle: `AQEB${id}+handle/with=chars`,
  Body: typeof body === 'string' ? body : JSON.stringify(body),
  MessageAttributes: Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { StringValue: value, DataType: 'String' }]),
  ),
});

const answer = (...messages: unknown[]) => JSON.stringify({ Messages: messages });

describe('parseDeadLetters', () => {
  it('takes the original event and the function from a Lambda destination record', () => {
    // Act
    const [letter] = parseDeadLetters(answer(message('m-1', destinationRecord(apiCallEvent))));
    // Assess
    expect(letter).toEqual({
      kind: 'lambda-destination',
      messageId: 'm-1',
      receiptHandle: 'AQEBm-1+handle/with=chars',
      functionName: FUNCTION_ARN,
      reason: 'RetriesExhausted, after 3 attempts, AwsCallError: DescribeBroker failed: ThrottlingException',
      event: apiCallEvent,
    });
  });

  it('takes the event from the body and the function from TARGET_ARN for an EventBridge dead letter', () => {
    // Act
    const [letter] = parseDeadLetters(
      answer(
        message('m-2', apiCallEvent, {
          RULE_ARN: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/mq-guardian-prod-broker-api-calls`,
          TARGET_ARN: FUNCTION_ARN,
          ERROR_CODE: 'SDK_CLIENT_ERROR',
          ERROR_MESSAGE: 'Unable to invoke Lambda function',
        }),
      ),
    );
    // Assess
    expect(letter).toMatchObject({
      kind: 'eventbridge',
      functionName: FUNCTION_ARN,
      reason: 'EventBridge could not deliver it: SDK_CLIENT_ERROR (Unable to invoke Lambda function)',
      event: apiCallEvent,
    });
  });

  it('recognises a failed AWS Config invocation, whose result token cannot be used again', () => {
    // Prepare
    const invocation = {
      configRuleName: 'mq-guardian-prod-mq-broker-not-publicly-accessible',
      resultToken: 'token',
      invokingEvent: '{}',
      ruleParameters: '{"checkId":"mq-broker-not-publicly-accessible"}',
    };
    // Act
    const [letter] = parseDeadLetters(answer(message('m-3', destinationRecord(invocation))));
    // Assess
    expect(letter).toMatchObject({ kind: 'config-rule', configRuleName: invocation.configRuleName });
  });

  it('rebuilds the SNS event Lambda receives from a notification SNS could not deliver', () => {
    // Prepare
    const notification = {
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: `arn:aws:sns:eu-west-1:${ACCOUNT}:mq-guardian-prod-alerts`,
      Message: '{"schema":"mq-guardian/alert"}',
      Timestamp: '2026-11-24T10:00:00.000Z',
      MessageAttributes: { action: { Type: 'String', Value: 'finding-opened' } },
    };
    // Act
    const [letter] = parseDeadLetters(answer(message('m-4', notification)), 'mq-guardian-prod-notify-slack');
    // Assess
    expect(letter).toMatchObject({ kind: 'sns', functionName: 'mq-guardian-prod-notify-slack' });
    expect(letter?.kind === 'sns' && letter.event).toMatchObject({
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            MessageId: notification.MessageId,
            Message: notification.Message,
            MessageAttributes: notification.MessageAttributes,
          },
        },
      ],
    });
  });

  it.each([
    ['a body that is not JSON', message('m-5', 'not json'), 'not a JSON object'],
    ['an unknown shape', message('m-6', { hello: 'world' }), 'neither'],
    [
      'a target that is not a function',
      message('m-7', apiCallEvent, { TARGET_ARN: 'arn:aws:sqs:eu-west-1:1:q' }),
      'not a Lambda function',
    ],
    ['a message without a receipt handle', { MessageId: 'm-8', Body: '{}' }, 'ReceiptHandle'],
  ])('reports %s as unreadable', (_name, raw, reason) => {
    // Act
    const [letter] = parseDeadLetters(answer(raw));
    // Assess
    expect(letter?.kind).toBe('unreadable');
    expect(letter?.kind === 'unreadable' && letter.reason).toContain(reason);
  });

  it.each([
    ['an empty answer (the AWS CLI prints nothing for an empty queue)', ''],
    ['an answer without messages', '{}'],
  ])('reads %s as no message', (_name, text) => {
    // Assess
    expect(parseDeadLetters(text)).toEqual([]);
  });

  it('refuses a file that is not a receive-message answer', () => {
    // Assess
    expect(() => parseDeadLetters('[1, 2]')).toThrow('receive-message answer');
    expect(() => parseDeadLetters('{"Messages": 3}')).toThrow('not a list');
  });
});

describe('planRedrive', () => {
  it('invokes the function with each event and deletes the message only once the invoke succeeded', () => {
    // Prepare
    const letters = parseDeadLetters(answer(message('m-1', destinationRecord(apiCallEvent))));
    // Act
    const plan = planRedrive(letters, { queueUrl: QUEUE_URL, region: 'eu-west-1', outDir: '/tmp/redrive' });
    // Assess
    expect(plan.files).toEqual([
      { path: '/tmp/redrive/m-1.json', content: `${JSON.stringify(apiCallEvent, null, 2)}\n` },
    ]);
    expect(plan.commands.slice(1)).toEqual([
      `aws lambda invoke --function-name ${FUNCTION_ARN} --invocation-type Event --payload fileb:///tmp/redrive/m-1.json --region eu-west-1 /dev/null \\`,
      `  && aws sqs delete-message --queue-url ${QUEUE_URL} --receipt-handle AQEBm-1+handle/with=chars --region eu-west-1`,
    ]);
    expect(plan.leftInQueue).toEqual([]);
  });

  it('re-runs each failed Config rule once and then deletes all of its messages', () => {
    // Prepare
    const invocation = { configRuleName: 'mq-guardian-prod-mq-broker-highly-available', resultToken: 't' };
    const letters = parseDeadLetters(
      answer(message('c-1', destinationRecord(invocation)), message('c-2', destinationRecord(invocation))),
    );
    // Act
    const plan = planRedrive(letters, { queueUrl: QUEUE_URL, outDir: '/tmp/redrive' });
    // Assess
    expect(plan.files).toEqual([]);
    expect(plan.commands.filter((c) => c.includes('start-config-rules-evaluation'))).toEqual([
      'aws configservice start-config-rules-evaluation --config-rule-names mq-guardian-prod-mq-broker-highly-available \\',
    ]);
    expect(plan.commands.filter((c) => c.includes('delete-message'))).toHaveLength(2);
  });

  it('leaves in the queue what it cannot send back, with the reason', () => {
    // Prepare
    const letters = parseDeadLetters(answer(message('m-6', { hello: 'world' })));
    // Act
    const plan = planRedrive(letters, { queueUrl: QUEUE_URL, outDir: '/tmp/redrive' });
    // Assess
    expect(plan.commands).toEqual([]);
    expect(plan.leftInQueue.map((l) => l.messageId)).toEqual(['m-6']);
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain-name_1.json', 'plain-name_1.json'],
    ['two words', "'two words'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
  ])('quotes %s as %s', (value, expected) => {
    // Assess
    expect(shellQuote(value)).toBe(expected);
  });
});

describe('redriveCommand', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    const printed: string[] = [];
    const status = await redriveCommand(args, (text) => printed.push(text));
    return { status, output: printed.join('\n') };
  };

  it('prints how to fetch the messages of a queue named by its logical id', async () => {
    // Act
    const { status, output } = await run([
      '--queue',
      'SweepDeadLetterQueue',
      '--stack',
      'mq-guardian-prod',
      '--region',
      'eu-west-1',
    ]);
    // Assess
    expect(status).toBe(0);
    expect(output).toContain(
      'QUEUE_URL=$(aws cloudformation describe-stack-resource --stack-name mq-guardian-prod --logical-resource-id SweepDeadLetterQueue',
    );
    expect(output).toContain('aws sqs receive-message --queue-url "$QUEUE_URL" --max-number-of-messages 10');
  });

  it('writes the events and prints the commands for a saved answer, taking the region from the queue URL', async () => {
    // Prepare
    dir = mkdtempSync(join(tmpdir(), 'mq-guardian-redrive-'));
    const file = join(dir, 'dead-letters.json');
    writeFileSync(file, answer(message('m-1', destinationRecord(apiCallEvent))));
    // Act
    const { status, output } = await run([
      '--queue-url',
      QUEUE_URL,
      '--messages',
      file,
      '--out',
      join(dir, 'events'),
    ]);
    // Assess
    expect(status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'events', 'm-1.json'), 'utf8'))).toEqual(apiCallEvent);
    expect(output).toContain(
      `--invocation-type Event --payload fileb://${join(dir, 'events', 'm-1.json')} --region eu-west-1`,
    );
  });

  it('fails when a message cannot be redriven, so nothing is skipped silently', async () => {
    // Prepare
    dir = mkdtempSync(join(tmpdir(), 'mq-guardian-redrive-'));
    const file = join(dir, 'dead-letters.json');
    writeFileSync(
      file,
      answer(message('m-1', destinationRecord(apiCallEvent)), message('m-6', { hello: 'world' })),
    );
    // Act
    const { status, output } = await run([
      '--queue-url',
      QUEUE_URL,
      '--messages',
      file,
      '--out',
      join(dir, 'events'),
    ]);
    // Assess
    expect(status).toBe(1);
    expect(output).toContain('# left in the queue: m-6');
  });

  it.each([
    [[], 'needs --queue-url'],
    [['--queue', 'NoSuchQueue', '--stack', 's'], '--queue must be one of'],
    [['--queue', 'SweepDeadLetterQueue'], 'needs --queue-url'],
  ])('refuses %j', async (args, message) => {
    // Assess
    await expect(run(args)).rejects.toThrow(message);
  });
});
