// How the Anchor client's values look beside the Rust side's (see
// `rust.ts`), and the Rust side's values as the Anchor builders take them.

import assert from "node:assert/strict";

import { BN, IdlType, utils } from "@anchor-lang/core";
import { Connection, PublicKey, TransactionInstruction } from "@solana/web3.js";

import { OFFLINE_PROGRAM, PROGRAM_ID, RAW_IDL } from "../src";
import type { LiquidatorAccounts, PricedPosition, ReserveAccounts } from "../src";
import { bytes, scenario } from "./fixtures";
import type { Json, RecordedInstruction } from "./fixtures";
import { definedAsRust, isPadding, Style } from "./rust";

// Anchor camelCases the IDL at run time: the same types in the same order.
const RAW_TYPES = RAW_IDL.types ?? [];
const CAMEL_TYPES = OFFLINE_PROGRAM.idl.types ?? [];

function camelDef(rawName: string) {
  const index = RAW_TYPES.findIndex((t) => t.name === rawName);
  if (index < 0) throw new Error(`no type ${rawName} in the IDL`);
  return CAMEL_TYPES[index];
}

export const ANCHOR: Style = {
  field(typeName, index) {
    const def = camelDef(typeName);
    if (def.type.kind !== "struct") throw new Error(`${typeName} is not a struct`);
    return (def.type.fields as { name: string }[])[index].name;
  },
  key: (value: PublicKey) => value.toBytes(),
  variant(value: Record<string, unknown>, variants) {
    const key = Object.keys(value)[0];
    return variants.findIndex((v) => v.name.charAt(0).toLowerCase() + v.name.slice(1) === key);
  },
};

/** A decoded value of the IDL's type `rawName` as the Rust side writes it. */
export const anchorAsRust = (value: unknown, rawName: string): Json => definedAsRust(value, rawName, ANCHOR);

/** The reverse: a value the Rust side wrote, as the Anchor builders take it. */
export function fromRust(value: any, type: IdlType): any {
  if (typeof type === "string") {
    switch (type) {
      case "pubkey":
        return new PublicKey(Uint8Array.from(value as string[], Number));
      case "bool":
        return value;
      case "u64":
      case "i64":
      case "u128":
      case "i128":
        return new BN(value as string);
      default:
        return Number(value);
    }
  }
  if ("array" in type) return (value as any[]).map((item) => fromRust(item, type.array[0]));
  if ("defined" in type) {
    const raw = RAW_TYPES.find((t) => t.name === type.defined.name);
    const camel = camelDef(type.defined.name);
    if (raw?.type.kind !== "struct" || camel.type.kind !== "struct") {
      throw new Error(`only structs are passed as arguments here: ${type.defined.name}`);
    }
    const rawFields = (raw.type.fields ?? []) as { name: string; type: IdlType }[];
    const camelFields = (camel.type.fields ?? []) as { name: string; type: IdlType }[];
    const out: Record<string, any> = {};
    rawFields.forEach((field, i) => {
      // Padding is not written; it is zero.
      out[camelFields[i].name] = isPadding(field.name) ? zero(field.type) : fromRust(value[field.name], field.type);
    });
    return out;
  }
  throw new Error(`a type the fixtures do not use: ${JSON.stringify(type)}`);
}

function zero(type: IdlType): any {
  if (typeof type === "string") return ["u64", "i64", "u128", "i128"].includes(type) ? new BN(0) : 0;
  if ("array" in type) return Array.from({ length: type.array[1] as number }, () => zero(type.array[0]));
  throw new Error(`padding of an unexpected type: ${JSON.stringify(type)}`);
}

export const defined = (name: string): IdlType => ({ defined: { name } });

/** An instruction in the form the Rust side records it. */
export function asRecorded(ix: TransactionInstruction): RecordedInstruction {
  return {
    programId: ix.programId.toBase58(),
    keys: ix.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
    data: ix.data.toString("base64"),
  };
}

type Inputs = Record<string, any>;
const key = (value: string) => new PublicKey(value);

// riskctl's inputs as the recording writes them, as the Anchor builders take them.
export const reserveAccounts = (r: Inputs): ReserveAccounts => ({
  mint: key(r.mint),
  tokenProgram: key(r.tokenProgram),
  decimals: Number(r.decimals),
  reserve: key(r.reserve),
  vault: key(r.vault),
  feedId: Buffer.from(r.feedId, "hex"),
  priceAccount: key(r.priceAccount),
});

export const pricedPosition = (p: Inputs): PricedPosition => ({
  owner: key(p.owner),
  market: key(p.market),
  position: key(p.position),
  collateral: reserveAccounts(p.collateral),
  debt: reserveAccounts(p.debt),
});

export const liquidatorAccounts = (l: Inputs): LiquidatorAccounts => ({
  liquidator: key(l.liquidator),
  collateralAccount: key(l.collateralAccount),
  debtAccount: key(l.debtAccount),
  treasuryCollateralAccount: key(l.treasuryCollateralAccount),
});

/**
 * A stand-in RPC serving the scenario's accounts to `getProgramAccounts`
 * as a node does (every memcmp filter must match); `calls` keeps each
 * call's filters.
 */
export function standInConnection(): { connection: Connection; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const connection = {
    getProgramAccounts: async (
      program: PublicKey,
      config: { filters: { memcmp: { offset: number; bytes: string } }[] },
    ) => {
      assert.ok(program.equals(PROGRAM_ID));
      calls.push(config.filters);
      return scenario.accounts
        .map((a) => ({
          pubkey: new PublicKey(a.address),
          account: { data: bytes(a.data), owner: PROGRAM_ID, lamports: 1, executable: false },
        }))
        .filter((a) =>
          config.filters.every(({ memcmp }) => {
            const wanted = Buffer.from(utils.bytes.bs58.decode(memcmp.bytes));
            return a.account.data.subarray(memcmp.offset, memcmp.offset + wanted.length).equals(wanted);
          }),
        );
    },
  } as unknown as Connection;
  return { connection, calls };
}
