// The instructions a keeper and a liquidation bot send, at any program
// address: the generated builders with every account derived at that
// address (the generated defaults derive at the compiled-in one).

import type { Address, Instruction, TransactionSigner } from "@solana/kit";

import { Integer, u64 } from "../../core/integer";
import {
  getLiquidateInstruction,
  getRefreshReserveInstruction,
  getReportDepthInstruction,
  getWriteOffBadDebtInstruction,
} from "../generated";
import { eventAccounts } from "../pda";
import { PROGRAM_ADDRESS } from "../program";
import type { LiquidatorAccounts, PricedPosition } from "./accounts";

/** Anyone may refresh a reserve from its Pyth account. */
export async function refreshReserveInstruction(
  market: Address,
  reserve: Address,
  priceUpdate: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<Instruction> {
  return getRefreshReserveInstruction(
    { market, reserve, priceUpdate, ...(await eventAccounts(programAddress)) },
    { programAddress },
  );
}

/** The reserve's depth reporter reports the quote value its markets absorb at 1 % impact, whole quote units. */
export async function reportDepthInstruction(
  reporter: TransactionSigner,
  reserve: Address,
  depthQuote: Integer,
  programAddress = PROGRAM_ADDRESS,
): Promise<Instruction> {
  return getReportDepthInstruction(
    { reporter, reserve, depthQuote: u64(depthQuote, "depth"), ...(await eventAccounts(programAddress)) },
    { programAddress },
  );
}

/** Repays up to `maxRepay` of `p`'s debt for its collateral with the bonus, at least `minCollateralOut` of it (debt and collateral base units). */
export async function liquidateInstruction(
  p: PricedPosition,
  l: LiquidatorAccounts,
  maxRepay: Integer,
  minCollateralOut: Integer,
  programAddress = PROGRAM_ADDRESS,
): Promise<Instruction> {
  return getLiquidateInstruction(
    {
      liquidator: l.liquidator,
      market: p.market,
      position: p.position,
      collateralReserve: p.collateral.reserve,
      collateralMint: p.collateral.mint,
      collateralVault: p.collateral.vault,
      collateralUserTokenAccount: l.collateralAccount,
      collateralTokenProgram: p.collateral.tokenProgram,
      debtReserve: p.debt.reserve,
      debtMint: p.debt.mint,
      debtVault: p.debt.vault,
      debtUserTokenAccount: l.debtAccount,
      debtTokenProgram: p.debt.tokenProgram,
      collateralPrice: p.collateral.priceAccount,
      debtPrice: p.debt.priceAccount,
      treasuryCollateralAccount: l.treasuryCollateralAccount,
      maxRepay: u64(maxRepay, "max repay"),
      minCollateralOut: u64(minCollateralOut, "min collateral out"),
      ...(await eventAccounts(programAddress)),
    },
    { programAddress },
  );
}

/** Permissionless: writes off `p`'s debt once its collateral is worth less than the dust value; the dust goes to the treasury's account. */
export async function writeOffBadDebtInstruction(
  p: PricedPosition,
  treasuryCollateralAccount: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<Instruction> {
  return getWriteOffBadDebtInstruction(
    {
      market: p.market,
      position: p.position,
      reserve: p.collateral.reserve,
      mint: p.collateral.mint,
      vault: p.collateral.vault,
      userTokenAccount: treasuryCollateralAccount,
      tokenProgram: p.collateral.tokenProgram,
      debtReserve: p.debt.reserve,
      collateralPrice: p.collateral.priceAccount,
      debtPrice: p.debt.priceAccount,
      ...(await eventAccounts(programAddress)),
    },
    { programAddress },
  );
}
