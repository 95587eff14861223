// OpenAI-compatible endpoints: chat completions, model listing, and Ollama's /api/tags.
import { createHash } from 'node:crypto';
import {
  type Answer,
  type Ctx,
  answerText,
  approxTokens,
  dropConnection,
  makeAnswer,
  messagesText,
  now,
  randomId,
  sendError,
  sendJson,
  splitPieces,
  splitWords,
  sse,
  streamEvents,
} from './shared.js';

// ---------------------------------------------------------------------------------------
// OpenAI: chat completions
// ---------------------------------------------------------------------------------------

export async function handleChatCompletions(ctx: Ctx): Promise<void> {
  const body = ctx.rec.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return sendError(ctx, 'openai', 400, 'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload.)');
  }
  if (typeof body.model !== 'string' || body.model === '') return sendError(ctx, 'openai', 400, 'you must provide a model parameter');
  if (!Array.isArray(body.messages)) return sendError(ctx, 'openai', 400, "Missing required parameter: 'messages'.", { param: 'messages' });
  if (!ctx.opts.models.includes(body.model)) {
    return sendError(ctx, 'openai', 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
  }

  const answer = makeAnswer(ctx, body.max_completion_tokens ?? body.max_tokens);
  const n = Number.isInteger(body.n) && body.n > 1 ? (body.n as number) : 1;
  const promptTokens = approxTokens(messagesText(body.messages));
  const completionTokens = approxTokens(answerText(answer)) * n;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const head = { id: randomId('chatcmpl-', 29), created: now(), model: body.model as string, system_fingerprint: 'fp_fake' };
  const finishReason = answer.kind === 'tool' ? 'tool_calls' : answer.truncated ? 'length' : 'stop';
  const toolCallId = randomId('call_');

  if (body.stream === true) {
    const includeUsage = body.stream_options?.include_usage === true;
    const chunks = openaiChunks(head, answer, n, finishReason, toolCallId, includeUsage ? usage : undefined);
    return streamEvents(ctx, 'openai', [...chunks.map(sse), sse('[DONE]')]);
  }
  if (ctx.mode.kind === 'drop') return dropConnection(ctx);

  const message =
    answer.kind === 'tool'
      ? { role: 'assistant', content: null, tool_calls: [{ id: toolCallId, type: 'function', function: { name: answer.name, arguments: answer.args } }], refusal: null }
      : { role: 'assistant', content: answer.text, refusal: null };
  const choices = Array.from({ length: n }, (_, index) => ({ index, message, logprobs: null, finish_reason: finishReason }));
  sendJson(ctx, 'openai', 200, { id: head.id, object: 'chat.completion', created: head.created, model: head.model, choices, usage, system_fingerprint: head.system_fingerprint });
}

function openaiChunks(
  head: { id: string; created: number; model: string; system_fingerprint: string },
  answer: Answer,
  n: number,
  finishReason: string,
  toolCallId: string,
  usage: object | undefined,
): object[] {
  const chunk = (choices: object[], extra: object = {}) => ({
    id: head.id,
    object: 'chat.completion.chunk',
    created: head.created,
    model: head.model,
    system_fingerprint: head.system_fingerprint,
    choices,
    ...(usage ? { usage: null } : {}),
    ...extra,
  });
  const choice = (index: number, delta: object, finish: string | null = null) => ({ index, delta, logprobs: null, finish_reason: finish });

  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    if (answer.kind === 'tool') {
      out.push(chunk([choice(i, { role: 'assistant', content: null })]));
      out.push(chunk([choice(i, { tool_calls: [{ index: 0, id: toolCallId, type: 'function', function: { name: answer.name, arguments: '' } }] })]));
      for (const piece of splitPieces(answer.args)) out.push(chunk([choice(i, { tool_calls: [{ index: 0, function: { arguments: piece } }] })]));
    } else {
      out.push(chunk([choice(i, { role: 'assistant', content: '' })]));
      for (const word of splitWords(answer.text)) out.push(chunk([choice(i, { content: word })]));
    }
    out.push(chunk([choice(i, {}, finishReason)]));
  }
  if (usage) out.push(chunk([], { usage }));
  return out;
}


// ---------------------------------------------------------------------------------------
// Model listings (OpenAI /v1/models, Ollama /api/tags)
// ---------------------------------------------------------------------------------------

const CREATED = 1_700_000_000;
export const openaiModel = (id: string) => ({ id, object: 'model', created: CREATED, owned_by: 'fake' });

export function handleModel(ctx: Ctx, id: string): void {
  if (ctx.opts.models.includes(id)) return sendJson(ctx, 'openai', 200, openaiModel(id));
  sendError(ctx, 'openai', 404, `The model '${id}' does not exist`, { code: 'model_not_found', param: 'model' });
}

export function handleTags(ctx: Ctx): void {
  const models = ctx.opts.models.map((name) => ({
    name,
    model: name,
    modified_at: new Date(CREATED * 1000).toISOString(),
    size: 1_000_000_000,
    digest: createHash('sha256').update(name).digest('hex'),
    details: { format: 'gguf', family: 'fake', parameter_size: '1B', quantization_level: 'Q4_0' },
  }));
  sendJson(ctx, 'openai', 200, { models });
}

