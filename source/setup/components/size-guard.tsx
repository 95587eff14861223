import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTheme } from './theme.js';

/** The smallest terminal every screen fits without cutting what matters. */
export const minimumSize = { columns: 60, rows: 20 } as const;

/**
 * Below the minimum size a screen would wrap and overlap into a broken layout; this says how big the
 * window must be instead. The wizard's state and running effects stay as they are, and the screen
 * comes back as soon as the window is large enough.
 */
export function SizeGuard({ children }: { children: ReactNode }) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const fits = columns >= minimumSize.columns && rows >= minimumSize.rows;
  // The screen stays mounted while hidden, so what was typed (a filter, a key) is still there after.
  return (
    <>
      <Box display={fits ? 'flex' : 'none'} flexDirection="column">
        {children}
      </Box>
      {fits ? null : (
        <Box flexDirection="column" width={Math.max(10, columns - 1)}>
          <Text bold color={theme.warn}>{`Make the window at least ${minimumSize.columns}x${minimumSize.rows}.`}</Text>
          <Text>{`It is ${columns}x${rows}; isartor setup continues where it was once it fits.`}</Text>
          <Text color={theme.muted}>Ctrl+C quits.</Text>
        </Box>
      )}
    </>
  );
}
