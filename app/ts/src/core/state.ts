// The fields of the program's accounts that the computations of this
// package read, typed so that both clients' decoded accounts fit: the
// Anchor client's (BN, number[]) and the Kit client's (bigint,
// Uint8Array). Names are the IDL's, camelCased as both clients do.

import type { Wrapped } from "./fixed";
import type { Integer } from "./integer";

export interface OracleConfigState {
  feedId: ArrayLike<number>;
  maxAgeSecs: number;
  maxConfidenceBps: number;
  minVerification: number;
  liquidationMaxAgeSecs: number;
}

export interface ReserveState {
  mintDecimals: number;
  oracle: OracleConfigState;
  bounds: { ltMinBps: number; maxTightenBpsPerHour: number; ltvBufferBps: number };
  calibration: {
    referenceLiquidationQuote: Integer;
    minDepthQuote: Integer;
    depthMaxAgeSecs: number;
    maxSlippageBps: number;
    sizeWeightBps: number;
  };
  interest: {
    borrowCap: Integer;
    baseRateBps: number;
    slope1Bps: number;
    slope2Bps: number;
    kinkUtilizationBps: number;
    reserveFactorBps: number;
  };
  calibrated: {
    fastVariancePerYear: Wrapped;
    slowVariancePerYear: Wrapped;
    lastCalibrationTs: Integer;
    reportedDepthQuote: Integer;
    depthUpdatedTs: Integer;
    liquidationThresholdBps: number;
    liquidationBonusBps: number;
  };
  lending: {
    availableLiquidity: Integer;
    totalCollateral: Integer;
    debtShares: Integer;
    deficit: Integer;
    lastAccrualTs: Integer;
    borrowedAmount: Wrapped;
    borrowIndex: Wrapped;
    protocolFees: Wrapped;
  };
  newestPricePublishTime: Integer;
  staleFromTs: Integer;
  refreshPausedSecsSeen: Integer;
  deficitUncovered: Integer;
  minBorrowValueQuote: Integer;
}

export interface MarketState {
  liquidation: {
    dustValueQuoteE6: Integer;
    closeFactorBps: number;
    fullLiquidationHealthBps: number;
    protocolFeeShareBps: number;
  };
  refreshPausedSinceTs: Integer;
  refreshPausedSecs: Integer;
}

export interface PositionState {
  collateralAmount: Integer;
  debtShares: Integer;
}
