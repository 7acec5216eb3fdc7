/**
 * Dollar amounts for people: budget messages, alerts and the console's cost panels. Cents for
 * amounts of a dollar or more (`$5.29 / $50.00`); sub-dollar amounts keep enough digits that a
 * single cheap call (`$0.000135`) never shows as `$0.00`.
 */

/** Formats a USD amount: `$50.00`, `$0.0075`, `$0.000135`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return usd > 0 ? 'unlimited' : '$0.00';
  const sign = usd < 0 ? '-' : '';
  const amount = Math.abs(usd);
  if (amount >= 1 || amount === 0) return `${sign}$${amount.toFixed(2)}`;
  const text = amount.toFixed(6).replace(/0+$/, '');
  const decimals = text.length - text.indexOf('.') - 1;
  return `${sign}$${decimals < 2 ? amount.toFixed(2) : text}`;
}
