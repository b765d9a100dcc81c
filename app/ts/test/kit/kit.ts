// How the Kit client's values look beside the Rust side's (see
// `../rust.ts`), and the Rust side's values as the generated builders take
// them.

import type { PricedPosition, ReserveAccounts } from "../../src/kit";
import { AccountRole, getAddressDecoder, getAddressEncoder, type Address, type Instruction } from "@solana/kit";

import idl from "../../src/idl/risk_engine.json";
import type { Json, RecordedInstruction } from "../fixtures";
import { definedAsRust, IdlType, isPadding, Style, typeDef } from "../rust";

/** Codama's names: camelCase, a leading underscore dropped. */
export const camel = (name: string) =>
  name.replace(/^_+/, "").replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const KIT: Style = {
  field: (_typeName, _index, rawName) => camel(rawName),
  key: (value: Address) => Uint8Array.from(getAddressEncoder().encode(value)),
  // Scalar enums are TypeScript enums (numbers), data enums carry `__kind`.
  variant: (value, variants) =>
    typeof value === "number" ? value : variants.findIndex((v) => v.name === (value as { __kind: string }).__kind),
};

/** A decoded value of the IDL's type `rawName` as the Rust side writes it. */
export const kitAsRust = (value: unknown, rawName: string): Json => definedAsRust(value, rawName, KIT);

export const address = (value: string) => value as Address;

const WIDE = ["u64", "i64", "u128", "i128"];

/** A value the Rust side wrote, as the generated builders take it. */
export function kitFromRust(value: any, type: IdlType): any {
  if (typeof type === "string") {
    if (type === "pubkey") return getAddressDecoder().decode(Uint8Array.from(value as string[], Number));
    if (type === "bool") return value;
    return WIDE.includes(type) ? BigInt(value) : Number(value);
  }
  if ("array" in type) {
    // Byte arrays are bytes in Codama's codecs; other arrays are arrays.
    if (type.array[0] === "u8") return Uint8Array.from(value as string[], Number);
    return (value as any[]).map((item) => kitFromRust(item, type.array[0]));
  }
  const def = typeDef(type.defined.name);
  if (def.type.kind !== "struct") throw new Error(`only structs are passed as arguments here: ${type.defined.name}`);
  const out: Record<string, any> = {};
  for (const field of def.type.fields ?? []) {
    out[camel(field.name)] = isPadding(field.name) ? zero(field.type) : kitFromRust(value[field.name], field.type);
  }
  return out;
}

function zero(type: IdlType): any {
  if (typeof type === "string") return WIDE.includes(type) ? 0n : 0;
  if ("array" in type) {
    if (type.array[0] === "u8") return new Uint8Array(type.array[1]);
    return Array.from({ length: type.array[1] }, () => zero(type.array[0]));
  }
  throw new Error(`padding of an unexpected type: ${JSON.stringify(type)}`);
}

/** The IDL's type of an instruction argument, by the instruction's and the argument's names. */
export function argumentType(instruction: string, argument: string): IdlType {
  const found = idl.instructions.find((i) => i.name === instruction)?.args.find((a) => a.name === argument);
  if (!found) throw new Error(`${instruction} has no argument ${argument}`);
  return found.type as IdlType;
}

/** An instruction in the form the Rust side records it. */
export function asRecorded(ix: Instruction): RecordedInstruction {
  const signerRoles = [AccountRole.READONLY_SIGNER, AccountRole.WRITABLE_SIGNER];
  const writableRoles = [AccountRole.WRITABLE, AccountRole.WRITABLE_SIGNER];
  return {
    programId: ix.programAddress,
    keys: (ix.accounts ?? []).map((a) => ({
      pubkey: a.address,
      isSigner: signerRoles.includes(a.role),
      isWritable: writableRoles.includes(a.role),
    })),
    data: Buffer.from(ix.data ?? new Uint8Array()).toString("base64"),
  };
}

type Inputs = Record<string, any>;

// riskctl's inputs as the recording writes them, as the Kit client takes them.
export const reserveAccounts = (r: Inputs): ReserveAccounts => ({
  mint: address(r.mint),
  tokenProgram: address(r.tokenProgram),
  decimals: Number(r.decimals),
  reserve: address(r.reserve),
  vault: address(r.vault),
  feedId: Buffer.from(r.feedId, "hex"),
  priceAccount: address(r.priceAccount),
});

export const pricedPosition = (p: Inputs): PricedPosition => ({
  owner: address(p.owner),
  market: address(p.market),
  position: address(p.position),
  collateral: reserveAccounts(p.collateral),
  debt: reserveAccounts(p.debt),
});
