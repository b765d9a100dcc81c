// What both clients compute alike for a keeper or a bot, against the
// Rust side: the Pyth push oracle's account of a feed (riskctl's
// `push_oracle_feed_account`), and which prices a refresh would skip (the
// program's `calibration::skip_reason`).

import assert from "node:assert/strict";
import { test } from "node:test";

import { feedIdFromHex } from "../src";
import { CLIENTS } from "./clients";
import { bytes, toolkit } from "./fixtures";

test("the refresh cases cover counting and every reason to skip", () => {
  const reasons = new Set(toolkit.refreshSkips.map((c) => c.reason));
  assert.deepEqual([...reasons].sort(), ["AfterSampleWindow", "NotNewer", "SlotAlreadySampled", null].sort());
});

for (const client of CLIENTS) {
  test(`${client.name}: a feed's push-oracle account is the one riskctl derives, on every shard`, async () => {
    assert.ok(toolkit.pushOracle.some((c) => c.shard !== "0"));
    for (const c of toolkit.pushOracle) {
      assert.equal(
        await client.pythPushOracleAddress(feedIdFromHex(c.feedId), Number(c.shard)),
        c.address,
        `${c.feedId} ${c.shard}`,
      );
    }
  });

  test(`${client.name}: a refresh skips the prices the program skips, for its reasons`, () => {
    for (const c of toolkit.refreshSkips) {
      const reserve = client.decodeReserve(bytes(c.reserve));
      assert.equal(client.refreshSkipReason(reserve, BigInt(c.publishTime)), c.reason, c.name);
    }
  });
}

test("a feed id is read from its hex form, and anything else is refused", () => {
  const hex = toolkit.pushOracle[0].feedId;
  assert.deepEqual(feedIdFromHex(`0x${hex}`), feedIdFromHex(hex));
  assert.throws(() => feedIdFromHex(hex.slice(2)), RangeError);
  assert.throws(() => feedIdFromHex(`${hex.slice(2)}zz`), RangeError);
});
