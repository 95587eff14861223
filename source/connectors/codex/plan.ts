import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { maskSecret } from '../../store/mask-secret.js';
import { UserError } from '../../user-error.js';
import { backupPathOf, planFileChange, readIfExists, type FilePlan } from '../core/file-plan.js';
import { isRecord } from '../core/json-value.js';
import { TomlDocument } from '../core/toml-document.js';
import type { CodexLocation } from './config-path.js';

/** What Codex should be pointed at. */
export interface CodexConnection {
  /** The gateway's root URL, e.g. http://127.0.0.1:8080. */
  gatewayUrl: string;
  /** The gateway key Codex must send; undefined for a gateway without one (Codex then sends none). */
  apiKey: string | undefined;
  model: string;
  /**
   * Codex offers the model OpenAI's built-in web_search tool; a provider that does not speak the
   * Responses API cannot run it, and the gateway refuses such requests. Connect turns it off then.
   */
  disableWebSearch: boolean;
}

export interface CodexPlan extends FilePlan {
  action: 'connect' | 'disconnect';
  location: CodexLocation;
}

export const managedProviderId = 'isartor';
/** The root keys connect sets; disconnect gives them back their values from before. */
const managedRootKeys = ['model_provider', 'model', 'web_search'] as const;

/** The `[model_providers.isartor]` table isartor owns in config.toml. */
export function managedProviderTable(connection: CodexConnection): Record<string, string | Record<string, string>> {
  const headers: Record<string, string> = { 'x-isartor-client': 'codex' };
  if (connection.apiKey) headers.authorization = `Bearer ${connection.apiKey}`;
  return {
    name: 'isartor',
    // Codex appends /responses to base_url.
    base_url: `${connection.gatewayUrl.replace(/\/+$/, '')}/v1`,
    // Current Codex speaks only the Responses API to custom providers ("chat" is refused).
    wire_api: 'responses',
    // Codex's User-Agent says codex_exec/codex_cli_rs already; the header names it whatever it says.
    http_headers: headers,
  };
}

export function planCodexConnect(location: CodexLocation, connection: CodexConnection): CodexPlan {
  const before = readIfExists(location.configPath);
  const { document, value } = TomlDocument.parse(before ?? '', location.configPath);
  const table = managedProviderTable(connection);
  const roots: Record<string, string> = { model_provider: managedProviderId, model: connection.model, ...(connection.disableWebSearch ? { web_search: 'disabled' } : {}) };
  if (Object.entries(roots).some(([key, wanted]) => value[key] !== wanted)) document.edit((next) => Object.assign(next, roots));
  // The profile `profile = "..."` makes active overrides the root keys it sets itself: those are set there too.
  // (Older Codex; 0.171 refuses that key and reads `--profile NAME` from NAME.config.toml: see profile-files.ts.)
  const profile = activeProfile(value);
  const profileKeys = profile ? Object.fromEntries(Object.entries(roots).filter(([key]) => profile.table[key] !== undefined)) : {};
  if (profile && Object.entries(profileKeys).some(([key, wanted]) => profile.table[key] !== wanted)) {
    document.edit((next) => Object.assign((next.profiles as Record<string, Record<string, unknown>>)[profile.name]!, profileKeys));
  }
  const providers = isRecord(value.model_providers) ? value.model_providers : {};
  if (!isDeepStrictEqual(plain(providers[managedProviderId]), table)) {
    if (providers[managedProviderId] !== undefined) document.edit((next) => delete (next.model_providers as Record<string, unknown>)[managedProviderId]);
    document.appendTable(`model_providers.${managedProviderId}`, table);
  }
  if (!readsBackAs(document, roots, table, profile && { name: profile.name, keys: profileKeys })) {
    throw new UserError(`${location.configPath} is laid out in a way isartor cannot add its provider to without changing other settings (an inline \`model_providers = {...}\` table?). Nothing was changed.`, {
      hint: `Add this by hand:\n${Object.entries(roots).map(([key, wanted]) => `${key} = ${JSON.stringify(wanted)}`).join('\n')}\n\n[model_providers.${managedProviderId}]\nname = "isartor"\nbase_url = ${JSON.stringify(table.base_url)}\nwire_api = "responses"`,
    });
  }
  const backupPath = backupPathOf(location.configPath);
  return finishPlan('connect', location, before, document.text, connection.apiKey, { path: backupPath, create: before !== undefined && !existsSync(backupPath), restore: false });
}

/**
 * Removes what isartor added and nothing else: its provider table, and the root keys it set while
 * they still choose isartor (their values from before connect come back from the backup). A user
 * who has since switched Codex to another provider keeps that choice, and every other later edit.
 */
