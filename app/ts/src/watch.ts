// Watching a market's reserves: each poll reads every reserve of the
// program (or of one market) and reports its threshold in use, its
// calibrated volatility and the age of its calibration.

import { Connection, PublicKey } from "@solana/web3.js";

import { fetchAll, Market, Reserve } from "./accounts";
import { clusterTime } from "./clock";
import * as fixed from "./core/fixed";
import { effectiveMaxLtvBps, effectiveThresholdBps, staleFromTs } from "./core/threshold";
import { formatBps } from "./core/units";
import { PROGRAM_ID } from "./program";

export interface ReserveLine {
  address: PublicKey;
  mint: PublicKey;
  /** The threshold liquidation uses now, bps (declines once stale). */
  thresholdBps: number;
  /** The threshold the last calibration set, bps. */
  calibratedThresholdBps: number;
  maxLtvBps: number;
  bonusBps: number;
  /** Annualised volatility, fast and slow EWMA, bps per year. */
  sigmaFastBpsPerYear: bigint;
  sigmaSlowBpsPerYear: bigint;
  /** Seconds since the last calibration; `null` before the first. */
  calibrationAgeSecs: bigint | null;
  stale: boolean;
}

/** Annualised volatility in bps, as the program reports it (`annualised_sigma_bps`). */
export function sigmaBpsPerYear(variance: fixed.Wrapped): bigint {
  const bits = fixed.fromWrapped(variance);
  const root = fixed.sqrt(bits < 0n ? 0n : bits) ?? 0n;
  return fixed.roundToInt(root * 10_000n);
}

/** The reserve's line at `now`; `market` is the reserve's own (its refresh-pause clock). */
export function reserveLine(address: PublicKey, reserve: Reserve, market: Market, now: bigint): ReserveLine {
  const calibrated = reserve.calibrated;
  const calibratedAt = BigInt(calibrated.lastCalibrationTs.toString());
  return {
    address,
    mint: reserve.mint,
    thresholdBps: effectiveThresholdBps(reserve, market, now),
    calibratedThresholdBps: calibrated.liquidationThresholdBps,
    maxLtvBps: effectiveMaxLtvBps(reserve, market, now),
    bonusBps: calibrated.liquidationBonusBps,
    sigmaFastBpsPerYear: sigmaBpsPerYear(calibrated.fastVariancePerYear),
    sigmaSlowBpsPerYear: sigmaBpsPerYear(calibrated.slowVariancePerYear),
    calibrationAgeSecs: calibratedAt === 0n ? null : now - calibratedAt,
    stale: calibratedAt !== 0n && now > staleFromTs(reserve, market, now),
  };
}

const percent = formatBps;

/** One line a person reads, every number with its unit. */
export function formatReserveLine(line: ReserveLine): string {
  const age = line.calibrationAgeSecs === null ? "never calibrated" : `calibrated ${line.calibrationAgeSecs} s ago`;
  return [
    `reserve ${line.address.toBase58()} (mint ${line.mint.toBase58()})`,
    `threshold ${percent(line.thresholdBps)}${line.stale ? ` (stale, calibrated ${percent(line.calibratedThresholdBps)})` : ""}`,
    `max LTV ${percent(line.maxLtvBps)}`,
    `bonus ${percent(line.bonusBps)}`,
    `sigma ${percent(line.sigmaFastBpsPerYear)}/yr fast, ${percent(line.sigmaSlowBpsPerYear)}/yr slow`,
    age,
  ].join(" | ");
}

export interface WatchOptions {
  market?: PublicKey;
  /** The program's id; its compiled-in one when absent. */
  programId?: PublicKey;
  intervalMs?: number;
  /** Stop after this many polls (0 or absent: until `signal` aborts). */
  polls?: number;
  signal?: AbortSignal;
  onLine?: (line: ReserveLine, text: string) => void;
}

/** Polls the reserves and reports each one's line, by default on stdout. */
export async function watchReserves(connection: Connection, options: WatchOptions = {}): Promise<void> {
  const report = options.onLine ?? ((_line: ReserveLine, text: string) => console.log(text));
  const interval = options.intervalMs ?? 10_000;
  for (let poll = 1; !options.signal?.aborted; poll++) {
    const now = await clusterTime(connection);
    const programId = options.programId ?? PROGRAM_ID;
    const reserves = await fetchAll<Reserve>(connection, "reserve", options.market, programId);
    const markets = new Map(
      (await fetchAll<Market>(connection, "market", undefined, programId)).map(({ address, account }) => [
        address.toBase58(),
        account,
      ]),
    );
    for (const { address, account } of reserves) {
      const market = markets.get(account.market.toBase58());
      if (!market)
        throw new Error(`reserve ${address.toBase58()}: its market ${account.market.toBase58()} is not readable`);
      const line = reserveLine(address, account, market, now);
      report(line, formatReserveLine(line));
    }
    if (options.polls && poll >= options.polls) return;
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
