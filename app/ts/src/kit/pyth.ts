// Pyth `PriceUpdateV2` accounts with the Kit client's codec, accepted as
// the program's oracle adapter accepts them (`core/oracle`), and the push
// oracle's account of a feed.

import { getProgramDerivedAddress, type Address, type ReadonlyUint8Array } from "@solana/kit";

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
} from "../core/oracle";
import { getPriceUpdateV2Decoder, type PriceUpdateV2 } from "./generated";

const DISCRIMINATOR_LENGTH = 8;

/** Decodes a `PriceUpdateV2` account's data. */
export function decodePriceUpdate(data: ReadonlyUint8Array): PriceUpdateV2 {
  return getPriceUpdateV2Decoder().decode(data.subarray(DISCRIMINATOR_LENGTH));
}

/** The update's message and verification rank, as the oracle adapter reads them. */
export function priceReport(update: PriceUpdateV2): PriceReport {
  const level = update.verificationLevel;
  return {
    ...update.priceMessage,
    verificationRank: level.__kind === "Full" ? VERIFICATION_FULL : partialRank(level.numSignatures),
  };
}

/** The prices of an update without the program's checks: for display. */
export function oraclePrice(update: PriceUpdateV2): OraclePrice {
  return reportPrice(priceReport(update));
}

/** The update's prices as the program accepts them for `reserve` at `now` (unix seconds) and `use`, or `PriceRefused` with the program's error. */
export function acceptPrice(update: PriceUpdateV2, reserve: PricedReserve, now: bigint, use: PriceUse): OraclePrice {
  return acceptReport(priceReport(update), reserve, now, use);
}

/** The Pyth push oracle's account of a feed on shard `shard`. */
export async function pythPushOracleAddress(feedId: ArrayLike<number>, shard = 0): Promise<Address> {
  const [address] = await getProgramDerivedAddress({
    programAddress: PYTH_PUSH_ORACLE_PROGRAM as Address,
    seeds: pushOracleSeeds(feedId, shard),
  });
  return address;
}
