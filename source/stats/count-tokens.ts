import type { Tiktoken } from 'js-tiktoken/lite';

let encoder: Promise<Tiktoken> | undefined;
/** The same encoder once it has loaded, for synchronous counting. */
let loadedEncoder: Tiktoken | undefined;

/** o200k_base (GPT-4o's encoding), loaded on first use: ~0.5 s once, so never at startup. */
function loadEncoder(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const [{ Tiktoken }, { default: ranks }] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
    loadedEncoder = new Tiktoken(ranks);
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
  return loadedEncoder.encode(text, [], []).length;
}

/** Per-message framing the chat formats add around content (role markers, separators). */
const messageOverheadTokens = 4;
/** Images cannot be measured without decoding them; Anthropic bills a typical image at about this. */
const imageTokens = 1600;

/**
 * Estimates the input tokens of an Anthropic Messages request (system, messages, tools) for
 * `/v1/messages/count_tokens` when the upstream cannot count them itself. It is an o200k estimate:
 * providers' own tokenizers differ by some percent.
 */
export async function estimateAnthropicInputTokens(body: { system?: unknown; messages?: unknown; tools?: unknown }): Promise<number> {
  const texts: string[] = [];
  let extra = 0;
  const visit = (content: unknown): void => {
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content)) content.forEach(visit);
    else if (content && typeof content === 'object') {
      const block = content as { type?: string; text?: unknown; input?: unknown; content?: unknown; name?: unknown; thinking?: unknown };
      if (block.type === 'image' || block.type === 'document') extra += imageTokens;
      else if (block.type === 'tool_use') texts.push(String(block.name ?? ''), JSON.stringify(block.input ?? {}));
      else if (block.type === 'tool_result') visit(block.content);
      else if (typeof block.text === 'string') texts.push(block.text);
      else if (typeof block.thinking === 'string') texts.push(block.thinking);
    }
  };
  visit(body.system);
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ content?: unknown }>) : [];
  for (const message of messages) visit(message.content);
  if (Array.isArray(body.tools)) texts.push(JSON.stringify(body.tools));
  const tokens = await countTextTokens(texts.join('\n'));
  return tokens + extra + messageOverheadTokens * messages.length;
}
