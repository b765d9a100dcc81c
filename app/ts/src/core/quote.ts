// The liquidation quote from decoded accounts and Pyth updates, for either
// client: each passes its own decoded types and its `acceptPrice`.

import { big, U64_MAX } from "./integer";
import { LiquidationInput, liquidationSides, LiquidationQuote, quoteLiquidation, Side } from "./liquidation";
import type { OraclePrice, PricedReserve, PriceUse } from "./oracle";
import type { MarketState, PositionState, ReserveState } from "./state";

/** A position, its reserves, their Pyth updates (`U`, as a client decodes them) and its market, at `now` (unix seconds). */
export interface PositionAccounts<U> {
  position: PositionState;
  collateral: ReserveState;
  collateralUpdate: U;
  debt: ReserveState;
  debtUpdate: U;
  market: MarketState;
  now: bigint;
}

/** A client's `acceptPrice`. */
export type AcceptPrice<U> = (update: U, reserve: PricedReserve, now: bigint, use: PriceUse) => OraclePrice;

/** The inputs of a liquidation: both prices accepted for a liquidation (`PriceRefused` otherwise). */
export function liquidationInputOf<U>(a: PositionAccounts<U>, accept: AcceptPrice<U>): LiquidationInput {
  return {
    position: a.position,
    collateral: a.collateral,
    collateralPrice: accept(a.collateralUpdate, a.collateral, a.now, "liquidation"),
    debt: a.debt,
    debtPrice: accept(a.debtUpdate, a.debt, a.now, "liquidation"),
    market: a.market,
    now: a.now,
  };
}

/** The position's collateral and debt as a liquidation now measures them: base units, decimals and price. */
export function pricedSidesOf<U>(a: PositionAccounts<U>, accept: AcceptPrice<U>): { collateral: Side; debt: Side } {
  return liquidationSides(liquidationInputOf(a, accept));
}

export interface QuoteOptions {
  /** Slippage accepted on the collateral received, bps (riskctl's `--tolerance`); 0 by default. */
  toleranceBps?: number;
  /** The most debt to repay, debt base units; no limit by default. */
  maxRepay?: bigint | number;
}

/** The quote of `quoteLiquidation` for decoded accounts. */
export function liquidationQuoteOf<U>(
  a: PositionAccounts<U>,
  accept: AcceptPrice<U>,
  options: QuoteOptions = {},
): LiquidationQuote {
  const maxRepay = options.maxRepay === undefined ? U64_MAX : big(options.maxRepay);
  return quoteLiquidation(liquidationInputOf(a, accept), options.toleranceBps ?? 0, maxRepay);
}
