import type { Route } from '../routing/routing-table.js';
import { chatCompletionsUrl, messagesUrl, responsesUrl } from '../providers/upstream-target.js';
import { anthropicVersion } from '../providers/catalog.js';
import type { ChatRequest } from './context.js';
import { isCompleteAnthropicMessage, type AnthropicMessage } from '../protocols/anthropic.js';
import { withToolCallsForFunctionCall } from '../protocols/legacy-chat-answers.js';
import { isCompleteCompletion } from '../protocols/openai.js';
import { isCompleteResponse, type ResponsesRequest } from '../protocols/responses.js';
import { ResponsesStreamAccumulator } from '../protocols/responses-stream.js';
import { ChatStreamToResponses, chatCompletionToResponse, responsesRequestToChat } from '../protocols/responses-to-chat.js';
import { AnthropicStreamToResponses, anthropicMessageToResponse, responsesRequestToAnthropic } from '../protocols/responses-to-anthropic.js';
import { passthrough, type Exchange } from './upstream-exchange.js';
import { droppedForResponsesTranslation } from '../protocols/responses-fields-translation-drops.js';

/**
 * The exchange for a Responses caller: passed through byte for byte to a provider that speaks the
 * Responses API (the accumulator only watches, to cache the final response), translated both ways to
 * chat completions or Anthropic messages otherwise.
 */
export function planResponsesExchange(
  chat: ChatRequest,
  route: Route,
  model: string,
  headers: Record<string, string>,
  bodyWithModel: () => Buffer | string,
): Exchange {
  const target = route.target;
  const body = chat.body as ResponsesRequest;
  const context = { requestedModel: chat.requestedModel ?? model, body };
  if (target.speaksResponses) {
    return {
      model,
      url: responsesUrl(target),
      headers,
      body: bodyWithModel(),
      sameProtocol: true,
      openStream: () => passthrough(new ResponsesStreamAccumulator(), 'responses'),
      answerFromJson: (json) => (isCompleteResponse(json) ? json : undefined),
    };
  }
  if (target.spec.protocol === 'anthropic') {
    return {
      dropped: droppedForResponsesTranslation(body, 'anthropic'),
      model,
      url: messagesUrl(target, false),
      headers: { ...{}, ...headers, 'anthropic-version': anthropicVersion },
      body: JSON.stringify(responsesRequestToAnthropic(body, model)),
      sameProtocol: false,
      openStream: () => new AnthropicStreamToResponses(context),
      answerFromJson: (json) => (isCompleteAnthropicMessage(json) ? anthropicMessageToResponse(json as AnthropicMessage, context) : undefined),
    };
  }
  return {
    dropped: droppedForResponsesTranslation(body, 'chat'),
    model,
    url: chatCompletionsUrl(target),
    headers,
    body: JSON.stringify(responsesRequestToChat(body, model)),
    sameProtocol: false,
    openStream: () => new ChatStreamToResponses(context),
    answerFromJson: (json) => {
      // A legacy function_call is the answer's tool call; one that cannot be read fails the answer, never an empty success.
      const completion = isCompleteCompletion(json) ? withToolCallsForFunctionCall(json) : undefined;
      return completion && chatCompletionToResponse(completion, context);
    },
  };
}
