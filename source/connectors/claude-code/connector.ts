import { existsSync } from 'node:fs';
import { applyFilePlan } from '../core/apply-file-plan.js';
import { binaryVersion } from '../core/binary-version.js';
import type { ClientConnector } from '../core/connector.js';
import { planClaudeCodeConnect, planClaudeCodeDisconnect, type ClaudeCodePlan } from './plan.js';
import { locateClaudeCodeSettings } from './settings-path.js';
import { claudeCodeStatus } from './status.js';

export interface ClaudeCodeConnectorOptions {
  /** Edit the project's `.claude/settings.json` (in the current folder) instead of the user's. */
  project?: boolean;
  /** Write the requested model as ANTHROPIC_MODEL; otherwise Claude Code keeps choosing its own. */
  setModel?: boolean;
}

/** Claude Code through the shared connector interface: the `env` block of its settings.json. */
export function claudeCodeConnector({ project = false, setModel = false }: ClaudeCodeConnectorOptions = {}): ClientConnector<ClaudeCodePlan> {
  const locate = (settingsPath: string | undefined, env: NodeJS.ProcessEnv) => locateClaudeCodeSettings({ settingsPath, project, env });
  return {
    id: 'claude-code',
    displayName: 'Claude Code',
    async detect({ configPath, env = process.env } = {}) {
      const location = locate(configPath, env);
      const configExists = existsSync(location.configPath);
      const version = await binaryVersion('claude', env);
      return { configPath: location.configPath, configExists, version, installed: configExists || version !== undefined };
    },
    planConnect(request, env = process.env) {
      const location = locate(request.configPath, env);
      return planClaudeCodeConnect(location, { gatewayUrl: request.gatewayUrl, apiKey: request.apiKey, ...(setModel ? { model: request.model } : {}) });
    },
    planDisconnect({ configPath, env = process.env } = {}) {
      return planClaudeCodeDisconnect(locate(configPath, env));
    },
    apply(plan) {
      applyFilePlan(plan.location.configPath, plan);
    },
    status({ configPath, env = process.env } = {}) {
      return claudeCodeStatus(locate(configPath, env));
    },
  };
}
