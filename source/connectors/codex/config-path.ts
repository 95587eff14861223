import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CodexLocation {
  configPath: string;
  /** How the path was found, for messages. */
  source: '--config-path' | 'CODEX_HOME' | 'default';
}

/** The config file as Codex resolves it: an explicit path, $CODEX_HOME/config.toml, then ~/.codex/config.toml. */
export function locateCodexConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): CodexLocation {
  if (explicitPath) return { configPath: resolve(explicitPath), source: '--config-path' };
  const home = env.CODEX_HOME?.trim();
  if (home) return { configPath: join(resolve(home), 'config.toml'), source: 'CODEX_HOME' };
  return { configPath: join(homedir(), '.codex', 'config.toml'), source: 'default' };
}
