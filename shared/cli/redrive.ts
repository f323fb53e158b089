/**
 * `mq-guardian redrive`: sends what a dead-letter queue holds back to the function it failed in.
 *
 * The CLI reads no queue itself (the project ships no SQS client and the operator's own AWS CLI
 * already has the right credentials): it prints the `aws sqs receive-message` step, then, given
 * the saved answer, writes each original event to a file and prints one
 * `aws lambda invoke --invocation-type Event … && aws sqs delete-message …` line per message, so a
 * message leaves the queue only once Lambda has accepted it again. What is re-sent is visible before
 * anything runs.
 *
 * Each queue holds two shapes (serverless.yml):
 * - a Lambda on-failure destination record: the original event is `requestPayload`, the function
 *   is `requestContext.functionArn`;
 * - an EventBridge dead letter: the body is the event, the function is the `TARGET_ARN` attribute;
 * and notify-slack's queue also holds SNS notifications SNS could not deliver (rebuilt into the SNS
 * event Lambda receives). A failed AWS Config invocation is not re-sent: its ResultToken is stale by
 * then, so the rule is re-run instead (`aws configservice start-config-rules-evaluation`).
 * Anything else is reported and left in the queue.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GuardianError } from '../errors.ts';
import { command, type OptionSpecs, type OptionValues, parseCommandArgs } from './args.ts';
import { isPlainObject } from '../json.ts';
import { plural } from './text.ts';

export class RedriveUsageError extends GuardianError {
  constructor(message: string) {
    super('REDRIVE_USAGE', message);
  }
}

/** The stack's dead-letter queues (serverless.yml logical ids) and the function each one belongs to. */
export const DEAD_LETTER_QUEUES: Readonly<Record<string, string>> = {
  OnBrokerEventDeadLetterQueue: 'on-broker-event',
  OnIngressEventDeadLetterQueue: 'on-ingress-event',
  ConfigRuleDeadLetterQueue: 'config-rule',
  SweepDeadLetterQueue: 'sweep',
  NotifySlackDeadLetterQueue: 'notify-slack',
};

type Json = Record<string, unknown>;

const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9$_-]+)?$/;
const MESSAGE_ID = /^[A-Za-z0-9-]{1,100}$/;

/** One message of the queue and what to do with it. */
export type DeadLetter =
  | {
      readonly kind: 'lambda-destination' | 'eventbridge' | 'sns';
      readonly messageId: string;
      readonly receiptHandle: string;
      /** The function to invoke (unqualified ARN or name); undefined when the message does not say. */
      readonly functionName: string | undefined;
      /** Why it failed, as far as the message tells. */
      readonly reason: string;
      readonly event: unknown;
    }
  | {
      readonly kind: 'config-rule';
      readonly messageId: string;
      readonly receiptHandle: string;
      readonly configRuleName: string;
      readonly reason: string;
    }
  | { readonly kind: 'unreadable'; readonly messageId: string; readonly reason: string };

/** `arn:…:function:name:$LATEST` → `arn:…:function:name` (Lambda picks $LATEST for an unqualified invoke). */
const unqualified = (arn: string): string => arn.split(':').slice(0, 7).join(':');

const attribute = (message: Json, name: string): string | undefined => {
  const attributes = message.MessageAttributes;
  const value =
    isPlainObject(attributes) && isPlainObject(attributes[name]) ? attributes[name].StringValue : undefined;
  return typeof value === 'string' ? value : undefined;
};

const parseBody = (body: unknown): unknown => {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
};

/** SNS's own JSON of a notification → the event Lambda receives for it. */
const snsEvent = (notification: Json): Json => {
  const attributes: Json = {};
  if (isPlainObject(notification.MessageAttributes)) {
    for (const [name, value] of Object.entries(notification.MessageAttributes)) attributes[name] = value;
  }
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: '',
        Sns: {
          Type: notification.Type,
          MessageId: notification.MessageId,
          TopicArn: notification.TopicArn,
          Subject: notification.Subject ?? null,
          Message: notification.Message,
          Timestamp: notification.Timestamp,
          SignatureVersion: notification.SignatureVersion,
          Signature: notification.Signature,
          SigningCertUrl: notification.SigningCertURL,
          UnsubscribeUrl: notification.UnsubscribeURL,
          MessageAttributes: attributes,
        },
      },
    ],
  };
};

