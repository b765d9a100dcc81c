// The Kit client's helpers around the builders: addresses of every account
// at any program address, associated token accounts, the compute budget,
// lookup tables (the same bytes as web3.js's), version 0 messages, and
// finding positions by owner.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  createNoopSigner,
  getBase58Encoder,
  getCompiledTransactionMessageEncoder,
  compileTransactionMessage,
  type Address,
  type Blockhash,
  type GetProgramAccountsApi,
  type Rpc,
} from "@solana/kit";
import { AddressLookupTableProgram, PublicKey } from "@solana/web3.js";

import * as kit from "../../src/kit";
import { asRecorded as anchorRecorded } from "../anchor";
import { bytes, scenario, toolkit } from "../fixtures";
import { address, asRecorded, pricedPosition } from "./kit";

const PDAS: Record<string, (i: Record<string, string>) => Promise<readonly [Address, number]>> = {
  market: (i) => kit.marketPda(address(i.creator), BigInt(i.marketId)),
  reserve: (i) => kit.reservePda(address(i.market), address(i.mint)),
  vault: (i) => kit.vaultPda(address(i.reserve)),
  position: (i) => kit.positionPda(address(i.market), address(i.owner), BigInt(i.positionId)),
  lenderPosition: (i) => kit.lenderPositionPda(address(i.reserve), address(i.owner)),
};

test("Kit client: every program address is the program's, and the generated finders agree", async () => {
  for (const pda of scenario.pdas) {
    if (pda.kind === "eventAuthority") {
      assert.equal(await kit.eventAuthorityAddress(), pda.address);
      assert.equal((await kit.findEventAuthorityPda())[0], pda.address);
      continue;
    }
    const [found, bump] = await PDAS[pda.kind](pda.inputs);
    assert.equal(found, pda.address, pda.kind);
    assert.equal(bump.toString(), pda.bump, pda.kind);
  }
  const reserve = scenario.pdas.find((p) => p.kind === "reserve")!;
  const generated = await kit.findReservePda({
    market: address(reserve.inputs.market),
    mint: address(reserve.inputs.mint),
  });
  assert.equal(generated[0], reserve.address);
  const other = address(PublicKey.unique().toBase58());
  assert.notEqual(
    (await kit.vaultPda(address(reserve.address), other))[0],
    (await kit.vaultPda(address(reserve.address)))[0],
  );
  assert.deepEqual(kit.PROGRAM_ADDRESSES.localnet, kit.PROGRAM_ADDRESS);
  assert.deepEqual(Object.keys(kit.PROGRAM_ADDRESSES).sort(), ["devnet", "localnet", "mainnet"]);
});

test("Kit client: associated token accounts and their creation are the associated token program's", async () => {
  for (const c of toolkit.associatedTokenAccounts) {
    const [owner, mint, program] = [address(c.owner), address(c.mint), address(c.tokenProgram)];
    assert.equal(await kit.associatedTokenAddress(owner, mint, program), c.address);
    const create = await kit.createAssociatedTokenAccountIdempotent(
      createNoopSigner(address(c.payer)),
      owner,
      mint,
      program,
    );
    assert.deepEqual(asRecorded(create), c.createIdempotent);
  }
});

test("Kit client: the compute budget's instructions are the runtime's", () => {
  const budget = toolkit.computeBudget;
  const [limit, price] = kit.computeBudgetInstructions({
    units: Number(budget.units),
    microLamportsPerUnit: BigInt(budget.microLamportsPerUnit),
  });
  assert.deepEqual(asRecorded(limit), budget.unitLimit);
  assert.deepEqual(asRecorded(price), budget.unitPrice);
  assert.throws(() => kit.computeBudgetInstructions({ units: 2 ** 32 }), RangeError);
});

