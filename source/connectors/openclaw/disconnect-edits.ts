import { isDeepStrictEqual } from 'node:util';
import type { DocumentPath, Json5Document } from '../core/json5-document.js';
import type { OpenClawConnectionRecord, PreviousValue } from './connection-record.js';
import { agentPaths, isManagedRef, isRecord, managedProviderId, primaryOf } from './model-refs.js';

/**
 * Removes isartor's provider block and every `isartor/...` reference, and puts back the values connect
 * replaced where they are still isartor's. Everything else, including what the user changed since, stays.
 */
export function applyDisconnectEdits(document: Json5Document, record: OpenClawConnectionRecord | undefined): void {
  document.set(['models', 'providers', managedProviderId], undefined);
  restoreModel(document, ['agents', 'defaults', 'model'], record?.defaultModel);
  for (const agentPath of agentPaths(document.value)) {
    const agent = document.get(agentPath);
    const id = agentPath[1] === 'entries' ? agentPath[2] : isRecord(agent) ? agent.id : undefined;
    const recorded = record?.mainAgent && record.mainAgent.id === id ? record.mainAgent : undefined;
    restoreModel(document, [...agentPath, 'model'], recorded);
  }
  const allowed = document.get(['agents', 'defaults', 'models']);
  if (isRecord(allowed)) for (const key of Object.keys(allowed)) if (isManagedRef(key)) document.set(['agents', 'defaults', 'models', key], undefined);
  const policyPath = ['agents', 'defaults', 'modelPolicy', 'allow'];
  const policy = document.get(policyPath);
  if (Array.isArray(policy) && policy.some(isManagedRef)) document.set(policyPath, policy.filter((entry) => !isManagedRef(entry)));
  // Deepest first, so that a created parent is empty by the time it is looked at.
  const created = [...(record?.createdObjects ?? [])].sort((a, b) => b.length - a.length);
  for (const path of created) {
    const value = document.get(path);
    if (isRecord(value) && Object.keys(value).length === 0) document.set(path, undefined);
  }
}

/**
 * A model setting whose primary is still isartor's goes back to what it was: whole when nobody touched it
 * since, else only its primary (the user's later fallbacks stay). Without a record, isartor's primary is
 * removed. An `isartor/...` fallback is removed either way: its provider is gone.
 */
function restoreModel(document: Json5Document, path: DocumentPath, recorded: { previous: PreviousValue; wrote: unknown } | undefined): void {
  const current = document.get(path);
  if (current === undefined) return;
  if (isManagedRef(primaryOf(current))) {
    if (recorded && isDeepStrictEqual(current, recorded.wrote)) {
      document.set(path, recorded.previous.value);
      return;
    }
    const previousPrimary = primaryOf(recorded?.previous.value);
    const restored = typeof previousPrimary === 'string' ? previousPrimary : undefined;
    document.set(typeof current === 'string' ? path : [...path, 'primary'], restored);
  }
  const fallbacksPath = [...path, 'fallbacks'];
  const fallbacks = document.get(fallbacksPath);
  if (Array.isArray(fallbacks) && fallbacks.some(isManagedRef)) document.set(fallbacksPath, fallbacks.filter((entry) => !isManagedRef(entry)));
}
