import { Spinner } from '@inkjs/ui';
import { Text } from 'ink';
import { DiffView } from '../components/diff-view.js';
import { runnableAdvice } from '../../terminal/invocation.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import { layoutWidth, useTerminalSize } from '../hooks/use-terminal-size.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

/** Rows the frame and the notes around the diff take. */
const chromeRows = 9;

export function DiffScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const size = useTerminalSize();
  const { status, plan, message, hint } = state.plan;
  useKeys((_input, key) => {
    if (key.escape) dispatch({ type: 'back' });
    else if (status === 'ready' && key.return) dispatch({ type: 'diffAccepted' });
    else if (status === 'refused' && key.return) dispatch({ type: 'openClawSkipped' });
  });
  const keys =
    status === 'ready'
      ? plan?.unchanged
        ? 'Enter open the dashboard · Esc back'
        : '↑/↓ PgUp/PgDn scroll · Enter continue · Esc back'
      : status === 'refused'
        ? 'Enter continue without OpenClaw · Esc back'
        : 'Esc back';
  const deletions = plan?.deletions ?? [];
  const shownDeletions = deletions.slice(0, 2);
  const height = Math.max(3, size.rows - chromeRows - shownDeletions.length - (deletions.length > 2 ? 1 : 0));
  return (
    <Frame step={6} title="The planned edit" keys={keys}>
      {status === 'planning' ? <Spinner label="Planning the openclaw.json edit..." /> : null}
      {status === 'refused' ? (
        <>
          <Text color={theme.error}>{`✗ ${message ?? 'isartor cannot edit this file safely.'}`}</Text>
          {hint ? <Text>{runnableAdvice(hint)}</Text> : null}
          <Text bold>Nothing was written.</Text>
        </>
      ) : null}
      {status === 'ready' && plan?.unchanged ? (
        <Text color={theme.ok}>{`✓ OpenClaw already goes through isartor as planned (${plan.location.configPath}): nothing to change.`}</Text>
      ) : null}
      {status === 'ready' && plan && !plan.unchanged ? (
        <>
          <Text>{`${plan.before === undefined ? 'Create' : 'Edit'} ${plan.location.configPath}:`}</Text>
          <DiffView diff={plan.diff} height={height} width={layoutWidth(size)} />
          {shownDeletions.map((deletion) => (
            <Text key={deletion.path} color={theme.warn} wrap="truncate-middle">{`delete ${deletion.path} (OpenClaw regenerates it)`}</Text>
          ))}
          {deletions.length > 2 ? <Text color={theme.warn}>{`and ${deletions.length - 2} more files to delete`}</Text> : null}
        </>
      ) : null}
    </Frame>
  );
}
