import { anthropicVersion } from '../providers/catalog.js';
import { authHeaders, chatCompletionsUrl, messagesUrl } from '../providers/upstream-target.js';
import { isartorVersion } from '../version.js';
import type { Route } from '../routing/routing-table.js';
import type { CallerProtocol, ChatRequest } from './context.js';
import { anthropicErrorBody, isCompleteAnthropicMessage, type AnthropicMessage, type AnthropicMessagesRequest } from '../protocols/anthropic.js';
import { AnthropicStreamAccumulator } from '../protocols/anthropic-stream.js';
import { anthropicRequestToOpenAI, OpenAIStreamToAnthropic, openAICompletionToAnthropic } from '../protocols/anthropic-to-openai.js';
import { withToolCallsForFunctionCall } from '../protocols/legacy-chat-answers.js';
import { isCompleteCompletion, openAIErrorBody, type ChatCompletionRequest } from '../protocols/openai.js';
import { ChatCompletionStreamAccumulator } from '../protocols/openai-stream.js';
import { anthropicMessageToOpenAI, AnthropicStreamToOpenAI, openAIRequestToAnthropic } from '../protocols/openai-to-anthropic.js';
import { planResponsesExchange } from './responses-exchange.js';
import { droppedForChat } from '../protocols/anthropic-fields-chat-lacks.js';
import { droppedForAnthropic } from '../protocols/openai-fields-anthropic-lacks.js';
import { EventAlignedBytes } from '../protocols/sse-event-boundary.js';
import { mayHoldBlankData, withoutBlankDataEvents } from '../protocols/sse-blank-events.js';
import { mayHoldForeignError, withForeignErrorsAsOwn } from '../protocols/foreign-error-events.js';

/** Turns upstream stream bytes into what the caller receives, and remembers the whole answer. */
export interface StreamRelay {
  push(bytes: Buffer): string | Buffer;
  /** What to write when the upstream stream ends cleanly. */
  end(): string | Buffer;
  /** The complete answer in the caller's protocol, or undefined if the stream was incomplete. */
  result(): object | undefined;
  /** What reached the caller so far, complete or not: for charging a client who left, never for the cache. */
  delivered?(): object | undefined;
  /**
   * The provider's final event (or an error) has come: nothing more of the answer will be read, so a
   * provider that then keeps its connection open need not be waited for (upstream-relay.ts).
   */
  settled?(): boolean;
}

/** One request to one upstream: where it goes, what it says, and how its answer comes back. */
export interface Exchange {
  /** The model the upstream is asked for. */
  model: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | string;
  /** The upstream speaks the caller's protocol, so its own error bodies can be passed on unchanged. */
  sameProtocol: boolean;
  openStream(): StreamRelay;
  /** A complete upstream JSON answer in the caller's protocol; undefined if it is not one. */
  answerFromJson(json: unknown): object | undefined;
  /** Request fields the translation left out that change how the answer is made (sent as `x-isartor-dropped`). */
  dropped?: string[];
}

/**
 * Plans the exchange for the caller's protocol and the upstream's: passed through unchanged when they
 * match, translated both ways (request, answer, stream event by event) when they do not.
 */
