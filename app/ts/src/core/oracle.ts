// Pyth prices as the program's oracle adapter (`oracle::pyth::load_price`)
// reads them: the checks it makes for each use, and the scaling of Pyth's
// integers to I80F48. Each client turns its decoded `PriceUpdateV2` into a
// `PriceReport` first.

import { ProgramRefusal, programError } from "./errors";
import * as fixed from "./fixed";
import { big, Integer } from "./integer";
import type { OracleConfigState } from "./state";

/** A `PriceUpdateV2`'s message and verification, as either client decodes them. */
export interface PriceReport {
  feedId: ArrayLike<number>;
  price: Integer;
  conf: Integer;
  exponent: number;
  publishTime: Integer;
  emaPrice: Integer;
  emaConf: Integer;
  /** `verification_rank`: 255 for `Full`, the signature count (at most 254) for `Partial`. */
  verificationRank: number;
}

/** `VERIFICATION_FULL`: the rank of a fully verified update. */
export const VERIFICATION_FULL = 255;

/** The rank of a `Partial` verification with `numSignatures` signatures. */
export const partialRank = (numSignatures: number) => Math.min(numSignatures, VERIFICATION_FULL - 1);

/** `mantissa × 10^exponent` as I80F48 bits, as the program scales Pyth values. */
export function scaleByExponent(mantissa: bigint, exponent: number): bigint {
  const power = 10n ** BigInt(Math.abs(exponent));
  if (exponent >= 0) {
    return fixed.fromInt(mantissa * power);
  }
  return fixed.divInt(fixed.fromInt(mantissa), power);
}

/** The spot and EMA prices of an update, as the program reads them, I80F48 bits in quote units per whole token. */
export interface OraclePrice {
  price: bigint;
  /** The spot band. */
  conf: bigint;
  emaPrice: bigint;
  publishTime: bigint;
  /** Whether the spot band is within the reserve's `maxConfidenceBps`; only a liquidation accepts one that is not. */
  bandWithinLimit: boolean;
}

/**
 * The prices of an update without the program's checks: for display.
 * Before computing what the program would allow, use `acceptReport`, which
 * refuses what the program refuses.
 */
export function reportPrice(report: PriceReport): OraclePrice {
  return {
    price: scaleByExponent(big(report.price), report.exponent),
    conf: scaleByExponent(big(report.conf), report.exponent),
    emaPrice: scaleByExponent(big(report.emaPrice), report.exponent),
    publishTime: big(report.publishTime),
    bandWithinLimit: true,
  };
}

/** Collateral side of a conservative valuation: the lower of spot and EMA. */
export const collateralPrice = (p: OraclePrice) => fixed.min(p.price, p.emaPrice);
/** Debt side of a conservative valuation: the higher of spot and EMA. */
export const debtPrice = (p: OraclePrice) => fixed.max(p.price, p.emaPrice);
/** What a liquidation values collateral at: spot, or `price - conf` when the band is wider than the reserve allows. */
export const liquidationCollateralPrice = (p: OraclePrice) => (p.bandWithinLimit ? p.price : p.price - p.conf);
/** What a liquidation values debt at: spot, or `price + conf` when the band is wider than the reserve allows (saturating, as the program's). */
export const liquidationDebtPrice = (p: OraclePrice) =>
  p.bandWithinLimit ? p.price : fixed.min(p.price + p.conf, fixed.MAX);

/**
 * What a price is read for, each with the program's checks: a refresh reads
 * spot within `maxAgeSecs`; lending reads spot and EMA, as fresh as a
 * liquidation; a liquidation reads spot within `liquidationMaxAgeSecs`,
 * accepts a band up to 10 % (valued at its edge beyond the reserve's limit)
 * and may lag the newest accepted price by 5 s.
 */
export type PriceUse = "calibration" | "lending" | "liquidation";

/** The program's refusal of a price, with its error. */
export class PriceRefused extends ProgramRefusal {}

const MIN_PYTH_EXPONENT = -18;
const MAX_PYTH_EXPONENT = 12;
const MAX_PUBLISH_TIME_SKEW_SECS = 10n;
/** `MAX_ORACLE_CONFIDENCE_BPS`: no use reads a band wider than 10 %. */
const MAX_ORACLE_CONFIDENCE_BPS = 1_000;
/** `LIQUIDATION_PRICE_LAG_TOLERANCE_SECS`. */
const LIQUIDATION_PRICE_LAG_TOLERANCE_SECS = 5n;

