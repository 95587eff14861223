import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // CLI tests spawn the built bin a dozen times; on a loaded 2-core machine that alone takes 20 s.
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every test gets its own temp ISARTOR_HOME; never the real home.
    setupFiles: ['tests/support/isolate-home.ts', 'tests/support/plain-invocation.ts'],
  },
});
