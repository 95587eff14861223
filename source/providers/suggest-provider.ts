import { UserError } from '../user-error.js';
import { providerIds } from './catalog.js';

/**
 * Names people type for a provider isartor knows under another id: the product, the company or a
 * model family ("claude" is Anthropic's, "grok" is xAI's, "gpt" is OpenAI's).
 */
const knownAs: Readonly<Record<string, readonly string[]>> = {
  claude: ['anthropic'],
  'claude-code': ['anthropic'],
  grok: ['xai'],
  'x.ai': ['xai'],
  gpt: ['openai'],
  chatgpt: ['openai'],
  codex: ['openai'],
  google: ['gemini'],
  'google-gemini': ['gemini'],
  llama: ['ollama', 'groq'],
  vllm: ['openai-compatible'],
  lmstudio: ['openai-compatible'],
  'lm-studio': ['openai-compatible'],
  'llama.cpp': ['openai-compatible'],
  compatible: ['openai-compatible'],
  'azure-openai': ['azure'],
  'together-ai': ['together'],
  togetherai: ['together'],
};

/** Up to three provider ids nearest to an unknown name: known aliases first, then by edit distance. */
export function nearestProviders(name: string, ids: readonly string[] = providerIds): string[] {
  const wanted = name.trim().toLowerCase();
  const aliased = (knownAs[wanted] ?? []).filter((id) => ids.includes(id));
  const byDistance = ids
    .map((id) => ({ id, distance: editDistance(wanted, id), contains: id.includes(wanted) || wanted.includes(id) }))
    .filter((c) => c.contains || c.distance <= Math.max(2, Math.floor(c.id.length / 3)))
    .sort((a, b) => Number(b.contains) - Number(a.contains) || a.distance - b.distance)
    .map((c) => c.id);
  return [...new Set([...aliased, ...byDistance])].slice(0, 3);
}

/** "Did you mean anthropic?" for an error hint, or '' when nothing is near. */
export function didYouMean(name: string): string {
  const near = nearestProviders(name);
  if (near.length === 0) return '';
  return `Did you mean ${near.length === 1 ? near[0] : `${near.slice(0, -1).join(', ')} or ${near.at(-1)}`}? `;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The one error for a provider name isartor does not know, with the nearest ones it does. */
export function unknownProviderError(name: string): UserError {
  return new UserError(`Unknown provider "${name}".`, { hint: `${didYouMean(name)}Choose one of: ${providerIds.join(', ')}.` });
}
