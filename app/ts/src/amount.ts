// Amounts and ids as the program's u64 arguments: whole numbers from 0 to
// 2^64 - 1. Anything else is refused here rather than encoded wrongly (a
// negative BN would lose its sign, a float its low digits).

import BN from "bn.js";

export type Amount = BN | bigint | number;

const U64_MAX = (1n << 64n) - 1n;

/** `value` as a u64, or an error naming it. */
export function u64(value: Amount, what = "amount"): BN {
  let whole: bigint;
  if (typeof value === "bigint") {
    whole = value;
  } else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${what} ${value} is not a whole number a u64 holds exactly; pass a bigint`);
    }
    whole = BigInt(value);
  } else {
    whole = BigInt(value.toString());
  }
  if (whole < 0n || whole > U64_MAX) {
    throw new RangeError(`${what} ${whole} is outside 0 ..= 2^64 - 1`);
  }
  return new BN(whole.toString());
}
