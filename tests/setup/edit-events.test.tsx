// Input as key events: Ink hands a burst of bytes over as one string. A fast Backspace ("\x7f\x7f\x7f")
// must delete, and a paste's control bytes must not reach a field, in the filter, base-URL and key fields.
import { describe, expect, it } from 'vitest';
import { applyEdits, editEvents } from '../../source/setup/input/edit-events.js';
import { fakeEffects } from './fake-effects.js';
import { keys, press, type, waitForFrame } from './ink-keys.js';
import { renderApp, stateAfter } from './render-app.js';

const noKey = { return: false, backspace: false, delete: false, ctrl: false, meta: false, escape: false, tab: false, upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false };
const edit = (value: string, input: string, key: Partial<typeof noKey> = {}) => applyEdits(value, editEvents(input, { ...noKey, ...key })).value;

describe('editEvents', () => {
  it('reads a burst of DEL or BS bytes as that many Backspaces', () => {
    expect(edit('abcdef', '\x7f\x7f\x7f')).toBe('abc');
    expect(edit('abcdef', '\b\b')).toBe('abcd');
    expect(edit('ab', '\x7f\x7f\x7f\x7f')).toBe('');
  });

  it('applies typed text and Backspaces in the order they came', () => {
    expect(edit('', 'abc\x7fd')).toBe('abd');
    expect(edit('x', '\x7fyz')).toBe('yz');
  });

  it('drops the control bytes of a paste (line breaks, tabs, NUL, ESC remnants, C1) and keeps the text', () => {
    expect(edit('', 'gsk_abc\r\n123\t\x00\x1b\x9b')).toBe('gsk_abc123');
    expect(edit('', 'héllo ✓')).toBe('héllo ✓');
  });

  it('a single Backspace or Delete key deletes one character; Ctrl+U clears; Ctrl+W and Alt+Backspace delete a word', () => {
    expect(edit('abc', '', { backspace: true })).toBe('ab');
    expect(edit('abc', '', { delete: true })).toBe('ab');
    expect(edit('abc def', 'u', { ctrl: true })).toBe('');
    expect(edit('abc def', 'w', { ctrl: true })).toBe('abc ');
    expect(edit('abc def', '', { delete: true, meta: true })).toBe('abc ');
    expect(edit('abc def', '\x15')).toBe('');
  });

  it('leaves arrows, Esc, Tab and other Ctrl keys to the screen', () => {
    for (const key of [{ upArrow: true }, { escape: true, meta: true }, { tab: true }, { ctrl: true }]) expect(edit('abc', key.ctrl ? 'x' : '', key)).toBe('abc');
  });

  it('Enter submits', () => {
    expect(applyEdits('abc', editEvents('\r', { ...noKey, return: true }))).toEqual({ value: 'abc', submitted: true });
  });
});

describe('fields in the wizard read bursts as key events', () => {
  it('the provider filter: a burst of three Backspaces deletes three letters', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }]));
    await waitForFrame(ui, 'Which provider');
    await type(ui, 'grqx');
    const frame = await press(ui, '\x7f\x7f\x7f', 'filter: g ');
    expect(frame).not.toContain('\x7f');
    expect(await press(ui, 'roq', /❯ groq /)).toContain('filter: groq ');
  });

  it('the base-URL field: a burst of Backspaces, then a pasted URL with a line break, gives the URL', async () => {
    const ui = renderApp(fakeEffects(), stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'openai-compatible' }]));
    await waitForFrame(ui, 'where does its API live?');
    await press(ui, 'http://wrong', 'http://wrong');
    await press(ui, '\x7f'.repeat(12), (frame) => !frame.includes('http://wrong'));
    const frame = await press(ui, 'http://localhost:9000/v1\r\n', 'URL: http://localhost:9000/v1');
    expect(frame).not.toMatch(/wrong/);
  });

  it('the key field: a burst of Backspaces removes what was typed; the checked key has no control bytes', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, stateAfter([{ type: 'setupStarted' }, { type: 'providerChosen', providerId: 'groq' }]));
    await waitForFrame(ui, 'Paste your Groq API key');
    await press(ui, 'gsk_typo_xyz', '•');
    await press(ui, '\x7f'.repeat(8), (frame) => /key: •{4}(?!•)/.test(frame));
    await press(ui, 'real_key_12345678\t\r\n', /key: •{21}/);
    await press(ui, keys.enter);
    await waitForFrame(ui, () => (effects.checkKey as unknown as { mock: { calls: unknown[] } }).mock.calls.length > 0);
    expect(effects.checkKey).toHaveBeenCalledWith(expect.objectContaining({ apiKey: 'gsk_real_key_12345678', keySource: 'typed' }));
  });
});
