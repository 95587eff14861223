import { FrozenPartMemo } from '../json/frozen.js';
/**
 * Volatile spans: values a client puts in every request that change per run or session without changing
 * what the request asks. Kept, no request would repeat across sessions; masked everywhere, a tool result or
 * a question that happens to hold the same kind of value would be confused with another one. So each
 * client declares exactly where it puts them, and only those places are masked, for the cache keys only:
 * the request itself is forwarded unchanged, and answers go back unchanged.
 *
 * - OpenClaw: the `Runtime: agent=... | sessionId=<uuid> | ...` line, which it appends to the system
 *   prompt (Anthropic) or to the first user message (OpenAI). Its per-turn timestamps are not masked
 *   here: L1b's scope keeps them at the resolution the question needs (scope.ts), L1a keeps them whole.
 * - Claude Code: the session id inside `metadata.user_id`, a JSON string
 *   `{"device_id":"…","account_uuid":"…","session_id":"<uuid>"}` in 2.x, `user_<hash>_account_<uuid>_session_<uuid>` before.
 *   (Its `x-claude-code-session-id` header never reaches a key: only forwarded headers do.)
 *   And the last three hex digits of `cc_version` in the billing line that opens its system prompt
 *   (`x-anthropic-billing-header: cc_version=2.1.332.34c; cc_entrypoint=sdk-cli;`): a digest of a few of
 *   the prompt's characters, so a reworded question gets another one (and L1b another scope) though it
 *   adds nothing the prompt does not say. Only in that line, opening the first system block.
 */

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** OpenClaw's Runtime line, as the last paragraph of a text: `\n\nRuntime: agent=main | ... | sessionId=<uuid> | ...`. */
const openClawRuntimeLineStart = '\n\nRuntime: agent=';
const openClawSessionFields = new RegExp(`\\b(sessionId=|session=agent:[^|\\s]*?:)${uuid}`, 'g');
const legacyClaudeCodeUserId = new RegExp(`^(user_[0-9a-f]+_account_(?:${uuid})?_session_)${uuid}$`);

export const maskedMarker = '*';

const claudeCodeBillingFingerprint = /^(x-anthropic-billing-header: cc_version=[^;\n]*\.)[0-9a-f]{3};/;

/** Claude Code's billing line with its prompt digest masked; any other text as it is. */
export function maskClaudeCodeBillingLine(text: string): string {
  return text.startsWith('x-anthropic-billing-header:') ? text.replace(claudeCodeBillingFingerprint, `$1${maskedMarker};`) : text;
}

/** An Anthropic `system` with `mask` applied to its first text (a string, or the first block). */
function maskFirstSystemText(system: unknown, mask: (text: string) => string): unknown {
  if (typeof system === 'string') return mask(system);
  if (!Array.isArray(system) || system.length === 0) return system;
  const first = system[0] as { type?: unknown; text?: unknown };
  if (first?.type !== 'text' || typeof first.text !== 'string') return system;
  const masked = mask(first.text);
  return masked === first.text ? system : [{ ...{}, ...first, text: masked }, ...system.slice(1)];
}

/** The text with its trailing OpenClaw Runtime line's session ids masked; the same text when it has none. */
export function maskOpenClawRuntimeLine(text: string): string {
  // Only the last paragraph can be the line: found from the end, not by scanning a 50 KB prompt.
  const start = text.lastIndexOf(openClawRuntimeLineStart);
  if (start === -1 || text.indexOf('\n', start + 2) !== -1) return text;
  return text.slice(0, start) + text.slice(start).replace(openClawSessionFields, `$1${maskedMarker}`);
}

/** Claude Code's `metadata.user_id` with its session id masked; the same value when it is not Claude Code's. */
export function maskClaudeCodeUserId(userId: unknown): unknown {
  if (typeof userId !== 'string') return userId;
  const legacy = legacyClaudeCodeUserId.exec(userId);
  if (legacy) return `${legacy[1]}${maskedMarker}`;
  if (!userId.startsWith('{')) return userId;
  try {
    const parsed = JSON.parse(userId) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return userId;
    const record = parsed as Record<string, unknown>;
    if (typeof record.session_id !== 'string' || !new RegExp(`^${uuid}$`).test(record.session_id)) return userId;
    return JSON.stringify({ ...{}, ...record, session_id: maskedMarker });
  } catch {
    return userId;
  }
}

interface LooseMessage {
  role?: unknown;
  content?: unknown;
  [field: string]: unknown;
}

/** A text content's value with `mask` applied to its last text (string content or the last text block). */
function maskLastText(content: unknown, mask: (text: string) => string): unknown {
  if (typeof content === 'string') return mask(content);
  if (!Array.isArray(content)) return content;
  const lastText = content.findLastIndex((part: { type?: unknown; text?: unknown }) => part?.type === 'text' && typeof part.text === 'string');
  if (lastText === -1) return content;
  const part = content[lastText] as { text: string };
  const masked = mask(part.text);
  if (masked === part.text) return content;
  return content.map((block, i) => (i === lastText ? { ...{}, ...(block as object), text: masked } : block));
}

/**
 * The request body with every declared volatile span masked, or undefined when it has none (the common
 * case, which then costs no copy). Only the declared places: the system prompt, the first user message
 * and `metadata.user_id`; never tool results, assistant turns or later user text.
 */
export function maskVolatileSpans(body: Record<string, unknown>): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  const set = (field: string, value: unknown): void => {
    if (value !== body[field]) (out ??= { ...body })[field] = value;
  };
  const metadata = body.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && !Array.isArray(metadata)) {
    const userId = maskClaudeCodeUserId(metadata.user_id);
    if (userId !== metadata.user_id) set('metadata', { ...{}, ...metadata, user_id: userId });
  }
  // Anthropic: the system prompt is `system`, a string or text blocks.
  if (body.system !== undefined) set('system', maskLastText(maskFirstSystemText(body.system, maskClaudeCodeBillingLine), maskOpenClawRuntimeLine));
  if (Array.isArray(body.messages)) {
    const messages = body.messages as LooseMessage[];
    let changed = false;
    const maskedMessages = messages.slice();
    // OpenAI: the system prompt is the first system/developer message.
    const system = messages.findIndex((message) => message?.role === 'system' || message?.role === 'developer');
    const firstUser = messages.findIndex((message) => message?.role === 'user');
    for (const at of [system, firstUser]) {
      if (at === -1) continue;
      const masked = maskedMessage(messages[at]!);
      if (masked !== messages[at]) {
        maskedMessages[at] = masked;
        changed = true;
      }
    }
    if (changed) set('messages', maskedMessages);
  }
  return out;
}

/** A message shared between requests (json/frozen.ts) is masked once; its masked copy is frozen too, so its fingerprint is remembered as well. */
const maskedMessages = new FrozenPartMemo<LooseMessage>();

function maskedMessage(message: LooseMessage): LooseMessage {
  return maskedMessages.getShared(message, () => {
    const content = maskLastText(message.content, maskOpenClawRuntimeLine);
    return content === message.content ? message : { ...{}, ...message, content };
  });
}
