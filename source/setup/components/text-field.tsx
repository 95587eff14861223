import { Text } from 'ink';
import { useRef } from 'react';
import { maskSecret } from '../../store/mask-secret.js';
import { applyEdits, editEvents } from '../input/edit-events.js';
import { useTheme } from './theme.js';
import { useKeys } from '../hooks/use-keys.js';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  /** A secret: shown as `•` while typed, never in full. */
  secret?: boolean;
  placeholder?: string;
  isActive?: boolean;
}

/**
 * A one-line input. Each input string is read as key events (a burst of Backspaces deletes, a paste's
 * control bytes are dropped); Ctrl+U clears, Ctrl+W deletes a word. Esc, arrows and other Ctrl
 * combinations are left to the screen around it.
 */
export function TextField({ value, onChange, onSubmit, secret = false, placeholder = '', isActive = true }: TextFieldProps) {
  const theme = useTheme();
  // Several input events can arrive before React renders again; each must build on the one before.
  const latest = useRef(value);
  latest.current = value;
  useKeys(
    (input, key) => {
      const events = editEvents(input, key);
      if (events.length === 0) return;
      const { value: next, submitted } = applyEdits(latest.current, events);
      if (next !== latest.current) {
        latest.current = next;
        onChange(next);
      }
      if (submitted) onSubmit(next);
    },
    { isActive },
  );
  if (!value) {
    return (
      <Text>
        <Text color={theme.muted}>{placeholder}</Text>
        {isActive ? <Text inverse> </Text> : null}
      </Text>
    );
  }
  return (
    <Text>
      {secret ? `${'•'.repeat(Math.min(value.length, 40))}${value.length >= 12 ? `  (${maskSecret(value)})` : ''}` : value}
      {isActive ? <Text inverse> </Text> : null}
    </Text>
  );
}
