import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyFilePlan } from '../core/apply-file-plan.js';
import { binaryVersion } from '../core/binary-version.js';
import type { ClientConnector } from '../core/connector.js';
import { placeholderGatewayKey } from '../core/connection-defaults.js';
import { locateCodexConfig } from './config-path.js';
import { planCodexConnect, planCodexDisconnect, type CodexPlan } from './plan.js';
import { codexStatus } from './status.js';

/** Codex CLI through the shared connector interface; found by its config dir or `codex` on PATH. */
export function codexConnector(options: { disableWebSearch?: boolean } = {}): ClientConnector<CodexPlan> {
  return {
    id: 'codex',
    displayName: 'Codex CLI',
    async detect({ configPath, env = process.env } = {}) {
      const location = locateCodexConfig(configPath, env);
      const configExists = existsSync(location.configPath);
      const version = await binaryVersion('codex', env);
      // Codex makes its home (auth.json, sessions/) on first run, often without any config.toml.
      return { configPath: location.configPath, configExists, version, installed: existsSync(dirname(location.configPath)) || version !== undefined };
    },
    planConnect(request, env = process.env) {
      return planCodexConnect(locateCodexConfig(request.configPath, env), {
        gatewayUrl: request.gatewayUrl,
        // Codex needs no key for a gateway without one; the placeholder other clients insist on stays out.
        apiKey: request.apiKey === placeholderGatewayKey ? undefined : request.apiKey,
        model: request.model,
        disableWebSearch: options.disableWebSearch ?? true,
      });
    },
    planDisconnect({ configPath, env = process.env } = {}) {
      return planCodexDisconnect(locateCodexConfig(configPath, env));
    },
    apply: applyCodexPlan,
    status({ configPath, env = process.env } = {}) {
      return codexStatus(locateCodexConfig(configPath, env));
    },
  };
}

export function applyCodexPlan(plan: CodexPlan): void {
  applyFilePlan(plan.location.configPath, plan);
}
