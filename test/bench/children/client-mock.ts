/**
 * The simulator behind aws-sdk-client-mock (section 3): `mockClient` stubs `send` on each client
 * class's prototype, so every instance the functions built at module load answers from the simulator.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { type Item, type MockableClient, operationOf, type SimulatedAws } from './simulated-aws.ts';

export interface InstalledMocks {
  /** Forgets the calls sinon recorded (it keeps every one), so long runs do not grow. */
  resetHistory(): void;
}

export const installMocks = (simulator: SimulatedAws, clients: readonly MockableClient[]): InstalledMocks => {
  const mocks = clients.map(({ service, Client }) => {
    const mock = mockClient(Client as never);
    mock.send.callsFake(
      (command: { input: object }) =>
        simulator.send(service, operationOf(command), (command.input ?? {}) as Item) as Promise<never>,
    );
    return mock;
  });
  return {
    resetHistory() {
      for (const mock of mocks) mock.send.resetHistory();
    },
  };
};

/**
 * What one call through aws-sdk-client-mock costs before the simulator sees it (sinon's dispatch and
 * call recording), in µs: measured on an answer that is already there, so it can be taken out of the
 * handler's own time. Restores the client afterwards.
 */
export const mockDispatchMicros = async (client: MockableClient, calls = 5000): Promise<number> => {
  const mock = mockClient(client.Client as never);
  mock.send.callsFake(() => Promise.resolve({}) as never);
  const instance = new client.Client() as { send(command: unknown): Promise<unknown> };
  const command = { input: {} };
  for (let i = 0; i < 1000; i += 1) await instance.send(command);
  mock.send.resetHistory();
  const started = performance.now();
  for (let i = 0; i < calls; i += 1) await instance.send(command);
  const micros = ((performance.now() - started) * 1000) / calls;
  mock.restore();
  return micros;
};
