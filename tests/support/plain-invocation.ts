// Advice names the CLI the way the process was invoked (`npx isartor` under `npx vitest`). Tests see
// the installed form, `isartor`, unless a test sets the invocation itself (tests/cli/next-steps.test.ts).
process.env.ISARTOR_INVOKED_AS = 'isartor';
