// A position's health and borrowing room, computed as the program computes
// them (interest accrued to the moment, the threshold liquidation uses,
// conservative prices for borrowing), bit for bit in the program's
// fixed-point arithmetic. `riskctl`'s `client::health` is the reference;
// the tests compare with its outputs.

import type { Market, Position, Reserve } from "./accounts";
import * as fixed from "./fixed";
import { collateralPrice, debtPrice, liquidationCollateralPrice, liquidationDebtPrice, OraclePrice } from "./pyth";

const BPS = 10_000n;
const SECONDS_PER_YEAR = 31_536_000n;
const SECONDS_PER_HOUR = 3_600n;

const big = (value: { toString(): string }) => BigInt(value.toString());

/** Seconds the market's refreshes have spent paused by governance up to `now` (`Market::refresh_paused_secs_at`). */
export function refreshPausedSecs(market: Market, now: bigint): bigint {
  const since = big(market.refreshPausedSinceTs);
  const running = since > 0n && now > since ? now - since : 0n;
  return big(market.refreshPausedSecs) + running;
}

/** When the reserve's calibration goes stale, once it has followed its market's refresh pauses to `now` (`Reserve::follow_refresh_pauses`). */
export function staleFromTs(reserve: Reserve, market: Market, now: bigint): bigint {
  const staleFrom = big(reserve.staleFromTs);
  const unseen = refreshPausedSecs(market, now) - big(reserve.refreshPausedSecsSeen);
  return unseen > 0n && staleFrom > 0n ? staleFrom + unseen : staleFrom;
}

/** The threshold liquidation uses at `now`: the calibrated one, declining
 * toward `lt_min` at the tightening rate once the calibration is stale
 * (not while governance pauses refreshes: the market's pause clock). */
export function effectiveThresholdBps(reserve: Reserve, market: Market, now: bigint): number {
  const bounds = reserve.bounds;
  const calibrated = reserve.calibrated;
  if (big(calibrated.lastCalibrationTs) === 0n) return bounds.ltMinBps;
  const staleFrom = staleFromTs(reserve, market, now);
  if (now <= staleFrom) return calibrated.liquidationThresholdBps;
  const declineBps = (BigInt(bounds.maxTightenBpsPerHour) * (now - staleFrom)) / SECONDS_PER_HOUR;
  const declined = BigInt(calibrated.liquidationThresholdBps) - declineBps;
  return Number(declined > BigInt(bounds.ltMinBps) ? declined : BigInt(bounds.ltMinBps));
}