export function planCodexDisconnect(location: CodexLocation): CodexPlan {
  const before = readIfExists(location.configPath);
  if (before === undefined) {
    throw new UserError(`There is no Codex config at ${location.configPath}, so nothing to disconnect.`, { hint: 'Pass --config-path if Codex keeps its config elsewhere ($CODEX_HOME).' });
  }
  const { document, value } = TomlDocument.parse(before, location.configPath);
  const backupPath = backupPathOf(location.configPath);
  const original = originalValues(backupPath);
  const stillOurs = value.model_provider === managedProviderId;
  const profile = activeProfile(value);
  const profileStillOurs = profile?.table.model_provider === managedProviderId;
  const providers = isRecord(value.model_providers) ? value.model_providers : undefined;
  if (stillOurs || profileStillOurs || providers?.[managedProviderId] !== undefined) {
    document.edit((next) => {
      if (stillOurs) restoreKeys(next, original);
      const profileBefore = profile && original ? activeProfile({ ...original, profile: profile.name })?.table : undefined;
      if (profile && profileStillOurs) {
        // Connect set in the profile only the keys it had: they get their values from before back.
        restoreKeys((next.profiles as Record<string, Record<string, unknown>>)[profile.name]!, profileBefore ?? {});
      } else if (profile && stillOurs && profileBefore) {
        // A profile that picks only a model got connect's model beside the root one: it gets its own back,
        // unless the user changed it since (then it no longer matches the root's).
        const table = (next.profiles as Record<string, Record<string, unknown>>)[profile.name]!;
        for (const key of managedRootKeys) if (profileBefore[key] !== undefined && profile.table[key] === value[key]) table[key] = profileBefore[key];
      }
      const tables = next.model_providers as Record<string, unknown> | undefined;
      if (tables) {
        delete tables[managedProviderId];
        if (Object.keys(tables).length === 0) delete next.model_providers;
      }
    });
  }
  return finishPlan('disconnect', location, before, document.text, undefined, { path: backupPath, create: false, restore: existsSync(backupPath) });
}

/** Gives the keys connect sets their values from `original` back, or removes them where it had none. */
function restoreKeys(table: Record<string, unknown>, original: Record<string, unknown> | undefined): void {
  for (const key of managedRootKeys) {
    if (original?.[key] !== undefined) table[key] = original[key];
    else delete table[key];
  }
}

/** The edited text parses, and holds the root keys, the active profile's keys and the provider table as planned. */
function readsBackAs(document: TomlDocument, roots: Record<string, string>, table: Record<string, unknown>, profile: { name: string; keys: Record<string, string> } | undefined): boolean {
  let written: Record<string, unknown>;
  try {
    written = document.value();
  } catch {
    return false;
  }
  const providerWritten = isRecord(written.model_providers) ? written.model_providers[managedProviderId] : undefined;
  const profileWritten = profile ? activeProfile(written)?.table : undefined;
  return (
    isDeepStrictEqual(plain(providerWritten), table) &&
    Object.entries(roots).every(([key, wanted]) => written[key] === wanted) &&
    Object.entries(profile?.keys ?? {}).every(([key, wanted]) => profileWritten?.[key] === wanted)
  );
}

/** The profile the root `profile` key makes active, when its table exists: Codex lets its keys override the root ones. */
function activeProfile(value: Record<string, unknown>): { name: string; table: Record<string, unknown> } | undefined {
  const name = value.profile;
  const profiles = value.profiles;
  if (typeof name !== 'string' || !isRecord(profiles) || !isRecord(profiles[name])) return undefined;
  return { name, table: profiles[name] };
}

/** smol-toml's tables have no prototype; compared as plain JSON values. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** The root keys as they were before the first connect, from the backup; undefined without one. */
function originalValues(backupPath: string): Record<string, unknown> | undefined {
  const text = readIfExists(backupPath);
  if (text === undefined) return undefined;
  try {
    return TomlDocument.parse(text, backupPath).value;
  } catch {
    // A backup that no longer parses cannot say what was there: the keys are removed instead.
    return undefined;
  }
}

/** The diff shows the key masked (`Bearer sk-i…1234`); the plan writes it whole. */
function finishPlan(action: CodexPlan['action'], location: CodexLocation, before: string | undefined, after: string, apiKey: string | undefined, backup: CodexPlan['backup']): CodexPlan {
  const mask = (text: string | undefined): string | undefined => (apiKey && text !== undefined ? text.split(apiKey).join(maskSecret(apiKey)) : text);
  const shown = planFileChange(location.configPath, mask(before), mask(after) ?? '', [], backup, '');
  const configChanges = before !== after;
  return { ...shown, action, location, before, after, configChanges, unchanged: !configChanges && !backup.restore };
}
