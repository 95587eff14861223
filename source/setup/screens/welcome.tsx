import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { findProvider } from '../../providers/catalog.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import { stepLabels } from '../progress.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function WelcomeScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { overview } = state;
  const progress = overview?.progress;
  const canOpenDashboard = Boolean(overview?.gateway || overview?.configured);
  useKeys((input, key) => {
    if (key.return) dispatch({ type: 'setupStarted' });
    else if (input === 'd') dispatch({ type: 'demoChosen' });
    else if (input === 'r' && progress) dispatch({ type: 'resumeChosen' });
    else if (input === 'o' && canOpenDashboard) dispatch({ type: 'dashboardChosen' });
  });
  const configured = overview?.configured;
  const openClaw = overview?.openClaw;
  const keys = [
    progress ? `r resume at ${stepLabels[progress.step]}` : undefined,
    progress ? 'Enter start over' : 'Enter start setup',
    canOpenDashboard ? `o open the dashboard` : undefined,
    progress || canOpenDashboard ? 'd demo' : 'd try the demo, no key needed',
    'Ctrl+C quit',
  ].filter(Boolean).join(' · ');
  return (
    <Frame title="Welcome" keys={keys}>
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
            {progress ? (
              <Text wrap="truncate-end">
                {'  resume    '}
                <Text color={theme.warn}>{`${progress.providerId}${progress.model ? ` / ${progress.model}` : ''}, setup stopped at ${stepLabels[progress.step]} (press r)`}</Text>
              </Text>
            ) : null}
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
