import { performance } from 'node:perf_hooks';
import got, { type Response } from 'got';
import { classifyNetworkError, type NetworkFailureKind } from './network-failure.js';
import { anthropicVersion } from './catalog.js';
import { providerErrorMessage } from './provider-error-message.js';
import { authHeaders, type UpstreamTarget } from './upstream-target.js';

export type CheckProblemKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'model_missing'
  | 'server_error'
  | 'unexpected_status'
  | 'bad_body'
  | NetworkFailureKind;

export interface CheckResult {
  ok: boolean;
  provider: string;
  baseUrl: string;
  /** The request the check made. */
  request: string;
  status: number | null;
  latencyMs: number;
  model: string | null;
  /** null: this provider's model list cannot say (Azure deployments), or no model is configured. */
  modelFound: boolean | null;
  /** A few of the models the provider offers, to help pick one. */
  availableModels?: string[];
  warning?: string;
  problem?: { kind: CheckProblemKind; message: string; fix: string };
}

/**
 * A live check of one configured provider that spends no tokens where the protocol allows it:
 * `GET /models` for OpenAI-compatible providers, `/api/tags` for Ollama, and a 1-token message for Anthropic.
 * `isartor check` and the setup wizard both call this.
 */
export async function checkProvider(target: UpstreamTarget, options: { timeoutMs?: number; listModels?: boolean } = {}): Promise<CheckResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const probe = buildProbe(target);
  const base: Omit<CheckResult, 'ok' | 'status' | 'latencyMs' | 'modelFound'> = {
    provider: target.providerId,
    baseUrl: target.baseUrl,
    request: `${probe.method} ${probe.url}`,
    model: target.model ?? null,
  };
  const startedAt = performance.now();
  let response: Response<string>;
  try {
    response = await got(probe.url, {
      method: probe.method,
      headers: { ...authHeaders(target), ...probe.headers },
      ...(probe.body ? { body: probe.body } : {}),
      timeout: { request: timeoutMs },
      throwHttpErrors: false,
      retry: { limit: 0 },
    });
  } catch (error) {
    const failure = classifyNetworkError(error, probe.url, timeoutMs, target.providerId);
    return { ...{}, ...base, ok: false, status: null, latencyMs: elapsed(startedAt), modelFound: null, problem: failure };
  }
  const latencyMs = elapsed(startedAt);
  const status = response.statusCode;
  const statusProblem = problemForStatus(target, status, response.body);
  if (statusProblem) {
    return { ...{}, ...base, ok: false, status, latencyMs, modelFound: statusProblem.kind === 'model_missing' ? false : null, problem: statusProblem };
  }
  if (status === 429) {
    const warning = `${target.providerId} accepted the key but is rate-limiting it right now (HTTP 429); the model was not checked.`;
    return { ...{}, ...base, ok: true, status, latencyMs, modelFound: null, warning };
  }
  const models = probe.readModels(response.body);
  if (models === 'unreadable') {
    return {
      ...{}, ...base,
      ok: false,
      status,
      latencyMs,
      modelFound: null,
      problem: { kind: 'bad_body', message: `${probe.url} answered HTTP ${status} but not with the expected JSON.`, fix: 'Check that the base URL points at the provider API, not a web page.' },
    };
  }
  const judged = judgeModel(target, models);
  // The setup wizard offers the whole list to pick from, not just the sample a failure shows.
  if (options.listModels && models !== 'probed') judged.availableModels = models.slice(0, maxListedModels);
  return { ...{}, ...base, ...judged, status, latencyMs };
}

const maxListedModels = 200;

interface Probe {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The models the answer shows: a list, 'probed' when the request itself used the model, or 'unreadable'. */
  readModels(body: string): string[] | 'probed' | 'unreadable';
}

function buildProbe(target: UpstreamTarget): Probe {
  switch (target.spec.keyCheck) {
    case 'anthropic-message':
      return {
        method: 'POST',
        url: `${target.baseUrl}/v1/messages`,
        headers: { 'content-type': 'application/json', 'anthropic-version': anthropicVersion },
        body: JSON.stringify({ model: target.model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }),
        readModels: (body) => (parseJson(body) === undefined ? 'unreadable' : 'probed'),
      };
    case 'ollama-tags':
      return {
        method: 'GET',
        url: `${target.baseUrl.replace(/\/v1$/, '')}/api/tags`,
        readModels: (body) => {
          const models = (parseJson(body) as { models?: Array<{ name?: unknown }> } | undefined)?.models;
          return Array.isArray(models) ? models.map((m) => String(m.name)) : 'unreadable';
        },
      };
    case 'openai-models':
      return {
        method: 'GET',
        url: `${target.baseUrl}/models`,
        readModels: (body) => {
          const data = (parseJson(body) as { data?: Array<{ id?: unknown }> } | undefined)?.data;
          return Array.isArray(data) ? data.map((m) => String(m.id)) : 'unreadable';
        },
      };
  }
}