export function planExchange(chat: ChatRequest, route: Route): Exchange {
  const target = route.target;
  const upstreamProtocol = target.spec.protocol;
  // A route without a model (an openai-compatible server with none configured) serves the one asked for.
  const model = target.model ?? chat.requestedModel ?? chat.upstreamModel;
  const answerModel = chat.requestedModel ?? model;
  const common = { 'content-type': 'application/json', 'user-agent': `isartor/${isartorVersion}`, ...authHeaders(target) };
  const accept = { accept: chat.stream ? 'text/event-stream' : 'application/json' };

  if (chat.protocol === 'responses') {
    return planResponsesExchange(chat, route, model, { ...common, ...accept }, () => bodyWithModel(chat, model));
  }
  if (chat.protocol === 'openai' && upstreamProtocol === 'openai') {
    return {
      model,
      url: chatCompletionsUrl(target),
      headers: { ...common, ...accept },
      body: bodyWithModel(chat, model),
      sameProtocol: true,
      openStream: () => passthrough(new ChatCompletionStreamAccumulator(), 'openai'),
      answerFromJson: (json) => (isCompleteCompletion(json) ? json : undefined),
    };
  }
  if (chat.protocol === 'anthropic' && upstreamProtocol === 'anthropic') {
    return {
      model,
      url: messagesUrl(target, chat.betaQuery),
      // The caller's anthropic-version and anthropic-beta travel unchanged: they select API behaviour.
      headers: { ...{}, ...common, ...accept, 'anthropic-version': anthropicVersion, ...chat.anthropicHeaders },
      body: bodyWithModel(chat, model),
      sameProtocol: true,
      openStream: () => passthrough(new AnthropicStreamAccumulator(), 'anthropic'),
      answerFromJson: (json) => (isCompleteAnthropicMessage(json) ? json : undefined),
    };
  }
  if (chat.protocol === 'anthropic') {
    const body = chat.body as unknown as AnthropicMessagesRequest;
    const request = anthropicRequestToOpenAI(body, model, target.providerId);
    return {
      dropped: droppedForChat(body),
      model,
      url: chatCompletionsUrl(target),
      headers: { ...common, ...accept },
      body: JSON.stringify(request),
      sameProtocol: false,
      // The translator is itself a StreamRelay: it turns each upstream chunk into the caller's events.
      openStream: () => new OpenAIStreamToAnthropic(answerModel),
      answerFromJson: (json) => {
        // A legacy function_call is the answer's tool call; one that cannot be read fails the answer, never an empty success.
        const completion = isCompleteCompletion(json) ? withToolCallsForFunctionCall(json) : undefined;
        return completion && openAICompletionToAnthropic(completion, answerModel);
      },
    };
  }
  const chatBody = chat.body as unknown as ChatCompletionRequest;
  const request = openAIRequestToAnthropic(chatBody, model, target.providerId);
  return {
    dropped: droppedForAnthropic(chatBody),
    model,
    url: messagesUrl(target, false),
    headers: { ...{}, ...common, ...accept, 'anthropic-version': anthropicVersion },
    body: JSON.stringify(request),
    sameProtocol: false,
    openStream: () => new AnthropicStreamToOpenAI(answerModel, { includeUsage: chat.includeUsage }),
    answerFromJson: (json) => (isCompleteAnthropicMessage(json) ? anthropicMessageToOpenAI(json as AnthropicMessage, answerModel) : undefined),
  };
}

/** The error event a stream ends with when the upstream fails after the answer has begun. */
export function midStreamError(protocol: CallerProtocol, message: string, code: string): string {
  if (protocol === 'anthropic') return `event: error\ndata: ${JSON.stringify(anthropicErrorBody(message, 'api_error'))}\n\n`;
  // A Responses stream's error event: the SDK raises it as an APIError, Codex reports it.
  if (protocol === 'responses') return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
  return `data: ${JSON.stringify(openAIErrorBody(message, 'upstream_error', code))}\n\n`;
}

/** The client's body as sent, unless the route's model replaces the one it named. */
function bodyWithModel(chat: ChatRequest, model: string): Buffer | string {
  if (chat.body.model === model) return chat.raw;
  return JSON.stringify({ ...{}, ...chat.body, model });
}

/** What watches a passed-through stream: the whole answer for the caches, and whether the stream ended as its protocol ends. */
export interface StreamWatcher {
  push(bytes: Uint8Array): void;
  /** The stream ended: what the reader still holds (a last event without its blank line) is read. */
  end?(): void;
  result(): object | undefined;
  delivered?(): object | undefined;
  readonly ended: boolean;
}

/** Events with blank data dropped (sse-blank-events.ts); everything else as it came. */
const withoutBlankData = (bytes: Buffer): Buffer => (bytes.length > 0 && mayHoldBlankData(bytes) ? withoutBlankDataEvents(bytes) : bytes);

/**
 * Same protocol both sides: bytes go out as they came in, event by event (sse-event-boundary.ts), but for
 * events with blank data, which carry nothing and which the openai SDK throws on; the accumulator only watches. A stream that ends without its protocol's last event ([DONE], message_stop,
 * response.completed) or an error gets an error event at the end, so that the client hears why its
 * answer stopped instead of taking a part for the whole.
 */
export function passthrough(accumulator: StreamWatcher, protocol: CallerProtocol): StreamRelay {
  const aligned = new EventAlignedBytes();
  // An error in another server's shape, which Anthropic and Responses SDKs would skip, goes out as the caller's own (foreign-error-events.ts).
  const ownErrors = protocol === 'openai' ? (bytes: Buffer) => bytes : (bytes: Buffer) => (mayHoldForeignError(bytes) ? withForeignErrorsAsOwn(bytes, (message) => midStreamError(protocol, message, 'upstream_error')) : bytes);
  return {
    push: (bytes) => {
      accumulator.push(bytes);
      return ownErrors(withoutBlankData(aligned.push(bytes)));
    },
    end: () => {
      const rest = ownErrors(withoutBlankData(aligned.rest()));
      accumulator.end?.();
      if (accumulator.ended) return rest;
      // An unfinished last event is never dispatched by an SSE reader: the error takes its place.
      return midStreamError(protocol, 'The provider ended the stream before the answer was complete; nothing was cached. Try again.', 'upstream_incomplete_stream');
    },
    result: () => accumulator.result(),
    delivered: () => accumulator.delivered?.(),
    settled: () => accumulator.ended,
  };
}
