// Every wizard screen in a real pseudo-terminal (tmux), as a newcomer meets it: at 80x24 nothing that
// matters is cut and no line is wider than the window; below 60x20 each screen gives way to a notice
// saying how big the window must be, and comes back when it fits. Input arrives as real byte
// sequences: a burst of DEL bytes in the provider filter, a paste with a tab and a line break in the
// base-URL field. Ctrl+C in the middle, then a second run that resumes at the step it left.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { cleanupTempHomes, freePort, makeTempHome, repoRoot } from '../cli/run-cli.js';

const tmuxPath = ['/usr/bin/tmux', '/usr/local/bin/tmux', '/opt/homebrew/bin/tmux'].find((path) => existsSync(path));
const cliPath = join(repoRoot, 'dist', 'cli', 'index.js');
const socket = `isartor-screens-test-${process.pid}`;
let upstream: FakeUpstream | undefined;

function tmux(...args: string[]): string {
  if (!tmuxPath) throw new Error('tmux is not installed: .ci/run installs it (apt-get install tmux)');
  return execFileSync(tmuxPath, ['-L', socket, ...args], { encoding: 'utf8' });
}

const screen = () => tmux('capture-pane', '-p', '-t', 'setup');

const showsText = (shown: string, text: string | RegExp): boolean => (typeof text === 'string' ? shown.includes(text) : text.test(shown));

/**
 * Resolves with the first capture that shows every one of `texts` at once. A capture can catch a frame
 * half drawn (tmux reads what Ink writes in pieces), so no single line says the whole screen is there.
 */
