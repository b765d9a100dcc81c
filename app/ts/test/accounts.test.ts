// Accounts recorded after a real scenario decode to exactly what the
// program's own types read from the same bytes.

import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeAccount, encodeAccount, decodePosition, decodeReserve, fixed, RAW_IDL, sigmaBpsPerYear } from "../src";
import { debtOwed } from "../src";
import { AccountName } from "../src/accounts";
import { anchorAsRust } from "./anchor";
import { bytes, scenario } from "./fixtures";

const NAMES: Record<string, AccountName> = {
  Market: "market",
  Reserve: "reserve",
  Position: "position",
  LenderPosition: "lenderPosition",
};

test("the scenario recorded every account type", () => {
  const recorded = new Set(scenario.accounts.map((a) => a.type));
  assert.deepEqual([...recorded].sort(), (RAW_IDL.accounts ?? []).map((a) => a.name).sort());
});

for (const account of scenario.accounts) {
  test(`${account.type} ${account.address} decodes to the program's reading`, () => {
    const decoded = decodeAccount<any>(NAMES[account.type], bytes(account.data));
    assert.deepStrictEqual(anchorAsRust(decoded, account.type), account.fields);
  });

  test(`${account.type} ${account.address} encodes back to the same bytes`, () => {
    const data = bytes(account.data);
    const decoded = decodeAccount<any>(NAMES[account.type], data);
    assert.ok(encodeAccount(NAMES[account.type], decoded).equals(data), "re-encoded bytes differ");
  });
}

test("a reserve's volatility and a position's debt are derived as the program derives them", () => {
  const reserves = scenario.accounts.filter((a) => a.type === "Reserve");
  assert.ok(reserves.length > 0);
  for (const account of reserves) {
    const reserve = decodeReserve(bytes(account.data));
    assert.equal(
      sigmaBpsPerYear(reserve.calibrated.fastVariancePerYear).toString(),
      account.derived?.sigmaFastBpsPerYear,
    );
    assert.equal(
      sigmaBpsPerYear(reserve.calibrated.slowVariancePerYear).toString(),
      account.derived?.sigmaSlowBpsPerYear,
    );
  }
  const recorded = scenario.accounts.find((a) => a.type === "Position");
  assert.ok(recorded);
  const position = decodePosition(bytes(recorded.data));
  const debtReserve = reserves
    .map((a) => ({ address: a.address, reserve: decodeReserve(bytes(a.data)) }))
    .find((r) => r.address === position.debtReserve.toBase58());
  assert.ok(debtReserve, "the position's debt reserve was recorded");
  const index = fixed.fromWrapped(debtReserve.reserve.lending.borrowIndex);
  assert.equal(debtOwed(BigInt(position.debtShares.toString()), index).toString(), recorded.derived?.debtOwed);
});

test("an account of another type is refused by its discriminator", () => {
  const market = scenario.accounts.find((a) => a.type === "Market");
  assert.ok(market);
  assert.throws(() => decodeReserve(bytes(market.data)), /discriminator/i);
});
