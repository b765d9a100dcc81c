// A position's health and the largest borrow it allows, computed by the
// client, equal riskctl's, which the scenario checked against the program
// itself (the maximum accepted, one unit more refused).

import assert from "node:assert/strict";
import { test } from "node:test";

import { decodePosition, decodePriceUpdate, decodeReserve, fixed, oraclePrice, positionHealth } from "../src";
import { bytes, scenario } from "./scenario";

test("the scenario recorded health with and without debt, healthy and liquidatable", () => {
  const expected = scenario.health.map((h) => h.expected);
  assert.ok(expected.some((e) => e.healthFactorBits === null));
  assert.ok(expected.some((e) => e.liquidatable));
  assert.ok(expected.some((e) => e.healthFactorBits !== null && !e.liquidatable));
});

for (const [n, recorded] of scenario.health.entries()) {
  test(`position health ${n} equals riskctl's`, () => {
    const health = positionHealth(
      decodePosition(bytes(recorded.position)),
      decodeReserve(bytes(recorded.collateralReserve)),
      oraclePrice(decodePriceUpdate(bytes(recorded.collateralPrice))),
      decodeReserve(bytes(recorded.debtReserve)),
      oraclePrice(decodePriceUpdate(bytes(recorded.debtPrice))),
      BigInt(recorded.now),
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
      assert.ok(Math.abs(fixed.toNumber(health.healthFactor) - Number(fixed.toDecimalString(health.healthFactor))) < 1e-9);
    }
  });
}
