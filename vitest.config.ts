import { defineConfig } from 'vitest/config';
import { prunedAdapters } from './test/support/pruned-adapters.ts';

const WIRE_TESTS = 'test/integration/aws/wire';

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The functions' structured logs would bury the test report; a test that inspects logs sets its own level.
    // The real-time functions pace Amazon MQ reads in real time; the fuzz and fault tests drive them
    // thousands of times against mocks, so the pacing is switched off here (tested on its own).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', MQ_API_RATE_LIMIT: 'off' },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: [
            'test/unit/**/*.test.ts',
            'test/integration/**/*.test.ts',
            'test/template/**/*.test.ts',
            'test/fuzz/**/*.test.ts',
          ],
        },
      },
      {
        // The wire contract tests once more, with the adapters and SDK clients as the functions bundle
        // them (schemas pruned to the operations called): a pruned client that serializes or parses
        // differently from the stock one fails here.
        extends: true,
        plugins: [prunedAdapters(WIRE_TESTS)],
        test: { name: 'wire, pruned', include: [`${WIRE_TESTS}/**/*.test.ts`] },
      },
    ],
  },
});
