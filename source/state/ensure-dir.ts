import { mkdirSync } from 'node:fs';

/** The state dir holds keys and cached answers, so only its owner may enter it. */
export function ensureDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}
