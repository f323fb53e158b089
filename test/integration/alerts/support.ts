/**
 * Shared by the alerting adapter tests: the aws-sdk-client-mock-vitest matchers, service errors as
 * the SDK raises them, the exact inputs sent, and an alert built by the real planner.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../../../shared/alerts/alert.ts';
import { buildAlerts } from '../../../shared/alerts/plan.ts';
import {
  ACCOUNT,
  authorizeActor,
  evaluate,
  INGRESS_CHECKS,
  ingressSnapshot,
  REGION,
  remediateWith,
  sshRule,
} from '../../unit/alerts/scenarios.ts';

// The matchers, SDK-shaped service errors and call readers are the adapter tests' own.
export { awsError, REQUEST_ID, sentCommands, sentInputs } from '../aws/support.ts';

/** A dry-run "would revoke" alert, as the planner builds it. */
export const dryRunAlert = async (): Promise<Alert> => {
  const evaluation = evaluate(ingressSnapshot([sshRule]), INGRESS_CHECKS);
  const [alert] = buildAlerts({
    evaluation,
    previous: new Map(),
    actor: authorizeActor,
    remediation: await remediateWith(evaluation, 'dry-run'),
    mode: 'dry-run',
    account: ACCOUNT,
    region: REGION,
  });
  if (alert === undefined) throw new Error('the dry-run scenario gave no alert');
  return alert;
};

export interface SlackAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

export interface SlackRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeSlack {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** Answers for the next requests, in order; 200 ok once they run out. */
  readonly answers: SlackAnswer[];
  readonly received: SlackRequest[];
  reset(): void;
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 (random port) answering as a Slack incoming webhook would. */
export const startFakeSlack = async (): Promise<FakeSlack> => {
  const answers: SlackAnswer[] = [];
  const received: SlackRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        method: request.method ?? '',
        headers: request.headers,
        body,
      });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      response.writeHead(answer.status, { 'content-type': 'text/html', ...answer.headers });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    received,
    reset() {
      answers.length = 0;
      received.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
