// OpenAI's Responses API (POST /v1/responses), as OpenAI streams and answers it: the event sequence
// response.created, response.in_progress, per item output_item.added / content_part.added / deltas /
// .done events / output_item.done, then response.completed with usage; `sequence_number` on every event.
import { type Answer, type Ctx, answerText, approxTokens, dropConnection, makeAnswer, namedSse, now, randomId, sendError, sendJson, splitPieces, splitWords, streamEvents } from './shared.js';

export async function handleResponses(ctx: Ctx): Promise<void> {
  const body = ctx.rec.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return sendError(ctx, 'openai', 400, 'We could not parse the JSON body of your request.');
  if (typeof body.model !== 'string' || body.model === '') return sendError(ctx, 'openai', 400, "Missing required parameter: 'model'.", { param: 'model' });
  if (!ctx.opts.models.includes(body.model)) {
    return sendError(ctx, 'openai', 404, `The model \`${body.model}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
  }
  if (typeof body.previous_response_id === 'string') {
    return sendError(ctx, 'openai', 404, `Previous response with id '${body.previous_response_id}' not found.`, { param: 'previous_response_id' });
  }
  const answer = makeAnswer(ctx, body.max_output_tokens);
  const inputTokens = approxTokens(inputText(body));
  const outputTokens = approxTokens(answerText(answer));
  const usage = { input_tokens: inputTokens, input_tokens_details: { cached_tokens: 0 }, output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: inputTokens + outputTokens };
  const id = randomId('resp_', 32);
  const base = {
    id,
    object: 'response',
    created_at: now(),
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output: [] as object[],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: null,
    metadata: {},
  };
  const item = outputItem(answer);
  const finished = {
    ...base,
    status: answer.kind === 'text' && answer.truncated ? 'incomplete' : 'completed',
    incomplete_details: answer.kind === 'text' && answer.truncated ? { reason: 'max_output_tokens' } : null,
    output: [item],
    usage,
  };
  if (body.stream === true) return streamEvents(ctx, 'openai', responseEvents(base, finished, item, answer));
  if (ctx.mode.kind === 'drop') return dropConnection(ctx);
  sendJson(ctx, 'openai', 200, finished);
}

function outputItem(answer: Answer): Record<string, unknown> {
  if (answer.kind === 'tool') {
    return { type: 'function_call', id: randomId('fc_', 32), call_id: randomId('call_'), name: answer.name, arguments: answer.args, status: 'completed' };
  }
  return { type: 'message', id: randomId('msg_', 32), status: 'completed', role: 'assistant', content: [{ type: 'output_text', annotations: [], logprobs: [], text: answer.text }] };
}

function responseEvents(base: Record<string, unknown>, finished: Record<string, unknown>, item: Record<string, unknown>, answer: Answer): string[] {
  let sequence = 0;
  const events: Array<Record<string, unknown> & { type: string }> = [];
  const emit = (event: Record<string, unknown> & { type: string }) => events.push({ ...event, sequence_number: sequence++ });
  emit({ type: 'response.created', response: base });
  emit({ type: 'response.in_progress', response: base });
  const at = { output_index: 0, item_id: item.id };
  if (answer.kind === 'tool') {
    emit({ type: 'response.output_item.added', output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
    for (const delta of splitPieces(answer.args)) emit({ type: 'response.function_call_arguments.delta', ...at, delta });
    emit({ type: 'response.function_call_arguments.done', ...at, name: answer.name, arguments: answer.args });
  } else {
    const part = { type: 'output_text', annotations: [], logprobs: [], text: '' };
    emit({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    emit({ type: 'response.content_part.added', ...at, content_index: 0, part });
    for (const delta of splitWords(answer.text)) emit({ type: 'response.output_text.delta', ...at, content_index: 0, delta, logprobs: [] });
    emit({ type: 'response.output_text.done', ...at, content_index: 0, text: answer.text, logprobs: [] });
    emit({ type: 'response.content_part.done', ...at, content_index: 0, part: { ...part, text: answer.text } });
  }
  emit({ type: 'response.output_item.done', output_index: 0, item });
  emit({ type: finished.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: finished });
  return events.map(namedSse);
}

function inputText(body: any): string {
  const parts: string[] = [typeof body.instructions === 'string' ? body.instructions : ''];
  if (typeof body.input === 'string') parts.push(body.input);
  for (const item of Array.isArray(body.input) ? body.input : []) {
    if (typeof item?.output === 'string') parts.push(item.output);
    if (typeof item?.arguments === 'string') parts.push(item.arguments);
    if (typeof item?.content === 'string') parts.push(item.content);
    for (const part of Array.isArray(item?.content) ? item.content : []) if (typeof part?.text === 'string') parts.push(part.text);
  }
  return parts.join('\n');
}
