import { Text, useInput } from 'ink';
import { maskSecret } from '../../store/mask-secret.js';
import { useTheme } from './theme.js';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit(value: string): void;
  /** A secret: shown as `•` while typed, never in full. */
  secret?: boolean;
  placeholder?: string;
  isActive?: boolean;
}

/** A one-line input. Esc, arrows and Ctrl combinations are left to the screen around it. */
export function TextField({ value, onChange, onSubmit, secret = false, placeholder = '', isActive = true }: TextFieldProps) {
  const theme = useTheme();
  useInput(
    (input, key) => {
      if (key.return) {
        onSubmit(value);
        return;
      }
      if (key.backspace || key.delete) {
        onChange(value.slice(0, -1));
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
      // A paste arrives as one string; keys never contain line breaks.
      const typed = input.replace(/[\r\n]/g, '');
      if (typed) onChange(value + typed);
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
