// Addresses of the program's accounts at `programAddress` (by default the
// compiled-in one), from the seeds the IDL carries. The generated finders
// (`findReservePda`, ...) derive at the compiled-in id unless given
// another; these cover every account, the market and the lender position
// included.

import {
  getAddressEncoder,
  getProgramDerivedAddress,
  type Address,
  type ProgramDerivedAddress,
  type ReadonlyUint8Array,
} from "@solana/kit";

import { Integer, u64 } from "../core/integer";
import { SEEDS, u64Seed } from "../core/seeds";
import { PROGRAM_ADDRESS } from "./program";

const key = (value: Address) => getAddressEncoder().encode(value);

const derive = (programAddress: Address, seeds: (Uint8Array | ReadonlyUint8Array)[]) =>
  getProgramDerivedAddress({ programAddress, seeds });

export function marketPda(
  creator: Address,
  marketId: Integer,
  programAddress = PROGRAM_ADDRESS,
): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [SEEDS.market, key(creator), u64Seed(u64(marketId, "market id"))]);
}

export function reservePda(
  market: Address,
  mint: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [SEEDS.reserve, key(market), key(mint)]);
}

export function vaultPda(reserve: Address, programAddress = PROGRAM_ADDRESS): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [SEEDS.vault, key(reserve)]);
}

export function positionPda(
  market: Address,
  owner: Address,
  positionId: Integer,
  programAddress = PROGRAM_ADDRESS,
): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [SEEDS.position, key(market), key(owner), u64Seed(u64(positionId, "position id"))]);
}

export function lenderPositionPda(
  reserve: Address,
  owner: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<ProgramDerivedAddress> {
  return derive(programAddress, [SEEDS.lender, key(reserve), key(owner)]);
}

/** The PDA that signs the program's `emit_cpi!` self-invocations. */
export async function eventAuthorityAddress(programAddress = PROGRAM_ADDRESS): Promise<Address> {
  return (await derive(programAddress, [SEEDS.eventAuthority]))[0];
}

/** The two accounts every instruction ends with, for the program at `programAddress`: pass them to a generated builder when calling another deployment. */
export async function eventAccounts(
  programAddress = PROGRAM_ADDRESS,
): Promise<{ eventAuthority: Address; program: Address }> {
  return { eventAuthority: await eventAuthorityAddress(programAddress), program: programAddress };
}
