import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Tiktoken } from 'tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;
/** The same encoder once it has loaded, for synchronous counting. */
let loadedEncoder: Tiktoken | undefined;

/**
 * o200k_base (GPT-4o's encoding), loaded on first use (~0.15 s once), never at startup.
 *
 * Why tiktoken (OpenAI's Rust BPE compiled to WebAssembly) and not js-tiktoken: measured on this
 * machine, js-tiktoken's rank tables hold ~70 MB of JavaScript objects (a Map of 200k strings and 200k
 * Uint8Arrays) that every major garbage collection of a running gateway has to walk, it took ~0.95 s to
 * load, and counting was 3.4x slower (215 pieces of 512 characters: 67 ms vs 20 ms; a 4,000-character
 * run of one symbol: 13.6 s vs 0.12 s). tiktoken keeps its tables in WebAssembly memory, which the
 * collector does not walk (~3.5 MB of JavaScript heap in all), and gives the same counts.
 */
function loadEncoder(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const ranksFile = createRequire(import.meta.url).resolve('tiktoken/encoders/o200k_base.json');
    const [{ Tiktoken }, ranks] = await Promise.all([import('tiktoken/lite'), readFile(ranksFile, 'utf8')]);
    const o200k = JSON.parse(ranks) as { bpe_ranks: string; special_tokens: Record<string, number>; pat_str: string };
    loadedEncoder = new Tiktoken(o200k.bpe_ranks, o200k.special_tokens, o200k.pat_str);
    return loadedEncoder;
  })();
  return encoder;
}

export async function countTextTokens(text: string): Promise<number> {
  await loadEncoder();
  return countTextTokensSync(text);
}

/** Loads the tokenizer so that `countTextTokensSync` can be used (idempotent; the load happens once). */
export async function loadTokenizer(): Promise<void> {
  await loadEncoder();
}

/** Whether `countTextTokensSync` can be used. */
export function tokenizerLoaded(): boolean {
  return loadedEncoder !== undefined;
}

/**
 * Counts o200k tokens synchronously; throws until `loadTokenizer()` (or any async count) has finished.
 * Text that spells a special token (`<|endoftext|>`) is counted as ordinary text instead of throwing:
 * it is content from a request, not a control sequence.
 */
export function countTextTokensSync(text: string): number {
  if (!loadedEncoder) throw new Error('The tokenizer is not loaded yet: await loadTokenizer() first.');
  return loadedEncoder.encode_ordinary(text).length;
}

/** Per-message framing the chat formats add around content (role markers, separators). */
const messageOverheadTokens = 4;
/** Images cannot be measured without decoding them; Anthropic bills a typical image at about this. */
const imageTokens = 1600;
/** Counting 60 KB at once blocks the event loop for ~50 ms; slices this size take ~2 ms each. */
const sliceChars = 4096;

/**
 * Counts a long text in slices cut at whitespace, yielding to the event loop between them, so a
 * gateway that counts a big agent prompt keeps serving other requests meanwhile. o200k splits words
 * at spaces anyway, so the sum matches a whole-text count to within a token or two per slice.
 */
export async function countTextTokensYielding(text: string): Promise<number> {
  await loadEncoder();
  let total = 0;
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + sliceChars);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start) end = space;
    }
    total += countTextTokensSync(text.slice(start, end));
    start = end;
    if (start < text.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return total;
}

/** The text a model reads or writes in one request or answer, in either protocol, plus what cannot be read as text. */
interface ModelText {
  texts: string[];
  extraTokens: number;
  messages: number;
}

function collectText(parts: { system?: unknown; messages?: unknown; tools?: unknown }): ModelText {
  const texts: string[] = [];
  let extraTokens = 0;
  const visit = (content: unknown): void => {
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) content.forEach(visit);
    else if (content && typeof content === 'object') {
      const block = content as { type?: string; text?: unknown; input?: unknown; content?: unknown; name?: unknown; thinking?: unknown };
      if (block.type === 'image' || block.type === 'document' || block.type === 'image_url') extraTokens += imageTokens;
      else if (block.type === 'tool_use') texts.push(String(block.name ?? ''), JSON.stringify(block.input ?? {}));
      else if (block.type === 'tool_result') visit(block.content);
      else if (typeof block.text === 'string') texts.push(block.text);
      else if (typeof block.thinking === 'string') texts.push(block.thinking);
    }
  };
  visit(parts.system);
  const messages = Array.isArray(parts.messages) ? (parts.messages as Array<{ content?: unknown; tool_calls?: unknown; reasoning_content?: unknown }>) : [];
  for (const message of messages) {
    visit(message.content);
    visit(message.reasoning_content);
    if (Array.isArray(message.tool_calls)) texts.push(JSON.stringify(message.tool_calls));
  }
  if (Array.isArray(parts.tools)) texts.push(JSON.stringify(parts.tools));
  return { texts, extraTokens, messages: messages.length };
}

async function countModelText(text: ModelText): Promise<number> {
  return (await countTextTokensYielding(text.texts.join('\n'))) + text.extraTokens + messageOverheadTokens * text.messages;
}

/**
 * Estimates the input tokens of a model request in either protocol (system, messages, tools): for
 * `/v1/messages/count_tokens` when the upstream cannot count, and for stats when an answer carries no
 * usage. It is an o200k estimate: providers' own tokenizers differ by some percent.
 */
export async function estimateInputTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): Promise<number> {
  return countModelText(collectText(body));
}

/** Estimates the output tokens of a complete answer in either protocol (OpenAI choices or Anthropic content). */
export async function estimateOutputTokens(answer: { choices?: unknown; content?: unknown }): Promise<number> {
  const messages = Array.isArray(answer.choices) ? (answer.choices as Array<{ message?: unknown }>).map((choice) => choice.message ?? {}) : [];
  const text = collectText({ messages, ...(answer.content === undefined ? {} : { system: answer.content }) });
  return countTextTokensYielding(text.texts.join('\n')).then((tokens) => tokens + text.extraTokens);
}
