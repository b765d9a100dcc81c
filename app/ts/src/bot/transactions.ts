// Transactions a bot sends: a compute budget and a priority fee, version 0
// messages compressed with address lookup tables, and a lookup table of
// the accounts a market's liquidations and refreshes name.

import {
  AddressLookupTableAccount,
  AddressLookupTableProgram,
  ComputeBudgetProgram,
  Connection,
  PublicKey,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";

import { lookupAddresses } from "../core/programs";
import type { ReserveAccounts } from "../instructions";
import { eventAuthority } from "../pda";
import { PROGRAM_ID } from "../program";

export interface ComputeBudget {
  /** Compute units to request; the runtime's default when absent. */
  units?: number;
  /** Priority fee, micro-lamports per compute unit; none when absent. */
  microLamportsPerUnit?: bigint | number;
}

/** `SetComputeUnitLimit` and `SetComputeUnitPrice`, for what `budget` sets. */
export function computeBudgetInstructions(budget: ComputeBudget): TransactionInstruction[] {
  const out: TransactionInstruction[] = [];
  if (budget.units !== undefined) out.push(ComputeBudgetProgram.setComputeUnitLimit({ units: budget.units }));
  if (budget.microLamportsPerUnit !== undefined) {
    out.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: budget.microLamportsPerUnit }));
  }
  return out;
}

/** A version 0 transaction of `instructions` paid by `payer`, compressed with `lookupTables`, unsigned. */
export function versionedTransaction(
  payer: PublicKey,
  instructions: TransactionInstruction[],
  recentBlockhash: string,
  lookupTables: AddressLookupTableAccount[] = [],
): VersionedTransaction {
  const message = new TransactionMessage({ payerKey: payer, recentBlockhash, instructions }).compileToV0Message(
    lookupTables,
  );
  return new VersionedTransaction(message);
}

/** The lookup tables at `addresses`, as a version 0 message takes them; an address that holds none is an error. */
export async function fetchLookupTables(
  connection: Connection,
  addresses: PublicKey[],
): Promise<AddressLookupTableAccount[]> {
  return Promise.all(
    addresses.map(async (address) => {
      const table = (await connection.getAddressLookupTable(address)).value;
      if (!table) throw new Error(`no address lookup table at ${address.toBase58()}`);
      return table;
    }),
  );
}

/** The accounts a market's liquidations and refreshes name, each once (the program, its event authority, the market, each reserve's accounts, and `extra`). */
export function marketLookupAddresses(
  market: PublicKey,
  reserves: ReserveAccounts[],
  extra: PublicKey[] = [],
  programId: PublicKey = PROGRAM_ID,
): PublicKey[] {
  const text = (key: PublicKey) => key.toBase58();
  return lookupAddresses({
    programId: text(programId),
    eventAuthority: text(eventAuthority(programId)),
    market: text(market),
    reserves: reserves.map((r) => ({
      reserve: text(r.reserve),
      mint: text(r.mint),
      vault: text(r.vault),
      tokenProgram: text(r.tokenProgram),
      priceAccount: text(r.priceAccount),
    })),
    extra: extra.map(text),
  }).map((address) => new PublicKey(address));
}

/**
 * Addresses per `ExtendLookupTable`: 32 bytes each, and a transaction holds
 * 1,232; with its accounts, two signatures and a `CreateLookupTable` beside
 * it, twenty leave room to spare.
 */
const EXTEND_CHUNK = 20;

/**
 * A new lookup table holding `addresses`: its address and the instructions
 * that create and fill it, one transaction each (`recentSlot` is a recent
 * slot, as the lookup table program derives the address from it). A table
 * can be used from the slot after its last extension.
 */
export function lookupTableInstructions(
  authority: PublicKey,
  payer: PublicKey,
  recentSlot: number,
  addresses: PublicKey[],
): { address: PublicKey; transactions: TransactionInstruction[][] } {
  const [create, address] = AddressLookupTableProgram.createLookupTable({ authority, payer, recentSlot });
  const transactions: TransactionInstruction[][] = [[create]];
  for (let start = 0; start < addresses.length; start += EXTEND_CHUNK) {
    const extend = AddressLookupTableProgram.extendLookupTable({
      lookupTable: address,
      authority,
      payer,
      addresses: addresses.slice(start, start + EXTEND_CHUNK),
    });
    transactions[transactions.length - 1].push(extend);
    if (start + EXTEND_CHUNK < addresses.length) transactions.push([]);
  }
  return { address, transactions };
}
