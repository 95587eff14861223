// Advice a user can act on: the nearest providers for a wrong name, one error when nothing is set up,
// a refused connection's fix that runs, no "rejected the key" when none was given, and the CLI named
// the way it was started.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nearestProviders } from '../../source/providers/suggest-provider.js';
import { describeInvocation, runnableAdvice } from '../../source/terminal/invocation.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, cliPath, freePort, makeTempHome, repoRoot, runCli } from './run-cli.js';

let upstream: FakeUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
  await cleanupTempHomes();
});

describe('nearest providers', () => {
  it('knows products and model families by their company, and typos by distance', () => {
    expect(nearestProviders('grok')[0]).toBe('xai');
    expect(nearestProviders('claude')[0]).toBe('anthropic');
    expect(nearestProviders('gorq')).toContain('groq');
    expect(nearestProviders('openai-compat')[0]).toBe('openai-compatible');
    expect(nearestProviders('zzzzzzzz')).toEqual([]);
  });

  it('set-key -p grok and check -p claude name them', async () => {
    const home = makeTempHome();
    const setKey = await runCli(['set-key', '-p', 'grok', '--key', 'k'], { home });
    expect(setKey.code).not.toBe(0);
    expect(setKey.stderr).toContain('Unknown provider "grok"');
    expect(setKey.stderr).toContain('Did you mean xai or groq?');
    const check = await runCli(['check', '-p', 'claude'], { home });
    expect(check.stderr).toContain('Unknown provider "claude"');
    expect(check.stderr).toMatch(/Did you mean anthropic/);
  });
});

describe('errors that say what to do', () => {
  it('up --detach with nothing configured: one error naming the wizard and set-key, no child-process noise', async () => {
    const home = makeTempHome();
    const up = await runCli(['up', '--detach', '--port', String(await freePort())], { home });
    expect(up.code).toBe(1);
    expect(up.stderr.match(/error:/g)).toHaveLength(1);
    expect(up.stderr).toContain('No provider is configured yet.');
    expect(up.stderr).toContain('`isartor setup`');
    expect(up.stderr).toContain('`isartor set-key -p <provider>`');
    expect(up.stderr).not.toContain('exited before it was ready');
  });

  it("check on a refused connection gives a fix that names the provider (set-key needs -p)", async () => {
    const home = makeTempHome();
    await runCli(['set-key', '-p', 'openai-compatible', '--base-url', `http://127.0.0.1:${await freePort()}/v1`, '--model', 'm'], { home });
    const check = await runCli(['check'], { home });
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('fix: Start the server, or fix the base URL with `isartor set-key -p openai-compatible --base-url <url>`');
  });

  it('a server that wants a key, asked without one, is not said to have "rejected the API key"', async () => {
    upstream = await startFakeUpstream({ apiKey: 'needed-key' });
    const home = makeTempHome();
    const run = await runCli(['setup', '--provider', 'openai-compatible', '--base-url', upstream.openaiBaseUrl, '--model', 'fake-model', '--no-openclaw'], { home });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('it wants an API key, and none was given');
    expect(run.stdout).not.toContain('rejected the API key');
    expect(run.stdout).toContain('fix: Pass --key-env <VAR>');
  });
});

describe('the CLI is named the way it was started', () => {
  const context = { cwd: repoRoot, execArgv: [], cliEntry: cliPath };

  it('npx, a bin on PATH, or node with the path from here', () => {
    expect(describeInvocation({ ...context, env: { npm_command: 'exec', PATH: '' } })).toBe('npx isartor');
    const bin = mkdtempSync(join(tmpdir(), 'isartor-bin-'));
    symlinkSync(cliPath, join(bin, 'isartor'));
    expect(describeInvocation({ ...context, env: { PATH: bin } })).toBe('isartor');
    expect(describeInvocation({ ...context, env: { PATH: '' } })).toBe('node dist/cli/index.js');
    expect(describeInvocation({ ...context, cwd: tmpdir(), env: { PATH: '' } })).toBe(`node ${cliPath}`);
    expect(describeInvocation({ ...context, env: { ISARTOR_INVOKED_AS: 'npx isartor', PATH: bin } })).toBe('npx isartor');
  });

  it('advice in backticks is rewritten; isartor-setup becomes `<cli> setup`; other text is left alone', () => {
    expect(runnableAdvice('Run `isartor down`, then `npx isartor-setup --demo`.', 'node dist/cli/index.js')).toBe('Run `node dist/cli/index.js down`, then `node dist/cli/index.js setup --demo`.');
    expect(runnableAdvice('isartor keeps running at http://x', 'npx isartor')).toBe('isartor keeps running at http://x');
  });
});
