import type { ClientConnector } from './core/connector.js';
import { claudeCodeConnector } from './claude-code/connector.js';
import { codexConnector } from './codex/connector.js';
import { openClawConnector } from './openclaw/connector.js';

/** Every client isartor can connect, in the order the wizard offers them. A new client adds one line. */
export function clientConnectors(): ClientConnector[] {
  return [openClawConnector(), codexConnector(), claudeCodeConnector()];
}

export function findClientConnector(id: string): ClientConnector | undefined {
  return clientConnectors().find((connector) => connector.id === id);
}
