// Values in the form the Rust side records them (serde: numbers as
// strings, pubkeys and byte arrays as lists of byte strings, enums by
// variant name, padding left out), walked along the committed IDL's types,
// so a client's decoding compares with `deepStrictEqual`. Each client says
// how it names fields, reads keys and spells enum values.

import idl from "../src/idl/risk_engine.json";
import type { Json } from "./fixtures";

export type IdlType = string | { array: [IdlType, number] } | { defined: { name: string } };
interface IdlField {
  name: string;
  type: IdlType;
}
interface IdlTypeDef {
  name: string;
  type: { kind: "struct"; fields?: IdlField[] } | { kind: "enum"; variants: { name: string }[] };
}

const TYPES = idl.types as unknown as IdlTypeDef[];

export function typeDef(name: string): IdlTypeDef {
  const found = TYPES.find((t) => t.name === name);
  if (!found) throw new Error(`no type ${name} in the IDL`);
  return found;
}

export const isPadding = (name: string) => name.startsWith("_padding");

/** How a client's decoded values look. */
export interface Style {
  /** The decoded field's name for the IDL's field `index` of type `typeName`. */
  field(typeName: string, index: number, rawName: string): string;
  /** A public key's 32 bytes. */
  key(value: any): Uint8Array;
  /** The variant index of an enum value. */
  variant(value: any, variants: { name: string }[]): number;
}

/** `value` of IDL type `type` as the Rust side writes it. */
export function asRust(value: any, type: IdlType, style: Style): Json {
  if (typeof type === "string") {
    switch (type) {
      case "pubkey":
        return Array.from(style.key(value), (b) => b.toString());
      case "bool":
        return value as boolean;
      default:
        return value.toString();
    }
  }
  if ("array" in type) return Array.from(value as ArrayLike<unknown>, (item) => asRust(item, type.array[0], style));
  if ("defined" in type) return definedAsRust(value, type.defined.name, style);
  throw new Error(`a type the fixtures do not use: ${JSON.stringify(type)}`);
}

/** A value of the IDL's type `name` (`Reserve`, `Liquidated`) as the Rust side writes it. */
export function definedAsRust(value: any, name: string, style: Style): Json {
  const def = typeDef(name);
  if (def.type.kind === "struct") {
    const out: { [key: string]: Json } = {};
    (def.type.fields ?? []).forEach((field, i) => {
      if (isPadding(field.name)) return;
      out[field.name] = asRust(value[style.field(name, i, field.name)], field.type, style);
    });
    return out;
  }
  return def.type.variants[style.variant(value, def.type.variants)].name;
}
