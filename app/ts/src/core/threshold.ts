// The threshold a position faces, as the program computes it
// (`calibration.rs`): the calibrated one, declining once stale (not while
// governance pauses refreshes), lowered for the position's size by the
// square-root law of impact.

import * as fixed from "./fixed";
import { big } from "./integer";
import type { MarketState, ReserveState } from "./state";

const BPS = 10_000n;
const SECONDS_PER_HOUR = 3_600n;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Seconds the market's refreshes have spent paused by governance up to `now` (`Market::refresh_paused_secs_at`). */
export function refreshPausedSecs(market: MarketState, now: bigint): bigint {
  const since = big(market.refreshPausedSinceTs);
  const running = since > 0n && now > since ? now - since : 0n;
  return big(market.refreshPausedSecs) + running;
}

/** When the reserve's calibration goes stale, once it has followed its market's refresh pauses to `now` (`Reserve::follow_refresh_pauses`). */
export function staleFromTs(reserve: ReserveState, market: MarketState, now: bigint): bigint {
  const staleFrom = big(reserve.staleFromTs);
  const unseen = refreshPausedSecs(market, now) - big(reserve.refreshPausedSecsSeen);
  return unseen > 0n && staleFrom > 0n ? staleFrom + unseen : staleFrom;
}

/** The threshold liquidation uses at `now`, bps: the calibrated one,
 * declining toward `lt_min` at the tightening rate once the calibration is
 * stale (not while governance pauses refreshes: the market's pause clock). */
export function effectiveThresholdBps(reserve: ReserveState, market: MarketState, now: bigint): number {
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
export function effectiveMaxLtvBps(reserve: ReserveState, market: MarketState, now: bigint): number {
  return Math.max(0, effectiveThresholdBps(reserve, market, now) - reserve.bounds.ltvBufferBps);
}

/** The square-root law's price impact of selling `sizeQuote` into markets absorbing `depthQuote` at 1 %, bps, rounded up and capped (`math::threshold::impact_bps`). */
export function impactBps(sizeQuote: bigint, depthQuote: bigint, maxImpactBps: number): number {
  if (depthQuote === 0n) return maxImpactBps;
  const scaled = sizeQuote * 10_000n;
  const cap = BigInt(maxImpactBps);
  if (scaled / depthQuote >= cap * cap) return maxImpactBps;
  let impact = fixed.isqrt(scaled / depthQuote);
  while (impact * impact * depthQuote < scaled) impact += 1n;
  return Number(impact < cap ? impact : cap);
}

/** The reported depth while fresh, else governance's minimum (`calibration::effective_depth_quote`). */
export function effectiveDepthQuote(reserve: ReserveState, now: bigint): bigint {
  const updated = big(reserve.calibrated.depthUpdatedTs);
  const fresh = updated > 0n && now - updated <= BigInt(reserve.calibration.depthMaxAgeSecs);
  return fresh ? big(reserve.calibrated.reportedDepthQuote) : big(reserve.calibration.minDepthQuote);
}

/** How much lower than the reserve's a position's threshold is for its size, bps (`calibration::size_penalty_bps`); `collateralValue` is I80F48 bits of quote units. */
export function sizePenaltyBps(reserve: ReserveState, collateralValue: bigint, now: bigint): number {
  const params = reserve.calibration;
  if (params.sizeWeightBps === 0) return 0;
  const minimum = big(params.minDepthQuote);
  const reported = effectiveDepthQuote(reserve, now);
  const depth = reported > minimum ? reported : minimum;
  const whole = collateralValue > 0n ? fixed.floorToInt(collateralValue) : 0n;
  const size = whole > U64_MAX ? U64_MAX : whole;
  const position = impactBps(size, depth, params.maxSlippageBps);
  const reference = impactBps(big(params.referenceLiquidationQuote), depth, params.maxSlippageBps);
  const excess = BigInt(Math.max(0, position - reference));
  const weighted = ceilDiv(excess * BigInt(params.sizeWeightBps), BPS);
  return Number(ceilDiv(weighted * BPS, BPS + BigInt(reserve.calibrated.liquidationBonusBps)));
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** The threshold a position whose collateral is worth `collateralValue` (I80F48 bits) faces, bps: the reserve's in use, lowered for its size (`calibration::position_threshold_bps`). */
export function positionThresholdBps(
  reserve: ReserveState,
  market: MarketState,
  collateralValue: bigint,
  now: bigint,
): number {
  return Math.max(0, effectiveThresholdBps(reserve, market, now) - sizePenaltyBps(reserve, collateralValue, now));
}

/** `positionThresholdBps - ltv_buffer`, bps. */
export function positionMaxLtvBps(
  reserve: ReserveState,
  market: MarketState,
  collateralValue: bigint,
  now: bigint,
): number {
  return Math.max(0, positionThresholdBps(reserve, market, collateralValue, now) - reserve.bounds.ltvBufferBps);
}
