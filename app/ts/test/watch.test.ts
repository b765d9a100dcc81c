// watchReserves reads every reserve over RPC and prints its threshold in
// use; here the RPC is a stand-in serving the recorded accounts.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Connection, PublicKey } from "@solana/web3.js";

import { decodeReserve, ReserveLine, watchReserves } from "../src";
import { standInConnection } from "./anchor";
import { bytes, scenario } from "./fixtures";

const reserves = scenario.accounts.filter((a) => a.type === "Reserve");

/** The stand-in RPC at `now`; `calls` keeps each `getProgramAccounts` call's filters (reserves first, then markets). */
function standIn(now: number): { connection: Connection; calls: unknown[][] } {
  const { connection, calls } = standInConnection();
  return { connection: Object.assign(connection, { getSlot: async () => 1, getBlockTime: async () => now }), calls };
}

test("each reserve is printed with its threshold, LTV, bonus, volatility and age", async () => {
  const reserve = decodeReserve(bytes(reserves[0].data));
  const calibratedAt = Number(reserve.calibrated.lastCalibrationTs.toString());
  const { connection, calls } = standIn(calibratedAt + 60);
  const printed: { line: ReserveLine; text: string }[] = [];
  await watchReserves(connection, { polls: 1, onLine: (line, text) => printed.push({ line, text }) });
  assert.equal(printed.length, reserves.length);
  assert.equal(calls[0].length, 1, "all markets: the discriminator filter alone");
  const first = printed.find((p) => p.line.address.toBase58() === reserves[0].address);
  assert.ok(first);
  assert.equal(first.line.thresholdBps, reserve.calibrated.liquidationThresholdBps);
  assert.equal(first.line.calibrationAgeSecs, 60n);
  assert.equal(first.line.stale, false);
  assert.match(first.text, new RegExp(`threshold ${(reserve.calibrated.liquidationThresholdBps / 100).toFixed(2)} %`));
  assert.match(first.text, /max LTV \d+\.\d{2} % \| bonus \d+\.\d{2} % \| sigma \d+\.\d{2} %\/yr fast/);
  assert.match(first.text, /calibrated 60 s ago/);
});

test("a stale calibration shows the declining threshold beside the calibrated one", async () => {
  const reserve = decodeReserve(bytes(reserves[0].data));
  const staleFrom = Number(reserve.staleFromTs.toString());
  const { connection, calls } = standIn(staleFrom + 3_600);
  const market = reserve.market;
  const printed: ReserveLine[] = [];
  await watchReserves(connection, { polls: 1, market, onLine: (line) => printed.push(line) });
  assert.equal(calls[0].length, 2, "one market: its key filters too");
  assert.equal(printed.length, reserves.length, "both reserves are of that market");
  const line = printed.find((l) => l.address.toBase58() === reserves[0].address);
  assert.ok(line);
  assert.equal(line.stale, true);
  const declined = Math.max(
    reserve.bounds.ltMinBps,
    reserve.calibrated.liquidationThresholdBps - reserve.bounds.maxTightenBpsPerHour,
  );
  assert.equal(line.thresholdBps, declined);
});

test("another market's reserves are filtered out", async () => {
  const { connection } = standIn(0);
  const printed: ReserveLine[] = [];
  await watchReserves(connection, { polls: 1, market: PublicKey.unique(), onLine: (line) => printed.push(line) });
  assert.deepEqual(printed, []);
});
