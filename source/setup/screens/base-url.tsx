import { Text } from 'ink';
import { useState } from 'react';
import { parseHttpUrl } from '../../terminal/option-parsers.js';
import { Frame } from '../components/frame.js';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../components/theme.js';
import { chosenProvider, shortLabel } from '../flow.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function BaseUrlScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const spec = chosenProvider(state);
  const [value, setValue] = useState(state.baseUrl ?? '');
  const [error, setError] = useState<string | undefined>();
  useKeys((_input, key) => {
    if (key.escape) dispatch({ type: 'back' });
  });
  const submit = (text: string) => {
    try {
      dispatch({ type: 'baseUrlEntered', baseUrl: parseHttpUrl(text.trim()) });
    } catch (caught) {
      setError(`The base URL ${caught instanceof Error ? caught.message : String(caught)}`);
    }
  };
  return (
    <Frame step={1} title={`${shortLabel(spec)}: base URL`} keys="Enter continue · Esc back · Ctrl+C quit">
      <Text>{shortLabel(spec)} has no fixed address: where does its API live?</Text>
      {spec?.baseUrlExample ? <Text color={theme.muted}>{`It looks like ${spec.baseUrlExample}`}</Text> : null}
      <Text>
        {'URL: '}
        <TextField
          value={value}
          placeholder={spec?.baseUrlExample ?? 'https://...'}
          onChange={(next) => {
            setValue(next);
            setError(undefined);
          }}
          onSubmit={submit}
        />
      </Text>
      {error ? <Text color={theme.error}>{`✗ ${error}`}</Text> : null}
    </Frame>
  );
}
