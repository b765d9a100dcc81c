// Associated token accounts: where a liquidator receives collateral and
// pays debt from, and where the treasury's share of a bonus goes.

import {
  AccountRole,
  getAddressEncoder,
  getProgramDerivedAddress,
  type Address,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";

import {
  ASSOCIATED_TOKEN_PROGRAM,
  associatedTokenSeeds,
  CREATE_IDEMPOTENT_DATA,
  SYSTEM_PROGRAM,
} from "../../core/programs";
import type { Market } from "../generated";

/** `owner`'s associated token account of `mint`, whose program (SPL Token or Token-2022) is `tokenProgram`. */
export async function associatedTokenAddress(owner: Address, mint: Address, tokenProgram: Address): Promise<Address> {
  const key = (value: Address) => Uint8Array.from(getAddressEncoder().encode(value));
  const [address] = await getProgramDerivedAddress({
    programAddress: ASSOCIATED_TOKEN_PROGRAM as Address,
    seeds: associatedTokenSeeds(key(owner), key(tokenProgram), key(mint)),
  });
  return address;
}

/** Creates `owner`'s associated token account of `mint`, paid by `payer`, unless it exists: safe to put in every transaction. */
export async function createAssociatedTokenAccountIdempotent(
  payer: TransactionSigner,
  owner: Address,
  mint: Address,
  tokenProgram: Address,
): Promise<Instruction> {
  return {
    programAddress: ASSOCIATED_TOKEN_PROGRAM as Address,
    accounts: [
      { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer },
      { address: await associatedTokenAddress(owner, mint, tokenProgram), role: AccountRole.WRITABLE },
      { address: owner, role: AccountRole.READONLY },
      { address: mint, role: AccountRole.READONLY },
      { address: SYSTEM_PROGRAM as Address, role: AccountRole.READONLY },
      { address: tokenProgram, role: AccountRole.READONLY },
    ],
    data: CREATE_IDEMPOTENT_DATA,
  } as Instruction;
}

/** The market treasury's associated token account of `mint`: where `liquidate` sends the protocol's share of the bonus. */
export function treasuryTokenAccount(market: Market, mint: Address, tokenProgram: Address): Promise<Address> {
  return associatedTokenAddress(market.treasury, mint, tokenProgram);
}
