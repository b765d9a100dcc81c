// The program's clock: what `Clock::get()` returns is the time of the
// cluster's blocks, which a bot's own clock can be seconds away from.

import { Connection } from "@solana/web3.js";

/** Unix seconds of the cluster's latest block; the local clock when the node has no time for it. */
export async function clusterTime(connection: Connection): Promise<bigint> {
  const slot = await connection.getSlot();
  return BigInt((await connection.getBlockTime(slot)) ?? Math.floor(Date.now() / 1000));
}
