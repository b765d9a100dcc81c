// Pyth `PriceUpdateV2` accounts (pyth-solana-receiver-sdk), decoded with
// the layout the program's IDL carries, and converted to prices exactly as
// the program's oracle adapter converts them.

import BN from "bn.js";

import { CODER } from "./program";
import * as fixed from "./fixed";

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
  writeAuthority: unknown;
  verificationLevel: { partial?: { numSignatures: number }; full?: Record<string, never> };
  priceMessage: PriceMessage;
  postedSlot: BN;
}

const DISCRIMINATOR_LENGTH = 8;

/** Decodes a `PriceUpdateV2` account's data. */
export function decodePriceUpdate(data: Buffer | Uint8Array): PriceUpdate {
  return CODER.types.decode<PriceUpdate>("priceUpdateV2", Buffer.from(data).subarray(DISCRIMINATOR_LENGTH));
}

/** `mantissa × 10^exponent` as I80F48 bits, as the program scales Pyth values. */
export function scaleByExponent(mantissa: bigint, exponent: number): bigint {
  const power = 10n ** BigInt(Math.abs(exponent));
  if (exponent >= 0) {
    return fixed.fromInt(mantissa * power);
  }
  return fixed.divInt(fixed.fromInt(mantissa), power);
}

/** The spot and EMA prices of an update, as the program reads them. */
export interface OraclePrice {
  price: bigint;
  emaPrice: bigint;
  publishTime: bigint;
}

export function oraclePrice(update: PriceUpdate): OraclePrice {
  const message = update.priceMessage;
  return {
    price: scaleByExponent(BigInt(message.price.toString()), message.exponent),
    emaPrice: scaleByExponent(BigInt(message.emaPrice.toString()), message.exponent),
    publishTime: BigInt(message.publishTime.toString()),
  };
}

/** Collateral side of a conservative valuation: the lower of spot and EMA. */
export const collateralPrice = (p: OraclePrice) => fixed.min(p.price, p.emaPrice);
/** Debt side of a conservative valuation: the higher of spot and EMA. */
export const debtPrice = (p: OraclePrice) => fixed.max(p.price, p.emaPrice);
