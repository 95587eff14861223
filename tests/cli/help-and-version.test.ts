import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, repoRoot, runCli } from './run-cli.js';

afterEach(cleanupTempHomes);

const packageVersion = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

describe('isartor --help', () => {
  it('lists every command', async () => {
    const { code, stdout } = await runCli(['--help'], { home: makeTempHome() });
    expect(code).toBe(0);
    for (const command of ['set-key', 'check', 'up', 'down', 'status']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  const flagsByCommand: Record<string, string[]> = {
    'set-key': ['--provider', '--key', '--key-stdin', '--model', '--base-url'],
    check: ['--json'],
    up: ['--port', '--host', '--detach', '--gateway-api-key'],
    down: ['--timeout', '--force'],
    status: ['--json'],
  };

  for (const [command, flags] of Object.entries(flagsByCommand)) {
    it(`${command} --help shows its flags`, async () => {
      const { code, stdout } = await runCli([command, '--help'], { home: makeTempHome() });
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: isartor ${command}`);
      for (const flag of flags) expect(stdout).toContain(flag);
    });
  }
});

describe('isartor --version', () => {
  it('prints the version from package.json', async () => {
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await runCli([flag], { home: makeTempHome() });
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(packageVersion);
    }
  });
});

describe('an unknown command', () => {
  it('exits non-zero and names the command', async () => {
    const { code, stdout, stderr } = await runCli(['frobnicate'], { home: makeTempHome() });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown command 'frobnicate'/);
    expect(stdout).toBe('');
  });

  it('suggests the closest command on a typo', async () => {
    const { code, stderr } = await runCli(['stauts'], { home: makeTempHome() });
    expect(code).not.toBe(0);
    expect(stderr).toContain('status');
  });
});
