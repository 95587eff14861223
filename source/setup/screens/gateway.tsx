import { Spinner } from '@inkjs/ui';
import { Text } from 'ink';
import { isartorCommand, runnableAdvice } from '../../terminal/invocation.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function GatewayScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { gateway } = state;
  const handle = gateway.handle;
  const stale = handle?.kind === 'reused' && state.providerId !== undefined && (handle.provider !== state.providerId || (handle.model ?? undefined) !== state.model);
  useKeys((input, key) => {
    if (key.escape) dispatch({ type: 'back' });
    else if (gateway.status === 'running' && key.return) dispatch({ type: 'gatewayContinued' });
    else if (gateway.status === 'running' && input === 'r' && handle?.kind === 'reused') dispatch({ type: 'gatewayRestartRequested' });
    else if (gateway.status === 'portInUse' && key.return && gateway.suggestedPort !== undefined) dispatch({ type: 'portChosen', port: gateway.suggestedPort });
    else if (gateway.status === 'failed' && key.return) dispatch({ type: 'gatewayRetried' });
  });
  const demo = state.mode === 'demo';
  const keys =
    gateway.status === 'running'
      ? `Enter continue${handle?.kind === 'reused' ? ' · r restart it with the new settings' : ''} · Esc back`
      : gateway.status === 'portInUse'
        ? `${gateway.suggestedPort === undefined ? '' : `Enter use port ${gateway.suggestedPort} · `}Esc back · Ctrl+C quit`
        : gateway.status === 'failed'
          ? 'Enter retry · Esc back · Ctrl+C quit'
          : 'Ctrl+C quit';
  return (
    <Frame step={demo ? undefined : 4} title={demo ? 'Demo gateway' : 'Gateway'} keys={keys}>
      {gateway.status === 'starting' ? (
        <Spinner
          label={
            demo
              ? 'Starting a demo gateway in front of the simulated provider...'
              : `${gateway.restart ? 'Restarting' : 'Starting'} the gateway${gateway.port ? ` on port ${gateway.port}` : ''} and waiting for /health...`
          }
        />
      ) : null}
      {gateway.status === 'running' && handle ? (
        <>
          <Text color={theme.ok}>{`✓ ${handle.kind === 'reused' ? 'A gateway is already running' : 'Gateway running'} at ${handle.url} (pid ${handle.pid})`}</Text>
          <Text>{`  forwarding to ${handle.provider}${handle.model ? ` / ${handle.model}` : ''}; OpenAI clients use ${handle.url}/v1`}</Text>
          {stale ? <Text color={theme.warn}>{`It still uses its old settings; press r to restart it with ${state.providerId} / ${state.model}.`}</Text> : null}
        </>
      ) : null}
      {gateway.status === 'portInUse' ? (
        <>
          <Text color={theme.error}>{`✗ Port ${gateway.port} is already in use by another program.`}</Text>
          <Text>{gateway.suggestedPort === undefined ? `No free port nearby; start it yourself with \`${isartorCommand('up --detach --port <port>')}\`.` : `Port ${gateway.suggestedPort} is free: press Enter to use it (saved as isartor's port).`}</Text>
        </>
      ) : null}
      {gateway.status === 'failed' ? (
        <>
          <Text color={theme.error}>{`✗ ${gateway.message ?? 'The gateway did not start.'}`}</Text>
          {gateway.hint ? <Text>{runnableAdvice(gateway.hint)}</Text> : null}
        </>
      ) : null}
    </Frame>
  );
}
