// The built isartor-setup in a real pseudo-terminal (tmux, 80x24): the wizard draws, and a Down key
// press moves the provider selection.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempHomes, makeTempHome, repoRoot } from '../cli/run-cli.js';

const tmuxPath = ['/usr/bin/tmux', '/usr/local/bin/tmux', '/opt/homebrew/bin/tmux'].find((path) => existsSync(path));
const setupPath = join(repoRoot, 'dist', 'setup', 'index.js');
const socket = `isartor-setup-test-${process.pid}`;

function tmux(...args: string[]): string {
  if (!tmuxPath) throw new Error('tmux is not installed: .ci/run installs it (apt-get install tmux)');
  return execFileSync(tmuxPath, ['-L', socket, ...args], { encoding: 'utf8' });
}

const showsText = (screen: string, text: string | RegExp): boolean => (typeof text === 'string' ? screen.includes(text) : text.test(screen));

/** The first capture that shows all of `texts` at once: a capture can catch a frame half drawn. */
async function screenShows(texts: Array<string | RegExp>, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', 'setup');
    if (texts.every((text) => showsText(screen, text))) return screen;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${texts.filter((text) => !showsText(screen, text)).map(String).join(', ')}:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

afterEach(async () => {
  if (tmuxPath) spawnSync(tmuxPath, ['-L', socket, 'kill-server']);
  await cleanupTempHomes();
});

// In CI (.ci/run installs tmux) a missing tmux is a failure, not a skip.
describe.skipIf(!tmuxPath && !process.env.CI)(`isartor-setup in a real terminal${tmuxPath ? '' : ' (skipped: tmux is not installed)'}`, () => {
  it('shows the welcome screen, then the provider list, and Down moves the selection', async () => {
    const home = makeTempHome();
    const env = [`ISARTOR_HOME=${home}`, `OPENCLAW_STATE_DIR=${join(home, 'openclaw')}`, 'TERM=xterm-256color'];
    // `env -u CI`: the wizard is only interactive outside CI.
    tmux('new-session', '-d', '-s', 'setup', '-x', '80', '-y', '24', `env -u CI ${env.join(' ')} ${process.execPath} ${setupPath}; sleep 30`);
    await screenShows(['none yet', 'Enter start setup']);
    tmux('send-keys', '-t', 'setup', 'Enter');
    await screenShows(['Which provider', /❯ openai\s+OpenAI/]);
    tmux('send-keys', '-t', 'setup', 'Down');
    const moved = await screenShows([/❯ anthropic\s+Anthropic/, 'Ctrl+C quit']);
    expect(moved).not.toMatch(/❯ openai\s/);
    expect(moved.split('\n').every((line) => line.length <= 80)).toBe(true);
    tmux('send-keys', '-t', 'setup', 'C-c');
    await screenShows(['Setup interrupted']);
  });
});
