// Program addresses derived from the IDL's seeds equal the program's.

import assert from "node:assert/strict";
import { test } from "node:test";

import { PublicKey } from "@solana/web3.js";

import {
  eventAuthority,
  lenderPositionAddress,
  marketAddress,
  positionAddress,
  reserveAddress,
  vaultAddress,
} from "../src";
import { scenario } from "./fixtures";

const key = (value: string) => new PublicKey(value);

const DERIVE: Record<string, (inputs: Record<string, string>) => [PublicKey, number | null]> = {
  market: (i) => marketAddress(key(i.creator), BigInt(i.marketId)),
  reserve: (i) => reserveAddress(key(i.market), key(i.mint)),
  vault: (i) => vaultAddress(key(i.reserve)),
  position: (i) => positionAddress(key(i.market), key(i.owner), BigInt(i.positionId)),
  lenderPosition: (i) => lenderPositionAddress(key(i.reserve), key(i.owner)),
  eventAuthority: () => [eventAuthority(), null],
};

test("a negative or oversized id is refused, not folded onto another address", () => {
  const creator = PublicKey.unique();
  assert.throws(() => marketAddress(creator, -1), RangeError);
  assert.throws(() => marketAddress(creator, 1n << 64n), RangeError);
  assert.throws(() => positionAddress(creator, creator, -3n), RangeError);
});

for (const pda of scenario.pdas) {
  test(`the ${pda.kind} address is the program's`, () => {
    const [address, bump] = DERIVE[pda.kind](pda.inputs);
    assert.equal(address.toBase58(), pda.address);
    assert.equal(bump === null ? null : bump.toString(), pda.bump);
  });
}
