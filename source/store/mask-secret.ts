/**
 * Shows enough of a secret to recognise it and never enough to use it: `gsk_…5678`.
 * Short secrets show only their last two characters.
 */
export function maskSecret(secret: string | undefined): string {
  if (!secret) return '(none)';
  if (secret.length < 12) return `…${secret.slice(-2)}`;
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
