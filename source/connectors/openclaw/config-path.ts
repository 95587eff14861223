import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface OpenClawLocation {
  configPath: string;
  /** Where OpenClaw keeps per-agent state (agents/<id>/agent/models.json). */
  stateDir: string;
  /** How the path was found, for messages. */
  source: string;
}

/**
 * The config file as OpenClaw itself resolves it: an explicit path, OPENCLAW_CONFIG_PATH,
 * $OPENCLAW_STATE_DIR/openclaw.json, $OPENCLAW_HOME/.openclaw/openclaw.json, then ~/.openclaw/openclaw.json.
 */
export function locateOpenClawConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): OpenClawLocation {
  const stateDirFromEnv = env.OPENCLAW_STATE_DIR?.trim();
  const withStateDir = (configPath: string, source: string): OpenClawLocation => ({
    configPath,
    stateDir: stateDirFromEnv ? resolve(stateDirFromEnv) : dirname(configPath),
    source,
  });
  if (explicitPath) return withStateDir(resolve(explicitPath), '--config-path');
  if (env.OPENCLAW_CONFIG_PATH?.trim()) return withStateDir(resolve(env.OPENCLAW_CONFIG_PATH.trim()), 'OPENCLAW_CONFIG_PATH');
  if (stateDirFromEnv) return withStateDir(join(resolve(stateDirFromEnv), 'openclaw.json'), 'OPENCLAW_STATE_DIR');
  if (env.OPENCLAW_HOME?.trim()) return withStateDir(join(resolve(env.OPENCLAW_HOME.trim()), '.openclaw', 'openclaw.json'), 'OPENCLAW_HOME');
  return withStateDir(join(homedir(), '.openclaw', 'openclaw.json'), 'default');
}
