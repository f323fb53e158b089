import { defineConfig } from 'vitest/config';
import { prunedAdapters } from './test/support/pruned-adapters.ts';

const WIRE_TESTS = 'test/integration/aws/wire';

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**'],
    environment: 'node',
    // A timeout catches a hang, it is not a speed limit: on a loaded 2-core machine the 10 000-run
    // fuzz tests and the packaging tests take minutes, and a tight bound made them fail at random.
    // How fast things are is measured by `npm run bench`, never asserted in a test.
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
    pool: 'forks',
    // A passing run prints the summary only: what a test writes to the console is shown for a
    // failing test alone.
    silent: 'passed-only',
    // Nor a list of the tests that took long: on a shared 2-core machine that is most of them, and it
    // changes from run to run (durations are `npm run bench`'s business; `--slowTestThreshold=300`
    // shows them again).
    slowTestThreshold: Number.POSITIVE_INFINITY,
    // The functions' structured logs and embedded-format metrics would bury the test report (they go
    // straight to stdout, past the console above); a test that inspects either sets its own level or
    // switches metrics back on. The real-time functions pace Amazon MQ reads in real time; the fuzz
    // and fault tests drive them thousands of times against mocks, so the pacing is switched off here
    // (tested on its own).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true', MQ_API_RATE_LIMIT: 'off' },
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