function problemForStatus(target: UpstreamTarget, status: number, body: string): CheckResult['problem'] {
  if (status >= 200 && status < 300) return undefined;
  const provider = target.providerId;
  const detail = providerErrorMessage(body, 300);
  const getKey = target.spec.keyUrl ? ` (get one at ${target.spec.keyUrl})` : '';
  if (status === 401 && !target.apiKey) {
    // No key was sent, so none was rejected: the server wants one.
    return {
      kind: 'unauthorized',
      message: `${provider} answered HTTP 401: it wants an API key, and none was given${detail ? ` (${detail})` : ''}.`,
      fix: `Store one with \`isartor set-key -p ${provider}\`${getKey}.`,
    };
  }
  if (status === 401) {
    return {
      kind: 'unauthorized',
      message: `${provider} rejected the API key (HTTP 401)${detail ? `: ${detail}` : ''}.`,
      fix: `Store a valid key with \`isartor set-key -p ${provider}\`${getKey}.`,
    };
  }
  if (status === 403) {
    return {
      kind: 'forbidden',
      message: `${provider} accepted the key but refused access (HTTP 403)${detail ? `: ${detail}` : ''}.`,
      fix: 'Check the key\'s permissions and your account\'s access to this model or region.',
    };
  }
  if (status === 404 || (status === 400 && /model/i.test(detail ?? ''))) {
    const modelProblem = target.spec.keyCheck === 'anthropic-message' && /model/i.test(detail ?? '');
    return modelProblem
      ? {
          kind: 'model_missing',
          message: `${provider} does not offer the model "${target.model}" (HTTP ${status})${detail ? `: ${detail}` : ''}.`,
          fix: `Pick another with \`isartor set-key -p ${provider} --model <model>\`.`,
        }
      : {
          kind: 'not_found',
          message: `Nothing answers at ${target.baseUrl} for this API (HTTP 404): the base URL is probably wrong.`,
          fix: `Fix it with \`isartor set-key -p ${provider} --base-url <url>\`${target.spec.baseUrlExample ? ` (it looks like ${target.spec.baseUrlExample})` : ''}.`,
        };
  }
  if (status >= 500) {
    return { kind: 'server_error', message: `${provider} failed with HTTP ${status}${detail ? `: ${detail}` : ''}.`, fix: 'This is on the provider\'s side; retry later or check its status page.' };
  }
  if (status === 429) return undefined;
  return { kind: 'unexpected_status', message: `${provider} answered HTTP ${status}${detail ? `: ${detail}` : ''}.`, fix: 'Check the base URL and key.' };
}

function judgeModel(target: UpstreamTarget, models: string[] | 'probed'): Pick<CheckResult, 'ok' | 'modelFound' | 'availableModels' | 'problem' | 'warning'> {
  const model = target.model;
  if (models === 'probed') return { ok: true, modelFound: true };
  const sample = models.slice(0, 10);
  if (!model) {
    return { ok: true, modelFound: null, availableModels: sample, warning: 'No model is configured: the gateway forwards the model each client names.' };
  }
  if (!target.spec.modelsAreListed) return { ok: true, modelFound: null };
  const wanted = normaliseModelId(model);
  const found = models.some((id) => {
    const candidate = normaliseModelId(id);
    return candidate === wanted || (target.spec.keyCheck === 'ollama-tags' && candidate === `${wanted}:latest`);
  });
  if (found) return { ok: true, modelFound: true };
  return {
    ok: false,
    modelFound: false,
    availableModels: sample,
    problem: {
      kind: 'model_missing',
      message: `The key works, but ${target.providerId} does not offer the model "${model}".`,
      fix: `Pick one it offers with \`isartor set-key -p ${target.providerId} --model <model>\`${sample.length ? `, for example ${sample.slice(0, 3).join(', ')}` : ''}.`,
    },
  };
}

/** Gemini lists `models/gemini-2.5-flash` where requests say `gemini-2.5-flash`. */
function normaliseModelId(id: string): string {
  return id.replace(/^models\//, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
