import { Spinner } from '@inkjs/ui';
import { Box, Static, Text } from 'ink';
import { formatCount, formatMs, formatPercent, formatUsd, requestLine } from '../dashboard/format.js';
import { describeLayer, probeAt, probeCycle, type ProbeSpec } from '../dashboard/probes.js';
import { requestsPerSecond } from '../flow.js';
import { summarise } from '../../stats/summarise.js';
import type { LiveRequestRecord, StatsSummary } from '../gateway-contracts.js';
import { useTheme } from '../components/theme.js';
import { layoutWidth, useTerminalSize } from '../hooks/use-terminal-size.js';
import { isartorCommand } from '../../terminal/invocation.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

/** Live rows besides the tool table; the table gets what is left of the terminal. */
const fixedRows = 16;
/** Must stay below flow.ts's recentLimit. */
const logEpochSize = 100;

export function DashboardScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const size = useTerminalSize();
  const width = layoutWidth(size);
  const { dashboard, gateway } = state;
  const handle = gateway.handle;
  useKeys(
    (input) => {
      if (input === 'p') dispatch({ type: 'probeStarted' });
      else if (input === 'q') dispatch({ type: 'quitRequested', stopGateway: false });
      else if (input === 'd') dispatch({ type: 'quitRequested', stopGateway: true });
    },
    { isActive: !dashboard.quitting },
  );
  const total: StatsSummary = dashboard.stats?.total ?? summarise([]);
  const tools = (dashboard.stats?.tools ?? []).slice().sort((a, b) => b.requests - a.requests);
  const toolRows = Math.max(1, Math.min(tools.length, size.rows - fixedRows - 2));
  const layers = Object.entries(total.layers).sort(([a], [b]) => layerRank(a) - layerRank(b) || a.localeCompare(b));
  const probe = dashboard.probe;
  // <Static> prints the items past those it printed before, so its list may only grow: it is
  // remounted every logEpochSize requests with the records since, which `recent` still holds.
  const logEpoch = Math.floor(Math.max(0, dashboard.seen - 1) / logEpochSize);
  const firstSeq = dashboard.seen - dashboard.recent.length;
  const logItems = dashboard.recent.map((record, i) => ({ record, seq: firstSeq + i })).filter((item) => item.seq >= logEpoch * logEpochSize);
  const events = dashboard.events;
  return (
    <>
      <Static key={logEpoch} items={logItems}>
        {({ record, seq }: { record: LiveRequestRecord; seq: number }) => (
          <Text key={seq} color={record.status >= 400 ? theme.error : record.layer.startsWith('l1') ? theme.ok : undefined}>
            {requestLine(record, width)}
          </Text>
        )}
      </Static>
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate-end">
          <Text bold color={theme.accent}>
            isartor dashboard
          </Text>
          {'  '}
          <Text color={events === 'live' ? theme.ok : theme.warn}>{`● ${events === 'live' ? 'live' : events === 'unavailable' ? 'no /events' : events}`}</Text>
          {`  ${handle?.url ?? ''}`}
        </Text>
        {/* The upstream on its own line: a long model name must not be cut. */}
        <Text>{`forwards  ${handle?.provider ?? '?'}${handle?.model ? ` / ${handle.model}` : ''}`}</Text>
        {state.mode === 'demo' ? <Text color={theme.muted}>Demo: a simulated provider answers; no key, no network. Press p to send requests.</Text> : null}
        <Text>
          {`req/s ${requestsPerSecond(dashboard).toFixed(1).padStart(5)}   last 24 h ${formatCount(total.requests).padStart(6)} req   hit rate `}
          <Text color={theme.ok}>{formatPercent(total.cacheHitRate).padStart(6)}</Text>
          {`   errors `}
          <Text color={total.errors ? theme.error : undefined}>{formatCount(total.errors)}</Text>
        </Text>
        <Text wrap="truncate-end">{`layers    ${layers.length ? layers.map(([layer, count]) => `${layer} ${formatCount(count)}`).join('   ') : '-'}`}</Text>
        <Text>{`latency   p50 ${formatMs(total.latencyMs.p50)}  p95 ${formatMs(total.latencyMs.p95)}   overhead p50 ${formatMs(total.overheadMs.p50)}  p95 ${formatMs(total.overheadMs.p95)}`}</Text>
        <Text>
          {'saved     '}
          <Text color={theme.ok}>{`${formatCount(total.tokens.saved)} tokens  ${formatUsd(total.cost.savedUsd)}`}</Text>
          {`   spent ${formatUsd(total.cost.usd)}${total.cost.unpricedRequests ? ` (+${total.cost.unpricedRequests} unpriced)` : ''}`}
        </Text>
        {dashboard.statsError ? <Text color={theme.warn} wrap="truncate-end">{`stats: ${dashboard.statsError}`}</Text> : null}
        <Box marginTop={1} flexDirection="column">
          <Text bold>{`${'tool'.padEnd(16)}${'requests'.padStart(9)}${'hit rate'.padStart(10)}${'p50'.padStart(10)}${'saved tok'.padStart(11)}${'saved $'.padStart(10)}`}</Text>
          {tools.length === 0 ? <Text color={theme.muted}>no requests yet</Text> : null}
          {tools.slice(0, toolRows).map((tool) => (
            <Text key={tool.client}>
              {`${tool.client.slice(0, 15).padEnd(16)}${formatCount(tool.requests).padStart(9)}${formatPercent(tool.cacheHitRate).padStart(10)}${formatMs(tool.latencyMs.p50).padStart(10)}${formatCount(tool.tokens.saved).padStart(11)}${formatUsd(tool.cost.savedUsd).padStart(10)}`}
            </Text>
          ))}
          {tools.length > toolRows ? <Text color={theme.muted}>{`and ${tools.length - toolRows} more (${isartorCommand('stats --by-tool')})`}</Text> : null}
        </Box>
        <ProbeLines state={state} />
        <QuitLine state={state} />
      </Box>
    </>
  );
}

