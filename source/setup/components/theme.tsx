import { createContext, useContext, type ReactNode } from 'react';

/** Colours by meaning; with NO_COLOR every one is undefined and Ink prints plain text. */
export interface Theme {
  accent: string | undefined;
  ok: string | undefined;
  error: string | undefined;
  warn: string | undefined;
  muted: string | undefined;
}

const coloured: Theme = { accent: 'cyan', ok: 'green', error: 'red', warn: 'yellow', muted: 'gray' };
const plain: Theme = { accent: undefined, ok: undefined, error: undefined, warn: undefined, muted: undefined };

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR ? plain : coloured;
}

const ThemeContext = createContext<Theme>(coloured);

export function ThemeProvider({ theme, children }: { theme: Theme; children: ReactNode }) {
  return <ThemeContext.Provider value={theme}>{children}</ThemeContext.Provider>;
}

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
