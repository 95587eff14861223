import { UserError } from '../user-error.js';
import { findProvider, providerIds } from '../providers/catalog.js';

/** A provider and one of its models, written `provider/model` (the model may itself contain slashes). */
export interface ModelRef {
  provider: string;
  model: string;
}

export function parseModelRef(text: string): ModelRef {
  const slash = text.indexOf('/');
  const provider = slash > 0 ? text.slice(0, slash) : '';
  const model = slash > 0 ? text.slice(slash + 1) : '';
  if (!provider || !model) {
    throw new UserError(`"${text}" is not a provider/model reference.`, {
      hint: 'Write it as <provider>/<model>, for example groq/openai/gpt-oss-120b or openai/gpt-4o-mini.',
    });
  }
  if (!findProvider(provider)) {
    throw new UserError(`"${text}" names the provider "${provider}", which isartor does not know.`, {
      hint: `Providers: ${providerIds.join(', ')}.`,
    });
  }
  return { provider: provider.toLowerCase(), model };
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}
