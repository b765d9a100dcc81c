// The liquidation quote from accounts the Anchor client decoded.

import type { Side } from "../core/liquidation";
import {
  liquidationInputOf,
  liquidationQuoteOf,
  PositionAccounts as Accounts,
  pricedSidesOf,
  QuoteOptions,
} from "../core/quote";
import type { LiquidationInput, LiquidationQuote } from "../core/liquidation";
import { acceptPrice, PriceUpdate } from "../pyth";

export type { QuoteOptions };

/** A position, its reserves, their Pyth updates and its market, as decoded, at `now` (unix seconds). */
export type PositionAccounts = Accounts<PriceUpdate>;

/** The inputs of a liquidation: both prices accepted for a liquidation (`PriceRefused` otherwise). */
export const liquidationInput = (a: PositionAccounts): LiquidationInput => liquidationInputOf(a, acceptPrice);

/** The position's collateral and debt as a liquidation now measures them: base units, decimals and price. */
export const pricedSides = (a: PositionAccounts): { collateral: Side; debt: Side } => pricedSidesOf(a, acceptPrice);

/**
 * What `liquidate` would repay, seize and pay, and the health it would
 * leave, as riskctl's liquidator quotes it; `LiquidationRefused` or
 * `PriceRefused` (both `ProgramRefusal`s) with the program's error when it
 * would refuse.
 */
export const liquidationQuote = (a: PositionAccounts, options: QuoteOptions = {}): LiquidationQuote =>
  liquidationQuoteOf(a, acceptPrice, options);
