/**
 * The providers isartor knows, as data. Adding a provider means adding an entry here, not code.
 *
 * `baseUrl` is the URL that protocol paths are appended to: `/chat/completions` and `/models` for
 * OpenAI-compatible providers, `/v1/messages` for Anthropic. `undefined` means the user must give one.
 */

/** How the provider wants its key presented. */
export type AuthStyle = 'bearer' | 'x-api-key' | 'api-key' | 'none';

/** The wire protocol the provider speaks natively. */
export type ProviderProtocol = 'openai' | 'anthropic';

/** How `isartor check` validates a key and base URL without spending tokens where it can. */
export type KeyCheck =
  | 'openai-models' // GET {baseUrl}/models
  | 'anthropic-message' // POST {baseUrl}/v1/messages with max_tokens 1
  | 'ollama-tags'; // GET {origin}/api/tags

export interface ProviderSpec {
  id: string;
  label: string;
  protocol: ProviderProtocol;
  baseUrl: string | undefined;
  /** What a base URL looks like, for help text and errors when the user must supply one. */
  baseUrlExample?: string;
  auth: AuthStyle;
  /** False for local servers that usually run without a key. */
  keyRequired: boolean;
  /** undefined: the user must choose (e.g. an Azure deployment name). */
  defaultModel: string | undefined;
  keyCheck: KeyCheck;
  /** False where `/models` does not list what requests name (Azure deployments). */
  modelsAreListed: boolean;
  /** Where to get a key; shown when a key is missing or rejected. */
  keyUrl?: string;
  /** Headers every request to this provider carries. */
  extraHeaders?: Readonly<Record<string, string>>;
  /**
   * Serves OpenAI's Responses API at `{baseUrl}/responses`: Responses callers (Codex) are passed through
   * byte for byte instead of translated. An openai-compatible server that has it opts in with the
   * provider setting `responsesApi: true`.
   */
  speaksResponses?: boolean;
}

export const anthropicVersion = '2023-06-01';

const catalog: readonly ProviderSpec[] = [
  {
    id: 'openai',
    label: 'OpenAI',
    protocol: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'gpt-4o-mini',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://platform.openai.com/api-keys',
    speaksResponses: true,
  },
  {
    id: 'anthropic',
    label: 'Anthropic',
    protocol: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    auth: 'x-api-key',
    keyRequired: true,
    defaultModel: 'claude-sonnet-4-5-20250929',
    keyCheck: 'anthropic-message',
    modelsAreListed: true,
    keyUrl: 'https://console.anthropic.com/settings/keys',
    extraHeaders: { 'anthropic-version': anthropicVersion },
  },
  {
    id: 'groq',
    label: 'Groq',
    protocol: 'openai',
    baseUrl: 'https://api.groq.com/openai/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'openai/gpt-oss-120b',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://console.groq.com/keys',
  },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    protocol: 'openai',
    baseUrl: 'https://openrouter.ai/api/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'openai/gpt-4o-mini',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://openrouter.ai/keys',
  },
  {
    id: 'together',
    label: 'Together AI',
    protocol: 'openai',
    baseUrl: 'https://api.together.xyz/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://api.together.ai/settings/api-keys',
  },
  {
    id: 'mistral',
    label: 'Mistral',
    protocol: 'openai',
    baseUrl: 'https://api.mistral.ai/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'mistral-small-latest',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://console.mistral.ai/api-keys',
  },
  {
    id: 'deepseek',
    label: 'DeepSeek',
    protocol: 'openai',
    baseUrl: 'https://api.deepseek.com/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'deepseek-chat',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://platform.deepseek.com/api_keys',
  },
  {
    id: 'xai',
    label: 'xAI',
    protocol: 'openai',
    baseUrl: 'https://api.x.ai/v1',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'grok-3-mini',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://console.x.ai',
  },
  {
    id: 'gemini',
    label: 'Google Gemini (OpenAI-compatible endpoint)',
    protocol: 'openai',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    auth: 'bearer',
    keyRequired: true,
    defaultModel: 'gemini-2.5-flash',
    keyCheck: 'openai-models',
    modelsAreListed: true,
    keyUrl: 'https://aistudio.google.com/apikey',
  },
  {
    id: 'azure',
    label: 'Azure OpenAI',
    protocol: 'openai',
    // Azure's v1 API takes the deployment name as `model`, so requests look like OpenAI's.
    baseUrl: undefined,
    baseUrlExample: 'https://<resource>.openai.azure.com/openai/v1',
    auth: 'api-key',
    keyRequired: true,
    defaultModel: undefined,
    keyCheck: 'openai-models',
    modelsAreListed: false,
  },
  {
    id: 'ollama',
    label: 'Ollama (local)',
    protocol: 'openai',
    baseUrl: 'http://127.0.0.1:11434/v1',
    auth: 'none',
    keyRequired: false,
    defaultModel: 'llama3.2',
    keyCheck: 'ollama-tags',
    modelsAreListed: true,
  },
  {
    id: 'openai-compatible',
    label: 'Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, ...)',
    protocol: 'openai',
    baseUrl: undefined,
    baseUrlExample: 'http://127.0.0.1:8000/v1',
    auth: 'bearer',
    keyRequired: false,
    // Without a configured model the gateway forwards the model each client asks for.
    defaultModel: undefined,
    keyCheck: 'openai-models',
    modelsAreListed: true,
  },
];

export const providerIds: readonly string[] = catalog.map((p) => p.id);

export function listProviders(): readonly ProviderSpec[] {
  return catalog;
}

export function findProvider(id: string): ProviderSpec | undefined {
  return catalog.find((p) => p.id === id.trim().toLowerCase());
}
