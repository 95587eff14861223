import type { ConnectorPlan } from '../connectors/core/connector.js';
import type { CheckResult } from '../providers/check-provider.js';
import type { LiveRequestRecord, StatsReport } from './gateway-contracts.js';
import type { ProbeSpec } from './dashboard/probes.js';
import type { WizardProgress } from './progress.js';

/** What is already set up when the wizard opens. Holds no secret: keys are masked. */
export interface SetupOverview {
  stateDir: string;
  /** The default provider, if one is configured. */
  configured: { providerId: string; model: string | undefined; maskedKey: string | undefined } | undefined;
  /** Provider ids with a key in isartor's config. */
  storedKeys: string[];
  /** Each configured provider's stored base URL and model (no key), to prefill and preselect them. */
  providers?: Record<string, { baseUrl: string | undefined; model: string | undefined }>;
  /** An unfinished wizard run to pick up. */
  progress?: WizardProgress | undefined;
  /** Provider id -> the environment variable that holds a key for it. */
  envKeys: Record<string, string>;
  gateway: { url: string; pid: number; provider: string; model: string | null } | undefined;
  openClaw: OpenClawFinding;
  /** Where `isartor up` listens by default. */
  defaultPort: number;
}

export interface OpenClawFinding {
  configPath: string;
  /** How the path was found: --config-path, OPENCLAW_CONFIG_PATH, ..., default. */
  source: string;
  configExists: boolean;
  /** OpenClaw's primary model now, when the config names one. */
  primaryModel: string | undefined;
  /** `openclaw --version` when it is on PATH. */
  version: string | undefined;
  /** The config exists but cannot be read (does not parse). */
  problem: string | undefined;
}

/** Where the key comes from: typed into the wizard, an environment variable, isartor's config, or none. */
export type KeySource = 'typed' | 'env' | 'stored' | 'none';

export interface ProviderInput {
  providerId: string;
  keySource: KeySource;
  /** The typed key (keySource 'typed'); the effects look up env and stored keys themselves. */
  apiKey: string | undefined;
  baseUrl: string | undefined;
}

/** A gateway the dashboard talks to. */
export interface GatewayHandle {
  url: string;
  pid: number;
  provider: string;
  model: string | null;
  /** Sent as Bearer to /stats, /events and the probe when the gateway requires one. */
  apiKey: string | undefined;
  /** 'demo': the in-process demo gateway, stopped when the wizard quits. */
  kind: 'started' | 'reused' | 'demo';
}

export type GatewayStartOutcome =
  | { kind: 'running'; gateway: GatewayHandle }
  | { kind: 'portInUse'; port: number; suggestedPort: number | undefined }
  | { kind: 'failed'; message: string; hint: string | undefined };

/** A connector's plan for one client config file (OpenClaw's, Claude Code's, Codex's, ...). */
export type AgentPlan = ConnectorPlan & { location: { configPath: string } };

/** An agent tool other than OpenClaw that a registered connector found installed. */
export interface AgentFinding {
  /** The connector id, as in `isartor connect <id>`. */
  id: string;
  displayName: string;
  configPath: string;
  configExists: boolean;
  version: string | undefined;
}

export type PlanOutcome = { kind: 'ready'; plan: AgentPlan } | { kind: 'refused'; message: string; hint: string | undefined };

export interface ApplyOutcome {
  configPath: string;
  wrote: boolean;
  /** The user's original, kept the first time. */
  backupPath: string | undefined;
  deleted: string[];
}

export interface ProbeResult {
  /** Which probe of the cycle was sent. */
  probe: ProbeSpec;
  status: number;
  /** x-isartor-layer, or '?' when the answer had none. */
  layer: string;
  latencyMs: number;
  error?: string;
}

export type EventsStatus = 'connecting' | 'live' | 'reconnecting' | 'unavailable';

export interface EventsSubscriber {
  onRecord(record: LiveRequestRecord): void;
  onStatus(status: EventsStatus): void;
}

/**
 * Everything the wizard does to the world, passed in as one object (as Shopify CLI passes effects as
 * props): tests substitute fakes, and the real ones call the same core functions as the CLI commands.
 */
export interface SetupEffects {
  inspect(): Promise<SetupOverview>;
  /** The key check of `isartor check`, with the provider's model list. */
  checkKey(input: ProviderInput): Promise<CheckResult>;
  /** `isartor set-key`: stores key, model and base URL and makes the provider the default. */
  saveProvider(input: ProviderInput & { model: string | undefined }): Promise<void>;
  /** `isartor up --detach`, or the gateway already running for this state dir. */
  startGateway(options: { port: number | undefined; restart: boolean }): Promise<GatewayStartOutcome>;
  /** The demo gateway (simulated provider, no key, no network). */
  startDemo(): Promise<GatewayHandle>;
  findOpenClaw(): Promise<OpenClawFinding>;
  /** The other registered connectors' clients found on this machine (config dir or binary on PATH). */
  findAgents?(): Promise<AgentFinding[]>;
  /** The plan `isartor connect <agent> --dry-run` prints; OpenClaw's unless another agent is named. */
  planOpenClaw(options: { gateway: GatewayHandle; model: string; agentId?: string }): Promise<PlanOutcome>;
  applyOpenClaw(plan: AgentPlan, agentId?: string): Promise<ApplyOutcome>;
  fetchStats(gateway: GatewayHandle): Promise<StatsReport>;
  /** Streams /events until the returned function is called; reconnects on its own. */
  subscribeEvents(gateway: GatewayHandle, subscriber: EventsSubscriber): () => void;
  /** Sends one probe of the cycle (dashboard/probes.ts) and says which layer answered. */
  probe(gateway: GatewayHandle, probe: ProbeSpec): Promise<ProbeResult>;
  /** `isartor down` (or stops the demo). */
  stopGateway(gateway: GatewayHandle): Promise<void>;
  /** Keeps how far the wizard got (undefined: forget it), so Ctrl+C and a second run can resume. */
  saveProgress?(progress: WizardProgress | undefined): Promise<void>;
}
