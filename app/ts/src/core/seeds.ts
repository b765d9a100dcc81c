// The seeds of the program's addresses, as its IDL carries them: the
// constants of `constants.rs` and the event authority's seed, so a client
// can never derive with other ones.

import idl from "../idl/risk_engine.json";

function constant(name: string): Uint8Array {
  const found = idl.constants.find((c) => c.name === name);
  if (!found) throw new Error(`the IDL has no constant ${name}`);
  return Uint8Array.from(JSON.parse(found.value) as number[]);
}

/** The seed every instruction's `event_authority` carries in the IDL. */
function eventAuthoritySeed(): Uint8Array {
  const account = idl.instructions[0]?.accounts.find((a) => a.name === "event_authority");
  const seed = account && "pda" in account ? account.pda?.seeds[0] : undefined;
  if (!seed || seed.kind !== "const" || !seed.value) throw new Error("the IDL gives event_authority no constant seed");
  return Uint8Array.from(seed.value);
}

export const SEEDS = {
  market: constant("MARKET_SEED"),
  reserve: constant("RESERVE_SEED"),
  vault: constant("VAULT_SEED"),
  position: constant("POSITION_SEED"),
  lender: constant("LENDER_SEED"),
  eventAuthority: eventAuthoritySeed(),
};

/** A u64 id as its seed: 8 bytes, little endian. */
export function u64Seed(value: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Where a position's owner starts in its data: after the discriminator and the market. */
export const POSITION_OWNER_OFFSET = 8 + 32;
/** Where the parent of a reserve or a position (its market) and of a lender position (its reserve) starts. */
export const PARENT_OFFSET = 8;
