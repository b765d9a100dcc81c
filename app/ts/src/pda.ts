// Addresses of the program's accounts at `programId` (by default the
// compiled-in id). The seeds come from the IDL's constants, so they can
// never drift from the program's.

import { PublicKey } from "@solana/web3.js";

import { Amount } from "./amount";
import { u64 } from "./core/integer";
import { SEEDS as CORE_SEEDS, u64Seed } from "./core/seeds";
import { PROGRAM_ID } from "./program";

/** The seeds, from the IDL (`core/seeds`), as web3.js takes them. */
export const SEEDS = Object.fromEntries(
  Object.entries(CORE_SEEDS).map(([name, seed]) => [name, Buffer.from(seed)]),
) as Record<keyof typeof CORE_SEEDS, Buffer>;

type Address = [PublicKey, number];

const u64Le = (value: Amount, what: string) => u64Seed(u64(value, what));

export function marketAddress(creator: PublicKey, marketId: Amount, programId: PublicKey = PROGRAM_ID): Address {
  return PublicKey.findProgramAddressSync([SEEDS.market, creator.toBuffer(), u64Le(marketId, "market id")], programId);
}

export function reserveAddress(market: PublicKey, mint: PublicKey, programId: PublicKey = PROGRAM_ID): Address {
  return PublicKey.findProgramAddressSync([SEEDS.reserve, market.toBuffer(), mint.toBuffer()], programId);
}

export function vaultAddress(reserve: PublicKey, programId: PublicKey = PROGRAM_ID): Address {
  return PublicKey.findProgramAddressSync([SEEDS.vault, reserve.toBuffer()], programId);
}

export function positionAddress(
  market: PublicKey,
  owner: PublicKey,
  positionId: Amount,
  programId: PublicKey = PROGRAM_ID,
): Address {
  return PublicKey.findProgramAddressSync(
    [SEEDS.position, market.toBuffer(), owner.toBuffer(), u64Le(positionId, "position id")],
    programId,
  );
}

export function lenderPositionAddress(
  reserve: PublicKey,
  owner: PublicKey,
  programId: PublicKey = PROGRAM_ID,
): Address {
  return PublicKey.findProgramAddressSync([SEEDS.lender, reserve.toBuffer(), owner.toBuffer()], programId);
}

/** The PDA that signs the program's `emit_cpi!` self-invocations. */
export function eventAuthority(programId: PublicKey = PROGRAM_ID): PublicKey {
  return PublicKey.findProgramAddressSync([SEEDS.eventAuthority], programId)[0];
}
