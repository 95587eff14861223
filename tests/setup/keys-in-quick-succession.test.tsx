// Keys that come faster than React renders, as they do on a busy machine: each acts on what the screen
// shows, or on what the keys before it did, never on an older render.
import { describe, expect, it } from 'vitest';
import { fakeEffects, okCheck } from './fake-effects.js';
import { keys, waitForFrame, type Rendered } from './ink-keys.js';
import { renderApp, stateAfter } from './render-app.js';



/**
 * Makes the next frame that matches `shown` slow to write (a busy machine), so React runs the screen's
 * passive effects only in a later macrotask, and sends `key` as soon as that frame is out: a person (or
 * tmux) answering what they see before the event loop comes round again.
 */
function keyAsSoonAsShown(ui: Rendered, shown: string | RegExp, key: string): void {
  const stdout = ui.stdout as unknown as { write(frame: string): void };
  const write = stdout.write;
  let sent = false;
  stdout.write = (frame: string) => {
    write(frame);
    if (sent || !(typeof shown === 'string' ? frame.includes(shown) : shown.test(frame))) return;
    sent = true;
    // React's scheduler yields after 5 ms of work; the passive effects it still owes wait for the next turn.
    const until = performance.now() + 20;
    while (performance.now() < until);
    queueMicrotask(() => ui.stdin.write(key));
  };
}

describe('keys in quick succession', () => {
  it('Down then Enter in one read choose the model Down moved to', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: 'gsk_abcdefghijklmnop', source: 'typed' }, { type: 'keyChecked', result: okCheck() }]));
    await waitForFrame(ui, /❯ openai\/gpt-oss-120b/);
    ui.stdin.write(`${keys.down}${keys.down}${keys.up}${keys.enter}`);
    await waitForFrame(ui, 'Gateway running at');
    expect(effects.saveProvider).toHaveBeenCalledWith(expect.objectContaining({ model: 'llama-3.3-70b-versatile' }));
  });

  it('a typed filter then Enter in one read choose what the filter left', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    ui.stdin.write('groq');
    ui.stdin.write(keys.enter);
    await waitForFrame(ui, 'Groq: key');
  });

  it('a key sent the moment a new screen is drawn reaches that screen', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    keyAsSoonAsShown(ui, 'Paste your Groq API key', 'g');
    ui.stdin.write('groq');
    ui.stdin.write(keys.enter);
    await waitForFrame(ui, /key: •(?!•)/);
  });

  it('Enter sent the moment the cursor is drawn on the second model chooses it', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }, { type: 'keySubmitted', apiKey: 'gsk_abcdefghijklmnop', source: 'typed' }, { type: 'keyChecked', result: okCheck() }]));
    await waitForFrame(ui, /❯ openai\/gpt-oss-120b/);
    keyAsSoonAsShown(ui, /❯ llama-3.3-70b-versatile/, keys.enter);
    ui.stdin.write(keys.down);
    await waitForFrame(ui, 'Gateway running at');
    expect(effects.saveProvider).toHaveBeenCalledWith(expect.objectContaining({ model: 'llama-3.3-70b-versatile' }));
  });
});
