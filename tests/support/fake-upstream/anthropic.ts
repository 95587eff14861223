// Anthropic Messages API: /v1/messages (plain and streamed) and /v1/messages/count_tokens.
import {
  type Ctx,
  answerText,
  approxTokens,
  contentText,
  dropConnection,
  makeAnswer,
  messagesText,
  namedSse,
  randomId,
  sendError,
  sendJson,
  splitPieces,
  splitWords,
  streamEvents,
} from './shared.js';

// ---------------------------------------------------------------------------------------
// Anthropic: messages
// ---------------------------------------------------------------------------------------

/** Validates an Anthropic request body; sends the error and returns undefined when invalid. */
function anthropicBody(ctx: Ctx, required: string[]): any {
  const body = ctx.rec.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    sendError(ctx, 'anthropic', 400, 'There was an issue with the request body: invalid JSON');
    return undefined;
  }
  const missing = required.find((field) => body[field] === undefined);
  if (missing) return void sendError(ctx, 'anthropic', 400, `${missing}: Field required`);
  if (!Array.isArray(body.messages)) return void sendError(ctx, 'anthropic', 400, 'messages: Input should be a valid list');
  if (!ctx.opts.models.includes(body.model)) return void sendError(ctx, 'anthropic', 404, `model: ${body.model}`);
  return body;
}

function anthropicInputTokens(body: any): number {
  return approxTokens([contentText(body.system), messagesText(body.messages)].filter(Boolean).join('\n'));
}

export async function handleMessages(ctx: Ctx): Promise<void> {
  const body = anthropicBody(ctx, ['model', 'max_tokens', 'messages']);
  if (!body) return;
  const answer = makeAnswer(ctx, body.max_tokens);
  const toolUseId = randomId('toolu_');
  const stopReason = answer.kind === 'tool' ? 'tool_use' : answer.truncated ? 'max_tokens' : 'end_turn';
  const inputTokens = anthropicInputTokens(body);
  const outputTokens = approxTokens(answerText(answer));
  const message = {
    id: randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: answer.kind === 'tool' ? [{ type: 'tool_use', id: toolUseId, name: answer.name, input: answer.input }] : [{ type: 'text', text: answer.text }],
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };

  if (body.stream === true) {
    const deltas =
      answer.kind === 'tool'
        ? splitPieces(answer.args).map((partial_json) => ({ type: 'input_json_delta', partial_json }))
        : splitWords(answer.text).map((text) => ({ type: 'text_delta', text }));
    const block = answer.kind === 'tool' ? { type: 'tool_use', id: toolUseId, name: answer.name, input: {} } : { type: 'text', text: '' };
    const events = [
      { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: block },
      { type: 'ping' },
      ...deltas.map((delta) => ({ type: 'content_block_delta', index: 0, delta })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outputTokens } },
      { type: 'message_stop' },
    ];
    return streamEvents(ctx, 'anthropic', events.map(namedSse));
  }
  if (ctx.mode.kind === 'drop') return dropConnection(ctx);
  sendJson(ctx, 'anthropic', 200, message);
}

export function handleCountTokens(ctx: Ctx): void {
  const body = anthropicBody(ctx, ['model', 'messages']);
  if (body) sendJson(ctx, 'anthropic', 200, { input_tokens: anthropicInputTokens(body) });
}

