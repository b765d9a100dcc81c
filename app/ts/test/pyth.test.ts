// Prices are accepted or refused as the program's oracle adapter does.

import assert from "node:assert/strict";
import { test } from "node:test";

import { BN } from "@anchor-lang/core";

import { acceptPrice, decodePriceUpdate, decodeReserve, oraclePrice, PriceRefused, PriceUpdate, Reserve } from "../src";
import { bytes, scenario } from "./scenario";

const edge = scenario.health.find((h) => h.name === "above the kink");
assert.ok(edge, "the fixtures' hand-made case");
const now = BigInt(edge.now);
const reserve = (): Reserve => decodeReserve(bytes(edge.collateralReserve));
const update = (): PriceUpdate => decodePriceUpdate(bytes(edge.collateralPrice));

function refusedWith(name: string, change: (u: PriceUpdate, r: Reserve) => bigint | void, use: "lending" | "liquidation" = "lending") {
  const u = update();
  const r = reserve();
  const at = change(u, r) ?? now;
  assert.throws(
    () => acceptPrice(u, r, at, use),
    (error: unknown) => error instanceof PriceRefused && error.error.name === name,
    name,
  );
}

test("a fresh price of the reserve's feed is accepted, as it reads", () => {
  const accepted = acceptPrice(update(), reserve(), now, "lending");
  assert.deepEqual(accepted, oraclePrice(update()));
});

test("each price the program refuses is refused with its error", () => {
  refusedWith("OracleFeedMismatch", (u) => {
    u.priceMessage.feedId[0] ^= 1;
  });
  refusedWith("OracleVerificationTooLow", (u) => {
    u.verificationLevel = { partial: { numSignatures: 5 } };
  });
  const maxAge = BigInt(reserve().oracle.maxAgeSecs);
  refusedWith("OraclePriceStale", () => now + maxAge + 1n);
  assert.doesNotThrow(() => acceptPrice(update(), reserve(), now + maxAge, "lending"));
  const liquidationAge = BigInt(reserve().oracle.liquidationMaxAgeSecs);
  refusedWith("OraclePriceStale", () => now + liquidationAge + 1n, "liquidation");
  refusedWith("OraclePublishTimeInFuture", () => now - 11n);
  refusedWith("OraclePriceNotPositive", (u) => {
    u.priceMessage.price = new BN(0);
  });
  refusedWith("OraclePriceNotPositive", (u) => {
    u.priceMessage.emaPrice = new BN(-5);
  });
  refusedWith("OracleConfidenceTooWide", (u) => {
    u.priceMessage.conf = u.priceMessage.price;
  });
  refusedWith("OracleExponentOutOfRange", (u) => {
    u.priceMessage.exponent = -19;
  });
  refusedWith("OraclePriceOlderThanAccepted", (u, r) => {
    r.newestPricePublishTime = u.priceMessage.publishTime.addn(1);
  });
});