const classify = (message: unknown, index: number, queueFunction: string | undefined): DeadLetter => {
  if (!isPlainObject(message))
    return { kind: 'unreadable', messageId: `#${index + 1}`, reason: 'not an SQS message' };
  const messageId =
    typeof message.MessageId === 'string' && MESSAGE_ID.test(message.MessageId)
      ? message.MessageId
      : undefined;
  const receiptHandle = typeof message.ReceiptHandle === 'string' ? message.ReceiptHandle : undefined;
  if (!messageId || !receiptHandle) {
    return {
      kind: 'unreadable',
      messageId: messageId ?? `#${index + 1}`,
      reason: 'no MessageId or ReceiptHandle',
    };
  }
  const body = parseBody(message.Body);
  if (!isPlainObject(body)) return { kind: 'unreadable', messageId, reason: 'the body is not a JSON object' };

  const targetArn = attribute(message, 'TARGET_ARN');
  const ruleArn = attribute(message, 'RULE_ARN');
  if (targetArn !== undefined || ruleArn !== undefined) {
    if (!targetArn || !LAMBDA_ARN.test(targetArn)) {
      return {
        kind: 'unreadable',
        messageId,
        reason: `EventBridge target ${targetArn ?? '(none)'} is not a Lambda function`,
      };
    }
    const code = attribute(message, 'ERROR_CODE') ?? 'unknown error';
    const detail = attribute(message, 'ERROR_MESSAGE');
    return {
      kind: 'eventbridge',
      messageId,
      receiptHandle,
      functionName: unqualified(targetArn),
      reason: `EventBridge could not deliver it: ${code}${detail ? ` (${detail})` : ''}`,
      event: body,
    };
  }

  const context = body.requestContext;
  if (isPlainObject(context) && 'requestPayload' in body) {
    const functionArn = context.functionArn;
    if (typeof functionArn !== 'string' || !LAMBDA_ARN.test(functionArn)) {
      return { kind: 'unreadable', messageId, reason: 'a Lambda destination record without a function ARN' };
    }
    const payload = body.requestPayload;
    const response = isPlainObject(body.responsePayload) ? body.responsePayload : {};
    const reason = [
      typeof context.condition === 'string' ? context.condition : 'failed',
      typeof context.approximateInvokeCount === 'number'
        ? `after ${plural(context.approximateInvokeCount, 'attempt')}`
        : '',
      typeof response.errorType === 'string'
        ? `${response.errorType}: ${String(response.errorMessage ?? '')}`.trim()
        : '',
    ]
      .filter((part) => part !== '')
      .join(', ');
    if (
      isPlainObject(payload) &&
      typeof payload.resultToken === 'string' &&
      typeof payload.configRuleName === 'string'
    ) {
      return {
        kind: 'config-rule',
        messageId,
        receiptHandle,
        configRuleName: payload.configRuleName,
        reason,
      };
    }
    return {
      kind: 'lambda-destination',
      messageId,
      receiptHandle,
      functionName: unqualified(functionArn),
      reason,
      event: payload,
    };
  }

  if (
    body.Type === 'Notification' &&
    typeof body.Message === 'string' &&
    typeof body.MessageId === 'string'
  ) {
    return {
      kind: 'sns',
      messageId,
      receiptHandle,
      functionName: queueFunction,
      reason: 'SNS could not deliver it to the function',
      event: snsEvent(body),
    };
  }
  return {
    kind: 'unreadable',
    messageId,
    reason: 'neither a Lambda destination record, an EventBridge event nor an SNS notification',
  };
};

/**
 * The messages of an `aws sqs receive-message --output json` answer (an empty answer means an empty
 * queue), each classified. `queueFunction` names the function for messages that do not (SNS).
 */
export const parseDeadLetters = (text: string, queueFunction?: string): DeadLetter[] => {
  if (text.trim() === '') return [];
  let answer: unknown;
  try {
    answer = JSON.parse(text) as unknown;
  } catch {
    throw new RedriveUsageError(
      'the messages file is not JSON: save the output of `aws sqs receive-message --output json`',
    );
  }
  if (!isPlainObject(answer))
    throw new RedriveUsageError('the messages file does not hold a receive-message answer');
  if (answer.Messages === undefined) return [];
  if (!Array.isArray(answer.Messages))
    throw new RedriveUsageError('Messages in the messages file is not a list');
  return answer.Messages.map((message, index) => classify(message, index, queueFunction));
};

