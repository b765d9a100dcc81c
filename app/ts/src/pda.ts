// Addresses of the program's accounts. The seeds come from the IDL's
// constants, so they can never drift from the program's.

import { PublicKey } from "@solana/web3.js";
import { Amount, u64 } from "./amount";
import { PROGRAM_ID, RAW_IDL } from "./program";

function seed(name: string): Buffer {
  const constant = RAW_IDL.constants?.find((c) => c.name === name);
  if (!constant) throw new Error(`the IDL has no constant ${name}`);
  return Buffer.from(JSON.parse(constant.value) as number[]);
}

export const SEEDS = {
  market: seed("MARKET_SEED"),
  reserve: seed("RESERVE_SEED"),
  vault: seed("VAULT_SEED"),
  position: seed("POSITION_SEED"),
  lender: seed("LENDER_SEED"),
  eventAuthority: Buffer.from("__event_authority"),
};

type Address = [PublicKey, number];

function u64Le(value: Amount, what: string): Buffer {
  return u64(value, what).toArrayLike(Buffer, "le", 8);
}

export function marketAddress(creator: PublicKey, marketId: Amount): Address {
  return PublicKey.findProgramAddressSync([SEEDS.market, creator.toBuffer(), u64Le(marketId, "market id")], PROGRAM_ID);
}

export function reserveAddress(market: PublicKey, mint: PublicKey): Address {
  return PublicKey.findProgramAddressSync([SEEDS.reserve, market.toBuffer(), mint.toBuffer()], PROGRAM_ID);
}

export function vaultAddress(reserve: PublicKey): Address {
  return PublicKey.findProgramAddressSync([SEEDS.vault, reserve.toBuffer()], PROGRAM_ID);
}

export function positionAddress(market: PublicKey, owner: PublicKey, positionId: Amount): Address {
  return PublicKey.findProgramAddressSync(
    [SEEDS.position, market.toBuffer(), owner.toBuffer(), u64Le(positionId, "position id")],
    PROGRAM_ID,
  );
}

export function lenderPositionAddress(reserve: PublicKey, owner: PublicKey): Address {
  return PublicKey.findProgramAddressSync([SEEDS.lender, reserve.toBuffer(), owner.toBuffer()], PROGRAM_ID);
}

/** The PDA that signs the program's `emit_cpi!` self-invocations. */
export function eventAuthority(): PublicKey {
  return PublicKey.findProgramAddressSync([SEEDS.eventAuthority], PROGRAM_ID)[0];
}
