import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { layoutWidth, useTerminalSize } from '../hooks/use-terminal-size.js';
import { useTheme } from './theme.js';

export const stepTitles = ['Provider', 'Key', 'Model', 'Gateway', 'OpenClaw', 'Diff', 'Confirm'] as const;

/** The chrome every wizard screen shares: a title with the step, the body, and the keys that work here. */
export function Frame({ step, title, children, keys }: { step?: number; title: string; children: ReactNode; keys: string }) {
  const theme = useTheme();
  const width = layoutWidth(useTerminalSize());
  return (
    <Box flexDirection="column" width={width}>
      <Text>
        <Text bold color={theme.accent}>
          isartor setup
        </Text>
        {step === undefined ? '' : <Text color={theme.muted}>{`  step ${step}/${stepTitles.length}`}</Text>}
        <Text bold>{`  ${title}`}</Text>
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {children}
      </Box>
      <Box marginTop={1}>
        <Text color={theme.muted} wrap="truncate-end">
          {keys}
        </Text>
      </Box>
    </Box>
  );
}