/** POSIX shell quoting: bare when safe, else single quotes. */
export const shellQuote = (value: string): string =>
  /^[A-Za-z0-9_./:=@%+,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;

/** https://sqs.<region>.amazonaws.com/<account>/<name> → <region>. */
const regionOfQueueUrl = (url: string): string | undefined =>
  /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//.exec(url)?.[1];

export interface RedriveOptions {
  /** The queue URL, or a shell expression that yields it (`"$QUEUE_URL"`). */
  readonly queueUrl: string;
  readonly region?: string;
  /** Where the event files go (created). */
  readonly outDir: string;
}

export interface RedrivePlan {
  readonly commands: string[];
  readonly files: { readonly path: string; readonly content: string }[];
  /** Messages left in the queue, and why. */
  readonly leftInQueue: { readonly messageId: string; readonly reason: string }[];
}

/** The files to write and the commands to print for the classified messages. Pure. */
export const planRedrive = (letters: readonly DeadLetter[], options: RedriveOptions): RedrivePlan => {
  const region = options.region ? ` --region ${shellQuote(options.region)}` : '';
  const queue = options.queueUrl.startsWith('"$') ? options.queueUrl : shellQuote(options.queueUrl);
  const commands: string[] = [];
  const files: { path: string; content: string }[] = [];
  const leftInQueue: { messageId: string; reason: string }[] = [];
  const rerun = new Map<string, string[]>();
  for (const letter of letters) {
    if (letter.kind === 'unreadable') {
      leftInQueue.push({ messageId: letter.messageId, reason: letter.reason });
      continue;
    }
    const remove = `aws sqs delete-message --queue-url ${queue} --receipt-handle ${shellQuote(letter.receiptHandle)}${region}`;
    if (letter.kind === 'config-rule') {
      rerun.set(letter.configRuleName, [...(rerun.get(letter.configRuleName) ?? []), remove]);
      continue;
    }
    if (!letter.functionName) {
      leftInQueue.push({
        messageId: letter.messageId,
        reason: 'the message names no function: pass --function',
      });
      continue;
    }
    const path = join(options.outDir, `${letter.messageId}.json`);
    files.push({ path, content: `${JSON.stringify(letter.event, null, 2)}\n` });
    commands.push(
      `# ${letter.messageId} (${letter.kind}): ${letter.reason}`,
      `aws lambda invoke --function-name ${shellQuote(letter.functionName)} --invocation-type Event --payload ${shellQuote(`fileb://${path}`)}${region} /dev/null \\`,
      `  && ${remove}`,
    );
  }
  for (const [ruleName, removals] of rerun) {
    commands.push(
      `# ${ruleName}: ${plural(removals.length, 'failed Config invocation')}; their result tokens have expired, so the rule runs again`,
      `aws configservice start-config-rules-evaluation --config-rule-names ${shellQuote(ruleName)}${region} \\`,
      ...removals.map((removal, i) => `  && ${removal}${i < removals.length - 1 ? ' \\' : ''}`),
    );
  }
  return { commands, files, leftInQueue };
};

const receiveSteps = (
  queueArg: string,
  resolveUrl: string | undefined,
  named: string,
  region: string,
  file: string,
): string[] => [
  ...(resolveUrl ? ['# 1. The queue URL', resolveUrl] : []),
  `# ${resolveUrl ? 2 : 1}. Up to 10 messages, hidden from other readers for 15 minutes while you redrive them`,
  `aws sqs receive-message --queue-url ${queueArg} --max-number-of-messages 10 --visibility-timeout 900 --attribute-names All --message-attribute-names All --output json${region} > ${shellQuote(file)}`,
  `# ${resolveUrl ? 3 : 2}. The commands that send them back (nothing is sent by this command itself)`,
  `mq-guardian redrive --queue-url ${queueArg}${named} --messages ${shellQuote(file)}${region}`,
];

/** The options of `mq-guardian redrive` (one entry per option; see shared/cli/args.ts). */
export const REDRIVE_OPTIONS = {
  'queue-url': { type: 'string', value: 'URL', help: 'the dead-letter queue' },
  queue: {
    type: 'string',
    value: 'LOGICAL_ID',
    help: 'the queue by its logical id in the stack (with --stack)',
    choices: Object.keys(DEAD_LETTER_QUEUES),
  },
  stack: { type: 'string', value: 'NAME', help: 'the stack name (<service>-<stage>)' },
  function: {
    type: 'string',
    value: 'NAME',
    help: 'the function to send messages back to when a message does not name it',
  },
  region: { type: 'string', value: 'REGION', help: 'the region (default: from the queue URL)' },
  messages: {
    type: 'string',
    value: 'FILE',
    help: 'the saved `aws sqs receive-message --output json` answer; without it, the steps to save one',
  },
  out: { type: 'string', value: 'DIR', help: 'where the events are written (default: redrive-<time>)' },
  json: { type: 'boolean', help: 'print the plan as one JSON document' },
} as const satisfies OptionSpecs;

export const REDRIVE_COMMAND = command({
  name: 'redrive',
  summary: "Print the AWS CLI commands that send a dead-letter queue's events back to their function.",
  details: ['Nothing is sent by this command itself. Exit code 1 when a message cannot be redriven.'],
  usage: [
    '--queue-url URL [--messages FILE] [--region REGION] [--json]',
    '--queue LOGICAL_ID --stack NAME [--messages FILE] [--region REGION] [--json]',
  ],
  options: REDRIVE_OPTIONS,
  run: (values) => runRedrive(values, (text) => process.stdout.write(`${text}\n`)),
});

/** Parses `args` as the command line does, then runs; for tests and callers with their own output. */
export const redriveCommand = async (args: string[], print: (text: string) => void): Promise<number> => {
  const parsed = parseCommandArgs(REDRIVE_COMMAND, args);
  return parsed.help ? 0 : runRedrive(parsed.values, print);
};

export const runRedrive = async (
  values: OptionValues<typeof REDRIVE_OPTIONS>,
  print: (text: string) => void,
): Promise<number> => {
  const logicalId = values.queue;
  if (!values['queue-url'] && !(logicalId && values.stack)) {
    throw new RedriveUsageError(
      'redrive needs --queue-url URL, or --queue LOGICAL_ID and --stack STACK_NAME',
    );
  }
  const region = values.region ?? (values['queue-url'] ? regionOfQueueUrl(values['queue-url']) : undefined);
  const regionArg = region ? ` --region ${shellQuote(region)}` : '';
  // Function names are <service>-<stage>-<function>, and the stack is named <service>-<stage>.
  const queueFunction =
    values.function ??
    (logicalId && values.stack ? `${values.stack}-${DEAD_LETTER_QUEUES[logicalId]}` : undefined);
  const queueUrl = values['queue-url'] ?? '"$QUEUE_URL"';
  const resolveUrl =
    values['queue-url'] || !logicalId || !values.stack
      ? undefined
      : `QUEUE_URL=$(aws cloudformation describe-stack-resource --stack-name ${shellQuote(values.stack)} --logical-resource-id ${logicalId} --query StackResourceDetail.PhysicalResourceId --output text${regionArg})`;

  if (!values.messages) {
    const queueArg = values['queue-url'] ? shellQuote(values['queue-url']) : '"$QUEUE_URL"';
    // The queue's name is kept: it tells which function SNS notifications (notify-slack) go back to.
    const named =
      logicalId && values.stack ? ` --queue ${logicalId} --stack ${shellQuote(values.stack)}` : '';
    print(receiveSteps(queueArg, resolveUrl, named, regionArg, 'dead-letters.json').join('\n'));
    return 0;
  }

  const letters = parseDeadLetters(await readFile(values.messages, 'utf8'), queueFunction);
  const outDir = resolve(
    values.out ?? `redrive-${new Date().toISOString().replaceAll(':', '-').replace(/\..*$/, '')}`,
  );
  const plan = planRedrive(letters, { queueUrl, outDir, ...(region ? { region } : {}) });
  if (plan.files.length > 0) await mkdir(outDir, { recursive: true });
  for (const file of plan.files) await writeFile(file.path, file.content, 'utf8');

  if (values.json) {
    print(
      JSON.stringify({ messages: letters.length, ...plan, files: plan.files.map((f) => f.path) }, null, 2),
    );
  } else if (letters.length === 0) {
    print('The messages file holds no message: the queue was empty.');
  } else {
    const lines = [
      `${plural(letters.length, 'message')}; ${plural(plan.files.length, 'event')} written to ${outDir}.`,
      ...(resolveUrl ? [resolveUrl] : []),
      ...plan.commands,
    ];
    for (const left of plan.leftInQueue) lines.push(`# left in the queue: ${left.messageId}: ${left.reason}`);
    print(lines.join('\n'));
  }
  // Never silent: a message that cannot be redriven makes the command fail.
  return plan.leftInQueue.length > 0 ? 1 : 0;
};
