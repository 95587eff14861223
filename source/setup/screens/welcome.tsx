import { Spinner } from '@inkjs/ui';
import { Box, Text, useInput } from 'ink';
import { findProvider } from '../../providers/catalog.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import type { ScreenProps } from './screen-props.js';

export function WelcomeScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { overview } = state;
  useInput((input, key) => {
    if (key.return) dispatch({ type: 'setupStarted' });
    else if (input === 'd') dispatch({ type: 'demoChosen' });
  });
  const configured = overview?.configured;
  const openClaw = overview?.openClaw;
  return (
    <Frame title="Welcome" keys="Enter start setup · d try the demo, no key needed · Ctrl+C quit">
      <Text>Routes OpenClaw through isartor, a local gateway that caches what it safely can:</Text>
      <Text color={theme.muted}>  provider → key → model → gateway → OpenClaw → review the edit → write it,</Text>
      <Text>then stays open as a live dashboard of the gateway.</Text>
      <Box flexDirection="column" marginTop={1}>
        <Text bold>Already set up</Text>
        {overview === undefined ? (
          <Spinner label="Looking at what is set up..." />
        ) : (
          <>
            <Text wrap="truncate-end">
              {'  provider  '}
              {configured ? (
                <Text color={theme.ok}>
                  {`${findProvider(configured.providerId)?.label ?? configured.providerId} / ${configured.model ?? "each client's model"}${configured.maskedKey ? ` (key ${configured.maskedKey})` : ''}`}
                </Text>
              ) : (
                <Text color={theme.muted}>none yet</Text>
              )}
            </Text>
            <Text wrap="truncate-end">
              {'  gateway   '}
              {overview.gateway ? (
                <Text color={theme.ok}>{`running at ${overview.gateway.url} (pid ${overview.gateway.pid})`}</Text>
              ) : (
                <Text color={theme.muted}>not running</Text>
              )}
            </Text>
            <Text wrap="truncate-end">
              {'  OpenClaw  '}
              {openClaw?.configExists || openClaw?.version ? (
                <Text color={theme.ok}>{`${openClaw.configExists ? openClaw.configPath : 'no config yet'}${openClaw.version ? ` (openclaw ${openClaw.version})` : ''}`}</Text>
              ) : (
                <Text color={theme.muted}>not found</Text>
              )}
            </Text>
          </>
        )}
      </Box>
      <Box marginTop={1}>
        <Text>
          No key yet? Press <Text bold color={theme.accent}>d</Text> for the demo: a real gateway in front of a simulated provider, shown in the dashboard.
        </Text>
      </Box>
    </Frame>
  );
}
