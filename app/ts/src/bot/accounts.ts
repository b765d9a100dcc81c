// From decoded accounts to what the instruction builders take: a reserve's
// accounts (its Pyth account derived from its feed), a position with both
// of its reserves, a liquidator's token accounts.

import { PublicKey } from "@solana/web3.js";

import type { Found, Market, Position, Reserve } from "../accounts";
import type { LiquidatorAccounts, PricedPosition, ReserveAccounts } from "../instructions";
import { pythPushOracleAddress } from "../pyth";
import { associatedTokenAddress } from "./tokens";

/**
 * Where a reserve's price is read: the Pyth push oracle's account of its
 * feed on `shard` (0 by default, Pyth's sponsored feeds), or an account of
 * your own (a pull update you post in the same transaction).
 */
export interface PriceSource {
  shard?: number;
  priceAccount?: PublicKey;
}

/** A reserve's accounts from its decoded state. */
export function reserveAccounts(address: PublicKey, reserve: Reserve, source: PriceSource = {}): ReserveAccounts {
  return {
    mint: reserve.mint,
    tokenProgram: reserve.tokenProgram,
    decimals: reserve.mintDecimals,
    reserve: address,
    vault: reserve.vault,
    feedId: Uint8Array.from(reserve.oracle.feedId),
    priceAccount: source.priceAccount ?? pythPushOracleAddress(reserve.oracle.feedId, source.shard ?? 0),
  };
}

/** A position with both of its reserves, as `borrow`, `withdraw_collateral`, `liquidate` and `write_off_bad_debt` take it. */
export function pricedPosition(
  position: Found<Position>,
  collateral: Found<Reserve>,
  debt: Found<Reserve>,
  sources: { collateral?: PriceSource; debt?: PriceSource } = {},
): PricedPosition {
  const state = position.account;
  for (const [side, reserve, expected] of [
    ["collateral", collateral, state.collateralReserve],
    ["debt", debt, state.debtReserve],
  ] as const) {
    if (!reserve.address.equals(expected)) {
      throw new Error(
        `position ${position.address.toBase58()}: its ${side} reserve is ${expected.toBase58()}, not ${reserve.address.toBase58()}`,
      );
    }
  }
  return {
    owner: state.owner,
    market: state.market,
    position: position.address,
    collateral: reserveAccounts(collateral.address, collateral.account, sources.collateral),
    debt: reserveAccounts(debt.address, debt.account, sources.debt),
  };
}

/** `liquidator`'s associated token accounts of both mints and the treasury's of the collateral, for `liquidate`. */
export function liquidatorAccounts(liquidator: PublicKey, p: PricedPosition, market: Market): LiquidatorAccounts {
  const ata = (owner: PublicKey, side: ReserveAccounts) => associatedTokenAddress(owner, side.mint, side.tokenProgram);
  return {
    liquidator,
    collateralAccount: ata(liquidator, p.collateral),
    debtAccount: ata(liquidator, p.debt),
    treasuryCollateralAccount: ata(market.treasury, p.collateral),
  };
}
