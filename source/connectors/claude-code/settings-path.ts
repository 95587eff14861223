import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ClaudeCodeLocation {
  /** The settings.json to edit. */
  configPath: string;
  /** How the path was found, for messages. */
  source: '--settings-path' | '--project' | 'CLAUDE_CONFIG_DIR' | 'default';
}

export interface LocateOptions {
  settingsPath?: string;
  /** The project's shared `.claude/settings.json` under `cwd` instead of the user's. */
  project?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The settings file as Claude Code reads it: the user's is `$CLAUDE_CONFIG_DIR/settings.json`, else
 * `~/.claude/settings.json`; a project's is `.claude/settings.json` in its folder (checked in, shared
 * with the team, and read after the user's, so its `env` wins).
 */
export function locateClaudeCodeSettings({ settingsPath, project, cwd = process.cwd(), env = process.env }: LocateOptions = {}): ClaudeCodeLocation {
  if (settingsPath) return { configPath: resolve(settingsPath), source: '--settings-path' };
  if (project) return { configPath: join(resolve(cwd), '.claude', 'settings.json'), source: '--project' };
  const configDir = env.CLAUDE_CONFIG_DIR?.trim();
  if (configDir) return { configPath: join(resolve(configDir), 'settings.json'), source: 'CLAUDE_CONFIG_DIR' };
  return { configPath: join(env.HOME?.trim() || homedir(), '.claude', 'settings.json'), source: 'default' };
}
