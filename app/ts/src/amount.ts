// Amounts and ids as the program's u64 arguments, for Anchor's coder (a
// BN): whole numbers from 0 to 2^64 - 1. Anything else is refused here
// rather than encoded wrongly (a negative BN would lose its sign, a float
// its low digits).

import BN from "bn.js";

import { Integer, u64 as checkedU64 } from "./core/integer";

export type Amount = BN | bigint | number;

/** `value` as a u64, or a `RangeError` naming it. */
export function u64(value: Amount | Integer, what = "amount"): BN {
  return new BN(checkedU64(value, what).toString());
}
