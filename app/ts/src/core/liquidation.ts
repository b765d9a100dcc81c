// What `liquidate` would do to a position, computed as the program does
// (`liquidation::liquidate` and `math::liquidation`), rounding included:
// the repayment, the collateral seized and its split, the deficit and the
// health after. `quoteLiquidation` adds what riskctl's liquidator
// (`liquidator::evaluate`) adds: the profit and `min_collateral_out`.

import { ProgramRefusal, programError } from "./errors";
import * as fixed from "./fixed";
import { big, U64_MAX } from "./integer";
import { tokenValue } from "./health";
import { absorbLossWithFees, accrueInterest, debtOwed, debtSharesToBurn, debtSharesToMint } from "./interest";
import { liquidationCollateralPrice, liquidationDebtPrice, OraclePrice } from "./oracle";
import type { MarketState, PositionState, ReserveState } from "./state";
import { positionThresholdBps } from "./threshold";

const BPS = 10_000n;

/** One side of a position as liquidation measures it: base units, its mint's decimals, and its price (I80F48 bits, quote units per whole token). */
export interface Side {
  amount: bigint;
  decimals: number;
  price: bigint;
}

/** A side's quote value, I80F48 bits. */
export const sideValue = (side: Side) => tokenValue(side.amount, side.decimals, side.price);

/** `HF = collateral_value × LT / debt_value`, I80F48 bits; no debt is infinitely healthy (`I80F48::MAX`). */
export function healthFactor(collateral: Side, debt: Side, thresholdBps: number): bigint {
  const debtValue = sideValue(debt);
  if (debtValue <= 0n) return fixed.MAX;
  const weighted = fixed.divInt(fixed.mul(sideValue(collateral), fixed.fromInt(thresholdBps)), BPS);
  return fixed.div(weighted, debtValue);
}

/** `HF < 1`, decided exactly: `debt_value × 10,000 > collateral_value × LT`. */
export function isLiquidatable(collateral: Side, debt: Side, thresholdBps: number): boolean {
  const limit = fixed.mul(sideValue(collateral), fixed.fromInt(thresholdBps));
  return fixed.mul(sideValue(debt), fixed.fromInt(BPS)) > limit;
}

/** A market's rules for one liquidation, with the collateral reserve's bonus. */
export interface CloseRules {
  closeFactorBps: number;
  /** Health (bps of 1.0) at or under which the whole debt may be repaid. */
  fullLiquidationHealthBps: number;
  /** Below this value (quote units × 10^-6) a side counts as dust. */
  dustValueQuoteE6: bigint;
  bonusBps: number;
}

const dustValue = (rules: CloseRules) => fixed.divInt(fixed.fromInt(rules.dustValueQuoteE6), 1_000_000n);
const bonusMultiplier = (bonusBps: number) => fixed.divInt(fixed.fromInt(BPS + BigInt(bonusBps)), BPS);

/** Health at or under which the whole debt may be repaid: `max(full_liquidation_health, LT × (1 + bonus))`, I80F48 bits. */
export function fullLiquidationLevel(thresholdBps: number, rules: CloseRules): bigint {
  const governed = fixed.divInt(fixed.fromInt(rules.fullLiquidationHealthBps), BPS);
  const spiral = fixed.divInt(fixed.fromInt(BigInt(thresholdBps) * (BPS + BigInt(rules.bonusBps))), BPS * BPS);
  return fixed.max(governed, spiral);
}

/**
 * Most debt (base units) one liquidation may repay: the close factor while
 * health is above the full-liquidation level and the largest partial
 * liquidation would leave more than dust on both sides; otherwise all of it.
 */
export function maxRepay(collateral: Side, debt: Side, thresholdBps: number, rules: CloseRules): bigint {
  const health = healthFactor(collateral, debt, thresholdBps);
  if (health <= fullLiquidationLevel(thresholdBps, rules)) return debt.amount;
  const closeFactor = fixed.divInt(fixed.fromInt(rules.closeFactorBps), BPS);
  const debtValue = sideValue(debt);
  const repaidValue = fixed.mul(debtValue, closeFactor);
  const debtLeft = debtValue - repaidValue;
  const seizedValue = fixed.mul(repaidValue, bonusMultiplier(rules.bonusBps));
  const collateralLeft = fixed.sub(sideValue(collateral), seizedValue);
  const dust = dustValue(rules);
  if (debtLeft < dust || collateralLeft < dust) return debt.amount;
  return (debt.amount * BigInt(rules.closeFactorBps)) / BPS;
}