async function screenShows(texts: string | RegExp | Array<string | RegExp>, timeoutMs = 30_000): Promise<string> {
  const wanted = Array.isArray(texts) ? texts : [texts];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shown = screen();
    if (wanted.every((text) => showsText(shown, text))) return shown;
    if (Date.now() > deadline) throw new Error(`the terminal never showed ${wanted.filter((text) => !showsText(shown, text)).map(String).join(', ')}:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends bytes as they are: a burst or a paste arrives in one write. */
const sendBytes = (bytes: string) => tmux('send-keys', '-t', 'setup', '-l', '--', bytes);
const sendKey = (key: string) => tmux('send-keys', '-t', 'setup', key);

/** At 80x24: the screen fits, and what matters on it is there. */
async function fitsAt80x24(expected: Array<string | RegExp>): Promise<string> {
  const shown = await screenShows(expected);
  expect(shown.split('\n').every((line) => line.length <= 80)).toBe(true);
  return shown;
}

/** Shrinks the window below the minimum, expects the notice, and brings the screen back. */
async function tooSmallThenBack(back: string | RegExp): Promise<void> {
  tmux('resize-window', '-t', 'setup', '-x', '50', '-y', '15');
  await screenShows(['Make the window at least 60x20', 'It is 50x15']);
  tmux('resize-window', '-t', 'setup', '-x', '80', '-y', '24');
  await screenShows(back);
}

function startWizard(env: string[], args = ''): void {
  // `env -u CI`: the wizard is only interactive outside CI. It is started as a user of a clone would: the CLI's `setup`.
  const command = `env -u CI -u npm_command -u npm_lifecycle_event ${env.join(' ')} ${process.execPath} ${cliPath} setup ${args}; echo EXITED; sleep 30`;
  if (tmuxHasSession()) tmux('respawn-pane', '-k', '-t', 'setup', command);
  else tmux('new-session', '-d', '-s', 'setup', '-x', '80', '-y', '24', command);
}

function tmuxHasSession(): boolean {
  return spawnSync(tmuxPath ?? 'tmux', ['-L', socket, 'has-session', '-t', 'setup']).status === 0;
}

afterEach(async () => {
  if (tmuxPath) spawnSync(tmuxPath, ['-L', socket, 'kill-server']);
  await upstream?.close();
  upstream = undefined;
  await cleanupTempHomes();
});

describe.skipIf(!tmuxPath && !process.env.CI)(`every wizard screen in a real 80x24 terminal${tmuxPath ? '' : ' (skipped: tmux is not installed)'}`, () => {
  it('walks every screen, with a burst of Backspaces, a paste with control bytes, Ctrl+C and a resume', { timeout: 240_000 }, async () => {
    upstream = await startFakeUpstream({});
    const home = makeTempHome();
    const openClawDir = join(home, 'openclaw');
    mkdirSync(openClawDir, { recursive: true });
    const configPath = join(openClawDir, 'openclaw.json');
    writeFileSync(configPath, '{\n  // my settings\n  "agents": {}\n}\n');
    const port = await freePort();
    const env = [`ISARTOR_HOME=${home}`, `OPENCLAW_STATE_DIR=${openClawDir}`, `HOME=${home}`, 'TERM=xterm-256color', 'ISARTOR_INVOKED_AS=isartor'];

    startWizard(env, `--port ${port}`);
    await fitsAt80x24(['none yet', 'Enter start setup', 'd try the demo, no key needed']);
    await tooSmallThenBack('none yet');
    sendKey('Enter');

    // Provider list: "openai-com" then a burst of four DEL bytes leaves "openai", which a typed "-compatible" completes.
    await fitsAt80x24(['Which provider', /❯ openai\s+OpenAI/, /ollama .*no key needed/]);
    sendBytes('openai-com');
    await screenShows('filter: openai-com');
    sendBytes('\x7f\x7f\x7f\x7f');
    await screenShows(/filter: openai\s/);
    sendBytes('-compatible');
    await fitsAt80x24([/❯ openai-compatible/, 'filter: openai-compatible']);
    await tooSmallThenBack(/❯ openai-compatible/);
    sendKey('Enter');

    // Base URL: a paste that carries a tab and a line break gives the URL alone.
    await fitsAt80x24(['where does its API live?', 'Enter continue']);
    sendBytes(`${upstream.openaiBaseUrl}\t\r\n`);
    await screenShows(`URL: ${upstream.openaiBaseUrl}`);
    await tooSmallThenBack(`URL: ${upstream.openaiBaseUrl}`);
    sendKey('Enter');

    // Key: this server takes none; the placeholder names what Enter does.
    await fitsAt80x24(['API key', '(enter with nothing typed: no key)']);
    await tooSmallThenBack('API key');
    sendKey('Enter');

    // Model: Down picks the second, then Ctrl+C: the next run resumes here.
    await fitsAt80x24(['Which model', /❯ fake-model\s/, 'fake-model-large']);
    await tooSmallThenBack('Which model');
    sendKey('Down');
    await screenShows(/❯ fake-model-large/);
    sendKey('C-c');
    await screenShows(['EXITED', 'Setup interrupted; run `isartor setup` and press r to resume where you left off.']);
    expect(JSON.parse(readFileSync(join(home, 'setup-progress.json'), 'utf8'))).toMatchObject({ providerId: 'openai-compatible', step: 'model', baseUrl: upstream.openaiBaseUrl });

    startWizard(env, `--port ${port}`);
    await fitsAt80x24([/setup stopped at Model \(press r\)/, 'r resume at Model']);
    sendKey('r');
    await fitsAt80x24(['Which model', /❯ fake-model\s/]);
    sendKey('Down');
    await screenShows(/❯ fake-model-large/);
    sendKey('Enter');

    // Gateway: a real detached gateway in front of the fake upstream.
    await fitsAt80x24([`Gateway running at http://127.0.0.1:${port}`, 'forwarding to openai-compatible / fake-model-large'].map(String));
    await tooSmallThenBack('Gateway running at');
    sendKey('Enter');

    // OpenClaw, the planned edit, confirm: the whole config path shows.
    await fitsAt80x24(['is installed', 'config found', configPath].slice(1));
    await tooSmallThenBack('config');
    sendKey('Enter');
    await fitsAt80x24(['The planned edit', /lines \d+-\d+ of \d+|\d+ lines/]);
    expect(screen().replace(/\n/g, '')).toContain(configPath);
    await tooSmallThenBack('The planned edit');
    sendKey('Enter');
    await fitsAt80x24(['Write these changes? (y/N)', 'The original is kept as']);
    sendKey('y');
    const written = await fitsAt80x24(['✓ wrote', 'backup']);
    expect(written.replace(/\n\s*/g, '')).toContain(`${configPath}.isartor-backup`);
    await tooSmallThenBack('✓ wrote');
    sendKey('Enter');

    // Dashboard: the upstream model whole, the probe's explanation, the keys.
    await fitsAt80x24(['isartor dashboard', 'forwards  openai-compatible / fake-model-large', 'probe: p asks the gateway a question', 'd stop the gateway and quit']);
    await tooSmallThenBack('isartor dashboard');
    sendKey('p');
    await fitsAt80x24([/got\s+l3 \(the provider\), HTTP 200/, 'probe 1/3, the same question']);
    sendKey('d');
    await screenShows('Bye. The gateway has stopped.');
    expect(existsSync(join(home, 'setup-progress.json'))).toBe(false);
  });
});
