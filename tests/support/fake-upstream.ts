// A fake LLM provider server for tests and benchmarks. It stands in for OpenAI-compatible
// providers (OpenAI, Groq, Ollama's /v1, ...), Anthropic's Messages API and Ollama's
// /api/tags, speaking the wire protocols faithfully enough that the official SDKs can talk
// to it directly. Only node built-ins are used.
//
//   const up = await startFakeUpstream({ apiKey: 'k' });
//   const openai = new OpenAI({ baseURL: up.openaiBaseUrl, apiKey: 'k' });
//   up.setMode({ kind: 'error', status: 503 }, { times: 1 }); // next request fails, then ok again
//   ...
//   await up.close();
//
// Implementation: fake-upstream/server.ts (routing, auth, modes, counters),
// fake-upstream/openai.ts, fake-upstream/anthropic.ts, fake-upstream/shared.ts.
export type { FakeMode, FakeUpstream, FakeUpstreamOptions, RecordedRequest } from './fake-upstream/types.js';
export { startFakeUpstream } from './fake-upstream/server.js';
export { lastUserText, splitWords } from './fake-upstream/shared.js';