const pow10 = (decimals: number) => {
  const scale = 10n ** BigInt(decimals);
  if (scale > U64_MAX) throw new fixed.FixedOverflow();
  return fixed.fromInt(scale);
};

/**
 * `amount × Π up × 10^up_decimals / (Π down × 10^down_decimals)`, in the
 * program's order: everything multiplied first, or, when that overflows,
 * dividing as it goes.
 */
function convert(
  amount: bigint,
  up: [bigint, bigint],
  upDecimals: number,
  down: [bigint, bigint],
  downDecimals: number,
): bigint {
  const value = fixed.fromInt(amount);
  const upScale = pow10(upDecimals);
  const downScale = pow10(downDecimals);
  try {
    const numerator = fixed.mul(fixed.mul(fixed.mul(value, up[0]), up[1]), upScale);
    const denominator = fixed.mul(fixed.mul(down[0], down[1]), downScale);
    return fixed.div(numerator, denominator);
  } catch (error) {
    if (!(error instanceof fixed.FixedOverflow)) throw error;
  }
  const scaled = fixed.mul(fixed.div(value, downScale), fixed.div(up[0], down[0]));
  return fixed.mul(fixed.mul(scaled, fixed.div(up[1], down[1])), upScale);
}

function toU64(whole: bigint): bigint {
  if (whole < 0n || whole > U64_MAX) throw new fixed.FixedOverflow();
  return whole;
}

/** Collateral (base units) seized for repaying `repay` base units of debt: `repay × P_d / P_c × (1 + bonus)`, rounded down. */
export function seizeForRepay(repay: bigint, debt: Side, collateral: Side, bonusBps: number): bigint {
  const seized = convert(
    repay,
    [debt.price, fixed.fromInt(BPS + BigInt(bonusBps))],
    collateral.decimals,
    [collateral.price, fixed.fromInt(BPS)],
    debt.decimals,
  );
  return toU64(fixed.floorToInt(seized));
}

/** Debt (base units) that buys `seize` base units of collateral with the bonus, rounded up. */
export function repayForSeize(seize: bigint, debt: Side, collateral: Side, bonusBps: number): bigint {
  const repay = convert(
    seize,
    [collateral.price, fixed.fromInt(BPS)],
    debt.decimals,
    [debt.price, fixed.fromInt(BPS + BigInt(bonusBps))],
    collateral.decimals,
  );
  return toU64(fixed.ceilToInt(repay));
}

/** How seized collateral is shared, base units: the bonus part is `seize × bonus / (1 + bonus)`, the protocol takes its share of that (rounded up), the liquidator the rest. */
export interface SeizeSplit {
  toLiquidator: bigint;
  protocolFee: bigint;
  bonus: bigint;
}

export function splitSeized(seize: bigint, bonusBps: number, protocolShareBps: number): SeizeSplit {
  const bonus = (seize * BigInt(bonusBps)) / (BPS + BigInt(bonusBps));
  const protocolFee = (bonus * BigInt(protocolShareBps) + BPS - 1n) / BPS;
  return { toLiquidator: seize - protocolFee, protocolFee, bonus };
}

/** What a liquidation does, as the program's `Liquidated` event reports it. */
export interface LiquidationOutcome {
  /** The position's threshold, bps. */
  thresholdBps: number;
  /** Health before and after, I80F48 bits. */
  healthBefore: bigint;
  healthAfter: bigint;
  /** Debt the liquidator pays, debt base units. */
  repaid: bigint;
  /** Collateral taken from the position, collateral base units. */
  seized: bigint;
  /** `seized` split: to the liquidator, to the treasury, and the bonus part, collateral base units. */
  split: SeizeSplit;
  /** Debt left without collateral, written off, debt base units. */
  deficit: bigint;
  /** The part of `deficit` the protocol's unclaimed fees absorbed, debt base units. */
  deficitAbsorbedByFees: bigint;
}

/** A liquidation the program would refuse, with its error (`PositionHealthy`, `LiquidationLeavesDust`, ...). */
export class LiquidationRefused extends ProgramRefusal {}

