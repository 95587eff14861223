/**
 * Which tool sent a request: its own `x-isartor-client` header first (isartor's connectors set it,
 * since OpenClaw's requests say "OpenAI/JS" or "undici"), then User-Agent patterns of common tools,
 * else "unknown". Order matters: a tool's name wins over the SDK it is built on.
 */
const userAgentPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  [/claude-cli|claude-code/i, 'claude-code'],
  [/codex/i, 'codex'],
  [/cursor/i, 'cursor'],
  [/\bcline\b/i, 'cline'],
  [/roo-?code|roo-cline/i, 'roo-code'],
  [/aider/i, 'aider'],
  [/continue/i, 'continue'],
  [/openclaw/i, 'openclaw'],
  [/\bzed\b/i, 'zed'],
  [/windsurf|codeium/i, 'windsurf'],
  [/gemini-cli|GeminiCLI/i, 'gemini-cli'],
  // Frameworks before the SDKs they are built on (tests/support/captures/user-agents.json has the real strings).
  [/^ai\/\d|\bai-sdk-provider-utils\//i, 'ai-sdk'],
  [/langchain/i, 'langchain'],
  [/^Agents\/(JavaScript|Python)\b/i, 'openai-agents'],
  [/^curl\//i, 'curl'],
  [/httpie/i, 'httpie'],
  [/^OpenAI\//i, 'openai-sdk'],
  [/^Anthropic\//i, 'anthropic-sdk'],
];

const safeName = /^[a-z0-9][a-z0-9._-]{0,39}$/;

export function identifyClient(headers: { 'x-isartor-client'?: string | string[] | undefined; 'user-agent'?: string | undefined }): string {
  const declared = headers['x-isartor-client'];
  const name = typeof declared === 'string' ? declared.trim().toLowerCase() : '';
  if (safeName.test(name)) return name;
  const userAgent = headers['user-agent'] ?? '';
  for (const [pattern, client] of userAgentPatterns) if (pattern.test(userAgent)) return client;
  return 'unknown';
}
