// The Anchor client's helpers around the builders: a position's accounts
// from decoded state, the liquidator's and the treasury's token accounts,
// the associated token program's instruction, and finding positions by
// owner.

import assert from "node:assert/strict";
import { test } from "node:test";

import { PublicKey } from "@solana/web3.js";

import {
  associatedTokenAddress,
  createAssociatedTokenAccountIdempotent,
  decodeMarket,
  decodePosition,
  decodeReserve,
  fetchPositionsByOwner,
  instructions,
  liquidatorAccounts,
  pricedPosition,
  reserveAccounts,
  treasuryTokenAccount,
} from "../src";
import { asRecorded, standInConnection } from "./anchor";
import { bytes, scenario, toolkit } from "./fixtures";

const key = (value: string) => new PublicKey(value);

const found = (type: string, address?: string) => {
  const account = scenario.accounts.find((a) => a.type === type && (!address || a.address === address));
  assert.ok(account, `${type} ${address ?? ""} recorded`);
  return { address: key(account.address), data: bytes(account.data) };
};

test("associated token accounts and their idempotent creation are the associated token program's", () => {
  assert.equal(toolkit.associatedTokenAccounts.length, 2, "SPL Token and Token-2022");
  for (const c of toolkit.associatedTokenAccounts) {
    const [owner, mint, program] = [key(c.owner), key(c.mint), key(c.tokenProgram)];
    assert.equal(associatedTokenAddress(owner, mint, program).toBase58(), c.address);
    assert.deepEqual(
      asRecorded(createAssociatedTokenAccountIdempotent(key(c.payer), owner, mint, program)),
      c.createIdempotent,
    );
  }
});

test("a position's accounts built from its decoded state make the liquidation riskctl built", async () => {
  const recorded = scenario.instructions.find((i) => i.builder === "liquidate");
  assert.ok(recorded);
  const p = recorded.inputs.p;
  const position = found("Position", p.position);
  const collateral = found("Reserve", p.collateral.reserve);
  const debt = found("Reserve", p.debt.reserve);
  // The scenario's Pyth accounts are its own, not the push oracle's.
  const priced = pricedPosition(
    { address: position.address, account: decodePosition(position.data) },
    { address: collateral.address, account: decodeReserve(collateral.data) },
    { address: debt.address, account: decodeReserve(debt.data) },
    { collateral: { priceAccount: key(p.collateral.priceAccount) }, debt: { priceAccount: key(p.debt.priceAccount) } },
  );
  const l = recorded.inputs.l;
  const accounts = {
    liquidator: key(l.liquidator),
    collateralAccount: key(l.collateralAccount),
    debtAccount: key(l.debtAccount),
    treasuryCollateralAccount: key(l.treasuryCollateralAccount),
  };
  const built = await instructions.liquidate(
    priced,
    accounts,
    BigInt(recorded.inputs.maxRepay),
    BigInt(recorded.inputs.minCollateralOut),
  );
  assert.deepEqual(asRecorded(built), recorded.instruction);
  // Without a price source, the push oracle's account of the feed.
  const pushed = reserveAccounts(collateral.address, decodeReserve(collateral.data));
  assert.notEqual(pushed.priceAccount.toBase58(), p.collateral.priceAccount);
  // Reserves that are not the position's are refused.
  assert.throws(
    () =>
      pricedPosition(
        { address: position.address, account: decodePosition(position.data) },
        { address: debt.address, account: decodeReserve(debt.data) },
        { address: collateral.address, account: decodeReserve(collateral.data) },
      ),
    /its collateral reserve is/,
  );
  // The liquidator's and the treasury's associated accounts.
  const market = decodeMarket(found("Market").data);
  const liquidator = PublicKey.unique();
  const mine = liquidatorAccounts(liquidator, priced, market);
  assert.ok(
    mine.collateralAccount.equals(
      associatedTokenAddress(liquidator, priced.collateral.mint, priced.collateral.tokenProgram),
    ),
  );
  assert.ok(mine.debtAccount.equals(associatedTokenAddress(liquidator, priced.debt.mint, priced.debt.tokenProgram)));
  assert.ok(
    mine.treasuryCollateralAccount.equals(
      treasuryTokenAccount(market, priced.collateral.mint, priced.collateral.tokenProgram),
    ),
  );
  assert.ok(market.treasury.equals(key(scenario.instructions.find((i) => i.builder === "set_treasury")!.inputs.value)));
});

test("an owner's positions are found by a filter on the owner field", async () => {
  const position = found("Position");
  const owner = decodePosition(position.data).owner;
  const { connection, calls: seen } = standInConnection();
  const mine = await fetchPositionsByOwner(connection, owner);
  assert.deepEqual(
    mine.map((p) => p.address.toBase58()),
    [position.address.toBase58()],
  );
  assert.ok(mine[0].account.owner.equals(owner));
  assert.deepEqual(await fetchPositionsByOwner(connection, PublicKey.unique()), []);
  const market = decodePosition(position.data).market;
  assert.equal((await fetchPositionsByOwner(connection, owner, market)).length, 1);
  assert.equal((await fetchPositionsByOwner(connection, owner, PublicKey.unique())).length, 0);
  assert.equal((seen[2] as unknown[]).length, 3, "discriminator, owner and market");
});
