import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { binaryVersion } from '../connectors/core/binary-version.js';
import { applyOpenClawPlan } from '../connectors/openclaw/apply.js';
import { locateOpenClawConfig } from '../connectors/openclaw/config-path.js';
import { gatewayKeyForClient } from '../connectors/core/connection-defaults.js';
import { planOpenClawConnect, type OpenClawPlan } from '../connectors/openclaw/plan.js';
import { clientConnectors, findClientConnector } from '../connectors/registry.js';
import { openClawPrimaryModel } from '../connectors/openclaw/status.js';
import { saveGatewayAddress } from '../daemon/gateway-address.js';
import { findRunningGateway } from '../daemon/running-gateway.js';
import { startDetachedGateway } from '../daemon/start-detached.js';
import { stopGateway } from '../daemon/stop-gateway.js';
import type { DemoSession } from '../demo/run-demo.js';
import { findProvider, listProviders } from '../providers/catalog.js';
import { checkProvider } from '../providers/check-provider.js';
import { keyFromEnv } from '../providers/key-env.js';
import { resolveTarget } from '../providers/upstream-target.js';
import { ConfigStore, configDefaults, type IsartorConfig } from '../store/config.js';
import { maskSecret } from '../store/mask-secret.js';
import { statePaths } from '../store/state-dir.js';
import { UserError } from '../user-error.js';
import type { AgentFinding, AgentPlan, GatewayHandle, OpenClawFinding, ProviderInput, SetupEffects } from './effects.js';
import { fetchGatewayStats, probeGateway, subscribeGatewayEvents } from './gateway-client.js';
import { readProgressFile, writeProgressFile } from './progress-file.js';

export interface RealEffectsOptions {
  stateDir: string;
  /** --config-path for openclaw.json. */
  openClawConfigPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** How long a key check may take. */
  checkTimeoutMs?: number;
}

