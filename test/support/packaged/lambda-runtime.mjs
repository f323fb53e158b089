// Runs one invocation of a function from its unzipped artifact the way the AWS Lambda Node.js
// runtime does (AWS Lambda Developer Guide, "Define Lambda function handler in Node.js" and "Using
// Lambda environment variables"): `_HANDLER` is `<module path>.<export>` relative to
// LAMBDA_TASK_ROOT; the module is `<path>.mjs`, `.js` or `.cjs`, loaded with import() (ES module for
// .mjs); the export is called with the event and a context object. The result (or the error) is
// written as JSON to the file named by LOOPBACK_RESULT_FILE, so the function's own logs on stdout stay
// its own. Plain JavaScript on purpose: it must run on bare Node.js, as the runtime does.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.LAMBDA_TASK_ROOT ?? '';
const handlerName = process.env._HANDLER ?? '';
const resultFile = process.env.LOOPBACK_RESULT_FILE ?? '';
const timeoutMs = Number(process.env.LOOPBACK_TIMEOUT_MS ?? '60000');

const write = (value) => writeFileSync(resultFile, JSON.stringify(value));

const dot = handlerName.lastIndexOf('.');
if (dot <= 0) {
  write({ ok: false, error: { name: 'Runtime.MalformedHandlerName', message: handlerName } });
  process.exit(0);
}
const modulePath = handlerName.slice(0, dot);
const exportName = handlerName.slice(dot + 1);
const file = ['.mjs', '.js', '.cjs'].map((ext) => join(root, `${modulePath}${ext}`)).find(existsSync);
if (!file) {
  write({
    ok: false,
    error: { name: 'Runtime.ImportModuleError', message: `Cannot find module ${modulePath}` },
  });
  process.exit(0);
}
const module = await import(pathToFileURL(file).href);
const handler = module[exportName];
if (typeof handler !== 'function') {
  write({
    ok: false,
    error: { name: 'Runtime.HandlerNotFound', message: `${handlerName} is undefined or not exported` },
  });
  process.exit(0);
}
const event = JSON.parse(readFileSync(process.env.LOOPBACK_EVENT_FILE ?? '', 'utf8'));
const deadline = Date.now() + timeoutMs;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? '';
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:${process.env.LOOPBACK_ACCOUNT}:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
  awsRequestId: process.env.LOOPBACK_REQUEST_ID ?? '00000000-0000-4000-8000-000000000000',
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
try {
  const result = await handler(event, context);
  write({ ok: true, result: result ?? null });
} catch (error) {
  write({ ok: false, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error) } });
}
process.exit(0);
