// Events: the program emits each with `emit_cpi!`, a self-invocation whose
// data is Anchor's 8-byte tag, then the event's discriminator and fields.
// The generated codecs read each event (discriminator included).

import { getBase58Encoder, type Decoder, type ReadonlyUint8Array } from "@solana/kit";

import idl from "../idl/risk_engine.json";
import * as types from "./generated/types";

/** Anchor's tag of an event self-invocation (`EVENT_IX_TAG`, little endian). */
export const EVENT_IX_TAG = Uint8Array.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

export interface DecodedEvent {
  /** The event's name as the IDL gives it (`Liquidated`). */
  name: string;
  data: object;
}

const startsWith = (data: ReadonlyUint8Array, prefix: ArrayLike<number>, at = 0) =>
  data.length >= at + prefix.length && Array.from(prefix).every((byte, i) => data[at + i] === byte);

/** The event carried by one inner instruction's data (bytes, or base58 as RPC returns it); `null` when it is not an event of this program. */
export function decodeEventInstruction(data: ReadonlyUint8Array | string): DecodedEvent | null {
  const bytes = typeof data === "string" ? getBase58Encoder().encode(data) : data;
  if (!startsWith(bytes, EVENT_IX_TAG)) return null;
  const event = idl.events.find((e) => startsWith(bytes, e.discriminator, EVENT_IX_TAG.length));
  if (!event) return null;
  const decoder = (types as unknown as Record<string, () => Decoder<object>>)[`get${event.name}Decoder`];
  if (!decoder) throw new Error(`the Kit client has no decoder for the event ${event.name}`);
  return { name: event.name, data: decoder().decode(bytes.subarray(EVENT_IX_TAG.length)) };
}
