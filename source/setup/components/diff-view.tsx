import { Box, Text } from 'ink';
import { useState } from 'react';
import { diffLineKind, diffLines } from '../../terminal/diff-lines.js';
import { useTheme, type Theme } from './theme.js';
import { useKeys } from '../hooks/use-keys.js';

export interface DiffViewProps {
  diff: string;
  /** Rows of diff shown at once; never more than the terminal can hold. */
  height: number;
  width: number;
  isActive?: boolean;
}

/** A coloured unified diff, scrolled with ↑/↓, PgUp/PgDn, Home/End. The diff itself comes from core. */
export function DiffView({ diff, height, width, isActive = true }: DiffViewProps) {
  const theme = useTheme();
  const lines = diffLines(diff);
  const maxTop = Math.max(0, lines.length - height);
  const [top, setTop] = useState(0);
  useKeys(
    (_input, key) => {
      if (key.downArrow) setTop((t) => Math.min(maxTop, t + 1));
      else if (key.upArrow) setTop((t) => Math.max(0, t - 1));
      else if (key.pageDown) setTop((t) => Math.min(maxTop, t + height));
      else if (key.pageUp) setTop((t) => Math.max(0, t - height));
      else if (key.home) setTop(0);
      else if (key.end) setTop(maxTop);
    },
    { isActive },
  );
  const visible = lines.slice(top, top + height);
  return (
    <Box flexDirection="column">
      {visible.map((line, index) => (
        <Text key={top + index} color={colourOf(line, theme)} wrap="truncate-end">
          {line.length > width ? `${line.slice(0, width - 1)}…` : line || ' '}
        </Text>
      ))}
      <Text color={theme.muted}>
        {lines.length > height ? `lines ${top + 1}-${top + visible.length} of ${lines.length}  ↑/↓ PgUp/PgDn to scroll` : `${lines.length} lines`}
      </Text>
    </Box>
  );
}

function colourOf(line: string, theme: Theme): string | undefined {
  switch (diffLineKind(line)) {
    case 'added':
      return theme.ok;
    case 'removed':
      return theme.error;
    case 'hunk':
      return theme.accent;
    case 'header':
    case 'context':
      return undefined;
  }
}