test("Kit client: lookup table instructions are byte for byte web3.js's", async () => {
  const [authority, payer] = [PublicKey.unique(), PublicKey.unique()];
  const signers = [authority, payer].map((k) => createNoopSigner(address(k.toBase58())));
  const addresses = Array.from({ length: 45 }, () => PublicKey.unique());
  const { address: table, transactions } = await kit.lookupTableInstructions(
    signers[0],
    signers[1],
    987_654n,
    addresses.map((a) => address(a.toBase58())),
  );
  const [create, expectedTable] = AddressLookupTableProgram.createLookupTable({
    authority,
    payer,
    recentSlot: 987_654,
  });
  assert.equal(table, expectedTable.toBase58());
  const expected = [create];
  for (let start = 0; start < addresses.length; start += 20) {
    expected.push(
      AddressLookupTableProgram.extendLookupTable({
        lookupTable: expectedTable,
        authority,
        payer,
        addresses: addresses.slice(start, start + 20),
      }),
    );
  }
  assert.deepEqual(
    transactions.map((t) => t.length),
    [2, 1, 1],
  );
  assert.deepEqual(transactions.flat().map(asRecorded), expected.map(anchorRecorded));
});

test("Kit client: a liquidation's version 0 message names the market's accounts through a lookup table", async () => {
  const recorded = scenario.instructions.find((i) => i.builder === "liquidate")!;
  const { p, l } = recorded.inputs;
  const priced = pricedPosition(p);
  const liquidator = createNoopSigner(address(l.liquidator));
  const ix = await kit.liquidateInstruction(
    priced,
    {
      liquidator,
      collateralAccount: address(l.collateralAccount),
      debtAccount: address(l.debtAccount),
      treasuryCollateralAccount: address(l.treasuryCollateralAccount),
    },
    1_000_000n,
    0n,
  );
  const lookups = await kit.marketLookupAddresses(
    priced.market,
    [priced.collateral, priced.debt],
    [address(l.treasuryCollateralAccount)],
  );
  assert.equal(new Set(lookups).size, lookups.length, "each once");
  const tableAddress = address(PublicKey.unique().toBase58());
  const lifetime = { blockhash: "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k" as Blockhash, lastValidBlockHeight: 1n };
  const size = (tables: Record<Address, Address[]>) =>
    getCompiledTransactionMessageEncoder().encode(
      compileTransactionMessage(kit.versionedMessage(liquidator, [ix], lifetime, tables)),
    ).length;
  const compressed = compileTransactionMessage(
    kit.versionedMessage(liquidator, [ix], lifetime, { [tableAddress]: lookups }),
  );
  assert.equal(compressed.addressTableLookups?.length, 1);
  assert.ok(size({ [tableAddress]: lookups }) < size({}) - 300, "most keys go through the table");
});

test("Kit client: an owner's positions are found by a filter on the owner field", async () => {
  const position = scenario.accounts.find((a) => a.type === "Position")!;
  const owner = kit.decodeAccount("position", bytes(position.data)).owner;
  const seen: unknown[] = [];
  const rpc = {
    getProgramAccounts: (program: Address, config: { filters: { memcmp: { offset: bigint; bytes: string } }[] }) => ({
      send: async () => {
        assert.equal(program, kit.PROGRAM_ADDRESS);
        seen.push(config.filters);
        return scenario.accounts
          .filter((a) =>
            config.filters.every(({ memcmp }) => {
              const wanted = getBase58Encoder().encode(memcmp.bytes);
              const data = bytes(a.data).subarray(Number(memcmp.offset));
              return wanted.every((byte, i) => data[i] === byte);
            }),
          )
          .map((a) => ({ pubkey: a.address, account: { data: [a.data, "base64"] } }));
      },
    }),
  } as unknown as Rpc<GetProgramAccountsApi>;
  const mine = await kit.fetchPositionsByOwner(rpc, owner);
  assert.deepEqual(
    mine.map((m) => m.address),
    [position.address],
  );
  assert.equal(mine[0].account.owner, owner);
  assert.deepEqual(await kit.fetchPositionsByOwner(rpc, address(PublicKey.unique().toBase58())), []);
  const reserves = await kit.fetchAllOf(rpc, "reserve", kit.decodeAccount("position", bytes(position.data)).market);
  assert.equal(reserves.length, 2);
  assert.equal((seen[0] as unknown[]).length, 2, "discriminator and owner");
});
