import type { Route } from '../routing/routing-table.js';
import type { ChatRequest } from './context.js';
import type { AnthropicMessagesRequest } from '../protocols/anthropic.js';
import type { ChatCompletionRequest } from '../protocols/openai.js';
import { refuseAnthropicOnly } from '../protocols/anthropic-fields-chat-lacks.js';
import { refuseOpenAIOnly } from '../protocols/openai-fields-anthropic-lacks.js';
import { UntranslatableRequest } from '../protocols/responses.js';

/** A request no route of its chain can take as asked, with the message and code of its 400. */
export interface RouteRefusal {
  message: string;
  code: string;
}

/**
 * Drops from a chat or Anthropic request's route chain the routes whose provider cannot do what it asks
 * (an Anthropic server tool for a chat completions provider, `response_format` json_schema for Anthropic:
 * anthropic-fields-chat-lacks.ts, openai-fields-anthropic-lacks.ts), so that a fallback that can serves it
 * instead of the first such route refusing it; prepareResponsesRequest does the same for Responses.
 * With none left, returns the refusal for the first route; otherwise updates `chat` (its primary route
 * too, as the cache key names it) and returns undefined.
 */
export function keepTranslatableRoutes(chat: ChatRequest): RouteRefusal | undefined {
  return keepServableRoutes(chat, (route) => routeProblem(chat, route));
}

/**
 * Keeps the routes of `chat`'s chain that `problemOf` finds nothing against, the primary among them (the
 * cache key names it); with none left, returns the first route's problem and changes nothing. Shared by
 * the chat and Anthropic requests here and by Responses (prepareResponsesRequest).
 */
export function keepServableRoutes(chat: ChatRequest, problemOf: (route: Route) => RouteRefusal | undefined): RouteRefusal | undefined {
  let refusal: RouteRefusal | undefined;
  const servable = chat.routes.filter((route) => {
    const problem = problemOf(route);
    refusal ??= problem;
    return problem === undefined;
  });
  if (servable.length === chat.routes.length) return undefined;
  if (servable.length === 0) return refusal;
  if (servable[0] !== chat.routes[0]) {
    chat.target = servable[0]!.target;
    chat.upstreamModel = servable[0]!.target.model ?? chat.requestedModel ?? chat.upstreamModel;
  }
  chat.routes = servable;
  return undefined;
}

function routeProblem(chat: ChatRequest, route: Route): RouteRefusal | undefined {
  const provider = route.target.providerId;
  const upstreamAnthropic = route.target.spec.protocol === 'anthropic';
  try {
    if (chat.protocol === 'anthropic' && !upstreamAnthropic) refuseAnthropicOnly(chat.body as unknown as AnthropicMessagesRequest, provider);
    else if (chat.protocol === 'openai' && upstreamAnthropic) refuseOpenAIOnly(chat.body as unknown as ChatCompletionRequest, provider);
    return undefined;
  } catch (error) {
    if (!(error instanceof UntranslatableRequest)) throw error;
    return { message: `isartor could not translate this request for ${provider}: ${error.message}. Check the request against the API reference.`, code: 'untranslatable_request' };
  }
}
