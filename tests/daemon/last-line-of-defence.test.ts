import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, runCli, spawnCli, waitForOutput } from '../cli/run-cli.js';

const injector = fileURLToPath(new URL('../support/inject-stray-errors.mjs', import.meta.url));

let fake: FakeUpstream | undefined;
afterEach(async () => {
  await cleanupTempHomes();
  await fake?.close();
});

describe('the serving process (isartor up)', () => {
  it('logs a throw in a timer, in an event handler and an unhandled rejection, and keeps serving', async () => {
    fake = await startFakeUpstream({ apiKey: 'sk-up' });
    const home = makeTempHome();
    expect((await runCli(['set-key', '-p', 'openai-compatible', '--base-url', fake.openaiBaseUrl, '--key', 'sk-up', '--model', 'fake-model'], { home })).code).toBe(0);
    const port = await freePort();
    const child = spawnCli(['up', '--port', String(port)], { home, env: { NODE_OPTIONS: `--import=${injector}` } });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await waitForOutput(child, 'listening', 30_000);
    child.kill('SIGUSR2');
    for (const deadline = Date.now() + 30_000; !(stderr.includes('event handler') && stderr.includes('timer') && stderr.includes('nobody handles')) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stderr).toContain('keeps serving');
    expect(stderr).toContain('injected: a throw inside a timer');
    expect(stderr).toContain('injected: a throw inside an event handler');
    expect(stderr).toContain('injected: a rejection nobody handles');
    expect(child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const chat = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    expect(chat.status).toBe(200);
  }, 90_000);
});