/** Everything a liquidation reads: the accounts as stored, the prices accepted for a liquidation, and the clock. */
export interface LiquidationInput {
  position: PositionState;
  collateral: ReserveState;
  collateralPrice: OraclePrice;
  debt: ReserveState;
  debtPrice: OraclePrice;
  /** The position's market: its liquidation rules and refresh-pause clock. */
  market: MarketState;
  /** Unix seconds. */
  now: bigint;
}

/** The position's two sides as a liquidation at `now` measures them (`liquidation::position_sides`): collateral, and debt with interest accrued to `now` (rounded up), at spot prices or the band's edges. */
export function liquidationSides(input: Omit<LiquidationInput, "market">): { collateral: Side; debt: Side } {
  const index = accrueInterest(input.debt, input.now).borrowIndex;
  return sidesAt(input, index);
}

function sidesAt(input: Omit<LiquidationInput, "market">, index: bigint): { collateral: Side; debt: Side } {
  return {
    collateral: {
      amount: big(input.position.collateralAmount),
      decimals: input.collateral.mintDecimals,
      price: liquidationCollateralPrice(input.collateralPrice),
    },
    debt: {
      amount: debtOwed(big(input.position.debtShares), index),
      decimals: input.debt.mintDecimals,
      price: liquidationDebtPrice(input.debtPrice),
    },
  };
}

const refuse = (name: string): never => {
  throw new LiquidationRefused(programError(name));
};

/**
 * Shares retired and the debt paid for them when `amount` is offered
 * against a position of `positionShares` owing `owed` (`retire`): all of it
 * for exactly what is owed, or whole shares (rounded down, or up when
 * `roundUp`) paid at their value rounded up.
 */
function retire(
  positionShares: bigint,
  owed: bigint,
  amount: bigint,
  index: bigint,
  roundUp: boolean,
): [bigint, bigint] {
  if (amount >= owed) return [positionShares, owed];
  if (index <= 0n) refuse("MathDomain");
  const burned = roundUp ? debtSharesToMint(amount, index) : debtSharesToBurn(amount, index);
  if (burned >= positionShares) return [positionShares, owed];
  return [burned, debtOwed(burned, index)];
}

/**
 * What `liquidate(max_repay, ..)` does to the position at `now`
 * (`liquidation::liquidate`), or `LiquidationRefused` with the program's
 * error. Prices must be accepted for a liquidation first (each client's
 * `acceptPrice(.., "liquidation")`).
 */
export function liquidate(input: LiquidationInput, maxRepayAmount: bigint): LiquidationOutcome {
  try {
    return liquidateChecked(input, maxRepayAmount);
  } catch (error) {
    if (error instanceof fixed.FixedOverflow) refuse("MathOverflow");
    throw error;
  }
}

