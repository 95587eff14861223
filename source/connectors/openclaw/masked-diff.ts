import JSON5 from 'json5';
import { maskSecret } from '../../store/mask-secret.js';
import { placeholderGatewayKey } from '../core/connection-defaults.js';

/**
 * The diff is printed: every provider key the files hold (isartor's gateway key, the user's own providers'
 * keys in context lines or a deleted models.json) is masked there (`gw-k…3456`); the files get them whole.
 * `${ENV}` references are not secrets and stay readable.
 */
export function maskProviderKeys(diff: string, texts: Array<string | undefined>): string {
  const secrets = new Set<string>();
  for (const text of texts) {
    let value: unknown;
    try {
      value = text === undefined ? undefined : JSON5.parse(text);
    } catch {
      continue;
    }
    const config = value as { models?: { providers?: unknown }; providers?: unknown } | undefined;
    for (const group of [config?.models?.providers, config?.providers]) {
      if (group === null || typeof group !== 'object') continue;
      for (const provider of Object.values(group)) {
        const key = (provider as { apiKey?: unknown } | null)?.apiKey;
        if (typeof key === 'string' && key !== placeholderGatewayKey && !/^\$\{[A-Za-z0-9_]+\}$/.test(key)) secrets.add(key);
      }
    }
  }
  let masked = diff;
  // Only as a quoted value, so that a short key never masks a word of the config that happens to spell it.
  for (const secret of secrets) {
    for (const quote of ['"', "'"]) masked = masked.split(`${quote}${secret}${quote}`).join(`${quote}${maskSecret(secret)}${quote}`);
  }
  return masked;
}
