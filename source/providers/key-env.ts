import type { ProviderSpec } from './catalog.js';

// The environment variables each provider's own SDKs and docs use for its key.
const keyEnvByProvider: Readonly<Record<string, readonly string[]>> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  groq: ['GROQ_API_KEY'],
  openrouter: ['OPENROUTER_API_KEY'],
  together: ['TOGETHER_API_KEY'],
  mistral: ['MISTRAL_API_KEY'],
  deepseek: ['DEEPSEEK_API_KEY'],
  xai: ['XAI_API_KEY'],
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  azure: ['AZURE_OPENAI_API_KEY'],
};

/** The variables a key for this provider is usually kept in (none for keyless local servers). */
export function keyEnvNames(spec: Pick<ProviderSpec, 'id'>): readonly string[] {
  return keyEnvByProvider[spec.id] ?? [];
}

/** The first of those variables that is set, with its value. */
export function keyFromEnv(spec: Pick<ProviderSpec, 'id'>, env: NodeJS.ProcessEnv = process.env): { name: string; value: string } | undefined {
  for (const name of keyEnvNames(spec)) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}
