// The program's clock: what `Clock::get()` returns is the time of the
// cluster's blocks, which a bot's own clock can be seconds away from.

import type { GetBlockTimeApi, GetSlotApi, Rpc } from "@solana/kit";

/** Unix seconds of the cluster's latest block; the local clock when the node has no time for it. */
export async function clusterTime(rpc: Rpc<GetSlotApi & GetBlockTimeApi>): Promise<bigint> {
  const slot = await rpc.getSlot().send();
  const time = await rpc.getBlockTime(slot).send();
  return time === null ? BigInt(Math.floor(Date.now() / 1000)) : BigInt(time);
}
