// Whole numbers as the two clients decode them: the Kit client gives a u64
// or an i64 as a bigint, the Anchor client as a BN. What this package
// computes is always a bigint.

/** A u64 or i64 field as a client decodes it: a bigint, a BN or a number. */
export type Integer = bigint | number | { toString(): string };

export const U64_MAX = (1n << 64n) - 1n;

/** `value` as a bigint. */
export function big(value: Integer): bigint {
  return typeof value === "bigint" ? value : BigInt(value.toString());
}

/** `value` as a u64, or a `RangeError` naming `what`: a negative number, one past 2^64 or a float is refused, not wrapped. */
export function u64(value: Integer, what = "amount"): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new RangeError(`${what} ${value} is not a whole number a u64 holds exactly; pass a bigint`);
  }
  const whole = big(value);
  if (whole < 0n || whole > U64_MAX) {
    throw new RangeError(`${what} ${whole} is outside 0 ..= 2^64 - 1`);
  }
  return whole;
}
