/** Dollars for people: whole above $100, cents above $1, and two significant digits below, so a fraction of a cent still shows. */
export function formatUsd(amount: number | null): string {
  // No price applied (a model the price table lacks): an honest word, never a made-up $0.
  if (amount === null) return 'unpriced';
  if (amount === 0) return '$0';
  if (amount >= 100) return `$${amount.toFixed(0)}`;
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  return `$${amount.toPrecision(2)}`;
}
