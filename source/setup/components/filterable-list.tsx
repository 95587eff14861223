import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { layoutWidth, useTerminalSize } from '../hooks/use-terminal-size.js';
import { applyEdits, editEvents } from '../input/edit-events.js';
import { useTheme } from './theme.js';
import { useKeys } from '../hooks/use-keys.js';

export interface ListItem {
  value: string;
  label: string;
  /** A short note after the label (e.g. "key stored"). */
  note?: string | undefined;
}

export interface FilterableListProps {
  items: readonly ListItem[];
  onSelect(value: string): void;
  /** Rows shown at once; the list scrolls past them. */
  limit: number;
  /** What Enter picks when the filter matches nothing: the filter text itself (a model name the list lacks). */
  allowCustom?: boolean;
  initialValue?: string | undefined;
  isActive?: boolean;
}

/** Type to filter, ↑/↓ to move, Enter to pick. Matches value or label, case-insensitively. */
export function FilterableList({ items, onSelect, limit, allowCustom = false, initialValue, isActive = true }: FilterableListProps) {
  const theme = useTheme();
  const width = layoutWidth(useTerminalSize());
  const [filter, setFilter] = useState('');
  const shown = matching(items, filter);
  const [cursor, setCursor] = useState(() => Math.max(0, items.findIndex((item) => item.value === initialValue)));
  // Several keys can arrive before React renders again (Down then Enter in one read on a busy machine):
  // each acts on what the ones before it did, kept here, not on the last render, or Enter picks the
  // item above the one the person moved to.
  const latest = useRef({ filter, cursor });
  const update = (next: { filter: string; cursor: number }) => {
    latest.current = next;
    setFilter(next.filter);
    setCursor(next.cursor);
  };
  useEffect(() => {
    const count = matching(items, latest.current.filter).length;
    if (latest.current.cursor >= count) update({ ...latest.current, cursor: Math.max(0, count - 1) });
  }, [cursor, shown.length]);

  useKeys(
    (input, key) => {
      const now = latest.current;
      const shownNow = matching(items, now.filter);
      const last = Math.max(0, shownNow.length - 1);
      const moveTo = (next: number) => {
        const clamped = Math.max(0, Math.min(last, next));
        if (clamped !== now.cursor) update({ ...now, cursor: clamped });
      };
      if (key.upArrow) moveTo(now.cursor - 1);
      else if (key.downArrow) moveTo(now.cursor + 1);
      else if (key.pageUp) moveTo(now.cursor - limit);
      else if (key.pageDown) moveTo(now.cursor + limit);
      else if (key.return) {
        const item = shownNow[Math.min(now.cursor, last)];
        if (item) onSelect(item.value);
        else if (allowCustom && now.filter.trim()) onSelect(now.filter.trim());
      } else {
        // Typed text, a burst of Backspaces or a paste: read as key events, never appended raw.
        const { value: next } = applyEdits(now.filter, editEvents(input, key).filter((event) => event.kind !== 'submit'));
        if (next !== now.filter) update({ filter: next, cursor: 0 });
      }
    },
    { isActive },
  );

  const top = Math.min(Math.max(0, cursor - limit + 1), Math.max(0, shown.length - limit));
  const visible = shown.slice(top, top + limit);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={theme.muted}>filter: </Text>
        {filter}
        <Text inverse> </Text>
        <Text color={theme.muted}>
          {'  '}
          {shown.length}/{items.length}
          {shown.length > limit ? ` (${top + 1}-${top + visible.length})` : ''}
        </Text>
      </Text>
      {visible.map((item, index) => {
        const selected = top + index === cursor;
        // The note ("✓ key stored") matters more than the label's tail: the label gives way.
        const labelWidth = width - 2 - (item.note ? item.note.length + 2 : 0);
        const label = item.label.length > labelWidth ? `${item.label.slice(0, Math.max(1, labelWidth - 1))}…` : item.label;
        return (
          <Text key={item.value} wrap="truncate-end">
            <Text color={selected ? theme.accent : undefined} bold={selected}>
              {selected ? '❯ ' : '  '}
              {label}
            </Text>
            {item.note ? <Text color={theme.ok}>{`  ${item.note}`}</Text> : null}
          </Text>
        );
      })}
      {shown.length === 0 ? (
        <Text color={theme.muted}>{allowCustom && filter.trim() ? `  nothing matches; Enter uses "${filter.trim()}" as typed` : '  nothing matches; Backspace to widen'}</Text>
      ) : null}
    </Box>
  );
}

function matching(items: readonly ListItem[], filter: string): readonly ListItem[] {
  const needle = filter.trim().toLowerCase();
  return needle ? rank(items, needle) : items;
}

/** Matches on the value first (exact, then prefix, then anywhere), then on the label. */
function rank(items: readonly ListItem[], needle: string): ListItem[] {
  const score = (item: ListItem): number => {
    const value = item.value.toLowerCase();
    if (value === needle) return 0;
    if (value.startsWith(needle)) return 1;
    if (value.includes(needle)) return 2;
    return item.label.toLowerCase().includes(needle) ? 3 : -1;
  };
  return items
    .map((item, index) => ({ item, index, score: score(item) }))
    .filter((entry) => entry.score >= 0)
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .map((entry) => entry.item);
}
