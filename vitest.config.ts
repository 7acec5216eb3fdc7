import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-main/**/*.test.ts', 'src-renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
    server: {
      deps: {
        // Agent code run in-process imports '@agentdock/sdk', which no package provides: Node's own
        // loader must resolve it, through the runtime's resolve hook (src-main/runtime/adapters/
        // sdk-specifier.ts), as in a deployed runtime. Vite would fail to find it.
        external: [/^@agentdock\/sdk$/],
      },
    },
  },
});
