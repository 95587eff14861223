import { UserError } from '../../user-error.js';

/** A Redis URL for logs, `/health` and `isartor status`: the password (and a user name) replaced by `***`. */
export function maskRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username && parsed.password) parsed.username = parsed.username === 'default' ? 'default' : '***';
    else if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unreadable URL)';
  }
}

/** Refuses anything but `redis://` or `rediss://` with a host, before a connection is tried. */
export function checkRedisUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`The Redis URL is not a URL: ${maskRedisUrl(url)}.`, { hint: 'Give it as redis://host:port/db, e.g. redis://127.0.0.1:6379/0 (a password goes in redis://:password@host:port/db).' });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new UserError(`The Redis URL must start with redis:// or rediss://, not ${parsed.protocol}//.`, { hint: 'For example redis://127.0.0.1:6379/0.' });
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new UserError(`The Redis URL's database must be a number, not "${db}".`, { hint: 'For example redis://127.0.0.1:6379/0.' });
  return url;
}
