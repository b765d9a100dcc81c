// A builder for every instruction, taking what `riskctl`'s builders take
// (app/src/client/builders.rs) and deriving the same addresses, so that a
// front end and the command line produce the same bytes. The builders of
// `instructionsFor(programId)` call the program at another id, with every
// address derived at that id.

import { IdlTypes } from "@anchor-lang/core";
import { PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";

import { Amount, u64 } from "./amount";
import {
  eventAuthority,
  lenderPositionAddress,
  marketAddress,
  positionAddress,
  reserveAddress,
  vaultAddress,
} from "./pda";
import { PROGRAM_ID, riskEngineProgram, RiskEngine } from "./program";

type Types = IdlTypes<RiskEngine>;
export type InitMarketArgs = Types["initMarketArgs"];
export type AddReserveArgs = Types["addReserveArgs"];
export type RiskBounds = Types["riskBounds"];
export type CalibrationParams = Types["calibrationParams"];
export type OracleConfig = Types["oracleConfig"];
export type InterestModel = Types["interestModel"];
export type LiquidationConfig = Types["liquidationConfig"];

/** One listed asset and the accounts around it (riskctl's `ReserveAccounts`). */
export interface ReserveAccounts {
  mint: PublicKey;
  tokenProgram: PublicKey;
  decimals: number;
  reserve: PublicKey;
  vault: PublicKey;
  /** The Pyth feed id, 32 bytes. */
  feedId: Uint8Array;
  /** The reserve's Pyth `PriceUpdateV2` account. */
  priceAccount: PublicKey;
}

/** A position with both of its reserves (riskctl's `PricedPosition`). */
export interface PricedPosition {
  owner: PublicKey;
  market: PublicKey;
  position: PublicKey;
  collateral: ReserveAccounts;
  debt: ReserveAccounts;
}

/** A liquidator's token accounts (riskctl's `LiquidatorAccounts`). */
export interface LiquidatorAccounts {
  liquidator: PublicKey;
  collateralAccount: PublicKey;
  debtAccount: PublicKey;
  treasuryCollateralAccount: PublicKey;
}

const bn = (value: Amount) => u64(value);

/** Every builder, calling the program at `programId`. */
export function instructionsFor(programId: PublicKey) {
  const methods = riskEngineProgram(undefined, programId).methods;
  /** The accounts every `emit_cpi!` instruction ends with. */
  const events = () => ({ eventAuthority: eventAuthority(programId), program: programId });

  function initMarket(authority: PublicKey, args: InitMarketArgs): Promise<TransactionInstruction> {
    const market = marketAddress(authority, args.marketId, programId)[0];
    return methods
      .initMarket(args)
      .accountsStrict({ authority, market, systemProgram: SystemProgram.programId, ...events() })
      .instruction();
  }

  function addReserve(
    authority: PublicKey,
    market: PublicKey,
    mint: PublicKey,
    tokenProgram: PublicKey,
    args: AddReserveArgs,
  ): Promise<TransactionInstruction> {
    const reserve = reserveAddress(market, mint, programId)[0];
    return methods
      .addReserve(args)
      .accountsStrict({
        authority,
        market,
        mint,
        reserve,
        vault: vaultAddress(reserve, programId)[0],
        tokenProgram,
        systemProgram: SystemProgram.programId,
        ...events(),
      })
      .instruction();
  }

  const governReserve = (authority: PublicKey, market: PublicKey, reserve: PublicKey) => ({
    authority,
    market,
    reserve,
    ...events(),
  });

  const setRiskBounds = (authority: PublicKey, market: PublicKey, reserve: PublicKey, bounds: RiskBounds) =>
    methods
      .setRiskBounds(bounds)
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  const setCalibrationParams = (
    authority: PublicKey,
    market: PublicKey,
    reserve: PublicKey,
    params: CalibrationParams,
  ) =>
    methods
      .setCalibrationParams(params)
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  const setOracleConfig = (authority: PublicKey, market: PublicKey, reserve: PublicKey, config: OracleConfig) =>
    methods
      .setOracleConfig(config)
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  const setInterestModel = (authority: PublicKey, market: PublicKey, reserve: PublicKey, model: InterestModel) =>
    methods
      .setInterestModel(model)
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  const setDepthReporter = (authority: PublicKey, market: PublicKey, reserve: PublicKey, depthReporter: PublicKey) =>
    methods
      .setDepthReporter(depthReporter)
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  /** Least a position's debt in `reserve` may be worth after a borrow, whole quote units; 0 for none. */
  const setMinBorrowValue = (
    authority: PublicKey,
    market: PublicKey,
    reserve: PublicKey,
    minBorrowValueQuote: Amount,
  ) =>
    methods
      .setMinBorrowValue(bn(minBorrowValueQuote))
      .accountsStrict(governReserve(authority, market, reserve))
      .instruction();

  const governMarket = (authority: PublicKey, market: PublicKey) => ({ authority, market, ...events() });

  const proposeAuthority = (authority: PublicKey, market: PublicKey, newAuthority: PublicKey) =>
    methods.proposeAuthority(newAuthority).accountsStrict(governMarket(authority, market)).instruction();

  const setGuardian = (authority: PublicKey, market: PublicKey, guardian: PublicKey) =>
    methods.setGuardian(guardian).accountsStrict(governMarket(authority, market)).instruction();

  const setTreasury = (authority: PublicKey, market: PublicKey, treasury: PublicKey) =>
    methods.setTreasury(treasury).accountsStrict(governMarket(authority, market)).instruction();

  const setLiquidationConfig = (authority: PublicKey, market: PublicKey, config: LiquidationConfig) =>
    methods.setLiquidationConfig(config).accountsStrict(governMarket(authority, market)).instruction();

  const acceptAuthority = (newAuthority: PublicKey, market: PublicKey) =>
    methods
      .acceptAuthority()
      .accountsStrict({ newAuthority, market, ...events() })
      .instruction();

  const setPause = (signer: PublicKey, market: PublicKey, pauseFlags: number) =>
    methods
      .setPause(pauseFlags)
      .accountsStrict({ signer, market, ...events() })
      .instruction();

  const refreshReserve = (market: PublicKey, reserve: PublicKey, priceUpdate: PublicKey) =>
    methods
      .refreshReserve()
      .accountsStrict({ market, reserve, priceUpdate, ...events() })
      .instruction();

  const reportDepth = (reporter: PublicKey, reserve: PublicKey, depthQuote: Amount) =>
    methods
      .reportDepth(bn(depthQuote))
      .accountsStrict({ reporter, reserve, ...events() })
      .instruction();

  const tokens = (asset: ReserveAccounts, userTokenAccount: PublicKey) => ({
    reserve: asset.reserve,
    mint: asset.mint,
    vault: asset.vault,
    userTokenAccount,
    tokenProgram: asset.tokenProgram,
  });

  const supply = (
    owner: PublicKey,
    market: PublicKey,
    asset: ReserveAccounts,
    ownerTokenAccount: PublicKey,
    amount: Amount,
    minSharesOut: Amount,
  ) =>
    methods
      .supply(bn(amount), bn(minSharesOut))
      .accountsStrict({
        owner,
        market,
        tokens: tokens(asset, ownerTokenAccount),
        lenderPosition: lenderPositionAddress(asset.reserve, owner, programId)[0],
        systemProgram: SystemProgram.programId,
        ...events(),
      })
      .instruction();

  /** `amount` of `u64::MAX` withdraws everything the shares are worth. */
  const withdrawSupply = (
    owner: PublicKey,
    market: PublicKey,
    asset: ReserveAccounts,
    ownerTokenAccount: PublicKey,
    amount: Amount,
    minAmountOut: Amount,
  ) =>
    methods
      .withdrawSupply(bn(amount), bn(minAmountOut))
      .accountsStrict({
        owner,
        market,
        tokens: tokens(asset, ownerTokenAccount),
        lenderPosition: lenderPositionAddress(asset.reserve, owner, programId)[0],
        ...events(),
      })
      .instruction();

  const closeLenderPosition = (owner: PublicKey, reserve: PublicKey) =>
    methods
      .closeLenderPosition()
      .accountsStrict({ owner, lenderPosition: lenderPositionAddress(reserve, owner, programId)[0], ...events() })
      .instruction();

  const openPosition = (
    owner: PublicKey,
    market: PublicKey,
    collateralReserve: PublicKey,
    debtReserve: PublicKey,
    positionId: Amount,
  ) =>
    methods
      .openPosition(bn(positionId))
      .accountsStrict({
        owner,
        market,
        collateralReserve,
        debtReserve,
        position: positionAddress(market, owner, bn(positionId), programId)[0],
        systemProgram: SystemProgram.programId,
        ...events(),
      })
      .instruction();

  const depositCollateral = (
    owner: PublicKey,
    position: PublicKey,
    collateral: ReserveAccounts,
    ownerTokenAccount: PublicKey,
    amount: Amount,
  ) =>
    methods
      .depositCollateral(bn(amount))
      .accountsStrict({ owner, position, collateral: tokens(collateral, ownerTokenAccount), ...events() })
      .instruction();

  const withdrawCollateral = (p: PricedPosition, ownerTokenAccount: PublicKey, amount: Amount) =>
    methods
      .withdrawCollateral(bn(amount))
      .accountsStrict({
        owner: p.owner,
        market: p.market,
        position: p.position,
        collateral: tokens(p.collateral, ownerTokenAccount),
        debtReserve: p.debt.reserve,
        collateralPrice: p.collateral.priceAccount,
        debtPrice: p.debt.priceAccount,
        ...events(),
      })
      .instruction();

  const borrow = (p: PricedPosition, ownerTokenAccount: PublicKey, amount: Amount) =>
    methods
      .borrow(bn(amount))
      .accountsStrict({
        owner: p.owner,
        market: p.market,
        position: p.position,
        collateralReserve: p.collateral.reserve,
        debt: tokens(p.debt, ownerTokenAccount),
        collateralPrice: p.collateral.priceAccount,
        debtPrice: p.debt.priceAccount,
        ...events(),
      })
      .instruction();

  const repay = (
    payer: PublicKey,
    position: PublicKey,
    debt: ReserveAccounts,
    payerTokenAccount: PublicKey,
    maxAmount: Amount,
  ) =>
    methods
      .repay(bn(maxAmount))
      .accountsStrict({ payer, position, debt: tokens(debt, payerTokenAccount), ...events() })
      .instruction();

  const closePosition = (owner: PublicKey, position: PublicKey) =>
    methods
      .closePosition()
      .accountsStrict({ owner, position, ...events() })
      .instruction();

  const claimProtocolFees = (market: PublicKey, asset: ReserveAccounts, treasuryTokenAccount: PublicKey) =>
    methods
      .claimProtocolFees()
      .accountsStrict({ market, fees: tokens(asset, treasuryTokenAccount), ...events() })
      .instruction();

  const liquidate = (p: PricedPosition, l: LiquidatorAccounts, maxRepay: Amount, minCollateralOut: Amount) =>
    methods
      .liquidate(bn(maxRepay), bn(minCollateralOut))
      .accountsStrict({
        liquidator: l.liquidator,
        market: p.market,
        position: p.position,
        collateral: tokens(p.collateral, l.collateralAccount),
        debt: tokens(p.debt, l.debtAccount),
        collateralPrice: p.collateral.priceAccount,
        debtPrice: p.debt.priceAccount,
        treasuryCollateralAccount: l.treasuryCollateralAccount,
        ...events(),
      })
      .instruction();

  /** Permissionless: writes off `p`'s debt once its collateral is worth less than the dust value; the dust goes to the treasury's account. */
  const writeOffBadDebt = (p: PricedPosition, treasuryCollateralAccount: PublicKey) =>
    methods
      .writeOffBadDebt()
      .accountsStrict({
        market: p.market,
        position: p.position,
        collateral: tokens(p.collateral, treasuryCollateralAccount),
        debtReserve: p.debt.reserve,
        collateralPrice: p.collateral.priceAccount,
        debtPrice: p.debt.priceAccount,
        ...events(),
      })
      .instruction();

  return {
    initMarket,
    addReserve,
    setRiskBounds,
    setCalibrationParams,
    setOracleConfig,
    setInterestModel,
    setDepthReporter,
    setMinBorrowValue,
    proposeAuthority,
    setGuardian,
    setTreasury,
    setLiquidationConfig,
    acceptAuthority,
    setPause,
    refreshReserve,
    reportDepth,
    supply,
    withdrawSupply,
    closeLenderPosition,
    openPosition,
    depositCollateral,
    withdrawCollateral,
    borrow,
    repay,
    closePosition,
    claimProtocolFees,
    liquidate,
    writeOffBadDebt,
  };
}

/** Every builder, calling the program at its compiled-in id. */
export const instructions = instructionsFor(PROGRAM_ID);

/** The builders `instructionsFor` gives. */
export type Instructions = ReturnType<typeof instructionsFor>;
