import { Spinner } from '@inkjs/ui';
import { Text } from 'ink';
import { diffLineKind, diffLines } from '../../terminal/diff-lines.js';
import { isartorCommand } from '../../terminal/invocation.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function ConfirmScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const plan = state.plan.plan;
  const agentName = state.agents.find((agent) => agent.id === state.agentId)?.displayName ?? 'OpenClaw';
  const { status, outcome, message } = state.write;
  useKeys((input, key) => {
    if (status === 'idle') {
      if (input === 'y' || input === 'Y') dispatch({ type: 'writeConfirmed' });
      else if (input === 'n' || input === 'N' || key.return) dispatch({ type: 'writeDeclined' });
      else if (key.escape) dispatch({ type: 'back' });
    } else if (status !== 'writing' && key.return) dispatch({ type: 'dashboardOpened' });
  });
  if (!plan) return null;
  const lines = diffLines(plan.diff);
  const added = lines.filter((l) => diffLineKind(l) === 'added').length;
  const removed = lines.filter((l) => diffLineKind(l) === 'removed').length;
  const keys = status === 'idle' ? 'y write · n or Enter do not write · Esc back to the diff' : status === 'writing' ? 'Ctrl+C quit' : 'Enter open the dashboard';
  return (
    <Frame step={7} title="Confirm" keys={keys}>
      <Text>{`${plan.before === undefined ? 'Create' : 'Edit'} ${plan.location.configPath}: +${added} -${removed} lines`}</Text>
      {plan.backup.create ? <Text>{`The original is kept as ${plan.backup.path}.`}</Text> : null}
      {plan.deletions.length ? <Text>{`${plan.deletions.length} stale models.json file(s) are deleted; OpenClaw regenerates them.`}</Text> : null}
      {status === 'idle' ? (
        <Text bold>
          Write these changes? <Text color={theme.accent}>(y/N)</Text>
        </Text>
      ) : null}
      {status === 'writing' ? <Spinner label="Writing..." /> : null}
      {status === 'written' && outcome ? (
        <>
          <Text color={theme.ok}>{`✓ wrote    ${outcome.configPath}`}</Text>
          {outcome.backupPath ? <Text>{`  backup   ${outcome.backupPath}`}</Text> : null}
          {outcome.deleted.map((path) => (
            <Text key={path}>{`  deleted  ${path}`}</Text>
          ))}
          {state.agentId === 'openclaw' ? (
            <>
              <Text>OpenClaw now uses isartor (OpenClaw 2026.9 needs Node {'>='} 24.16). Check it with:</Text>
              <Text color={theme.accent}>{'  openclaw models status --agent main --probe'}</Text>
              <Text color={theme.accent}>{'  openclaw agent --local --agent main --message "Hello"'}</Text>
            </>
          ) : (
            <Text>{`${agentName} now uses isartor: its next request shows up in the dashboard.`}</Text>
          )}
          <Text>
            {'Start the gateway at every login: '}
            <Text color={theme.accent}>{isartorCommand('service install')}</Text>
          </Text>
        </>
      ) : null}
      {status === 'declined' ? <Text color={theme.warn}>{`Nothing was written. \`${isartorCommand(`connect ${state.agentId}`)}\` does it later.`}</Text> : null}
      {status === 'failed' ? (
        <>
          <Text color={theme.error}>{`✗ ${message ?? 'The write failed.'}`}</Text>
        </>
      ) : null}
    </Frame>
  );
}
