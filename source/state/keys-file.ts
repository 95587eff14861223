import { readFileSync } from 'node:fs';
import { writeFileAtomically } from './write-atomically.js';
import { UserError } from '../user-error.js';
import { StoreUnavailableError } from './store-unavailable.js';
import { dirname } from 'node:path';
import type { KeysBackend } from './keys-backend.js';
import type { StoredVirtualKey } from './virtual-key-record.js';
import { fileFingerprint } from './file-fingerprint.js';
import { ensureDir } from './ensure-dir.js';
import { withKeysFileLock } from './keys-file-lock.js';

interface KeysFile {
  version: 1;
  keys: StoredVirtualKey[];
}

/**
 * The keys file (`<state>/keys/keys.json`, mode 0600). Like `liveConfig`, a running gateway stats it at
 * most once per `recheckMs` and reads it again only when it changed, so `isartor keys create|delete`
 * applies without a restart; a broken hand edit keeps the last good keys in force and warns once.
 */
export function fileKeysBackend(path: string, options: { recheckMs?: number; onWarning?: (message: string) => void } = {}): KeysBackend {
  const recheckMs = options.recheckMs ?? 500;
  let keys = readKeysFile(path);
  let seen = fileFingerprint(path);
  let checkedAt = Date.now();
  let warned = false;
  const write = (next: readonly StoredVirtualKey[]): void => {
    const file: KeysFile = { version: 1, keys: [...next] };
    try {
      writeFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
    } catch (error) {
      // The file is as it was (written whole or not at all), and so are the keys in memory: the change is refused.
      throw new StoreUnavailableError(`Could not save the virtual keys file ${path} (${error instanceof Error ? error.message : String(error)}); nothing changed.`, {
        hint: 'Free disk space or make the state dir writable, then try again.',
        cause: error,
      });
    }
    keys = [...next];
    seen = fileFingerprint(path);
    warned = false;
  };
  return {
    refresh: (mode = 'throttled') => {
      const now = Date.now();
      if (mode === 'throttled' && now - checkedAt < recheckMs) return false;
      checkedAt = now;
      const latest = fileFingerprint(path);
      if (latest === seen) return false;
      try {
        keys = readKeysFile(path);
        seen = latest;
        warned = false;
        return true;
      } catch (error) {
        if (mode === 'strict') throw error;
        if (!warned) options.onWarning?.(`Keeping the virtual keys loaded before: ${error instanceof Error ? error.message : String(error)}`);
        warned = true;
        return false;
      }
    },
    current: () => keys,
    save: (next) => {
      ensureDir(dirname(path));
      withKeysFileLock(path, () => write(next));
    },
    transact: (change) => {
      ensureDir(dirname(path));
      withKeysFileLock(path, () => {
        // Read under the lock: what another process wrote a moment ago is kept, never overwritten.
        write(change(readKeysFile(path)));
      });
    },
  };
}

function readKeysFile(path: string): StoredVirtualKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<KeysFile>;
    if (!Array.isArray(parsed.keys)) throw new Error('it has no "keys" list');
    return parsed.keys.filter((key) => typeof key?.id === 'string' && typeof key.tokenHash === 'string');
  } catch (error) {
    throw new UserError(`The virtual keys file ${path} cannot be read: ${error instanceof Error ? error.message : String(error)}.`, {
      hint: 'Fix it by hand, or move it away to start without virtual keys (the spend ledger beside it is kept).',
    });
  }
}