function liquidateChecked(input: LiquidationInput, maxRepayAmount: bigint): LiquidationOutcome {
  if (maxRepayAmount <= 0n) refuse("ZeroAmount");
  const { collateral, debt, market, now } = input;
  // The program accrues both reserves; only the debt's books enter the outcome.
  accrueInterest(collateral, now);
  const books = accrueInterest(debt, now);
  const index = books.borrowIndex;
  const sides = sidesAt(input, index);
  const thresholdBps = positionThresholdBps(collateral, market, sideValue(sides.collateral), now);
  const owed = sides.debt.amount;
  if (!(owed > 0n && isLiquidatable(sides.collateral, sides.debt, thresholdBps))) refuse("PositionHealthy");
  const healthBefore = healthFactor(sides.collateral, sides.debt, thresholdBps);
  const bonusBps = collateral.calibrated.liquidationBonusBps;
  const rules: CloseRules = {
    closeFactorBps: market.liquidation.closeFactorBps,
    fullLiquidationHealthBps: market.liquidation.fullLiquidationHealthBps,
    dustValueQuoteE6: big(market.liquidation.dustValueQuoteE6),
    bonusBps,
  };
  const largest = maxRepay(sides.collateral, sides.debt, thresholdBps, rules);
  const requested = maxRepayAmount < largest ? maxRepayAmount : largest;

  const positionShares = big(input.position.debtShares);
  const collateralAmount = sides.collateral.amount;
  let [sharesBurned, repaid] = retire(positionShares, owed, requested, index, false);
  let seized = seizeForRepay(repaid, sides.debt, sides.collateral, bonusBps);
  if (seized >= collateralAmount) {
    seized = collateralAmount;
    const needed = repayForSeize(seized, sides.debt, sides.collateral, bonusBps);
    [sharesBurned, repaid] = retire(positionShares, owed, needed < repaid ? needed : repaid, index, true);
  }
  if (!(sharesBurned > 0n && repaid > 0n)) refuse("ZeroAmount");

  const sharesLeft = positionShares - sharesBurned;
  const collateralLeft = collateralAmount - seized;
  let deficit = 0n;
  if (sharesLeft > 0n && collateralLeft === 0n) {
    deficit = debtOwed(sharesLeft, index);
  } else if (sharesLeft > 0n) {
    const dust = dustValue(rules);
    const debtLeft = sideValue({ ...sides.debt, amount: debtOwed(sharesLeft, index) });
    const collateralLeftValue = sideValue({ ...sides.collateral, amount: collateralLeft });
    if (!(debtLeft >= dust && collateralLeftValue >= dust)) refuse("LiquidationLeavesDust");
  }

  // The books' checks: the shares and collateral retired must be there,
  // and the reserve's borrowed amount (`set_debt_shares`, which throws
  // past I80F48), its liquidity and its deficits must still fit.
  const writtenOffShares = deficit > 0n ? sharesLeft : 0n;
  if (books.debtShares < sharesBurned + writtenOffShares) refuse("MathOverflow");
  fixed.mul(fixed.fromInt(books.debtShares - sharesBurned - writtenOffShares), index);
  if (books.availableLiquidity + repaid > U64_MAX) refuse("MathOverflow");
  if (big(debt.lending.deficit) + deficit > U64_MAX) refuse("MathOverflow");
  const { absorbed } = absorbLossWithFees(books, deficit);
  if (books.deficitUncovered + deficit - absorbed > U64_MAX) refuse("MathOverflow");
  if (big(collateral.lending.totalCollateral) < seized) refuse("MathOverflow");

  const positionSharesAfter = sharesLeft - writtenOffShares;
  const healthAfter = healthFactor(
    { ...sides.collateral, amount: collateralLeft },
    { ...sides.debt, amount: debtOwed(positionSharesAfter, index) },
    thresholdBps,
  );
  // Fees come after suppliers: a liquidation that leaves them bad debt
  // pays the treasury no share of its bonus.
  const protocolShareBps = deficit > 0n ? 0 : market.liquidation.protocolFeeShareBps;
  return {
    thresholdBps,
    healthBefore,
    healthAfter,
    repaid,
    seized,
    split: splitSeized(seized, bonusBps, protocolShareBps),
    deficit,
    deficitAbsorbedByFees: absorbed,
  };
}

/** A liquidation worth sending, as riskctl's liquidator prices it (`liquidator::evaluate`). */
export interface LiquidationQuote {
  outcome: LiquidationOutcome;
  /** Collateral received less debt repaid, quote units at the liquidation's prices, I80F48 bits. */
  profitQuote: bigint;
  /** `to_liquidator` less the slippage tolerance: what to pass as `min_collateral_out`, collateral base units. */
  minCollateralOut: bigint;
}

/**
 * The liquidation the program would perform for a liquidator repaying at
 * most `maxRepayAmount` (base units of the debt mint; `U64_MAX` for no
 * limit), with `minCollateralOut` leaving `toleranceBps` of slippage on
 * the collateral received; `LiquidationRefused` when the program would
 * refuse it.
 */
export function quoteLiquidation(
  input: LiquidationInput,
  toleranceBps = 0,
  maxRepayAmount: bigint = U64_MAX,
): LiquidationQuote {
  const outcome = liquidate(input, maxRepayAmount);
  try {
    const received = tokenValue(
      outcome.split.toLiquidator,
      input.collateral.mintDecimals,
      liquidationCollateralPrice(input.collateralPrice),
    );
    const paid = tokenValue(outcome.repaid, input.debt.mintDecimals, liquidationDebtPrice(input.debtPrice));
    const keptBps = BPS - BigInt(Math.min(Math.max(toleranceBps, 0), 10_000));
    return {
      outcome,
      profitQuote: received - paid,
      minCollateralOut: (outcome.split.toLiquidator * keptBps) / BPS,
    };
  } catch (error) {
    if (error instanceof fixed.FixedOverflow) refuse("MathOverflow");
    throw error;
  }
}