/** What the probe sends, what a healthy gateway answers with, and what it got. */
function ProbeLines({ state }: Pick<ScreenProps, 'state'>) {
  const theme = useTheme();
  const { probe } = state.dashboard;
  const next = probeAt(probe.sent);
  const shown = probe.status === 'running' ? next : probe.result?.probe;
  const number = (spec: ProbeSpec) => `${probeCycle.indexOf(spec) + 1}/${probeCycle.length}`;
  if (!shown) {
    return (
      <Box marginTop={1} flexDirection="column">
        <Text color={theme.muted} wrap="truncate-end">{'probe: p asks the gateway a question: the same one, reworded, then a near-miss,'}</Text>
        <Text color={theme.muted} wrap="truncate-end">{'  to show l1a (exact cache), l1b (near-duplicate cache) and l3 (the provider).'}</Text>
        <Text> </Text>
      </Box>
    );
  }
  const result = probe.status === 'running' ? undefined : probe.result;
  return (
    <Box marginTop={1} flexDirection="column">
      <Text wrap="truncate-end">{`probe ${number(shown)}, ${shown.label}: "${shown.content}"`}</Text>
      <Text wrap="truncate-end" color={theme.muted}>{`  expect  ${shown.expected}`}</Text>
      {probe.status === 'running' ? (
        <Spinner label="sending it through the gateway..." />
      ) : result?.error ? (
        <Text color={theme.error} wrap="truncate-end">{`  got     no answer: ${result.error}`}</Text>
      ) : result ? (
        <Text wrap="truncate-end">
          {'  got     '}
          <Text color={result.status >= 400 ? theme.error : theme.ok}>{`${describeLayer(result.layer)}, HTTP ${result.status}, ${formatMs(result.latencyMs)}`}</Text>
          <Text color={theme.muted}>{`  (p: ${probeAt(probe.sent).label} next)`}</Text>
        </Text>
      ) : null}
    </Box>
  );
}

function QuitLine({ state }: Pick<ScreenProps, 'state'>) {
  const theme = useTheme();
  const { dashboard, gateway, mode } = state;
  const url = gateway.handle?.url ?? '';
  if (dashboard.quitting === 'leave') {
    return <Text>{`Bye. The gateway keeps running at ${url}; stop it with \`${isartorCommand('down')}\`.`}</Text>;
  }
  if (dashboard.quitting === 'stop') {
    if (!dashboard.finished) return <Spinner label={mode === 'demo' ? 'Stopping the demo gateway...' : 'Stopping the gateway...'} />;
    return dashboard.stopError ? <Text color={theme.error}>{`✗ ${dashboard.stopError}`}</Text> : <Text>{`Bye. The ${mode === 'demo' ? 'demo ' : ''}gateway has stopped.`}</Text>;
  }
  return <Text color={theme.muted}>{mode === 'demo' ? 'p probe · q quit (stops the demo) · d stop and quit' : 'p probe · q quit, leave the gateway running · d stop the gateway and quit'}</Text>;
}

const layerOrder = ['l0', 'l1a', 'l1b', 'l2.5', 'l3', 'gateway'];

function layerRank(layer: string): number {
  const index = layerOrder.indexOf(layer);
  return index === -1 ? layerOrder.length : index;
}
