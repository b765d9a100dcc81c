// The other programs a bot's transactions call, and the parts of their
// instructions both clients build the same way.

import { Integer, u64 } from "./integer";

export const SYSTEM_PROGRAM = "11111111111111111111111111111111";
export const TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
export const TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";
export const ASSOCIATED_TOKEN_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
export const COMPUTE_BUDGET_PROGRAM = "ComputeBudget111111111111111111111111111111";
export const ADDRESS_LOOKUP_TABLE_PROGRAM = "AddressLookupTab1e1111111111111111111111111";

/** The associated token program's `CreateIdempotent`: creates the account unless it exists. */
export const CREATE_IDEMPOTENT_DATA = Uint8Array.of(1);

/** The seeds of `owner`'s associated token account of `mint` under `tokenProgram` (32 bytes each). */
export const associatedTokenSeeds = (owner: Uint8Array, tokenProgram: Uint8Array, mint: Uint8Array) => [
  owner,
  tokenProgram,
  mint,
];

function littleEndian(value: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** `SetComputeUnitLimit(units)`: tag 2, then a u32. */
export function computeUnitLimitData(units: number): Uint8Array {
  if (!Number.isInteger(units) || units < 0 || units > 0xffff_ffff)
    throw new RangeError(`${units} compute units is not a u32`);
  return Uint8Array.of(2, ...littleEndian(BigInt(units), 4));
}

/** `SetComputeUnitPrice(micro_lamports)`: tag 3, then a u64 (micro-lamports per compute unit). */
export function computeUnitPriceData(microLamportsPerUnit: Integer): Uint8Array {
  return Uint8Array.of(3, ...littleEndian(u64(microLamportsPerUnit, "priority fee"), 8));
}

/** The addresses a liquidation or a refresh of a market names, each once: what an address lookup table for it holds. */
export interface LookupParts {
  programId: string;
  eventAuthority: string;
  market: string;
  reserves: { reserve: string; mint: string; vault: string; tokenProgram: string; priceAccount: string }[];
  /** Accounts of your own every transaction names (the treasury's token accounts, yours). */
  extra?: string[];
}

export function lookupAddresses(parts: LookupParts): string[] {
  const all = [
    parts.programId,
    parts.eventAuthority,
    parts.market,
    ...parts.reserves.flatMap((r) => [r.reserve, r.mint, r.vault, r.tokenProgram, r.priceAccount]),
    ...(parts.extra ?? []),
  ];
  return [...new Set(all)];
}
