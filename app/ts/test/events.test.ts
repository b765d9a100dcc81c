// Every event the scenario emitted decodes, from the inner-instruction data
// `emit_cpi!` produced, to exactly what the program's types read.

import assert from "node:assert/strict";
import { test } from "node:test";

import { utils } from "@anchor-lang/core";
import { PublicKey } from "@solana/web3.js";

import { decodeEventInstruction, eventsOfTransaction, OFFLINE_PROGRAM, PROGRAM_ID, RAW_IDL } from "../src";
import { anchorAsRust } from "./anchor";
import { scenario } from "./fixtures";

const camelName = (rawName: string) => {
  const index = (RAW_IDL.events ?? []).findIndex((e) => e.name === rawName);
  return OFFLINE_PROGRAM.idl.events?.[index]?.name;
};

test("the scenario emitted every event the IDL lists", () => {
  const emitted = new Set(scenario.events.map((e) => e.name));
  assert.deepEqual([...emitted].sort(), (RAW_IDL.events ?? []).map((e) => e.name).sort());
});

for (const [i, event] of scenario.events.entries()) {
  test(`event ${i}, ${event.name}, decodes to the program's reading`, () => {
    const decoded = decodeEventInstruction(event.innerInstructionData);
    assert.ok(decoded, "recognised as an event");
    assert.equal(decoded.name, camelName(event.name));
    assert.deepStrictEqual(anchorAsRust(decoded.data, event.name), event.fields);
  });
}

test("data that is not an event self-invocation is not taken for one", () => {
  const event = utils.bytes.bs58.decode(scenario.events[0].innerInstructionData);
  const untagged = Uint8Array.from(event);
  untagged[0] ^= 0xff;
  assert.equal(decodeEventInstruction(untagged), null);
  assert.equal(decodeEventInstruction(new Uint8Array(4)), null);
});

test("a transaction's events are read from its inner instructions, this program's only", () => {
  const other = PublicKey.unique();
  const data = scenario.events.slice(0, 3).map((e) => e.innerInstructionData);
  const tx = {
    transaction: { message: { staticAccountKeys: [other, PROGRAM_ID] } },
    meta: {
      innerInstructions: [
        {
          index: 0,
          instructions: [
            { programIdIndex: 1, accounts: [], data: data[0] },
            { programIdIndex: 0, accounts: [], data: data[1] },
            { programIdIndex: 1, accounts: [], data: data[2] },
          ],
        },
      ],
    },
  } as any;
  const names = eventsOfTransaction(tx).map((e) => e.name);
  assert.deepEqual(names, [camelName(scenario.events[0].name), camelName(scenario.events[2].name)]);
  // A failed transaction's events were rolled back with it.
  const failed = { ...tx, meta: { ...tx.meta, err: { InstructionError: [0, { Custom: 6000 }] } } };
  assert.deepEqual(eventsOfTransaction(failed), []);
});
