import type { EventSourceMessage, EventSourceParser } from 'eventsource-parser';
import { createSseParser } from './sse-parser.js';
import { isProviderErrorShape, providerErrorWords } from './provider-error-words.js';
import {
  parseToolInput,
  type AnthropicMessage,
  type AnthropicResponseBlock,
  type AnthropicStreamEvent,
  type AnthropicUsage,
} from './anthropic.js';
import { markLossy } from './answer-fidelity.js';
import { isRunnableArguments } from './tool-arguments.js';
import { isAnthropicEvent } from './provider-answer-schemas.js';
import { splitForReplay } from './replay-pieces.js';
import { SseTextFeed } from './sse-text-feed.js';

/** One event as Anthropic writes it: the SSE event name repeats the data's `type`. */
export function anthropicSseEvent(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Turns the bytes of an Anthropic SSE stream into events, however the bytes are sliced (multi-byte
 * characters included). An event whose data is not a JSON object with a `type` arrives as undefined,
 * so that the reader's owner can refuse to trust the rest of the stream.
 */
export class AnthropicEventReader {
  readonly #parser: EventSourceParser;
  readonly #feed: SseTextFeed;
  readonly #decoder = new TextDecoder();

  constructor(onEvent: (event: AnthropicStreamEvent | undefined) => void) {
    this.#parser = createSseParser((message) => onEvent(readEvent(message)));
    this.#feed = new SseTextFeed(this.#parser);
  }

  push(bytes: Uint8Array): void {
    this.#feed.feed(this.#decoder.decode(bytes, { stream: true }));
  }

  /** The stream ended: an event that lacked only its closing blank line still counts. */
  end(): void {
    this.#parser.feed(`${this.#decoder.decode()}\n\n`);
  }
}

function readEvent(message: EventSourceMessage): AnthropicStreamEvent | undefined {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    // An `event: error` with a plain-text body is still an error, not garbage.
    return message.event === 'error' ? { type: 'error', error: { type: 'api_error', message: message.data } } : undefined;
  }
  if (isAnthropicEvent(data)) return data as AnthropicStreamEvent;
  // An error in another server's shape (`{"error": "..."}`, no type) is still an error, with its words.
  const words = isProviderErrorShape(data) ? providerErrorWords(data) : undefined;
  return words === undefined ? undefined : { type: 'error', error: { type: 'api_error', message: words } };
}

/**
 * Rebuilds the whole answer from an Anthropic SSE stream as its bytes pass through, so that a streamed
 * answer can be cached and replayed. The bytes themselves are forwarded untouched elsewhere.
 */
export class AnthropicStreamAccumulator {
  readonly #reader = new AnthropicEventReader((event) => this.#onEvent(event));
  #message: AnthropicMessage | undefined;
  readonly #blocks = new Map<number, AnthropicResponseBlock>();
  /** Tool input arrives as JSON text in pieces; it is parsed once the answer is asked for. */
  readonly #inputJson = new Map<number, string>();
  #stopped = false;
  #ended = false;
  #broken = false;
  /** A delta of a type this code does not know: the rebuilt answer lacks it (see answer-fidelity.ts). */
  #lossy = false;

