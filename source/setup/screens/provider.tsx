import { Text } from 'ink';
import { listProviders, type ProviderSpec } from '../../providers/catalog.js';
import { FilterableList, type ListItem } from '../components/filterable-list.js';
import { Frame } from '../components/frame.js';
import type { SetupOverview } from '../effects.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function ProviderScreen({ state, dispatch }: ScreenProps) {
  const { rows } = useTerminalSize();
  useKeys((_input, key) => {
    if (key.escape) dispatch({ type: 'back' });
  });
  const items = listProviders().map((spec): ListItem => ({ value: spec.id, label: `${spec.id.padEnd(18)} ${spec.label}`, note: keyNote(spec, state.overview) }));
  return (
    <Frame step={1} title="Provider" keys="type to filter · ↑/↓ move · Enter choose · Esc back · Ctrl+C quit">
      <Text>Which provider should isartor forward requests to?</Text>
      <FilterableList
        items={items}
        limit={Math.max(4, Math.min(items.length, rows - 9))}
        initialValue={state.providerId ?? state.overview?.configured?.providerId}
        onSelect={(providerId) => dispatch({ type: 'providerChosen', providerId })}
      />
    </Frame>
  );
}

function keyNote(spec: ProviderSpec, overview: SetupOverview | undefined): string | undefined {
  if (spec.auth === 'none') return 'no key needed';
  if (overview?.storedKeys.includes(spec.id)) return '✓ key stored';
  const envName = overview?.envKeys[spec.id];
  if (envName) return `✓ ${envName} set`;
  return undefined;
}
