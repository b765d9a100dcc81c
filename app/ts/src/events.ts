// Events: the program emits each one with `emit_cpi!`, a self-invocation
// whose data is an 8-byte tag, the event's discriminator and its Borsh
// fields. RPC nodes return it among a transaction's inner instructions.

import { utils } from "@anchor-lang/core";
import { PublicKey, VersionedTransactionResponse } from "@solana/web3.js";

import { CODER, PROGRAM_ID } from "./program";

/** Anchor's tag of an event self-invocation (`EVENT_IX_TAG`, little endian). */
export const EVENT_IX_TAG = Buffer.from([0xe4, 0x45, 0xa5, 0x2e, 0x51, 0xcb, 0x9a, 0x1d]);

export interface DecodedEvent {
  /** The event's name, camelCased as in the client's IDL (`liquidated`). */
  name: string;
  data: Record<string, unknown>;
}

/**
 * The event carried by one inner instruction's data (bytes, or base58 as
 * RPC returns it); `null` when it is not an event of this program.
 */
export function decodeEventInstruction(data: Uint8Array | string): DecodedEvent | null {
  const bytes = typeof data === "string" ? Buffer.from(utils.bytes.bs58.decode(data)) : Buffer.from(data);
  if (bytes.length < EVENT_IX_TAG.length || !bytes.subarray(0, EVENT_IX_TAG.length).equals(EVENT_IX_TAG)) {
    return null;
  }
  const body = bytes.subarray(EVENT_IX_TAG.length);
  return CODER.events.decode(body.toString("base64")) as DecodedEvent | null;
}

/**
 * Every event a confirmed transaction emitted by the program at
 * `programId`, in order; none for a failed transaction, whose inner instructions up to the failure are
 * still reported but whose effects were rolled back.
 */
export function eventsOfTransaction(
  tx: VersionedTransactionResponse,
  programId: PublicKey = PROGRAM_ID,
): DecodedEvent[] {
  if (tx.meta?.err) return [];
  const message = tx.transaction.message;
  const keys: PublicKey[] = [
    ...message.staticAccountKeys,
    ...(tx.meta?.loadedAddresses?.writable ?? []),
    ...(tx.meta?.loadedAddresses?.readonly ?? []),
  ];
  const events: DecodedEvent[] = [];
  for (const group of tx.meta?.innerInstructions ?? []) {
    for (const inner of group.instructions) {
      if (!keys[inner.programIdIndex]?.equals(programId)) continue;
      const event = decodeEventInstruction(inner.data);
      if (event) events.push(event);
    }
  }
  return events;
}
