/**
 * `npm run loopback-aws [-- <recorded-account.json> [minutes]]`: the loopback AWS on its own, serving a
 * recorded account (default: the demo account) for trying `scan` and `scan --remediate` without AWS.
 * Prints the environment to use; stops by itself after `minutes` (default 30) or on Ctrl-C.
 */
import { readFileSync } from 'node:fs';
import { SdkAccount } from '../sdk-account.ts';
import { LoopbackAws } from './server.ts';

const file =
  process.argv[2] ?? new URL('../../../events/accounts/demo-account.json', import.meta.url).pathname;
const minutes = Number(process.argv[3] ?? '30');
const account = new SdkAccount(readFileSync(file, 'utf8'));
const aws = await LoopbackAws.start({ backend: account, maxLifetimeMs: minutes * 60_000 });
// The server never holds a process open on its own; this one exists only to serve it.
const keepAlive = setInterval(() => undefined, 60_000);
const stop = setTimeout(() => clearInterval(keepAlive), minutes * 60_000);
process.on('SIGINT', () => {
  clearTimeout(stop);
  clearInterval(keepAlive);
  void aws.stop();
});
process.stdout.write(
  [
    `Loopback AWS serving ${file} at ${aws.url} for ${minutes} minutes (Ctrl-C stops it). In another shell:`,
    `  export AWS_ENDPOINT_URL=${aws.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=loopback AWS_SECRET_ACCESS_KEY=loopback`,
    '  npm run cli -- scan',
    '',
  ].join('\n'),
);
