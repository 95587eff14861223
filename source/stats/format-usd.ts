/** Dollars for people: whole above $100, cents above $1, and two significant digits below, so a fraction of a cent still shows. */
export function formatUsd(amount: number): string {
  if (amount === 0) return '$0';
  if (amount >= 100) return `$${amount.toFixed(0)}`;
  if (amount >= 1) return `$${amount.toFixed(2)}`;
  return `$${amount.toPrecision(2)}`;
}
