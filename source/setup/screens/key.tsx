import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { useState } from 'react';
import { keyEnvNames } from '../../providers/key-env.js';
import { runnableAdvice } from '../../terminal/invocation.js';
import { Frame } from '../components/frame.js';
import { TextField } from '../components/text-field.js';
import { useTheme } from '../components/theme.js';
import type { KeySource } from '../effects.js';
import { chosenProvider, shortLabel, takesKey } from '../flow.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function KeyScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const spec = chosenProvider(state);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const { check, result } = state.key;
  const typing = check === 'idle' && spec !== undefined && takesKey(spec);
  const stored = spec ? state.overview?.storedKeys.includes(spec.id) : false;
  const envName = spec ? state.overview?.envKeys[spec.id] : undefined;

  useKeys((input, key) => {
    if (key.escape) dispatch({ type: 'back' });
    else if (check === 'failed' && key.return) dispatch({ type: 'keyRetried' });
    else if (check === 'failed' && input === 'e' && spec && takesKey(spec)) {
      setValue('');
      dispatch({ type: 'keyEditRequested' });
    } else if (check === 'idle' && spec && !takesKey(spec) && key.return) dispatch({ type: 'keySubmitted', apiKey: undefined, source: 'none' });
  });

  if (!spec) return null;
  const submit = (text: string) => {
    const typed = text.trim();
    if (/\s/.test(typed)) {
      setError('A key has no spaces or line breaks.');
      return;
    }
    const source: KeySource | undefined = typed ? 'typed' : stored ? 'stored' : envName ? 'env' : spec.keyRequired ? undefined : 'none';
    if (!source) {
      setError(`Type or paste the key${spec.keyUrl ? ` (get one at ${spec.keyUrl})` : ''}.`);
      return;
    }
    dispatch({ type: 'keySubmitted', apiKey: typed || undefined, source });
  };
  const enterMeans = stored ? 'Enter with nothing typed keeps the stored key' : envName ? `Enter with nothing typed uses $${envName}` : spec.keyRequired ? undefined : 'Enter with nothing typed: no key';
  const keys =
    check === 'failed'
      ? `Enter retry${takesKey(spec) ? ' · e enter another key' : ''} · Esc back · Ctrl+C quit`
      : check === 'checking'
        ? 'Esc back · Ctrl+C quit'
        : `Enter check${takesKey(spec) ? ' the key' : ' again'} · Esc back · Ctrl+C quit`;

  return (
    <Frame step={2} title={`${shortLabel(spec)}: key`} keys={keys}>
      {!takesKey(spec) ? (
        <Text>{`${shortLabel(spec)} needs no key; isartor checks that it answers.`}</Text>
      ) : (
        <>
          <Text>{`Paste your ${shortLabel(spec)} API key. It is stored in isartor's config (mode 0600) and never shown whole.`}</Text>
          {spec.keyUrl ? <Text color={theme.muted}>{`Get one at ${spec.keyUrl}`}</Text> : null}
          {keyEnvNames(spec).length ? <Text color={theme.muted}>{`isartor also looks for ${keyEnvNames(spec).join(' or ')} in the environment.`}</Text> : null}
          <Box marginTop={1}>
            <Text>
              {'key: '}
              {check === 'idle' ? (
                <TextField
                  secret
                  value={value}
                  isActive={typing}
                  placeholder={enterMeans ? `(${enterMeans.charAt(0).toLowerCase()}${enterMeans.slice(1)})` : ''}
                  onChange={(next) => {
                    setValue(next);
                    setError(undefined);
                  }}
                  onSubmit={submit}
                />
              ) : (
                <Text>{describeKey(state.key.source, state.key.value ?? '', envName)}</Text>
              )}
            </Text>
          </Box>
          {error ? <Text color={theme.error}>{`✗ ${error}`}</Text> : null}
        </>
      )}
      <Box marginTop={1} flexDirection="column">
        {check === 'checking' ? <Spinner label={`Checking ${shortLabel(spec)} at ${state.baseUrl ?? spec.baseUrl}...`} /> : null}
        {check === 'failed' && result?.problem ? (
          <>
            <Text color={theme.error}>{`✗ ${result.problem.message}`}</Text>
            <Text>
              <Text color={theme.accent}>fix: </Text>
              {runnableAdvice(fixFor(result.problem.kind, result.problem.fix))}
            </Text>
          </>
        ) : null}
      </Box>
    </Frame>
  );
}

function describeKey(source: KeySource, typed: string, envName: string | undefined): string {
  switch (source) {
    case 'typed':
      return `${'•'.repeat(Math.min(typed.length, 40))}`;
    case 'env':
      return `from $${envName ?? 'environment'}`;
    case 'stored':
      return 'the stored key';
    case 'none':
      return '(none)';
  }
}

/** The core's fixes name CLI commands; in the wizard, the same fix is a key press away. */
function fixFor(kind: string, fix: string): string {
  if (kind === 'unauthorized') return `Press e and paste a valid key. (${fix})`;
  if (kind === 'not_found') return `Press Esc to correct the base URL. (${fix})`;
  if (['timeout', 'refused', 'dns', 'reset', 'tls', 'other', 'server_error'].includes(kind)) return `${fix} Then press Enter to retry.`;
  return fix;
}
