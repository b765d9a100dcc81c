// A position's health and borrowing room, computed as the program computes
// them (interest accrued to the moment, the threshold liquidation uses,
// conservative prices for borrowing), bit for bit in the program's
// fixed-point arithmetic. `riskctl`'s `client::health` is the reference;
// the tests compare with its outputs.

import * as fixed from "./fixed";
import { big } from "./integer";
import { accrueInterest, debtOwed, debtSharesToMint } from "./interest";
import { collateralPrice, debtPrice, liquidationCollateralPrice, liquidationDebtPrice, OraclePrice } from "./oracle";
import type { MarketState, PositionState, ReserveState } from "./state";
import { positionMaxLtvBps, positionThresholdBps } from "./threshold";

const BPS = 10_000n;

/** Quote value of `amount` base units at `price` (I80F48 bits), I80F48 bits (`math::health::token_value`). */
export function tokenValue(amount: bigint, decimals: number, price: bigint): bigint {
  return fixed.mul(fixed.divInt(fixed.fromInt(amount), 10n ** BigInt(decimals)), price);
}

function withinLtv(collateralValue: bigint, debtValue: bigint, ltvBps: number): boolean {
  return fixed.mul(debtValue, fixed.fromInt(BPS)) <= fixed.mul(collateralValue, fixed.fromInt(ltvBps));
}

export interface PositionHealth {
  /** Debt with interest to the moment, base units of the debt mint. */
  debtOwed: bigint;
  /** The threshold liquidation uses, bps. */
  thresholdBps: number;
  /** The most a borrow or a withdrawal may leave, bps. */
  maxLtvBps: number;
  /** `collateral × P_c × LT / (debt × P_d)` as I80F48 bits at the prices a liquidation values at (spot, or the band's edge beyond the reserve's limit); `null` with no debt. */
  healthFactor: bigint | null;
  liquidatable: boolean;
  /** The largest `borrow` amount the program accepts now, base units of the debt mint (0 when it would leave the debt under the reserve's minimum borrow value). */
  maxBorrow: bigint;
}

/** The position's health at `now` (unix seconds), from its accounts, both prices and the collateral reserve's market (its refresh-pause clock). */
export function positionHealth(
  position: PositionState,
  collateral: ReserveState,
  collateralOracle: OraclePrice,
  debt: ReserveState,
  debtOracle: OraclePrice,
  market: MarketState,
  now: bigint,
): PositionHealth {
  const books = accrueInterest(debt, now);
  const index = books.borrowIndex;
  const shares = big(position.debtShares);
  const owed = debtOwed(shares, index);
  const collateralAmount = big(position.collateralAmount);
  const collateralValue = tokenValue(
    collateralAmount,
    collateral.mintDecimals,
    liquidationCollateralPrice(collateralOracle),
  );
  const thresholdBps = positionThresholdBps(collateral, market, collateralValue, now);
  const debtValue = tokenValue(owed, debt.mintDecimals, liquidationDebtPrice(debtOracle));
  let healthFactor: bigint | null = null;
  let liquidatable = false;
  if (owed > 0n) {
    const limit = fixed.mul(collateralValue, fixed.fromInt(thresholdBps));
    liquidatable = fixed.mul(debtValue, fixed.fromInt(BPS)) > limit;
    // Debt too small to have a value is infinitely healthy, as on chain.
    healthFactor = debtValue <= 0n ? fixed.MAX : fixed.div(fixed.divInt(limit, BPS), debtValue);
  }
  const sizeValue = tokenValue(
    collateralAmount,
    collateral.mintDecimals,
    fixed.max(collateralOracle.price, collateralOracle.emaPrice),
  );
  const maxLtvBps = positionMaxLtvBps(collateral, market, sizeValue, now);
  const borrowCap = fixed.fromInt(big(debt.interest.borrowCap));
  const fits = (amount: bigint): boolean => {
    if (amount <= 0n || amount > books.availableLiquidity) return false;
    const minted = debtSharesToMint(amount, index);
    if (fixed.mul(fixed.fromInt(books.debtShares + minted), index) > borrowCap) return false;
    const newOwed = debtOwed(shares + minted, index);
    const conservativeCollateral = tokenValue(
      collateralAmount,
      collateral.mintDecimals,
      collateralPrice(collateralOracle),
    );
    const conservativeDebt = tokenValue(newOwed, debt.mintDecimals, debtPrice(debtOracle));
    return withinLtv(conservativeCollateral, conservativeDebt, maxLtvBps);
  };
  // More borrowed only adds debt: the accepted amounts are 0..=max.
  let accepted = 0n;
  let refused = books.availableLiquidity + 1n;
  while (refused - accepted > 1n) {
    const middle = accepted + (refused - accepted) / 2n;
    if (fits(middle)) accepted = middle;
    else refused = middle;
  }
  // The minimum borrow value refuses small amounts, not large ones.
  const minimum = big(debt.minBorrowValueQuote);
  if (accepted > 0n && minimum > 0n) {
    const minted = debtSharesToMint(accepted, index);
    const value = tokenValue(debtOwed(shares + minted, index), debt.mintDecimals, debtPrice(debtOracle));
    if (value < fixed.fromInt(minimum)) accepted = 0n;
  }
  return { debtOwed: owed, thresholdBps, maxLtvBps, healthFactor, liquidatable, maxBorrow: accepted };
}
