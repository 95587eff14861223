import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, runCli } from './run-cli.js';

afterEach(async () => {
  await cleanupTempHomes();
});

describe('isartor setup', () => {
  it("runs the isartor-setup program with its own flags (from a clone, where npx cannot run a bin named like the project)", async () => {
    const home = makeTempHome();
    const help = await runCli(['setup', '--help'], { home });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: isartor-setup');
    expect(help.stdout).toContain('--key-env');
    const demo = await runCli(['setup', '--demo'], { home, timeoutMs: 30_000 });
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/the same again\s+HTTP 200\s+l1a \(exact cache\)/);
    const unknown = await runCli(['setup', '--no-such-flag'], { home });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('--no-such-flag');
  });
});
