// Numbers as a person reads them, each with its unit: basis points as
// percentages, base units as whole tokens, I80F48 values as quote amounts.

import * as fixed from "./fixed";

/** `bps` as a percentage with two decimals: `8123` → `81.23 %`. */
export const formatBps = (bps: number | bigint) => `${(Number(bps) / 100).toFixed(2)} %`;

/** `amount` base units of a mint with `decimals` decimals, exactly, with the token's symbol: `1.5 SOL`. */
export function formatTokens(amount: bigint, decimals: number, symbol: string): string {
  const scale = 10n ** BigInt(decimals);
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const fraction = (magnitude % scale).toString().padStart(decimals, "0").replace(/0+$/, "");
  const whole = `${negative ? "-" : ""}${magnitude / scale}`;
  return `${fraction ? `${whole}.${fraction}` : whole} ${symbol}`;
}

/** An I80F48 quote value (bits) to cents, in the market's quote currency: `1234.57 USD`. */
export function formatQuote(bits: bigint, currency = "USD"): string {
  return `${fixed.toNumber(bits).toFixed(2)} ${currency}`;
}

/** A health factor (I80F48 bits) to four decimals, `infinite` with no debt. */
export function formatHealth(bits: bigint | null): string {
  return bits === null || bits === fixed.MAX ? "infinite" : fixed.toNumber(bits).toFixed(4);
}
