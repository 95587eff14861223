import { createHash } from 'node:crypto';

/**
 * Rule 2: a tool result identical to an earlier one in the same request keeps only a reference to it.
 * Results are compared after their own clean-up (rules 3–7), so two runs of the same command that
 * differed only in colours or spinner frames count as identical. Results holding anything but text
 * (an image) are never replaced.
 */

/** Identifies a result's text; hashed so the running state stays small for large outputs. */
export function toolResultKey(texts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(texts)).digest('base64');
}

export function duplicateReference(firstId: string): string {
  return `[identical to the result of tool call ${firstId} above]`;
}

/** Only a result longer than the reference is worth replacing. */
export function worthReplacing(texts: readonly string[], firstId: string): boolean {
  return texts.reduce((sum, text) => sum + text.length, 0) > duplicateReference(firstId).length;
}
