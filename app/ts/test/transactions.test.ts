// The Anchor client's transactions: a compute budget as the runtime reads
// it, and version 0 messages compressed with a lookup table of a market's
// accounts, small enough to send and decompiling to what was built.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AddressLookupTableAccount,
  Keypair,
  PublicKey,
  TransactionMessage,
  VersionedTransaction,
} from "@solana/web3.js";

import {
  computeBudgetInstructions,
  instructions,
  lookupTableInstructions,
  marketLookupAddresses,
  versionedTransaction,
} from "../src";
import { asRecorded, liquidatorAccounts, pricedPosition } from "./anchor";
import { scenario, toolkit } from "./fixtures";

const BLOCKHASH = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";
/** The most a transaction may take on the wire. */
const PACKET_BYTES = 1_232;

test("the compute budget's instructions are the runtime's", () => {
  const budget = toolkit.computeBudget;
  const [limit, price] = computeBudgetInstructions({
    units: Number(budget.units),
    microLamportsPerUnit: BigInt(budget.microLamportsPerUnit),
  });
  assert.deepEqual(asRecorded(limit), budget.unitLimit);
  assert.deepEqual(asRecorded(price), budget.unitPrice);
  assert.deepEqual(computeBudgetInstructions({}), []);
});

async function liquidation() {
  const recorded = scenario.instructions.find((i) => i.builder === "liquidate");
  assert.ok(recorded);
  const priced = pricedPosition(recorded.inputs.p);
  const accounts = liquidatorAccounts(recorded.inputs.l);
  const ix = await instructions.liquidate(priced, accounts, 1_000_000n, 0n);
  return { priced, accounts, ix };
}

test("a liquidation's version 0 message names the market's accounts through its lookup table", async () => {
  const { priced, accounts, ix } = await liquidation();
  const addresses = marketLookupAddresses(
    priced.market,
    [priced.collateral, priced.debt],
    [accounts.treasuryCollateralAccount],
  );
  assert.equal(new Set(addresses.map((a) => a.toBase58())).size, addresses.length, "each once");
  const table = new AddressLookupTableAccount({
    key: PublicKey.unique(),
    state: {
      deactivationSlot: 2n ** 64n - 1n,
      lastExtendedSlot: 1,
      lastExtendedSlotStartIndex: 0,
      authority: undefined,
      addresses,
    },
  });
  const [budget] = computeBudgetInstructions({ units: 400_000, microLamportsPerUnit: 1_000n });
  // A payer of its own: the fee payer is writable, where `liquidate` reads its liquidator only.
  const payer = PublicKey.unique();
  const plain = versionedTransaction(payer, [ix], BLOCKHASH);
  const compressed = versionedTransaction(payer, [ix], BLOCKHASH, [table]);
  const lookups = compressed.message.addressTableLookups;
  assert.equal(lookups.length, 1);
  assert.ok(lookups[0].readonlyIndexes.length + lookups[0].writableIndexes.length >= 10);
  assert.ok(compressed.serialize().length < plain.serialize().length - 300, "most keys go through the table");
  // What the chain decompiles is what was built.
  const decompiled = TransactionMessage.decompile(compressed.message, { addressLookupTableAccounts: [table] });
  assert.deepEqual(decompiled.instructions.map(asRecorded), [asRecorded(ix)]);
  // With the budget too, one packet.
  assert.ok(versionedTransaction(payer, [budget, ix], BLOCKHASH, [table]).serialize().length <= PACKET_BYTES);
});

test("a lookup table is created and filled in transactions that each fit a packet", () => {
  const authority = Keypair.generate().publicKey;
  const payer = Keypair.generate().publicKey;
  const addresses = Array.from({ length: 45 }, () => PublicKey.unique());
  const { address, transactions } = lookupTableInstructions(authority, payer, 123_456, addresses);
  assert.equal(transactions.length, 3);
  assert.equal(transactions[0].length, 2, "created and first filled in one transaction");
  for (const ixs of transactions) {
    const size = new VersionedTransaction(
      new TransactionMessage({ payerKey: payer, recentBlockhash: BLOCKHASH, instructions: ixs }).compileToV0Message(),
    ).serialize().length;
    assert.ok(size <= PACKET_BYTES, `${size} bytes`);
  }
  const extended = transactions.flat().slice(1);
  // ExtendLookupTable: tag, count, then the addresses; the table is the first account.
  const carried = extended.flatMap((ix) => {
    assert.ok(ix.keys[0].pubkey.equals(address));
    const count = Number(ix.data.readBigUInt64LE(4));
    return Array.from({ length: count }, (_, i) =>
      new PublicKey(ix.data.subarray(12 + 32 * i, 44 + 32 * i)).toBase58(),
    );
  });
  assert.deepEqual(
    carried,
    addresses.map((a) => a.toBase58()),
  );
});