/** The most a borrow or a withdrawal may leave at `now`, bps. */
export function effectiveMaxLtvBps(reserve: Reserve, market: Market, now: bigint): number {
  return Math.max(0, effectiveThresholdBps(reserve, market, now) - reserve.bounds.ltvBufferBps);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

/** The square-root law's price impact of selling `sizeQuote` into markets absorbing `depthQuote` at 1 %, bps, rounded up and capped (`math::threshold::impact_bps`). */
export function impactBps(sizeQuote: bigint, depthQuote: bigint, maxImpactBps: number): number {
  if (depthQuote === 0n) return maxImpactBps;
  const scaled = sizeQuote * 10_000n;
  const cap = BigInt(maxImpactBps);
  if (scaled / depthQuote >= cap * cap) return maxImpactBps;
  let impact = isqrt(scaled / depthQuote);
  while (impact * impact * depthQuote < scaled) impact += 1n;
  return Number(impact < cap ? impact : cap);
}

/** The reported depth while fresh, else governance's minimum (`calibration::effective_depth_quote`). */
export function effectiveDepthQuote(reserve: Reserve, now: bigint): bigint {
  const updated = big(reserve.calibrated.depthUpdatedTs);
  const fresh = updated > 0n && now - updated <= BigInt(reserve.calibration.depthMaxAgeSecs);
  return fresh ? big(reserve.calibrated.reportedDepthQuote) : big(reserve.calibration.minDepthQuote);
}

/** How much lower than the reserve's a position's threshold is for its size, bps (`calibration::size_penalty_bps`); `collateralValue` is I80F48 bits of quote units. */
export function sizePenaltyBps(reserve: Reserve, collateralValue: bigint, now: bigint): number {
  const params = reserve.calibration;
  if (params.sizeWeightBps === 0) return 0;
  const minimum = big(params.minDepthQuote);
  const reported = effectiveDepthQuote(reserve, now);
  const depth = reported > minimum ? reported : minimum;
  const whole = collateralValue > 0n ? fixed.floorToInt(collateralValue) : 0n;
  const size = whole > 0xffff_ffff_ffff_ffffn ? 0xffff_ffff_ffff_ffffn : whole;
  const position = impactBps(size, depth, params.maxSlippageBps);
  const reference = impactBps(big(params.referenceLiquidationQuote), depth, params.maxSlippageBps);
  const excess = BigInt(Math.max(0, position - reference));
  const weighted = ceilDiv(excess * BigInt(params.sizeWeightBps), BPS);
  return Number(ceilDiv(weighted * BPS, BPS + BigInt(reserve.calibrated.liquidationBonusBps)));
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The threshold a position whose collateral is worth `collateralValue` (I80F48 bits) faces: the reserve's in use, lowered for its size (`calibration::position_threshold_bps`). */
export function positionThresholdBps(reserve: Reserve, market: Market, collateralValue: bigint, now: bigint): number {
  return Math.max(0, effectiveThresholdBps(reserve, market, now) - sizePenaltyBps(reserve, collateralValue, now));
}

/** `positionThresholdBps - ltv_buffer`. */
export function positionMaxLtvBps(reserve: Reserve, market: Market, collateralValue: bigint, now: bigint): number {
  return Math.max(0, positionThresholdBps(reserve, market, collateralValue, now) - reserve.bounds.ltvBufferBps);
}

/** The lending state that matters here, as bigints. */
interface Lending {
  borrowIndex: bigint;
  debtShares: bigint;
  availableLiquidity: bigint;
  borrowCap: bigint;
}

function lendingOf(reserve: Reserve): Lending {
  return {
    borrowIndex: fixed.fromWrapped(reserve.lending.borrowIndex),
    debtShares: big(reserve.lending.debtShares),
    availableLiquidity: big(reserve.lending.availableLiquidity),
    borrowCap: big(reserve.interest.borrowCap),
  };
}

/** The borrow index after accruing interest to `now` (`lending::accrue_interest`). */
export function accruedBorrowIndex(reserve: Reserve, now: bigint): bigint {
  const lending = lendingOf(reserve);
  const elapsed = now - big(reserve.lending.lastAccrualTs);
  if (elapsed <= 0n) return lending.borrowIndex;
  const borrowed = fixed.mul(fixed.fromInt(lending.debtShares), lending.borrowIndex);
  const utilization = utilizationOf(borrowed, fixed.fromInt(lending.availableLiquidity));
  const rate = borrowRate(reserve.interest, utilization);
  const growth = fixed.mul(rate, fixed.divInt(fixed.fromInt(elapsed), SECONDS_PER_YEAR));
  return fixed.mul(lending.borrowIndex, fixed.ONE + growth);
}

function utilizationOf(borrowed: bigint, available: bigint): bigint {
  const total = borrowed + available;
  if (total <= 0n) return 0n;
  return fixed.clamp(fixed.div(borrowed, total), 0n, fixed.ONE);
}

function borrowRate(model: Reserve["interest"], utilization: bigint): bigint {
  const ratio = (bps: number) => fixed.divInt(fixed.fromInt(bps), BPS);
  const kink = ratio(model.kinkUtilizationBps);
  const u = fixed.clamp(utilization, 0n, fixed.ONE);
  const slope1 = ratio(model.slope1Bps);
  const sloped =
    u <= kink
      ? fixed.div(fixed.mul(slope1, u), kink)
      : fixed.div(fixed.mul(ratio(model.slope2Bps), u - kink), fixed.ONE - kink) + slope1;
  return sloped + ratio(model.baseRateBps);
}

/** Debt owed for `shares` at `index`, base units, rounded up. */
export function debtOwed(shares: bigint, index: bigint): bigint {
  return fixed.ceilToInt(fixed.mul(fixed.fromInt(shares), index));
}

/** Quote value of `amount` base units at `price` (I80F48 bits). */
export function tokenValue(amount: bigint, decimals: number, price: bigint): bigint {
  return fixed.mul(fixed.divInt(fixed.fromInt(amount), 10n ** BigInt(decimals)), price);
}

function withinLtv(collateralValue: bigint, debtValue: bigint, ltvBps: number): boolean {
  return fixed.mul(debtValue, fixed.fromInt(BPS)) <= fixed.mul(collateralValue, fixed.fromInt(ltvBps));
}

export interface PositionHealth {
  /** Debt with interest to the moment, base units of the debt mint. */
  debtOwed: bigint;
  /** The threshold liquidation uses, bps. */
  thresholdBps: number;
  maxLtvBps: number;
  /** `collateral × P_c × LT / (debt × P_d)` as I80F48 bits at the prices a liquidation values at (spot, or the band's edge beyond the reserve's limit); `null` with no debt. */
  healthFactor: bigint | null;
  liquidatable: boolean;
  /** The largest `borrow` amount the program accepts now, base units of the debt mint (0 when it would leave the debt under the reserve's minimum borrow value). */
  maxBorrow: bigint;
}

/** The position's health at `now` (unix seconds), from its accounts, both prices and the collateral reserve's market (its refresh-pause clock). */
export function positionHealth(
  position: Position,
  collateral: Reserve,
  collateralOracle: OraclePrice,
  debt: Reserve,
  debtOracle: OraclePrice,
  market: Market,
  now: bigint,
): PositionHealth {
  const index = accruedBorrowIndex(debt, now);
  const lending = { ...lendingOf(debt), borrowIndex: index };
  const shares = big(position.debtShares);
  const owed = debtOwed(shares, index);
  const collateralAmount = big(position.collateralAmount);
  const collateralValue = tokenValue(collateralAmount, collateral.mintDecimals, liquidationCollateralPrice(collateralOracle));
  const thresholdBps = positionThresholdBps(collateral, market, collateralValue, now);
  const debtValue = tokenValue(owed, debt.mintDecimals, liquidationDebtPrice(debtOracle));
  let healthFactor: bigint | null = null;
  let liquidatable = false;
  if (owed > 0n) {
    const limit = fixed.mul(collateralValue, fixed.fromInt(thresholdBps));
    liquidatable = fixed.mul(debtValue, fixed.fromInt(BPS)) > limit;
    // Debt too small to have a value is infinitely healthy, as on chain.
    healthFactor = debtValue <= 0n ? fixed.MAX : fixed.div(fixed.divInt(limit, BPS), debtValue);
  }
  const sizeValue = tokenValue(collateralAmount, collateral.mintDecimals, fixed.max(collateralOracle.price, collateralOracle.emaPrice));
  const maxLtvBps = positionMaxLtvBps(collateral, market, sizeValue, now);
  const fits = (amount: bigint): boolean => {
    if (amount <= 0n || amount > lending.availableLiquidity) return false;
    const minted = fixed.ceilToInt(fixed.div(fixed.fromInt(amount), index));
    const reserveShares = lending.debtShares + minted;
    if (fixed.mul(fixed.fromInt(reserveShares), index) > fixed.fromInt(lending.borrowCap)) return false;
    const newOwed = debtOwed(shares + minted, index);
    const conservativeCollateral = tokenValue(collateralAmount, collateral.mintDecimals, collateralPrice(collateralOracle));
    const conservativeDebt = tokenValue(newOwed, debt.mintDecimals, debtPrice(debtOracle));
    return withinLtv(conservativeCollateral, conservativeDebt, maxLtvBps);
  };
  // More borrowed only adds debt: the accepted amounts are 0..=max.
  let accepted = 0n;
  let refused = lending.availableLiquidity + 1n;
  while (refused - accepted > 1n) {
    const middle = accepted + (refused - accepted) / 2n;
    if (fits(middle)) accepted = middle;
    else refused = middle;
  }
  // The minimum borrow value refuses small amounts, not large ones.
  const minimum = big(debt.minBorrowValueQuote);
  if (accepted > 0n && minimum > 0n) {
    const minted = fixed.ceilToInt(fixed.div(fixed.fromInt(accepted), index));
    const value = tokenValue(debtOwed(shares + minted, index), debt.mintDecimals, debtPrice(debtOracle));
    if (value < fixed.fromInt(minimum)) accepted = 0n;
  }
  return { debtOwed: owed, thresholdBps, maxLtvBps, healthFactor, liquidatable, maxBorrow: accepted };
}
