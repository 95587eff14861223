import type { FilePlan } from './file-plan.js';

/** What a connector found of its client on this machine. */
export interface ClientDetection {
  /** The config file the connector would edit (it may not exist yet). */
  configPath: string;
  configExists: boolean;
  /** The client's `--version` when its binary is on PATH. */
  version: string | undefined;
  /** The config exists or the binary answered: worth offering in the wizard. */
  installed: boolean;
}

/** Where a client should send its requests, and with which key and model. */
export interface ConnectRequest {
  /** The gateway's root URL, e.g. http://127.0.0.1:8080. */
  gatewayUrl: string;
  /** The key the client must present (the gateway key, a virtual key, or a placeholder). */
  apiKey: string;
  model: string;
  /** An explicit config path (`--config-path`); else the client's own lookup. */
  configPath?: string;
}

/** A plan every front end can show (diff, backup) and apply through its connector. */
export interface ConnectorPlan extends FilePlan {
  action: 'connect' | 'disconnect';
}

/** Whether a client's config routes through isartor. */
export interface ClientConnectionStatus {
  client: string;
  configPath: string;
  connected: boolean;
  /** The gateway URL the client's config names, when connected. */
  baseUrl: string | null;
  models: string[];
  backup: boolean;
}

/**
 * One agent tool isartor can wire to itself. Each client folder declares what to change; the plan,
 * diff, backup and atomic write are the shared core's. CLI commands and the wizard reach clients only
 * through this interface (see connectors/registry.ts).
 */
export interface ClientConnector<Plan extends ConnectorPlan = ConnectorPlan> {
  /** As in `isartor connect <id>` and `x-isartor-client: <id>`. */
  readonly id: string;
  readonly displayName: string;
  detect(options?: { configPath?: string; env?: NodeJS.ProcessEnv }): Promise<ClientDetection>;
  planConnect(request: ConnectRequest, env?: NodeJS.ProcessEnv): Plan;
  planDisconnect(options?: { configPath?: string; env?: NodeJS.ProcessEnv }): Plan;
  apply(plan: Plan): void;
  status(options?: { configPath?: string; env?: NodeJS.ProcessEnv }): ClientConnectionStatus;
}
