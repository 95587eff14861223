import { statSync } from 'node:fs';

/** Changes whenever a file is rewritten, replaced or removed: a stat instead of a read, for files watched by polling. */
export function fileFingerprint(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return 'missing';
  }
}
