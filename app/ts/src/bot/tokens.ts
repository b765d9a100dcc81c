// Associated token accounts: where a liquidator receives collateral and
// pays debt from, and where the treasury's share of a bonus goes.

import { PublicKey, SystemProgram, TransactionInstruction } from "@solana/web3.js";

import { ASSOCIATED_TOKEN_PROGRAM, associatedTokenSeeds, CREATE_IDEMPOTENT_DATA } from "../core/programs";
import type { Market } from "../accounts";

export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey(ASSOCIATED_TOKEN_PROGRAM);

/** `owner`'s associated token account of `mint`, whose program (SPL Token or Token-2022) is `tokenProgram`. */
export function associatedTokenAddress(owner: PublicKey, mint: PublicKey, tokenProgram: PublicKey): PublicKey {
  const seeds = associatedTokenSeeds(owner.toBytes(), tokenProgram.toBytes(), mint.toBytes());
  return PublicKey.findProgramAddressSync(seeds, ASSOCIATED_TOKEN_PROGRAM_ID)[0];
}

/** Creates `owner`'s associated token account of `mint`, paid by `payer`, unless it exists: safe to put in every transaction. */
export function createAssociatedTokenAccountIdempotent(
  payer: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  tokenProgram: PublicKey,
): TransactionInstruction {
  return new TransactionInstruction({
    programId: ASSOCIATED_TOKEN_PROGRAM_ID,
    keys: [
      { pubkey: payer, isSigner: true, isWritable: true },
      { pubkey: associatedTokenAddress(owner, mint, tokenProgram), isSigner: false, isWritable: true },
      { pubkey: owner, isSigner: false, isWritable: false },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: SystemProgram.programId, isSigner: false, isWritable: false },
      { pubkey: tokenProgram, isSigner: false, isWritable: false },
    ],
    data: Buffer.from(CREATE_IDEMPOTENT_DATA),
  });
}

/** The market treasury's associated token account of `mint`: where `liquidate` sends the protocol's share of the bonus and `claim_protocol_fees` the fees. */
export function treasuryTokenAccount(market: Market, mint: PublicKey, tokenProgram: PublicKey): PublicKey {
  return associatedTokenAddress(market.treasury, mint, tokenProgram);
}
