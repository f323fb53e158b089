import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/template/**/*.test.ts',
      'test/fuzz/**/*.test.ts',
    ],
    exclude: ['test/bench/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The functions' structured logs would bury the test report; a test that inspects logs sets its own level.
    // The real-time functions pace Amazon MQ reads in real time; the fuzz and fault tests drive them
    // thousands of times against mocks, so the pacing is switched off here (tested on its own).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', MQ_API_RATE_LIMIT: 'off' },
  },
});
