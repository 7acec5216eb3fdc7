/**
 * Dollar amounts for people: budget messages, alerts and the console's cost panels. Cents for
 * amounts of a dollar or more, with thousands grouped (`$5.29 / $50.00`, `$20,423,956.39`);
 * sub-dollar amounts keep three significant digits, so a single cheap call (`$0.000135`) never
 * shows as `$0.00` and an average (`$0.555`) does not show six decimals.
 */

/** Cents with grouped thousands; one formatter for every call (building one costs ~20 µs). */
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Formats a USD amount: `$50.00`, `$1,250.00`, `$0.555`, `$0.0075`, `$0.000135`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return usd > 0 ? 'unlimited' : '$0.00';
  const sign = usd < 0 ? '-' : '';
  const amount = Math.abs(usd);
  if (amount >= 1 || amount === 0) return `${sign}$${CENTS.format(amount)}`;
  const text = Number(amount.toPrecision(3)).toFixed(6).replace(/0+$/, '');
  const decimals = text.length - text.indexOf('.') - 1;
  return `${sign}$${decimals < 2 ? amount.toFixed(2) : text}`;
}
