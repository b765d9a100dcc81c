// Interest accrual and debt shares as the program computes them
// (`lending::accrue_interest`, `math::interest`, `math::shares`), bit for
// bit: a position's debt is its shares times the borrow index, accrued to
// the moment.

import * as fixed from "./fixed";
import { big } from "./integer";
import type { ReserveState } from "./state";

const BPS = 10_000n;
const SECONDS_PER_YEAR = 31_536_000n;

/** A reserve's lending books after accruing interest, I80F48 bits where the account holds I80F48. */
export interface AccruedLending {
  borrowIndex: bigint;
  borrowedAmount: bigint;
  protocolFees: bigint;
  /** Base units of a deficit suppliers bore that fees have not yet paid back. */
  deficitUncovered: bigint;
  debtShares: bigint;
  availableLiquidity: bigint;
}

/** The reserve's books as stored. */
export function lendingOf(reserve: ReserveState): AccruedLending {
  const lending = reserve.lending;
  return {
    borrowIndex: fixed.fromWrapped(lending.borrowIndex),
    borrowedAmount: fixed.fromWrapped(lending.borrowedAmount),
    protocolFees: fixed.fromWrapped(lending.protocolFees),
    deficitUncovered: big(reserve.deficitUncovered),
    debtShares: big(lending.debtShares),
    availableLiquidity: big(lending.availableLiquidity),
  };
}

/**
 * The books after accruing interest to `now` (`lending::accrue_interest`):
 * `index × (1 + rate(u) × dt / year)` at the kinked curve's rate, the
 * reserve factor's share of the interest to the protocol, which pays back
 * a deficit the suppliers bore first (whole units).
 */
export function accrueInterest(reserve: ReserveState, now: bigint): AccruedLending {
  const books = lendingOf(reserve);
  const elapsed = now - big(reserve.lending.lastAccrualTs);
  if (elapsed <= 0n) return books;
  const borrowed = fixed.mul(fixed.fromInt(books.debtShares), books.borrowIndex);
  const rate = borrowRate(reserve.interest, utilization(borrowed, fixed.fromInt(books.availableLiquidity)));
  const growth = fixed.mul(rate, fixed.divInt(fixed.fromInt(elapsed), SECONDS_PER_YEAR));
  const factor = fixed.add(fixed.ONE, growth);
  const borrowIndex = fixed.mul(books.borrowIndex, factor);
  const borrowedAmount = fixed.mul(borrowed, factor);
  const interest = fixed.sub(borrowedAmount, borrowed);
  const protocolFee = fixed.divInt(fixed.mul(interest, fixed.fromInt(reserve.interest.reserveFactorBps)), BPS);
  const fees = fixed.add(books.protocolFees, protocolFee);
  const accrued = { ...books, borrowIndex, borrowedAmount, protocolFees: fees };
  const repaid = absorbLossWithFees(accrued, books.deficitUncovered);
  return { ...repaid.books, deficitUncovered: books.deficitUncovered - repaid.absorbed };
}

/**
 * A loss of `loss` base units taken from the protocol's unclaimed fees, in
 * whole units as far as they go (`absorb_loss_with_fees`): the books after
 * and the part the fees absorbed.
 */
export function absorbLossWithFees(books: AccruedLending, loss: bigint): { books: AccruedLending; absorbed: bigint } {
  const wholeFees = fixed.floorToInt(books.protocolFees);
  const absorbed = wholeFees < loss ? wholeFees : loss;
  return { books: { ...books, protocolFees: books.protocolFees - fixed.fromInt(absorbed) }, absorbed };
}

function utilization(borrowed: bigint, available: bigint): bigint {
  const total = fixed.add(borrowed, available);
  if (total <= 0n) return 0n;
  return fixed.clamp(fixed.div(borrowed, total), 0n, fixed.ONE);
}

function borrowRate(model: ReserveState["interest"], utilizationNow: bigint): bigint {
  const ratio = (bps: number) => fixed.divInt(fixed.fromInt(bps), BPS);
  const kink = ratio(model.kinkUtilizationBps);
  const u = fixed.clamp(utilizationNow, 0n, fixed.ONE);
  const slope1 = ratio(model.slope1Bps);
  const sloped =
    u <= kink
      ? fixed.div(fixed.mul(slope1, u), kink)
      : fixed.add(fixed.div(fixed.mul(ratio(model.slope2Bps), u - kink), fixed.ONE - kink), slope1);
  return fixed.add(sloped, ratio(model.baseRateBps));
}

/** The borrow index after accruing interest to `now`. */
export function accruedBorrowIndex(reserve: ReserveState, now: bigint): bigint {
  return accrueInterest(reserve, now).borrowIndex;
}

/** Debt owed for `shares` at `index`, base units, rounded up (`debt_owed`). */
export function debtOwed(shares: bigint, index: bigint): bigint {
  return fixed.ceilToInt(fixed.mul(fixed.fromInt(shares), index));
}

/** Debt shares a borrow of `amount` creates, rounded up (`debt_shares_to_mint`). */
export function debtSharesToMint(amount: bigint, index: bigint): bigint {
  return fixed.ceilToInt(fixed.div(fixed.fromInt(amount), index));
}

/** Debt shares a payment of `amount` retires, rounded down (`debt_shares_to_burn`). */
export function debtSharesToBurn(amount: bigint, index: bigint): bigint {
  return fixed.floorToInt(fixed.div(fixed.fromInt(amount), index));
}
