// Transactions a bot sends: a compute budget and a priority fee, version 0
// messages compressed with address lookup tables, and a lookup table of the
// accounts a market's liquidations and refreshes name.

import {
  AccountRole,
  appendTransactionMessageInstructions,
  compressTransactionMessageUsingAddressLookupTables,
  createTransactionMessage,
  getAddressEncoder,
  getProgramDerivedAddress,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  type AddressesByLookupTableAddress,
  type Address,
  type Blockhash,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";

import { u64Seed } from "../../core/seeds";
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  computeUnitLimitData,
  computeUnitPriceData,
  lookupAddresses,
  SYSTEM_PROGRAM,
} from "../../core/programs";
import { eventAuthorityAddress } from "../pda";
import { PROGRAM_ADDRESS } from "../program";
import type { ReserveAccounts } from "./accounts";

export interface ComputeBudget {
  /** Compute units to request; the runtime's default when absent. */
  units?: number;
  /** Priority fee, micro-lamports per compute unit; none when absent. */
  microLamportsPerUnit?: bigint | number;
}

/** `SetComputeUnitLimit` and `SetComputeUnitPrice`, for what `budget` sets. */
export function computeBudgetInstructions(budget: ComputeBudget): Instruction[] {
  const instruction = (data: Uint8Array): Instruction => ({ programAddress: COMPUTE_BUDGET_PROGRAM as Address, data });
  const out: Instruction[] = [];
  if (budget.units !== undefined) out.push(instruction(computeUnitLimitData(budget.units)));
  if (budget.microLamportsPerUnit !== undefined)
    out.push(instruction(computeUnitPriceData(budget.microLamportsPerUnit)));
  return out;
}

/** A version 0 message of `instructions` paid by `payer`, compressed with `lookupTables` (`fetchAddressesForLookupTables`). */
export function versionedMessage(
  payer: TransactionSigner,
  instructions: Instruction[],
  lifetime: { blockhash: Blockhash; lastValidBlockHeight: bigint },
  lookupTables: AddressesByLookupTableAddress = {},
) {
  return pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => compressTransactionMessageUsingAddressLookupTables(m, lookupTables),
  );
}

/** The accounts a market's liquidations and refreshes name, each once (the program, its event authority, the market, each reserve's accounts, and `extra`). */
export async function marketLookupAddresses(
  market: Address,
  reserves: ReserveAccounts[],
  extra: Address[] = [],
  programAddress = PROGRAM_ADDRESS,
): Promise<Address[]> {
  return lookupAddresses({
    programId: programAddress,
    eventAuthority: await eventAuthorityAddress(programAddress),
    market,
    reserves,
    extra,
  }) as Address[];
}

const LOOKUP_TABLE = ADDRESS_LOOKUP_TABLE_PROGRAM as Address;

/** The lookup table program's instruction tag (u32), then its fields. */
function lookupTableData(tag: number, ...fields: Uint8Array[]): Uint8Array {
  const parts = [Uint8Array.of(tag, 0, 0, 0), ...fields];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

const lookupTableAccounts = (table: Address, authority: TransactionSigner, payer: TransactionSigner) => [
  { address: table, role: AccountRole.WRITABLE },
  { address: authority.address, role: AccountRole.READONLY_SIGNER, signer: authority },
  { address: payer.address, role: AccountRole.WRITABLE_SIGNER, signer: payer },
  { address: SYSTEM_PROGRAM as Address, role: AccountRole.READONLY },
];

/** `CreateLookupTable`: a new table owned by `authority` at the address `recentSlot` (a recent slot) gives. */
export async function createLookupTableInstruction(
  authority: TransactionSigner,
  payer: TransactionSigner,
  recentSlot: bigint,
): Promise<{ address: Address; instruction: Instruction }> {
  const [address, bump] = await getProgramDerivedAddress({
    programAddress: LOOKUP_TABLE,
    seeds: [getAddressEncoder().encode(authority.address), u64Seed(recentSlot)],
  });
  const instruction = {
    programAddress: LOOKUP_TABLE,
    accounts: lookupTableAccounts(address, authority, payer),
    data: lookupTableData(0, u64Seed(recentSlot), Uint8Array.of(bump)),
  } as Instruction;
  return { address, instruction };
}

/** `ExtendLookupTable`: adds `addresses` to `table`. */
export function extendLookupTableInstruction(
  table: Address,
  authority: TransactionSigner,
  payer: TransactionSigner,
  addresses: Address[],
): Instruction {
  const keys = addresses.map((a) => Uint8Array.from(getAddressEncoder().encode(a)));
  return {
    programAddress: LOOKUP_TABLE,
    accounts: lookupTableAccounts(table, authority, payer),
    data: lookupTableData(2, u64Seed(BigInt(keys.length)), ...keys),
  } as Instruction;
}

/**
 * Addresses per `ExtendLookupTable`: 32 bytes each, and a transaction holds
 * 1,232; with its accounts, two signatures and a `CreateLookupTable` beside
 * it, twenty leave room to spare.
 */
const EXTEND_CHUNK = 20;

/** A new lookup table holding `addresses`: its address and the instructions that create and fill it, one transaction each. A table is usable from the slot after its last extension. */
export async function lookupTableInstructions(
  authority: TransactionSigner,
  payer: TransactionSigner,
  recentSlot: bigint,
  addresses: Address[],
): Promise<{ address: Address; transactions: Instruction[][] }> {
  const { address, instruction } = await createLookupTableInstruction(authority, payer, recentSlot);
  const transactions: Instruction[][] = [[instruction]];
  for (let start = 0; start < addresses.length; start += EXTEND_CHUNK) {
    if (start > 0) transactions.push([]);
    transactions[transactions.length - 1].push(
      extendLookupTableInstruction(address, authority, payer, addresses.slice(start, start + EXTEND_CHUNK)),
    );
  }
  return { address, transactions };
}
