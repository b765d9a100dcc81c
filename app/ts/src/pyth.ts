// Pyth `PriceUpdateV2` accounts (pyth-solana-receiver-sdk), decoded with
// the layout the program's IDL carries, and accepted as the program's
// oracle adapter accepts them (`core/oracle`); the push oracle's account of
// a feed.

import BN from "bn.js";
import { PublicKey } from "@solana/web3.js";

import {
  acceptReport,
  OraclePrice,
  partialRank,
  PriceReport,
  PricedReserve,
  PriceUse,
  PYTH_PUSH_ORACLE_PROGRAM,
  pushOracleSeeds,
  reportPrice,
  VERIFICATION_FULL,
} from "./core/oracle";
import { CODER } from "./program";

export interface PriceMessage {
  feedId: number[];
  price: BN;
  conf: BN;
  exponent: number;
  publishTime: BN;
  prevPublishTime: BN;
  emaPrice: BN;
  emaConf: BN;
}

export interface PriceUpdate {
  writeAuthority: PublicKey;
  verificationLevel: { partial?: { numSignatures: number }; full?: Record<string, never> };
  priceMessage: PriceMessage;
  postedSlot: BN;
}

const DISCRIMINATOR_LENGTH = 8;

/** Decodes a `PriceUpdateV2` account's data. */
export function decodePriceUpdate(data: Buffer | Uint8Array): PriceUpdate {
  return CODER.types.decode<PriceUpdate>("priceUpdateV2", Buffer.from(data).subarray(DISCRIMINATOR_LENGTH));
}

/** The update's message and verification rank, as the oracle adapter reads them. */
export function priceReport(update: PriceUpdate): PriceReport {
  const level = update.verificationLevel;
  return {
    ...update.priceMessage,
    verificationRank: level.full !== undefined ? VERIFICATION_FULL : partialRank(level.partial?.numSignatures ?? 0),
  };
}

/**
 * The prices of an update without the program's checks: for display.
 * Before computing what the program would allow, use `acceptPrice`, which
 * refuses what the program refuses.
 */
export function oraclePrice(update: PriceUpdate): OraclePrice {
  return reportPrice(priceReport(update));
}

/**
 * The update's prices as the program accepts them for `reserve` at `now`
 * (unix seconds) and `use`, or `PriceRefused` with the program's error
 * (see `acceptReport`).
 */
export function acceptPrice(update: PriceUpdate, reserve: PricedReserve, now: bigint, use: PriceUse): OraclePrice {
  return acceptReport(priceReport(update), reserve, now, use);
}

/** The Pyth push oracle's account of a feed (`push_oracle_feed_account`): where Pyth keeps the feed's `PriceUpdateV2` on shard `shard`. */
export function pythPushOracleAddress(feedId: ArrayLike<number>, shard = 0): PublicKey {
  return PublicKey.findProgramAddressSync(pushOracleSeeds(feedId, shard), new PublicKey(PYTH_PUSH_ORACLE_PROGRAM))[0];
}
