import { isDeepStrictEqual } from 'node:util';
import type { DocumentPath, Json5Document } from '../core/json5-document.js';
import type { OpenClawConnectionRecord, PreviousValue } from './connection-record.js';
import { isManagedRef, isRecord, mainAgentPath, managedProviderId, primaryOf } from './model-refs.js';

/** Objects connect may have to create on the way to what it sets. */
const containers: string[][] = [['models'], ['models', 'providers'], ['agents'], ['agents', 'defaults']];

/**
 * Points openclaw.json at isartor and returns the record of what changed. A reconnect keeps the first
 * connect's "previous" values while the setting is still isartor's: they are what disconnect puts back.
 */
export function applyConnectEdits(
  document: Json5Document,
  block: Record<string, unknown>,
  ref: string,
  earlier: OpenClawConnectionRecord | undefined,
  createdFile: boolean,
): OpenClawConnectionRecord {
  const created = containers.filter((path) => document.get(path) === undefined);
  const providerPath = ['models', 'providers', managedProviderId];
  if (!isDeepStrictEqual(document.get(providerPath), block)) document.set(providerPath, block);

  const defaultsPath = ['agents', 'defaults', 'model'];
  const defaultPrevious = previousOf(document.get(defaultsPath), earlier?.defaultModel);
  setModelChoice(document, defaultsPath, ref, true);
  const defaultModel = { previous: defaultPrevious, wrote: document.get(defaultsPath) };

  // Only a main agent that overrides the model needs the new one; the others inherit the default.
  let mainAgent: OpenClawConnectionRecord['mainAgent'];
  const main = mainAgentPath(document.value);
  if (main && document.get([...main.path, 'model']) !== undefined) {
    const path = [...main.path, 'model'];
    const earlierMain = earlier?.mainAgent?.id === main.id ? earlier.mainAgent : undefined;
    const previous = previousOf(document.get(path), earlierMain);
    setModelChoice(document, path, ref, false);
    mainAgent = { path: [...path], id: main.id, previous, wrote: document.get(path) };
  }

  // An allowlist that lacks the managed model makes OpenClaw answer "Model is not allowed".
  const allowlistAdded = { models: [...(earlier?.allowlistAdded.models ?? [])], modelPolicy: [...(earlier?.allowlistAdded.modelPolicy ?? [])] };
  const allowed = document.get(['agents', 'defaults', 'models']);
  if (isRecord(allowed)) {
    for (const key of Object.keys(allowed)) if (isManagedRef(key) && key !== ref) document.set(['agents', 'defaults', 'models', key], undefined);
    if (!(ref in allowed)) {
      document.set(['agents', 'defaults', 'models', ref], {});
      allowlistAdded.models.push(ref);
    }
  }
  const policyPath = ['agents', 'defaults', 'modelPolicy', 'allow'];
  const policy = document.get(policyPath);
  if (Array.isArray(policy)) {
    const next = [...policy.filter((entry) => !(isManagedRef(entry) && entry !== ref)), ...(policy.includes(ref) ? [] : [ref])];
    if (!policy.includes(ref)) allowlistAdded.modelPolicy.push(ref);
    if (!isDeepStrictEqual(next, policy)) document.set(policyPath, next);
  }

  return {
    connectedAt: new Date().toISOString(),
    createdFile: earlier?.createdFile ?? createdFile,
    createdObjects: unique([...(earlier?.createdObjects ?? []), ...created]),
    defaultModel,
    ...(mainAgent ? { mainAgent } : {}),
    allowlistAdded: { models: unique(allowlistAdded.models), modelPolicy: unique(allowlistAdded.modelPolicy) },
  };
}

/** The value before isartor: from the earlier record while the setting is still isartor's, else as it is now. */
function previousOf(current: unknown, earlier: { previous: PreviousValue } | undefined): PreviousValue {
  if (!isManagedRef(primaryOf(current))) return current === undefined ? {} : { value: current };
  if (earlier) return earlier.previous;
  // Already isartor's with no record (connected before records were kept): nothing older is known.
  if (isRecord(current)) {
    const { primary: _managed, ...rest } = current;
    return Object.keys(rest).length === 0 ? {} : { value: rest };
  }
  return {};
}

/** `model` may be a plain ref or `{ primary, fallbacks }`: keep its shape and the fallbacks. */
function setModelChoice(document: Json5Document, path: DocumentPath, ref: string, createIfMissing: boolean): void {
  const current = document.get(path);
  if (typeof current === 'string') {
    if (current !== ref) document.set(path, ref);
  } else if (isRecord(current)) {
    if (current.primary !== ref) document.set([...path, 'primary'], ref);
  } else if (createIfMissing) {
    document.set(path, { primary: ref });
  }
}

function unique<T>(items: T[]): T[] {
  const seen: T[] = [];
  for (const item of items) if (!seen.some((other) => isDeepStrictEqual(other, item))) seen.push(item);
  return seen;
}
