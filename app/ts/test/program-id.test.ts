// The program's id: per cluster from Anchor.toml, and another one, given,
// reaching every builder, address and read; a connection from another copy
// of web3.js is still a connection.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { Connection, PublicKey } from "@solana/web3.js";

import {
  eventAuthority,
  fetchAccount,
  instructions,
  instructionsFor,
  marketAddress,
  PROGRAM_ID,
  PROGRAM_IDS,
  riskEngineProgram,
} from "../src";
import { defined, fromRust } from "./anchor";
import { scenario } from "./fixtures";

test("the ids per cluster are Anchor.toml's, and localnet's is the compiled-in one", () => {
  const toml = readFileSync(join(__dirname, "..", "..", "..", "..", "Anchor.toml"), "utf8");
  const listed = [...toml.matchAll(/\[programs\.(\w+)\]\s*\n\s*risk_engine\s*=\s*"(\w+)"/g)].map(([, cluster, id]) => [
    cluster,
    id,
  ]);
  assert.ok(listed.length >= 3);
  assert.deepEqual(
    Object.entries(PROGRAM_IDS)
      .map(([cluster, id]) => [cluster, id.toBase58()])
      .sort(),
    listed.sort(),
  );
  assert.ok(PROGRAM_IDS.localnet.equals(PROGRAM_ID));
});

test("builders for another program id call it, with every address derived at it", async () => {
  const other = PublicKey.unique();
  const recorded = scenario.instructions.find((i) => i.builder === "init_market");
  assert.ok(recorded);
  const authority = new PublicKey(recorded.inputs.authority);
  const args = fromRust(recorded.inputs.args, defined("InitMarketArgs"));
  const there = await instructionsFor(other).initMarket(authority, args);
  const here = await instructions.initMarket(authority, args);
  assert.ok(there.programId.equals(other));
  assert.ok(here.programId.equals(PROGRAM_ID));
  const keys = there.keys.map((k) => k.pubkey.toBase58());
  assert.equal(keys[1], marketAddress(authority, 7, other)[0].toBase58());
  assert.notEqual(keys[1], marketAddress(authority, 7)[0].toBase58());
  assert.deepEqual(keys.slice(-2), [eventAuthority(other).toBase58(), other.toBase58()]);
  assert.deepEqual(there.data, here.data);
  assert.equal(here.data.toString("base64"), recorded.instruction.data);
});

test("a connection of another web3.js copy is taken as a connection, not as a provider", async () => {
  // What `instanceof Connection` would refuse: a connection's methods on an object of another class.
  const foreign = {
    rpcEndpoint: "http://localhost:1",
    getAccountInfo: async () => null,
    commitment: "confirmed",
  } as unknown as Connection;
  const program = riskEngineProgram(foreign);
  assert.equal(program.provider.connection, foreign);
  assert.ok(riskEngineProgram(foreign, PROGRAM_IDS.devnet).programId.equals(PROGRAM_IDS.devnet));
  // Reads check the owner against the id asked for.
  const owner = PublicKey.unique();
  const stranger = { getAccountInfo: async () => ({ owner, data: Buffer.alloc(0) }) } as unknown as Connection;
  await assert.rejects(fetchAccount(stranger, "market", PublicKey.unique()), /not the risk engine at/);
});
