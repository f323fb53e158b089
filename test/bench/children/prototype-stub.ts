/**
 * The same boundary as aws-sdk-client-mock (an own `send` on each client class's prototype, so the
 * SDK's middleware and retries are bypassed exactly as there), without sinon: section 4 measures
 * memory, and sinon's bundle alone adds about 13 MiB of RSS that no Lambda function would carry.
 */
import { type Item, type MockableClient, operationOf, type SimulatedAws } from './simulated-aws.ts';

export const installPrototypeStubs = (simulator: SimulatedAws, clients: readonly MockableClient[]): void => {
  for (const { service, Client } of clients) {
    Object.defineProperty(Client.prototype, 'send', {
      configurable: true,
      writable: true,
      value(command: { input?: object }) {
        return simulator.send(service, operationOf(command), (command.input ?? {}) as Item);
      },
    });
  }
};
