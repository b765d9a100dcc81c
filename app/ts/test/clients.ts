// Both clients behind one shape, so the tests of what they compute alike
// (health, quotes, refresh skips, Pyth addresses) run once per client on
// the same recordings.

import * as anchor from "../src";
import * as kit from "../src/kit";
import type { LiquidationQuote, OraclePrice, PriceUse, QuoteOptions } from "../src";
import type { MarketState, PositionState, ReserveState } from "../src";
import type { RefreshSkip, SampledReserve } from "../src/core/refresh";

export interface Client {
  name: string;
  decodePosition(data: Uint8Array): PositionState;
  decodeReserve(data: Uint8Array): ReserveState & SampledReserve;
  decodeMarket(data: Uint8Array): MarketState;
  /** A `PriceUpdateV2` accepted for `reserve` at `now` and `use`, as the client decodes and accepts it. */
  acceptPrice(data: Uint8Array, reserve: ReserveState, now: bigint, use: PriceUse): OraclePrice;
  quote(
    accounts: Record<"position" | "collateral" | "collateralPrice" | "debt" | "debtPrice" | "market", Uint8Array>,
    now: bigint,
    options: QuoteOptions,
  ): LiquidationQuote;
  refreshSkipReason(reserve: SampledReserve, publishTime: bigint): RefreshSkip | null;
  pythPushOracleAddress(feedId: Uint8Array, shard: number): Promise<string>;
}

export const ANCHOR_CLIENT: Client = {
  name: "Anchor client",
  decodePosition: anchor.decodePosition,
  decodeReserve: anchor.decodeReserve,
  decodeMarket: anchor.decodeMarket,
  acceptPrice: (data, reserve, now, use) => anchor.acceptPrice(anchor.decodePriceUpdate(data), reserve, now, use),
  quote: (a, now, options) =>
    anchor.liquidationQuote(
      {
        position: anchor.decodePosition(a.position),
        collateral: anchor.decodeReserve(a.collateral),
        collateralUpdate: anchor.decodePriceUpdate(a.collateralPrice),
        debt: anchor.decodeReserve(a.debt),
        debtUpdate: anchor.decodePriceUpdate(a.debtPrice),
        market: anchor.decodeMarket(a.market),
        now,
      },
      options,
    ),
  refreshSkipReason: anchor.refreshSkipReason,
  pythPushOracleAddress: async (feedId, shard) => anchor.pythPushOracleAddress(feedId, shard).toBase58(),
};

export const KIT_CLIENT: Client = {
  name: "Kit client",
  decodePosition: (data) => kit.decodeAccount("position", data),
  decodeReserve: (data) => kit.decodeAccount("reserve", data),
  decodeMarket: (data) => kit.decodeAccount("market", data),
  acceptPrice: (data, reserve, now, use) => kit.acceptPrice(kit.decodePriceUpdate(data), reserve, now, use),
  quote: (a, now, options) =>
    kit.liquidationQuote(
      {
        position: kit.decodeAccount("position", a.position),
        collateral: kit.decodeAccount("reserve", a.collateral),
        collateralUpdate: kit.decodePriceUpdate(a.collateralPrice),
        debt: kit.decodeAccount("reserve", a.debt),
        debtUpdate: kit.decodePriceUpdate(a.debtPrice),
        market: kit.decodeAccount("market", a.market),
        now,
      },
      options,
    ),
  refreshSkipReason: kit.refreshSkipReason,
  pythPushOracleAddress: (feedId, shard) => kit.pythPushOracleAddress(feedId, shard),
};

export const CLIENTS = [ANCHOR_CLIENT, KIT_CLIENT];
