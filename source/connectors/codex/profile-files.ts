import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'smol-toml';
import { managedProviderId } from './plan.js';

/** A profile file (`<name>.config.toml` beside config.toml) that sends Codex to another provider. */
export interface ProfileElsewhere {
  path: string;
  profile: string;
  provider: string;
}

/**
 * Codex reads `codex --profile NAME` from NAME.config.toml beside config.toml, on top of it: a
 * model_provider set there wins over the one connect sets, so that profile does not go through
 * isartor. Connect leaves such files alone (the user chose them) and says which they are.
 * Files that do not parse are Codex's to complain about, not ours.
 */
export function profilesChoosingOtherProviders(configPath: string): ProfileElsewhere[] {
  const dir = dirname(configPath);
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.config.toml') && name !== 'config.toml');
  } catch {
    return [];
  }
  const found: ProfileElsewhere[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    try {
      const provider = (parse(readFileSync(path, 'utf8')) as Record<string, unknown>).model_provider;
      if (typeof provider === 'string' && provider !== managedProviderId) found.push({ path, profile: name.slice(0, -'.config.toml'.length), provider });
    } catch {
      // unreadable or not TOML: nothing to say about it here
    }
  }
  return found;
}
