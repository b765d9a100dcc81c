// Pyth `PriceUpdateV2` accounts (pyth-solana-receiver-sdk), decoded with
// the layout the program's IDL carries, and converted to prices exactly as
// the program's oracle adapter converts them.

import BN from "bn.js";

import type { Reserve } from "./accounts";
import { programErrors, ProgramErrorInfo } from "./errors";
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
  /** The spot band, I80F48 bits. */
  conf: bigint;
  emaPrice: bigint;
  publishTime: bigint;
  /** Whether the spot band is within the reserve's `maxConfidenceBps`; only a liquidation accepts one that is not. */
  bandWithinLimit: boolean;
}

/**
 * The prices of an update without the program's checks: for display.
 * Before computing what the program would allow, use `acceptPrice`, which
 * refuses what the program refuses.
 */
export function oraclePrice(update: PriceUpdate): OraclePrice {
  const message = update.priceMessage;
  return {
    price: scaleByExponent(BigInt(message.price.toString()), message.exponent),
    conf: scaleByExponent(BigInt(message.conf.toString()), message.exponent),
    emaPrice: scaleByExponent(BigInt(message.emaPrice.toString()), message.exponent),
    publishTime: BigInt(message.publishTime.toString()),
    bandWithinLimit: true,
  };
}

/** Collateral side of a conservative valuation: the lower of spot and EMA. */
export const collateralPrice = (p: OraclePrice) => fixed.min(p.price, p.emaPrice);
/** Debt side of a conservative valuation: the higher of spot and EMA. */
export const debtPrice = (p: OraclePrice) => fixed.max(p.price, p.emaPrice);
/** What a liquidation values collateral at: spot, or `price - conf` when the band is wider than the reserve allows. */
export const liquidationCollateralPrice = (p: OraclePrice) => (p.bandWithinLimit ? p.price : p.price - p.conf);
/** What a liquidation values debt at: spot, or `price + conf` when the band is wider than the reserve allows. */
export const liquidationDebtPrice = (p: OraclePrice) => (p.bandWithinLimit ? p.price : p.price + p.conf);

/**
 * What a price is read for, each with the program's checks: a refresh reads
 * spot within `maxAgeSecs`; lending reads spot and EMA, as fresh as a
 * liquidation; a liquidation reads spot within `liquidationMaxAgeSecs`,
 * accepts a band up to 10 % (valued at its edge beyond the reserve's limit)
 * and may lag the newest accepted price by 5 s.
 */
export type PriceUse = "calibration" | "lending" | "liquidation";

/** The program's refusal of a price, with its error. */
export class PriceRefused extends Error {
  constructor(public readonly error: ProgramErrorInfo) {
    super(`${error.name}: ${error.message}`);
  }
}

const MIN_PYTH_EXPONENT = -18;
const MAX_PYTH_EXPONENT = 12;
const MAX_PUBLISH_TIME_SKEW_SECS = 10n;
/** `MAX_ORACLE_CONFIDENCE_BPS`: no use reads a band wider than 10 %. */
const MAX_ORACLE_CONFIDENCE_BPS = 1_000;
/** `LIQUIDATION_PRICE_LAG_TOLERANCE_SECS`. */
const LIQUIDATION_PRICE_LAG_TOLERANCE_SECS = 5n;
const VERIFICATION_FULL = 255;

function refuse(name: string): never {
  const error = programErrors().find((e) => e.name === name);
  if (!error) throw new Error(`the IDL has no error ${name}`);
  throw new PriceRefused(error);
}

function confidenceWithin(price: bigint, conf: bigint, maxBps: number): boolean {
  const magnitude = price < 0n ? -price : price;
  return conf * 10_000n <= magnitude * BigInt(maxBps);
}

/**
 * The update's prices as the program accepts them for `reserve` at `now`
 * (unix seconds), or `PriceRefused` with the error the program would
 * return: the checks of the oracle adapter (`load_price`: feed, proof,
 * age for the use, publish time not ahead, positive prices, confidence for
 * the use, exponent) and that the price is not older than the newest the
 * reserve accepted (a liquidation's by 5 s at most).
 */
export function acceptPrice(update: PriceUpdate, reserve: Reserve, now: bigint, use: PriceUse): OraclePrice {
  const message = update.priceMessage;
  const config = reserve.oracle;
  if (!Buffer.from(message.feedId).equals(Buffer.from(config.feedId))) refuse("OracleFeedMismatch");
  const level = update.verificationLevel;
  const rank = level.full !== undefined ? VERIFICATION_FULL : Math.min(level.partial?.numSignatures ?? 0, VERIFICATION_FULL - 1);
  if (rank < config.minVerification) refuse("OracleVerificationTooLow");
  const publishTime = BigInt(message.publishTime.toString());
  const age = now - publishTime;
  const maxAge = BigInt(use === "calibration" ? config.maxAgeSecs : config.liquidationMaxAgeSecs);
  if (age > maxAge) refuse("OraclePriceStale");
  if (age < -MAX_PUBLISH_TIME_SKEW_SECS) refuse("OraclePublishTimeInFuture");
  const price = BigInt(message.price.toString());
  const emaPrice = BigInt(message.emaPrice.toString());
  if (price <= 0n || emaPrice <= 0n) refuse("OraclePriceNotPositive");
  const conf = BigInt(message.conf.toString());
  const bandWithinLimit = confidenceWithin(price, conf, config.maxConfidenceBps);
  const bandsAcceptable =
    use === "calibration"
      ? bandWithinLimit
      : use === "lending"
        ? bandWithinLimit && confidenceWithin(emaPrice, BigInt(message.emaConf.toString()), config.maxConfidenceBps)
        : confidenceWithin(price, conf, MAX_ORACLE_CONFIDENCE_BPS);
  if (!bandsAcceptable) refuse("OracleConfidenceTooWide");
  if (message.exponent < MIN_PYTH_EXPONENT || message.exponent > MAX_PYTH_EXPONENT) refuse("OracleExponentOutOfRange");
  const accepted = { ...oraclePrice(update), bandWithinLimit };
  // A price below I80F48's resolution would read as zero.
  if (accepted.price <= 0n || accepted.emaPrice <= 0n) refuse("OracleExponentOutOfRange");
  const tolerance = use === "liquidation" ? LIQUIDATION_PRICE_LAG_TOLERANCE_SECS : 0n;
  if (publishTime + tolerance < BigInt(reserve.newestPricePublishTime.toString())) refuse("OraclePriceOlderThanAccepted");
  return accepted;
}
