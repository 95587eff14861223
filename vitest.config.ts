import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Every test gets its own temp ISARTOR_HOME; never the real home.
    setupFiles: ['tests/support/isolate-home.ts'],
  },
});