function refuse(name: string): never {
  throw new PriceRefused(programError(name));
}

function confidenceWithin(price: bigint, conf: bigint, maxBps: number): boolean {
  const magnitude = price < 0n ? -price : price;
  return conf * 10_000n <= magnitude * BigInt(maxBps);
}

/** The reserve fields a price is checked against. */
export interface PricedReserve {
  oracle: OracleConfigState;
  newestPricePublishTime: Integer;
}

/**
 * The report's prices as the program accepts them for `reserve` at `now`
 * (unix seconds), or `PriceRefused` with the error the program would
 * return: the checks of the oracle adapter (`load_price`: feed, proof, age
 * for the use, publish time not ahead, positive prices, confidence for the
 * use, exponent) and that the price is not older than the newest the
 * reserve accepted (a liquidation's by 5 s at most).
 */
export function acceptReport(report: PriceReport, reserve: PricedReserve, now: bigint, use: PriceUse): OraclePrice {
  const config = reserve.oracle;
  const feed = Array.from(report.feedId);
  const wanted = Array.from(config.feedId);
  if (feed.length !== wanted.length || feed.some((byte, i) => byte !== wanted[i])) refuse("OracleFeedMismatch");
  if (report.verificationRank < config.minVerification) refuse("OracleVerificationTooLow");
  const publishTime = big(report.publishTime);
  const age = now - publishTime;
  const maxAge = BigInt(use === "calibration" ? config.maxAgeSecs : config.liquidationMaxAgeSecs);
  if (age > maxAge) refuse("OraclePriceStale");
  if (age < -MAX_PUBLISH_TIME_SKEW_SECS) refuse("OraclePublishTimeInFuture");
  const price = big(report.price);
  const emaPrice = big(report.emaPrice);
  if (price <= 0n || emaPrice <= 0n) refuse("OraclePriceNotPositive");
  const conf = big(report.conf);
  const bandWithinLimit = confidenceWithin(price, conf, config.maxConfidenceBps);
  const bandsAcceptable =
    use === "calibration"
      ? bandWithinLimit
      : use === "lending"
        ? bandWithinLimit && confidenceWithin(emaPrice, big(report.emaConf), config.maxConfidenceBps)
        : confidenceWithin(price, conf, MAX_ORACLE_CONFIDENCE_BPS);
  if (!bandsAcceptable) refuse("OracleConfidenceTooWide");
  if (report.exponent < MIN_PYTH_EXPONENT || report.exponent > MAX_PYTH_EXPONENT) refuse("OracleExponentOutOfRange");
  const accepted = { ...reportPrice(report), bandWithinLimit };
  // A price below I80F48's resolution would read as zero.
  if (accepted.price <= 0n || accepted.emaPrice <= 0n) refuse("OracleExponentOutOfRange");
  const tolerance = use === "liquidation" ? LIQUIDATION_PRICE_LAG_TOLERANCE_SECS : 0n;
  if (publishTime + tolerance < big(reserve.newestPricePublishTime)) refuse("OraclePriceOlderThanAccepted");
  return accepted;
}

/** The Pyth push oracle program, whose accounts carry each feed's `PriceUpdateV2` (`PYTH_PUSH_ORACLE_ID`). */
export const PYTH_PUSH_ORACLE_PROGRAM = "pythWSnswVUd12oZpeFP8e9CVaEqJg25g1Vtc2biRsT";

/** The seeds of a feed's push-oracle account: the shard id (u16, little endian), then the feed id. */
export function pushOracleSeeds(feedId: ArrayLike<number>, shard = 0): [Uint8Array, Uint8Array] {
  if (!Number.isInteger(shard) || shard < 0 || shard > 0xffff) {
    throw new RangeError(`shard ${shard} is not a u16`);
  }
  const bytes = Uint8Array.from(Array.from(feedId));
  if (bytes.length !== 32) throw new RangeError(`a feed id is 32 bytes, got ${bytes.length}`);
  return [Uint8Array.of(shard & 0xff, shard >> 8), bytes];
}

/** A feed id from its hex form (64 digits, `0x` optional), as Pyth lists them. */
export function feedIdFromHex(hex: string): Uint8Array {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) throw new RangeError(`feed id "${hex}" is not 32 bytes of hex`);
  return Uint8Array.from(digits.match(/../g)!, (pair) => Number.parseInt(pair, 16));
}
