// Whether a refresh would count a price into the reserve's calibration
// (`calibration::skip_reason`): what a keeper asks before paying for one.
// Returns are sampled on a grid of slots of `sample_interval` seconds from
// the epoch, from a price published in each slot's first 1/60, the first
// one posted.

import { big, Integer } from "./integer";

/** Why a refresh would skip a price for the calibration (`SkipReason`), or `null` when it would count it. */
export type RefreshSkip = "NotNewer" | "SlotAlreadySampled" | "AfterSampleWindow";

/** The reserve fields the sampling rule reads. */
export interface SampledReserve {
  calibrated: { lastPublishTime: Integer };
  calibration: { sampleIntervalSecs: number };
}

/** `SAMPLE_WINDOW_DIVISOR`: a price counts when published in its slot's first 1/60. */
const SAMPLE_WINDOW_DIVISOR = 60;

/** Why a refresh with a price published at `publishTime` (unix seconds) would not enter the series, or `null` when it would. */
export function refreshSkipReason(reserve: SampledReserve, publishTime: bigint): RefreshSkip | null {
  const last = big(reserve.calibrated.lastPublishTime);
  if (publishTime <= last) return "NotNewer";
  const interval = BigInt(Math.max(reserve.calibration.sampleIntervalSecs, 1));
  const offset = ((publishTime % interval) + interval) % interval;
  const slotStart = publishTime - offset;
  if (last !== 0n && slotStart <= last) return "SlotAlreadySampled";
  const window = BigInt(Math.max(Math.floor(reserve.calibration.sampleIntervalSecs / SAMPLE_WINDOW_DIVISOR), 1));
  if (publishTime - slotStart > window) return "AfterSampleWindow";
  return null;
}
