// A position's health and the largest borrow it allows, computed by each
// client, equal riskctl's, which the scenario checked against the program
// itself (the maximum accepted, one unit more refused).

import assert from "node:assert/strict";
import { test } from "node:test";

import { fixed, positionHealth, PriceUse } from "../src";
import { CLIENTS } from "./clients";
import { bytes, scenario } from "./fixtures";

test("the scenario recorded health with and without debt, healthy and liquidatable, and the edge cases", () => {
  const expected = scenario.health.map((h) => h.expected);
  assert.ok(expected.some((e) => e.healthFactorBits === null));
  assert.ok(expected.some((e) => e.liquidatable));
  assert.ok(expected.some((e) => e.healthFactorBits !== null && !e.liquidatable));
  const names = scenario.health.map((h) => h.name);
  for (const edge of [
    "above the kink",
    "borrow cap",
    "stale 1.5 h",
    "scarce liquidity",
    "no debt, never calibrated",
    "debt worth nothing",
    "stale 1.5 h, refreshes paused 2 h",
    "minimum borrow value",
    "too large for its market",
    "band wider than allowed",
  ]) {
    assert.ok(names.includes(edge), edge);
  }
  // Debt too small to have a value is infinitely healthy, as on chain.
  const worthless = scenario.health.find((h) => h.name === "debt worth nothing");
  assert.equal(worthless?.expected.healthFactorBits, fixed.MAX.toString());
});

for (const client of CLIENTS) {
  for (const [n, recorded] of scenario.health.entries()) {
    test(`${client.name}: position health ${n} (${recorded.name}) equals riskctl's`, () => {
      const now = BigInt(recorded.now);
      const collateral = client.decodeReserve(bytes(recorded.collateralReserve));
      const debt = client.decodeReserve(bytes(recorded.debtReserve));
      const use = recorded.priceUse as PriceUse;
      const health = positionHealth(
        client.decodePosition(bytes(recorded.position)),
        collateral,
        client.acceptPrice(bytes(recorded.collateralPrice), collateral, now, use),
        debt,
        client.acceptPrice(bytes(recorded.debtPrice), debt, now, use),
        client.decodeMarket(bytes(recorded.market)),
        now,
      );
      const expected = recorded.expected;
      assert.equal(health.debtOwed.toString(), expected.debtOwed);
      assert.equal(health.thresholdBps.toString(), expected.thresholdBps);
      assert.equal(health.maxLtvBps.toString(), expected.maxLtvBps);
      assert.equal(health.healthFactor === null ? null : health.healthFactor.toString(), expected.healthFactorBits);
      assert.equal(health.liquidatable, expected.liquidatable);
      assert.equal(health.maxBorrow.toString(), expected.maxBorrow);
      if (health.healthFactor !== null) {
        // Display only: the exact value is the bits.
        assert.ok(
          Math.abs(fixed.toNumber(health.healthFactor) - Number(fixed.toDecimalString(health.healthFactor))) < 1e-9,
        );
      }
    });
  }
}
