/**
 * The bench's SDK boundary: an own `send` on each client class's prototype (where aws-sdk-client-mock
 * puts its stub), so every instance the functions built at module load answers from the simulator and
 * the SDK's middleware and retries are bypassed. Not sinon: section 4 measures memory (sinon's bundle
 * adds about 13 MiB of RSS), and section 3 the handler's own time (sinon records every call, a cost
 * that could only be estimated and taken out).
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
