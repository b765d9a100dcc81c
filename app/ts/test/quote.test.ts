// The liquidation quote, from decoded accounts and Pyth updates, is what
// riskctl's liquidator computed with the program's own `liquidate`, to the
// unit and the bit, in both clients; and the scenario's is what the program
// then paid.

import assert from "node:assert/strict";
import { test } from "node:test";

import { LiquidationRefused, ProgramRefusal } from "../src";
import { CLIENTS } from "./clients";
import { bytes, quoteCases, scenario, toolkit } from "./fixtures";

const inputs = (c: (typeof quoteCases)[number]) => ({
  position: bytes(c.position),
  collateral: bytes(c.collateralReserve),
  collateralPrice: bytes(c.collateralPrice),
  debt: bytes(c.debtReserve),
  debtPrice: bytes(c.debtPrice),
  market: bytes(c.market),
});

test("the quotes cover every branch of a liquidation and every refusal", () => {
  const names = toolkit.quotes.map((q) => q.name);
  for (const name of [
    "partial, by the close factor",
    "partial, by the liquidator's own limit",
    "full, under governance's level",
    "full, as half would leave dust",
    "collateral cap, deficit, below the spiral's level",
    "prices at the band's edges",
    "a large position's size penalty",
    "a stale calibration's declined threshold",
  ]) {
    assert.ok(names.includes(name), name);
  }
  const refusals = new Set(quoteCases.map((q) => q.expected.error).filter(Boolean));
  assert.deepEqual([...refusals].sort(), ["LiquidationLeavesDust", "PositionHealthy", "ZeroAmount"]);
});

for (const client of CLIENTS) {
  for (const c of quoteCases) {
    test(`${client.name}: the quote of "${c.name}" is riskctl's`, () => {
      const options = { toleranceBps: Number(c.toleranceBps), maxRepay: BigInt(c.maxRepay) };
      const quote = () => client.quote(inputs(c), BigInt(c.now), options);
      const expected = c.expected;
      if (expected.error !== null) {
        assert.throws(quote, (e: unknown) => e instanceof LiquidationRefused && e.error.name === expected.error);
        assert.throws(quote, ProgramRefusal);
        return;
      }
      const { outcome, profitQuote, minCollateralOut } = quote();
      assert.deepEqual(
        {
          thresholdBps: outcome.thresholdBps.toString(),
          healthBeforeBits: outcome.healthBefore.toString(),
          healthAfterBits: outcome.healthAfter.toString(),
          repaid: outcome.repaid.toString(),
          seized: outcome.seized.toString(),
          toLiquidator: outcome.split.toLiquidator.toString(),
          protocolFee: outcome.split.protocolFee.toString(),
          bonus: outcome.split.bonus.toString(),
          deficit: outcome.deficit.toString(),
          deficitAbsorbedByFees: outcome.deficitAbsorbedByFees.toString(),
        },
        expected.outcome,
      );
      assert.equal(minCollateralOut.toString(), expected.minCollateralOut);
      assert.equal(profitQuote.toString(), expected.profitQuoteBits);
    });
  }

  test(`${client.name}: the scenario's quote is what the program's liquidation paid`, () => {
    const c = scenario.quotes[0];
    const { outcome } = client.quote(inputs(c), BigInt(c.now), { toleranceBps: Number(c.toleranceBps) });
    const liquidated = scenario.events.find((e) => e.name === "Liquidated");
    assert.ok(liquidated, "the scenario liquidated");
    const paid = liquidated.fields as Record<string, string>;
    assert.deepEqual(
      [outcome.repaid, outcome.seized, outcome.split.bonus, outcome.split.protocolFee, outcome.split.toLiquidator].map(
        String,
      ),
      [paid.repaid, paid.seized, paid.bonus, paid.protocol_fee, paid.to_liquidator],
    );
    assert.deepEqual([outcome.deficit, outcome.deficitAbsorbedByFees].map(String), [
      paid.deficit,
      paid.deficit_absorbed_by_fees,
    ]);
    assert.equal(String(outcome.thresholdBps), paid.threshold_bps);
  });
}
