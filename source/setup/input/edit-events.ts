import type { Key } from 'ink';

/**
 * What one Ink input event means for a one-line text field. Ink hands over several bytes as one
 * `input` string when they arrive together: a fast Backspace is "\x7f\x7f\x7f", a paste may carry
 * tabs, line breaks or other control bytes. Reading the string byte by byte as key events keeps a
 * burst of Backspaces from turning into text (and a key from gaining invisible characters).
 */
export type EditEvent = { kind: 'insert'; text: string } | { kind: 'backspace' } | { kind: 'deleteWord' } | { kind: 'clear' } | { kind: 'submit' };

type EditKey = Pick<Key, 'return' | 'backspace' | 'delete' | 'ctrl' | 'meta' | 'escape' | 'tab' | 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown'> &
  Partial<Pick<Key, 'home' | 'end'>>;

const backspaceBytes = new Set(['\x7f', '\b']);

export function editEvents(input: string, key: EditKey): EditEvent[] {
  if (key.return) return [{ kind: 'submit' }];
  // Alt+Backspace arrives as ESC DEL: Ink reports it as meta + backspace/delete.
  if ((key.backspace || key.delete) && key.meta) return [{ kind: 'deleteWord' }];
  if (key.backspace || key.delete) return [{ kind: 'backspace' }];
  if (key.ctrl && input === 'u') return [{ kind: 'clear' }];
  if (key.ctrl && input === 'w') return [{ kind: 'deleteWord' }];
  if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end) return [];
  const events: EditEvent[] = [];
  let text = '';
  const flush = () => {
    if (text) events.push({ kind: 'insert', text });
    text = '';
  };
  for (const char of input) {
    if (backspaceBytes.has(char)) {
      flush();
      events.push({ kind: 'backspace' });
    } else if (char === '\x15') {
      flush();
      events.push({ kind: 'clear' });
    } else if (char === '\x17') {
      flush();
      events.push({ kind: 'deleteWord' });
    } else if (!isControl(char)) {
      text += char;
    }
    // Line breaks, tabs and other control bytes of a paste are dropped: a one-line field never holds them.
  }
  flush();
  return events;
}

/** The field's text after these events; `submitted` when one of them was Enter. */
export function applyEdits(value: string, events: readonly EditEvent[]): { value: string; submitted: boolean } {
  let next = value;
  let submitted = false;
  for (const event of events) {
    switch (event.kind) {
      case 'insert':
        next += event.text;
        break;
      case 'backspace':
        next = Array.from(next).slice(0, -1).join('');
        break;
      case 'deleteWord':
        next = next.replace(/\S*\s*$/, '');
        break;
      case 'clear':
        next = '';
        break;
      case 'submit':
        submitted = true;
        break;
    }
  }
  return { value: next, submitted };
}

/** C0 and C1 control characters (and DEL). */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}
