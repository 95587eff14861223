import type { KeySource } from './effects.js';

/**
 * How far an unfinished wizard got, kept in the state dir so a second run can pick up there. It holds
 * no secret: a key typed into the wizard is not kept until the gateway step saves it to the config.
 */
export interface WizardProgress {
  providerId: string;
  baseUrl: string | undefined;
  model: string | undefined;
  /** Where the key came from; 'typed' means it must be typed again unless the config holds it by now. */
  keySource: KeySource;
  /** The furthest screen reached. */
  step: ProgressStep;
  /** Whether the provider settings were saved to the config (the gateway step does that). */
  saved: boolean;
}

export const progressSteps = ['provider', 'baseUrl', 'key', 'model', 'gateway', 'openclaw', 'diff', 'confirm'] as const;
export type ProgressStep = (typeof progressSteps)[number];

/** What a person sees for a step: "Model", "the planned edit". */
export const stepLabels: Record<ProgressStep, string> = {
  provider: 'Provider',
  baseUrl: 'Base URL',
  key: 'Key',
  model: 'Model',
  gateway: 'Gateway',
  openclaw: 'OpenClaw',
  diff: 'The planned edit',
  confirm: 'Confirm',
};

export function isProgressStep(value: unknown): value is ProgressStep {
  return typeof value === 'string' && (progressSteps as readonly string[]).includes(value);
}

/** Reads a stored progress record, or undefined when it is missing or not one (never throws on bad data). */
export function parseProgress(value: unknown): WizardProgress | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  const providerId = text(v.providerId);
  if (!providerId || !isProgressStep(v.step)) return undefined;
  const keySource = ['typed', 'env', 'stored', 'none'].includes(v.keySource as string) ? (v.keySource as KeySource) : 'typed';
  return { providerId, baseUrl: text(v.baseUrl), model: text(v.model), keySource, step: v.step, saved: v.saved === true };
}
