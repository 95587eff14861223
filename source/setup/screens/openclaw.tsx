import { Spinner } from '@inkjs/ui';
import { Box, Text, useInput } from 'ink';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import type { ScreenProps } from './screen-props.js';

export function OpenClawScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { status, finding } = state.openClaw;
  useInput((input, key) => {
    if (key.escape) dispatch({ type: 'back' });
    else if (status === 'found' && key.return) dispatch({ type: 'planRequested' });
    else if (status === 'found' && input === 's') dispatch({ type: 'openClawSkipped' });
    else if (status === 'absent' && key.return) dispatch({ type: 'openClawSkipped' });
    else if (status === 'absent' && input === 'c') dispatch({ type: 'planRequested' });
  });
  const keys =
    status === 'found'
      ? 'Enter show the planned edit · s skip OpenClaw · Esc back'
      : status === 'absent'
        ? 'Enter continue without OpenClaw · c create openclaw.json anyway · Esc back'
        : 'Esc back · Ctrl+C quit';
  return (
    <Frame step={5} title="OpenClaw" keys={keys}>
      {status === 'looking' || !finding ? <Spinner label="Looking for OpenClaw's config..." /> : null}
      {status === 'found' && finding ? (
        <>
          <Text color={theme.ok}>{`✓ OpenClaw ${finding.version ? `${finding.version} is installed` : 'config found (the openclaw command is not on PATH)'}`}</Text>
          <Text wrap="truncate-middle">{`  config   ${finding.configExists ? finding.configPath : `${finding.configPath} (not created yet)`}`}</Text>
          <Text color={theme.muted}>{`           found as OpenClaw finds it${finding.source === 'default' ? '' : ` (from ${finding.source})`}`}</Text>
          <Text>{`  primary  ${finding.primaryModel ?? '(none set)'}`}</Text>
          {finding.problem ? <Text color={theme.warn}>{`! ${finding.problem}`}</Text> : null}
          <Box marginTop={1}>
            <Text>{`Next: the edit that makes isartor/${state.model ?? '<model>'} OpenClaw's primary model, shown before anything is written.`}</Text>
          </Box>
        </>
      ) : null}
      {status === 'absent' && finding ? (
        <>
          <Text color={theme.warn}>{`OpenClaw was not found: no config at ${finding.configPath} and no openclaw command on PATH.`}</Text>
          <Text>Install it (it needs Node {'>='} 24.16), then run this wizard again:</Text>
          <Text color={theme.accent}>{'  npm i -g openclaw && openclaw onboard --install-daemon'}</Text>
          <Text>Or continue without it: the gateway works for any OpenAI or Anthropic client.</Text>
        </>
      ) : null}
    </Frame>
  );
}
