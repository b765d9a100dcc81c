// The scenario the Rust tests record (tests/tests/program/client_fixtures.rs)
// and the helpers that read it.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { IdlType, IdlTypeDef } from "@anchor-lang/core";
import { BN } from "@anchor-lang/core";
import { PublicKey } from "@solana/web3.js";

import { OFFLINE_PROGRAM, RAW_IDL } from "../src";

const FIXTURE = join(__dirname, "..", "..", "fixtures", "scenario.json");

export interface Scenario {
  programId: string;
  instructions: { builder: string; inputs: Record<string, any>; instruction: RecordedInstruction }[];
  events: { name: string; programId: string; innerInstructionData: string; fields: Json }[];
  accounts: { type: string; address: string; data: string; fields: Json; derived?: Record<string, string> }[];
  health: HealthCase[];
  pdas: { kind: string; inputs: Record<string, string>; address: string; bump: string | null }[];
  errors: { code: string; name: string; message: string }[];
}

export interface RecordedInstruction {
  programId: string;
  keys: { pubkey: string; isSigner: boolean; isWritable: boolean }[];
  data: string;
}

export interface HealthCase {
  name: string;
  now: string;
  position: string;
  collateralReserve: string;
  debtReserve: string;
  collateralPrice: string;
  debtPrice: string;
  /** The collateral reserve's market: its refresh-pause clock. */
  market: string;
  /** What the prices were accepted for: "lending", or "liquidation" for a band wider than allowed. */
  priceUse: string;
  expected: {
    debtOwed: string;
    thresholdBps: string;
    maxLtvBps: string;
    healthFactorBits: string | null;
    liquidatable: boolean;
    maxBorrow: string;
  };
}

export type Json = null | boolean | string | Json[] | { [key: string]: Json };

function load(): Scenario {
  if (!existsSync(FIXTURE)) {
    throw new Error(
      `${FIXTURE} is missing: it is committed, and rewritten on purpose with ` +
        "`RISK_FIXTURES_BLESS=1 cargo test -p risk-engine-tests --test program client_fixtures`.",
    );
  }
  return JSON.parse(readFileSync(FIXTURE, "utf8")) as Scenario;
}

export const scenario = load();

export const bytes = (base64: string) => Buffer.from(base64, "base64");

// The IDL twice, as committed (snake_case, the Rust names serde writes)
// and as the client uses it (camelCase): the same shape, walked together.
const RAW_TYPES = RAW_IDL.types ?? [];
const CAMEL_TYPES = OFFLINE_PROGRAM.idl.types ?? [];

function typeDefs(name: string): [IdlTypeDef, IdlTypeDef] {
  const index = RAW_TYPES.findIndex((t) => t.name === name);
  if (index < 0) throw new Error(`no type ${name} in the IDL`);
  return [RAW_TYPES[index], CAMEL_TYPES[index]];
}

const isPadding = (name: string) => name.startsWith("_padding");

/**
 * A decoded value in the form the Rust side writes it (serde, numbers as
 * strings, pubkeys as byte arrays, enums by variant name, padding left
 * out), so the two compare with `deepStrictEqual`.
 */
export function asRust(value: any, type: IdlType): Json {
  if (typeof type === "string") {
    switch (type) {
      case "pubkey":
        return Array.from((value as PublicKey).toBytes(), (b) => b.toString());
      case "bool":
        return value as boolean;
      default:
        return value.toString();
    }
  }
  if ("array" in type) return (value as any[]).map((item) => asRust(item, type.array[0]));
  if ("defined" in type) return definedAsRust(value, type.defined.name);
  throw new Error(`a type the fixtures do not use: ${JSON.stringify(type)}`);
}

/** `definedAsRust` for a type named as in the raw IDL (`Reserve`). */
export function definedAsRust(value: any, rawName: string): Json {
  const [raw, camel] = typeDefs(rawName);
  if (raw.type.kind === "struct" && camel.type.kind === "struct") {
    const out: { [key: string]: Json } = {};
    const rawFields = (raw.type.fields ?? []) as { name: string; type: IdlType }[];
    const camelFields = (camel.type.fields ?? []) as { name: string; type: IdlType }[];
    rawFields.forEach((field, i) => {
      if (isPadding(field.name)) return;
      out[field.name] = asRust(value[camelFields[i].name], field.type);
    });
    return out;
  }
  if (raw.type.kind === "enum" && camel.type.kind === "enum") {
    const key = Object.keys(value)[0];
    const index = camel.type.variants.findIndex((v) => v.name === key);
    return raw.type.variants[index].name;
  }
  throw new Error(`a type kind the fixtures do not use: ${rawName}`);
}

/** The reverse: a value the Rust side wrote, as the client's builders take it. */
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
    const [raw, camel] = typeDefs(type.defined.name);
    if (raw.type.kind !== "struct" || camel.type.kind !== "struct") {
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