/** The effects the wizard runs for real: every one is a core function the CLI commands call too. */
export function createSetupEffects(options: RealEffectsOptions): SetupEffects {
  const { stateDir } = options;
  const env = options.env ?? process.env;
  const store = new ConfigStore(stateDir);
  const paths = statePaths(stateDir);
  let demo: DemoSession | undefined;

  const gatewayKey = (config: IsartorConfig): string | undefined => (env.ISARTOR_GATEWAY_API_KEY || undefined) ?? config.gateway.apiKey;

  const findOpenClaw = async (): Promise<OpenClawFinding> => {
    const location = locateOpenClawConfig(options.openClawConfigPath, env);
    const configExists = existsSync(location.configPath);
    let primaryModel: string | undefined;
    let problem: string | undefined;
    try {
      primaryModel = configExists ? openClawPrimaryModel(location) : undefined;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    return { configPath: location.configPath, source: location.source, configExists, primaryModel, version: await binaryVersion('openclaw', env), problem };
  };

  return {
    inspect: async () => {
      const config = store.read();
      const running = await findRunningGateway(paths.pidFile);
      const envKeys: Record<string, string> = {};
      for (const spec of listProviders()) {
        const found = keyFromEnv(spec, env);
        if (found) envKeys[spec.id] = found.name;
      }
      const configuredSettings = config.provider ? config.providers[config.provider] : undefined;
      return {
        stateDir,
        configured: config.provider
          ? {
              providerId: config.provider,
              model: configuredSettings?.model ?? findProvider(config.provider)?.defaultModel,
              maskedKey: configuredSettings?.apiKey ? maskSecret(configuredSettings.apiKey) : undefined,
            }
          : undefined,
        storedKeys: Object.entries(config.providers)
          .filter(([, settings]) => Boolean(settings.apiKey))
          .map(([id]) => id),
        envKeys,
        providers: Object.fromEntries(Object.entries(config.providers).map(([id, settings]) => [id, { baseUrl: settings.baseUrl, model: settings.model }])),
        progress: readProgressFile(stateDir),
        gateway: running ? { url: running.record.url, pid: running.record.pid, provider: running.record.provider, model: running.record.model } : undefined,
        openClaw: await findOpenClaw(),
        defaultPort: config.gateway.port,
      };
    },

    checkKey: async (input) => {
      const target = resolveTarget(configWith(store.read(), input, resolveKey(input)), input.providerId);
      // Ask for the whole list (no model named) where the check is a listing; Anthropic's check needs a model.
      const model = target.spec.keyCheck === 'anthropic-message' ? target.model : undefined;
      return checkProvider({ ...target, model }, { listModels: true, ...(options.checkTimeoutMs ? { timeoutMs: options.checkTimeoutMs } : {}) });
    },

    saveProvider: async (input) => {
      store.saveProvider(input.providerId, { apiKey: resolveKey(input), model: input.model, baseUrl: input.baseUrl });
    },

    startGateway: async ({ port, restart }) => {
      const config = store.read();
      const apiKey = gatewayKey(config);
      try {
        const running = await findRunningGateway(paths.pidFile);
        if (running && !restart) {
          const { record } = running;
          return { kind: 'running', gateway: { url: record.url, pid: record.pid, provider: record.provider, model: record.model, apiKey, kind: 'reused' } };
        }
        if (running) await stopGateway(stateDir);
        const wanted = port ?? config.gateway.port;
        if (!(await portIsFree(config.gateway.host, wanted))) {
          return { kind: 'portInUse', port: wanted, suggestedPort: await nextFreePort(config.gateway.host, wanted) };
        }
        const record = await startDetachedGateway({ stateDir, port: wanted, gatewayApiKey: env.ISARTOR_GATEWAY_API_KEY || undefined, command: isartorCommand() });
        // A port chosen here (the port-in-use offer) becomes the config's, as `isartor up --port` does.
        saveGatewayAddress(stateDir, { port: wanted }, config.gateway);
        return { kind: 'running', gateway: { url: record.url, pid: record.pid, provider: record.provider, model: record.model, apiKey, kind: 'started' } };
      } catch (error) {
        if (error instanceof UserError) return { kind: 'failed', message: error.message, hint: error.hint };
        throw error;
      }
    },

    startDemo: async () => {
      // Loaded on demand: the demo brings the whole gateway (and its NLP model) with it.
      const [{ runDemo }, { simulatedModel }] = await Promise.all([import('../demo/run-demo.js'), import('../demo/simulated-provider.js')]);
      demo = await runDemo({ stateDir, port: 0 });
      return { url: demo.url, pid: process.pid, provider: 'simulated (demo)', model: simulatedModel, apiKey: undefined, kind: 'demo' };
    },

    findOpenClaw,

    findAgents: async () => {
      // Every registered client but OpenClaw (the wizard's own step), offered when it is installed.
      const others = clientConnectors().filter((connector) => connector.id !== 'openclaw');
      const found = await Promise.all(
        others.map(async (connector): Promise<AgentFinding | undefined> => {
          try {
            const detection = await connector.detect({ env });
            return detection.installed ? { id: connector.id, displayName: connector.displayName, configPath: detection.configPath, configExists: detection.configExists, version: detection.version } : undefined;
          } catch {
            return undefined;
          }
        }),
      );
      return found.filter((agent): agent is AgentFinding => agent !== undefined);
    },

    planOpenClaw: async ({ gateway, model, agentId = 'openclaw' }) => {
      const config = store.read();
      try {
        const apiKey = gatewayKeyForClient(undefined, config, env);
        if (agentId !== 'openclaw') {
          const connector = findClientConnector(agentId);
          if (!connector) return { kind: 'refused', message: `isartor has no connector for ${agentId}.`, hint: undefined };
          return { kind: 'ready', plan: connector.planConnect({ gatewayUrl: gateway.url, apiKey, model }, env) as AgentPlan };
        }
        const location = locateOpenClawConfig(options.openClawConfigPath, env);
        const plan = planOpenClawConnect(location, { gatewayUrl: gateway.url, apiKey, model, api: 'openai-completions' }, { isartorHome: stateDir });
        return { kind: 'ready', plan };
      } catch (error) {
        if (error instanceof UserError) return { kind: 'refused', message: error.message, hint: error.hint };
        throw error;
      }
    },

    applyOpenClaw: async (plan, agentId = 'openclaw') => {
      if (agentId === 'openclaw') applyOpenClawPlan(plan as OpenClawPlan);
      else {
        const connector = findClientConnector(agentId);
        if (!connector) throw new Error(`isartor has no connector for ${agentId}.`);
        connector.apply(plan);
      }
      return {
        configPath: plan.location.configPath,
        wrote: plan.configChanges,
        backupPath: plan.backup.create ? plan.backup.path : undefined,
        deleted: plan.deletions.map((d) => d.path),
      };
    },

    fetchStats: (gateway) => fetchGatewayStats(gateway),
    subscribeEvents: (gateway, subscriber) => subscribeGatewayEvents(gateway, subscriber),
    probe: (gateway, probe) => probeGateway(gateway, probe),

    saveProgress: async (progress) => writeProgressFile(stateDir, progress),

    stopGateway: async (gateway: GatewayHandle) => {
      if (gateway.kind === 'demo') {
        await demo?.stop();
        demo = undefined;
        return;
      }
      await stopGateway(stateDir);
    },
  };

  function resolveKey(input: ProviderInput): string | undefined {
    switch (input.keySource) {
      case 'typed':
        return input.apiKey;
      case 'env': {
        const spec = findProvider(input.providerId);
        return spec ? keyFromEnv(spec, env)?.value : undefined;
      }
      case 'stored':
        return store.read().providers[input.providerId]?.apiKey;
      case 'none':
        return undefined;
    }
  }
}

/** The config as it would be with this provider's settings, without writing it. */
function configWith(config: IsartorConfig, input: ProviderInput, apiKey: string | undefined): IsartorConfig {
  const stored = config.providers[input.providerId] ?? {};
  const settings = { ...stored, ...(input.baseUrl ? { baseUrl: input.baseUrl } : {}), apiKey: apiKey ?? (input.keySource === 'none' ? undefined : stored.apiKey) };
  return { ...configDefaults, ...config, providers: { ...config.providers, [input.providerId]: settings } };
}

/** How to run the `isartor` CLI for `up --detach`: the built one next to this file, or the source under tsx. */
function isartorCommand(): { execPath: string; args: string[] } {
  const built = fileURLToPath(new URL('../cli/index.js', import.meta.url));
  if (existsSync(built)) return { execPath: process.execPath, args: [built] };
  return { execPath: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL('../cli/index.ts', import.meta.url))] };
}

function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

async function nextFreePort(host: string, taken: number): Promise<number | undefined> {
  for (let port = taken + 1; port <= Math.min(taken + 50, 65535); port++) if (await portIsFree(host, port)) return port;
  return undefined;
}
