// The Kit client decodes the recorded accounts and events to exactly what
// the program's own types read from the same bytes.

import assert from "node:assert/strict";
import { test } from "node:test";

import { getBase58Encoder } from "@solana/kit";

import * as kit from "../../src/kit";
import { bytes, scenario } from "../fixtures";
import { kitAsRust } from "./kit";

const NAMES: Record<string, kit.AccountName> = {
  Market: "market",
  Reserve: "reserve",
  Position: "position",
  LenderPosition: "lenderPosition",
};

for (const account of scenario.accounts) {
  test(`Kit client: ${account.type} ${account.address} decodes to the program's reading`, () => {
    const decoded = kit.decodeAccount(NAMES[account.type], bytes(account.data));
    assert.deepStrictEqual(kitAsRust(decoded, account.type), account.fields);
  });
}

test("Kit client: an account of another type is refused by its discriminator", () => {
  const market = scenario.accounts.find((a) => a.type === "Market");
  assert.ok(market);
  assert.throws(() => kit.decodeAccount("reserve", bytes(market.data)), /discriminator/);
});

test("Kit client: a position's debt is derived as the program derives it", () => {
  const recorded = scenario.accounts.find((a) => a.type === "Position");
  assert.ok(recorded);
  const position = kit.decodeAccount("position", bytes(recorded.data));
  const reserve = scenario.accounts.find((a) => a.type === "Reserve" && a.address === position.debtReserve);
  assert.ok(reserve);
  const index = kit.fixed.fromWrapped(kit.decodeAccount("reserve", bytes(reserve.data)).lending.borrowIndex);
  assert.equal(kit.debtOwed(position.debtShares, index).toString(), recorded.derived?.debtOwed);
});

for (const [i, event] of scenario.events.entries()) {
  test(`Kit client: event ${i}, ${event.name}, decodes to the program's reading`, () => {
    const decoded = kit.decodeEventInstruction(event.innerInstructionData);
    assert.ok(decoded, "recognised as an event");
    assert.equal(decoded.name, event.name);
    assert.deepStrictEqual(kitAsRust(decoded.data, event.name), event.fields);
  });
}

test("Kit client: data that is not an event self-invocation is not taken for one", () => {
  const event = Uint8Array.from(getBase58Encoder().encode(scenario.events[0].innerInstructionData));
  const untagged = Uint8Array.from(event);
  untagged[0] ^= 0xff;
  assert.equal(kit.decodeEventInstruction(untagged), null);
  const unknown = Uint8Array.from(event);
  unknown[8] ^= 0xff;
  assert.equal(kit.decodeEventInstruction(unknown), null);
  assert.equal(kit.decodeEventInstruction(new Uint8Array(4)), null);
});
