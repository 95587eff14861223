import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function OpenClawScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { status, finding } = state.openClaw;
  // Other registered tools found here (Claude Code, Codex, ...), each a digit away.
  const others = state.agents.slice(0, 9);
  useKeys((input, key) => {
    const picked = /^[1-9]$/.test(input) ? others[Number(input) - 1] : undefined;
    if (key.escape) dispatch({ type: 'back' });
    else if (picked && status !== 'looking') dispatch({ type: 'agentChosen', agentId: picked.id });
    else if (status === 'found' && key.return) dispatch({ type: 'planRequested' });
    else if (status === 'found' && input === 's') dispatch({ type: 'openClawSkipped' });
    else if (status === 'absent' && key.return) dispatch({ type: 'openClawSkipped' });
    else if (status === 'absent' && input === 'c') dispatch({ type: 'planRequested' });
  });
  const otherKeys = others.length === 0 ? '' : others.length === 1 ? ' · 1 connect ' + others[0]!.displayName + ' instead' : ` · 1-${others.length} another tool`;
  const keys =
    status === 'found'
      ? `Enter show the planned edit · s skip OpenClaw${otherKeys} · Esc back`
      : status === 'absent'
        ? `Enter continue without OpenClaw · c create openclaw.json anyway${otherKeys} · Esc back`
        : 'Esc back · Ctrl+C quit';
  return (
    <Frame step={5} title={others.length ? 'Agent tools' : 'OpenClaw'} keys={keys}>
      {status === 'looking' || !finding ? <Spinner label="Looking for OpenClaw's config..." /> : null}
      {status === 'found' && finding ? (
        <>
          <Text color={theme.ok}>{`✓ OpenClaw ${finding.version ? `${finding.version} is installed` : 'config found (the openclaw command is not on PATH)'}`}</Text>
          <Text>{`  config   ${finding.configExists ? finding.configPath : `${finding.configPath} (not created yet)`}`}</Text>
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
      {others.length && status !== 'looking' ? (
        <Box marginTop={1} flexDirection="column">
          <Text>{others.length === 1 ? 'Also found (press 1 to connect it instead):' : `Also found (press 1-${others.length} to connect one instead):`}</Text>
          {others.map((agent, index) => (
            <Text key={agent.id} wrap="truncate-middle">{`  ${index + 1} ${agent.displayName}${agent.version ? ` ${agent.version}` : ''}  ${agent.configExists ? agent.configPath : `${agent.configPath} (not created yet)`}`}</Text>
          ))}
        </Box>
      ) : null}
    </Frame>
  );
}
