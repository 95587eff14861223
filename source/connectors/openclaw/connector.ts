import { existsSync } from 'node:fs';
import { resolveStateDir } from '../../store/state-dir.js';
import { binaryVersion } from '../core/binary-version.js';
import type { ClientConnector } from '../core/connector.js';
import { applyOpenClawPlan } from './apply.js';
import { locateOpenClawConfig } from './config-path.js';
import { planOpenClawConnect, planOpenClawDisconnect, type OpenClawApi, type OpenClawPlan } from './plan.js';
import { openClawStatus } from './status.js';

/** OpenClaw through the shared connector interface; `isartor connect openclaw` adds its own flags (`--api`). */
export function openClawConnector(api: OpenClawApi = 'openai-completions'): ClientConnector<OpenClawPlan> {
  return {
    id: 'openclaw',
    displayName: 'OpenClaw',
    async detect({ configPath, env = process.env } = {}) {
      const location = locateOpenClawConfig(configPath, env);
      const configExists = existsSync(location.configPath);
      const version = await binaryVersion('openclaw', env);
      return { configPath: location.configPath, configExists, version, installed: configExists || version !== undefined };
    },
    planConnect(request, env = process.env) {
      const location = locateOpenClawConfig(request.configPath, env);
      return planOpenClawConnect(location, { gatewayUrl: request.gatewayUrl, apiKey: request.apiKey, model: request.model, api }, { isartorHome: resolveStateDir(env) });
    },
    planDisconnect({ configPath, env = process.env } = {}) {
      return planOpenClawDisconnect(locateOpenClawConfig(configPath, env), { isartorHome: resolveStateDir(env) });
    },
    apply: applyOpenClawPlan,
    status({ configPath, env = process.env } = {}) {
      return openClawStatus(locateOpenClawConfig(configPath, env));
    },
  };
}
