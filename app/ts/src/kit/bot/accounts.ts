// From decoded accounts to what the builders take: a reserve's accounts
// (its Pyth account derived from its feed), a position with both of its
// reserves, a liquidator's token accounts.

import type { Address, TransactionSigner } from "@solana/kit";

import type { Found } from "../accounts";
import type { Market, Position, Reserve } from "../generated";
import { pythPushOracleAddress } from "../pyth";
import { associatedTokenAddress } from "./tokens";

/** One listed asset and the accounts around it (riskctl's `ReserveAccounts`). */
export interface ReserveAccounts {
  mint: Address;
  tokenProgram: Address;
  decimals: number;
  reserve: Address;
  vault: Address;
  /** The Pyth feed id, 32 bytes. */
  feedId: Uint8Array;
  /** The reserve's Pyth `PriceUpdateV2` account. */
  priceAccount: Address;
}

/** A position with both of its reserves (riskctl's `PricedPosition`). */
export interface PricedPosition {
  owner: Address;
  market: Address;
  position: Address;
  collateral: ReserveAccounts;
  debt: ReserveAccounts;
}

/** A liquidator and its token accounts (riskctl's `LiquidatorAccounts`). */
export interface LiquidatorAccounts {
  liquidator: TransactionSigner;
  collateralAccount: Address;
  debtAccount: Address;
  treasuryCollateralAccount: Address;
}

/**
 * Where a reserve's price is read: the Pyth push oracle's account of its
 * feed on `shard` (0 by default), or an account of your own.
 */
export interface PriceSource {
  shard?: number;
  priceAccount?: Address;
}

/** A reserve's accounts from its decoded state. */
export async function reserveAccounts(
  address: Address,
  reserve: Reserve,
  source: PriceSource = {},
): Promise<ReserveAccounts> {
  const feedId = Uint8Array.from(reserve.oracle.feedId);
  return {
    mint: reserve.mint,
    tokenProgram: reserve.tokenProgram,
    decimals: reserve.mintDecimals,
    reserve: address,
    vault: reserve.vault,
    feedId,
    priceAccount: source.priceAccount ?? (await pythPushOracleAddress(feedId, source.shard ?? 0)),
  };
}

/** A position with both of its reserves, as `liquidate` and `write_off_bad_debt` take it. */
export async function pricedPosition(
  position: Found<Position>,
  collateral: Found<Reserve>,
  debt: Found<Reserve>,
  sources: { collateral?: PriceSource; debt?: PriceSource } = {},
): Promise<PricedPosition> {
  const state = position.account;
  for (const [side, reserve, expected] of [
    ["collateral", collateral, state.collateralReserve],
    ["debt", debt, state.debtReserve],
  ] as const) {
    if (reserve.address !== expected) {
      throw new Error(`position ${position.address}: its ${side} reserve is ${expected}, not ${reserve.address}`);
    }
  }
  return {
    owner: state.owner,
    market: state.market,
    position: position.address,
    collateral: await reserveAccounts(collateral.address, collateral.account, sources.collateral),
    debt: await reserveAccounts(debt.address, debt.account, sources.debt),
  };
}

/** The liquidator's associated token accounts of both mints and the treasury's of the collateral, for `liquidate`. */
export async function liquidatorAccounts(
  liquidator: TransactionSigner,
  p: PricedPosition,
  market: Market,
): Promise<LiquidatorAccounts> {
  const ata = (owner: Address, side: ReserveAccounts) => associatedTokenAddress(owner, side.mint, side.tokenProgram);
  return {
    liquidator,
    collateralAccount: await ata(liquidator.address, p.collateral),
    debtAccount: await ata(liquidator.address, p.debt),
    treasuryCollateralAccount: await ata(market.treasury, p.collateral),
  };
}