  push(bytes: Uint8Array): void {
    // Read on after a fault too: whether the stream ended properly decides what the client is told.
    if (this.#ended) return;
    this.#reader.push(bytes);
  }

  /** The stream ended: an event that lacked only its closing blank line (or ended in a lone CR) still counts. */
  end(): void {
    if (!this.#ended) this.#reader.end();
  }

  /** Whether the stream ended as a Messages stream ends: message_stop, or the provider's own error event. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The full answer, or undefined when the stream ended early, carried an error, or did not parse. */
  result(): AnthropicMessage | undefined {
    if (this.#broken || !this.#stopped || !this.#message) return undefined;
    return this.#build(this.#message);
  }

  /** What the stream carried so far, finished or not: only for charging a client who left, never for the cache. */
  delivered(): AnthropicMessage | undefined {
    return this.#message ? this.#build(this.#message) : undefined;
  }

  #build(message: AnthropicMessage): AnthropicMessage {
    let runnable = true;
    const content = [...this.#blocks]
      .sort(([a], [b]) => a - b)
      .map(([index, block]) => {
        const json = this.#inputJson.get(index);
        if (json === undefined) return { ...block };
        runnable &&= isRunnableArguments(json);
        return { ...{}, ...block, input: parseToolInput(json) } as AnthropicResponseBlock;
      });
    const built = { ...{}, ...message, content, usage: { ...message.usage } };
    // Tool input that is not a JSON object was passed on as it came, but reads back as `{}`: never cached.
    if (this.#lossy || !runnable) markLossy(built);
    return built;
  }

  #onEvent(event: AnthropicStreamEvent | undefined): void {
    if (event?.type === 'error' || event?.type === 'message_stop') this.#ended = true;
    if (this.#broken || this.#stopped) return;
    if (!event || event.type === 'error') {
      this.#broken = true;
      return;
    }
    if (event.type === 'ping') return;
    if (event.type === 'message_start') {
      if (this.#message) {
        // A second message in one stream: not something one answer can hold.
        this.#broken = true;
        return;
      }
      this.#message = { ...{}, ...event.message, content: [], usage: { ...event.message.usage } };
      return;
    }
    const message = this.#message;
    if (!message) {
      // Anything before message_start means this is not a stream we understand.
      this.#broken = true;
      return;
    }
    switch (event.type) {
      case 'content_block_start':
        // Blocks start in index order, each once: one that starts out of order (block 1 before block 0) or
        // leaves a gap reaches this client in arrival order, but a replay would send index order, another
        // answer. It is relayed as it came, and not kept.
        if (!this.#blocks.has(event.index) && event.index !== this.#blocks.size) this.#lossy = true;
        this.#blocks.set(event.index, { ...event.content_block });
        return;
      case 'content_block_delta':
        this.#onDelta(event.index, event.delta);
        return;
      case 'content_block_stop':
        return;
      case 'message_delta':
        Object.assign(message, event.delta);
        mergeUsage(message.usage, event.usage);
        return;
      case 'message_stop':
        this.#stopped = true;
        return;
      default:
        // Event types newer than this code carry nothing the answer needs.
        return;
    }
  }

  #onDelta(index: number, delta: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']): void {
    const block = this.#blocks.get(index);
    if (!block) {
      this.#broken = true;
      return;
    }
    switch (delta.type) {
      case 'text_delta':
        if (block.type === 'text') block.text += delta.text;
        return;
      case 'input_json_delta':
        this.#inputJson.set(index, (this.#inputJson.get(index) ?? '') + delta.partial_json);
        return;
      case 'thinking_delta':
        if (block.type === 'thinking') block.thinking += delta.thinking;
        return;
      case 'signature_delta':
        if (block.type === 'thinking') block.signature = delta.signature;
        return;
      case 'citations_delta':
        if (block.type === 'text') block.citations = [...(block.citations ?? []), delta.citation];
        return;
      default:
        this.#lossy = true;
    }
  }
}

/** message_delta usage counts are whole-message totals: present ones replace, absent ones keep. */
function mergeUsage(usage: AnthropicUsage, update: Partial<AnthropicUsage> | undefined): void {
  for (const [key, value] of Object.entries(update ?? {})) {
    if (value !== null && value !== undefined) usage[key] = value;
  }
}

/**
 * Replays a stored answer as the SSE stream Anthropic would have sent: message_start (no content yet,
 * output_tokens 1 as the API reports it there), each block with its deltas (text, citations, tool input,
 * thinking and its signature; blocks that stream whole, such as redacted_thinking, whole), message_delta
 * with the stop reason and the whole usage (cache and server-tool counts included), message_stop.
 * Built event by event into one array (no spread of a huge list, which overflowed the stack at 50 MB).
 */
export function encodeAnthropicMessageAsSse(message: AnthropicMessage): string {
  const out: string[] = [];
  const emit = (event: AnthropicStreamEvent): void => {
    out.push(anthropicSseEvent(event));
  };
  emit({
    type: 'message_start',
    message: { ...{}, ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...{}, ...message.usage, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => blockEvents(block, index, emit));
  const { type: _type, id: _id, role: _role, model: _model, content: _content, usage, ...rest } = message;
  emit({ type: 'message_delta', delta: { ...{}, ...rest, stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: { ...usage } });
  emit({ type: 'message_stop' });
  return out.join('');
}

function blockEvents(block: AnthropicResponseBlock, index: number, emit: (event: AnthropicStreamEvent) => void): void {
  const delta = (d: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']): void => {
    emit({ type: 'content_block_delta', index, delta: d });
  };
  switch (block.type) {
    case 'text': {
      const { citations, ...rest } = block;
      const streamed = Array.isArray(citations) && citations.length > 0;
      emit({ type: 'content_block_start', index, content_block: { ...{}, ...rest, text: '', ...(streamed ? {} : citations === undefined ? {} : { citations }) } as AnthropicResponseBlock });
      if (streamed) for (const citation of citations) delta({ type: 'citations_delta', citation });
      for (const text of splitForReplay(block.text)) delta({ type: 'text_delta', text });
      break;
    }
    case 'tool_use':
      emit({ type: 'content_block_start', index, content_block: { ...{}, ...block, input: {} } });
      for (const partial_json of splitForReplay(JSON.stringify(block.input))) delta({ type: 'input_json_delta', partial_json });
      break;
    case 'thinking':
      emit({ type: 'content_block_start', index, content_block: { ...{}, ...block, thinking: '', signature: '' } });
      for (const thinking of splitForReplay(block.thinking)) delta({ type: 'thinking_delta', thinking });
      delta({ type: 'signature_delta', signature: block.signature });
      break;
    default:
      // redacted_thinking, server tool blocks and block types this code does not know arrive whole, as
      // the API sends them; the stream reader keeps a start block as it is when no delta follows.
      emit({ type: 'content_block_start', index, content_block: { ...block } });
  }
  emit({ type: 'content_block_stop', index });
}
