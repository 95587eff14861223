import { ConfigStore, type IsartorConfig } from './config.js';
import { fileFingerprint } from '../state/file-fingerprint.js';

/**
 * The config as it is on disk now, for settings a running gateway applies without a restart (prices).
 * The file is stat'ed at most once per `recheckMs` and read again only when it changed; while a hand
 * edit leaves it broken, the last good config stays in force and `onWarning` hears about it once.
 */
export function liveConfig(store: ConfigStore, options: { recheckMs?: number; onWarning?: (message: string) => void } = {}): () => IsartorConfig {
  const recheckMs = options.recheckMs ?? 1000;
  let current = store.read();
  let seen = fileFingerprint(store.path);
  let checkedAt = Date.now();
  let warned = false;
  return () => {
    const now = Date.now();
    if (now - checkedAt < recheckMs) return current;
    checkedAt = now;
    const latest = fileFingerprint(store.path);
    if (latest === seen) return current;
    try {
      current = store.read();
      seen = latest;
      warned = false;
    } catch (error) {
      if (!warned) options.onWarning?.(`Keeping the settings loaded before: ${error instanceof Error ? error.message : String(error)}`);
      warned = true;
    }
    return current;
  };
}
