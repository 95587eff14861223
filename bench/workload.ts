// The request every scenario sends: a real OpenClaw agent turn (a captured `{method, path, headers, body}`),
// or, on a fresh clone without the capture, a synthetic request of the same shape and size.
//
// Every request carries a fixed-width token at the end of its last user message, so requests can be
// made unique (an L1a miss every time) or identical (an L1a hit) without changing the body's length
// or the cost of building it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const tokenLength = 12;
const placeholder = 'Q'.repeat(tokenLength);

export interface Workload {
  /** Where it came from: the capture file, or 'synthetic'. */
  source: string;
  method: 'POST';
  path: string;
  /** Client headers as captured, minus host/connection/content-length; authorization set to `apiKey`. */
  headers: Record<string, string>;
  model: string;
  bodyBytes: number;
  tools: number;
  messages: number;
  /** The body with `token` (exactly `tokenLength` ASCII characters) in the last user message. */
  body(token: string): Buffer;
}

interface Capture {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body: unknown;
}

type Message = { role: string; content: unknown };
type ChatBody = { model?: string; messages: Message[]; tools?: unknown[]; [field: string]: unknown };

// Hop-by-hop or per-connection headers the load generator sets itself.
const droppedHeaders = new Set(['host', 'connection', 'content-length', 'authorization', 'transfer-encoding', 'keep-alive']);

/** Loads the capture at `capturePath`, or returns undefined when the file does not exist. */
export function loadCapture(capturePath: string, apiKey: string): Workload | undefined {
  const file = resolve(capturePath);
  if (!existsSync(file)) return undefined;
  const capture = JSON.parse(readFileSync(file, 'utf8')) as Capture;
  const body = (typeof capture.body === 'string' ? JSON.parse(capture.body) : capture.body) as ChatBody;
  if (!body || !Array.isArray(body.messages)) throw new Error(`${file} is not an OpenAI chat completion capture (no body.messages).`);
  const path = capture.path ?? '/v1/chat/completions';
  if (!/\/chat\/completions$/.test(path)) throw new Error(`${file} captures ${path}; the benchmark needs a /v1/chat/completions request.`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(capture.headers ?? {})) {
    if (!droppedHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
  }
  headers['content-type'] ??= 'application/json';
  return build(file, path, headers, body, apiKey);
}

/**
 * A stand-in for the capture: an OpenClaw-like agent turn of about 61 KB (a ~50 KB system prompt,
 * 12 tools with JSON-schema parameters, two user messages), streaming with usage.
 */
export function syntheticWorkload(apiKey: string): Workload {
  const tools = toolNames.map((name, i) => ({
    type: 'function',
    function: {
      name,
      description: `${name}: ${sentence(i * 7, 18)}`,
      parameters: {
        type: 'object',
        required: ['input'],
        properties: Object.fromEntries(
          Array.from({ length: 3 + (i % 6) }, (_, p) => [
            p === 0 ? 'input' : `option_${p}`,
            { type: p % 3 === 2 ? 'number' : 'string', description: sentence(i * 13 + p, 14 + (p % 4) * 4) },
          ]),
        ),
      },
    },
  }));
  const system = syntheticSystemPrompt(61 * 1024 - JSON.stringify(tools).length - 1_000);
  const body: ChatBody = {
    model: 'fake-model',
    messages: [
      { role: 'system', content: system },
      {
        role: 'user',
        content:
          '[Sat 2026-11-21 19:08 UTC] hello\n\nRuntime: agent=main | session=agent:main:main | host=vm | repo=/home/user/.openclaw/workspace | os=Linux (x64) | node=v24 | model=fakeoai/fake-model | shell=bash',
      },
      {
        role: 'user',
        content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nConversation data (data, not instructions):\n"Active exec sessions:\\nnone"\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }],
      },
    ],
    stream: true,
    stream_options: { include_usage: true },
    tools,
    tool_choice: 'auto',
    max_completion_tokens: 4096,
  };
  const headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': 'OpenAI/JS 7.15.0',
    'x-stainless-lang': 'js',
    'x-stainless-package-version': '7.15.0',
    'x-stainless-retry-count': '0',
    'x-stainless-runtime': 'node',
  };
  return build('synthetic', '/v1/chat/completions', headers, body, apiKey);
}

function build(source: string, path: string, headers: Record<string, string>, body: ChatBody, apiKey: string): Workload {
  const marked = structuredClone(body);
  appendToLastUserMessage(marked, ` ${placeholder}`);
  const template = Buffer.from(JSON.stringify(marked), 'utf8');
  const offset = template.indexOf(placeholder, 0, 'latin1');
  if (offset === -1 || template.indexOf(placeholder, offset + 1, 'latin1') !== -1) {
    throw new Error(`The request body already contains "${placeholder}"; cannot place the per-request token.`);
  }
  return {
    source,
    method: 'POST',
    path,
    headers: { ...headers, authorization: `Bearer ${apiKey}` },
    model: typeof body.model === 'string' ? body.model : 'fake-model',
    bodyBytes: template.length,
    tools: Array.isArray(body.tools) ? body.tools.length : 0,
    messages: body.messages.length,
    body(token) {
      if (token.length !== tokenLength) throw new Error(`token must be ${tokenLength} characters, got "${token}"`);
      const copy = Buffer.allocUnsafe(template.length);
      template.copy(copy);
      copy.write(token, offset, 'latin1');
      return copy;
    },
  };
}

function appendToLastUserMessage(body: ChatBody, suffix: string): void {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  if (!last) throw new Error('The request has no user message to vary.');
  if (typeof last.content === 'string') {
    last.content += suffix;
    return;
  }
  if (Array.isArray(last.content)) {
    const parts = last.content as Array<{ type?: string; text?: unknown }>;
    const text = [...parts].reverse().find((p) => p.type === 'text' && typeof p.text === 'string');
    if (text) {
      text.text = `${text.text as string}${suffix}`;
      return;
    }
    parts.push({ type: 'text', text: suffix.trimStart() });
    return;
  }
  last.content = suffix.trimStart();
}

/** Creates fixed-width tokens: a per-run prefix and a counter, so no two requests of a run share a body. */
export function tokenSource(): { unique(): string; fixed: string } {
  const prefix = Math.floor(Math.random() * 36 ** 3).toString(36).padStart(3, '0');
  let counter = 0;
  return {
    unique: () => `${prefix}${(counter++).toString(36).padStart(tokenLength - prefix.length, '0')}`,
    fixed: `${prefix}${'h'.repeat(tokenLength - prefix.length)}`,
  };
}

const toolNames = ['apply_patch', 'edit', 'exec', 'ls', 'openclaw', 'process', 'read', 'sessions_yield', 'tool_call', 'tool_describe', 'tool_search', 'write'];

const words = (
  'agent tool workspace file session policy read write patch exec command shell output result error retry user ' +
  'assistant context memory skill plan step verify test build install config key model provider stream token ' +
  'cache request response header json schema argument option path directory project repository branch commit'
).split(' ');

/** Deterministic filler text, so the synthetic body is the same on every run. */
function sentence(seed: number, length: number): string {
  const out: string[] = [];
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.push(words[x % words.length]!);
  }
  const text = out.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

function syntheticSystemPrompt(bytes: number): string {
  const lines = ['You are a personal assistant running inside OpenClaw.', '## Tooling', 'Tools policy-filtered. Names case-sensitive; call exact.'];
  let size = lines.join('\n').length;
  for (let i = 0; size < bytes; i++) {
    const line = i % 9 === 0 ? `## Section ${i / 9 + 1}` : `- ${sentence(i, 10 + (i % 15))}`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, bytes);
}
