import { Text } from 'ink';
import { FilterableList } from '../components/filterable-list.js';
import { Frame } from '../components/frame.js';
import { useTheme } from '../components/theme.js';
import { chosenProvider, shortLabel } from '../flow.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import type { ScreenProps } from './screen-props.js';
import { useKeys } from '../hooks/use-keys.js';

export function ModelScreen({ state, dispatch }: ScreenProps) {
  const theme = useTheme();
  const { rows } = useTerminalSize();
  const spec = chosenProvider(state);
  useKeys((_input, key) => {
    if (key.escape) dispatch({ type: 'back' });
  });
  const listed = state.key.result?.availableModels?.length ?? 0;
  const check = state.key.result;
  return (
    <Frame step={3} title={`${shortLabel(spec)}: model`} keys="type to filter (or a name it lacks) · ↑/↓ move · Enter choose · Esc back">
      {check ? <Text color={theme.ok}>{`✓ ${shortLabel(spec)} answered HTTP ${check.status ?? '-'} in ${check.latencyMs} ms${state.key.source === 'none' ? '' : ': the key works'}.`}</Text> : null}
      <Text>
        {listed
          ? `Which model should isartor ask for? ${shortLabel(spec)} offers ${listed}${spec?.modelsAreListed === false ? ' (Azure: type your deployment name)' : ''}.`
          : `Which model should isartor ask for? ${shortLabel(spec)} did not list its models: type one, or take the default.`}
      </Text>
      <FilterableList
        items={state.models.map((model) => ({ value: model, label: model, note: model === spec?.defaultModel ? 'default' : undefined }))}
        limit={Math.max(3, Math.min(state.models.length || 1, rows - 11))}
        allowCustom
        initialValue={state.model}
        onSelect={(model) => dispatch({ type: 'modelChosen', model })}
      />
    </Frame>
  );
}
