// The end-to-end suites (`npm run test:e2e`): real processes, a real browser, one file at a time
// (each starts its own `agentdock serve` and Chromium; the machine's cores are shared).
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: path.join(import.meta.dirname, '..'),
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    // Building the renderer (when out/renderer is missing) and starting Chromium happen in hooks.
    hookTimeout: 300_000,
  },
});
