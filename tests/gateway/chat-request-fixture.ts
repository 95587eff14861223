import type { ChatRequest } from '../../source/gateway/context.js';
import { findProvider } from '../../source/providers/catalog.js';

/** A parsed request as the parse layer would hand it on: groq, model "m", OpenAI protocol, unless overridden. */
export function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  const spec = findProvider('groq')!;
  const body = overrides.body ?? { messages: [] };
  return {
    protocol: 'openai',
    body,
    raw: Buffer.from(JSON.stringify(body)),
    stream: false,
    includeUsage: false,
    requestedModel: 'm',
    anthropicHeaders: {},
    betaQuery: false,
    query: '',
    skipLookup: false,
    skipStore: false,
    routes: [],
    target: { providerId: 'groq', spec, baseUrl: spec.baseUrl!, apiKey: 'k', model: 'm' },
    upstreamModel: 'm',
    ...overrides,
  };
}
