// Prices are accepted or refused as the program's oracle adapter does.

import assert from "node:assert/strict";
import { test } from "node:test";

import { BN } from "@anchor-lang/core";

import {
  acceptPrice,
  decodePriceUpdate,
  decodeReserve,
  liquidationCollateralPrice,
  liquidationDebtPrice,
  oraclePrice,
  PriceRefused,
  PriceUpdate,
  PriceUse,
  Reserve,
} from "../src";
import { bytes, scenario } from "./fixtures";

const edge = scenario.health.find((h) => h.name === "above the kink");
assert.ok(edge, "the fixtures' hand-made case");
const now = BigInt(edge.now);
const reserve = (): Reserve => decodeReserve(bytes(edge.collateralReserve));
const update = (): PriceUpdate => decodePriceUpdate(bytes(edge.collateralPrice));

function refusedWith(name: string, change: (u: PriceUpdate, r: Reserve) => bigint | void, use: PriceUse = "lending") {
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
  // A refresh reads prices up to the max age; lending and liquidation only
  // as fresh as the liquidation max age.
  const maxAge = BigInt(reserve().oracle.maxAgeSecs);
  refusedWith("OraclePriceStale", () => now + maxAge + 1n, "calibration");
  assert.doesNotThrow(() => acceptPrice(update(), reserve(), now + maxAge, "calibration"));
  const liquidationAge = BigInt(reserve().oracle.liquidationMaxAgeSecs);
  for (const use of ["lending", "liquidation"] as const) {
    refusedWith("OraclePriceStale", () => now + liquidationAge + 1n, use);
    assert.doesNotThrow(() => acceptPrice(update(), reserve(), now + liquidationAge, use));
  }
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
  // The EMA band only where the EMA is used: lending.
  refusedWith("OracleConfidenceTooWide", (u) => {
    u.priceMessage.emaConf = u.priceMessage.emaPrice;
  });
  for (const use of ["calibration", "liquidation"] as const) {
    const u = update();
    u.priceMessage.emaConf = u.priceMessage.emaPrice;
    assert.doesNotThrow(() => acceptPrice(u, reserve(), now, use), use);
  }
  // Past 10 % nothing reads the price, not even a liquidation.
  refusedWith(
    "OracleConfidenceTooWide",
    (u) => {
      u.priceMessage.conf = u.priceMessage.price.divn(10).addn(1);
    },
    "liquidation",
  );
  refusedWith("OracleExponentOutOfRange", (u) => {
    u.priceMessage.exponent = -19;
  });
  refusedWith("OraclePriceOlderThanAccepted", (u, r) => {
    r.newestPricePublishTime = u.priceMessage.publishTime.addn(1);
  });
  // A liquidation's price may lag the newest accepted one by 5 s, no more.
  refusedWith(
    "OraclePriceOlderThanAccepted",
    (u, r) => {
      r.newestPricePublishTime = u.priceMessage.publishTime.addn(6);
    },
    "liquidation",
  );
  const r = reserve();
  r.newestPricePublishTime = update().priceMessage.publishTime.addn(5);
  assert.doesNotThrow(() => acceptPrice(update(), r, now, "liquidation"));
});

test("a band wider than the reserve allows is valued at its edges by a liquidation, refused by lending", () => {
  const u = update();
  // 3 % against the reserve's 2 %.
  u.priceMessage.conf = u.priceMessage.price.muln(3).divn(100);
  assert.throws(() => acceptPrice(u, reserve(), now, "lending"), PriceRefused);
  const accepted = acceptPrice(u, reserve(), now, "liquidation");
  assert.equal(accepted.bandWithinLimit, false);
  assert.equal(liquidationCollateralPrice(accepted), accepted.price - accepted.conf);
  assert.equal(liquidationDebtPrice(accepted), accepted.price + accepted.conf);
  const within = acceptPrice(update(), reserve(), now, "liquidation");
  assert.equal(liquidationCollateralPrice(within), within.price);
});
