// A keeper: refreshes each reserve of a market whose Pyth price would enter
// its calibration (the first in its sample slot's window), as riskctl's
// keeper does, and says what each refresh did to the threshold.
//   node keeper.js RPC_URL KEYPAIR_FILE MARKET [CLUSTER]

import { readFileSync } from "node:fs";

import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import {
  acceptPrice,
  clusterTime,
  decodePriceUpdate,
  fetchAccount,
  fetchAll,
  formatBps,
  instructionsFor,
  Market,
  PriceRefused,
  PROGRAM_IDS,
  refreshSkipReason,
  Reserve,
  reserveAccounts,
  reserveLine,
  versionedTransaction,
  type Cluster,
} from "../src";

export async function refreshOnce(connection: Connection, wallet: Keypair, market: PublicKey, cluster: Cluster) {
  const programId = PROGRAM_IDS[cluster];
  const now = await clusterTime(connection);
  for (const { address, account } of await fetchAll<Reserve>(connection, "reserve", market, programId)) {
    const { priceAccount } = reserveAccounts(address, account);
    const info = await connection.getAccountInfo(priceAccount);
    if (!info) continue;
    const update = decodePriceUpdate(info.data);
    const skipped = refreshSkipReason(account, BigInt(update.priceMessage.publishTime.toString()));
    if (skipped) continue;
    try {
      acceptPrice(update, account, now, "calibration");
    } catch (refusal) {
      if (!(refusal instanceof PriceRefused)) throw refusal;
      console.log(`reserve ${address.toBase58()}: not refreshed, ${refusal.message}`);
      continue;
    }
    const refresh = await instructionsFor(programId).refreshReserve(market, address, priceAccount);
    const { blockhash, lastValidBlockHeight } = await connection.getLatestBlockhash();
    const transaction = versionedTransaction(wallet.publicKey, [refresh], blockhash);
    transaction.sign([wallet]);
    const signature = await connection.sendTransaction(transaction);
    await connection.confirmTransaction({ signature, blockhash, lastValidBlockHeight });
    const refreshed = await fetchAccount<Reserve>(connection, "reserve", address, programId);
    const rules = await fetchAccount<Market>(connection, "market", market, programId);
    const line = reserveLine(address, refreshed, rules, await clusterTime(connection));
    console.log(
      `reserve ${address.toBase58()}: threshold ${formatBps(account.calibrated.liquidationThresholdBps)} -> ${formatBps(line.thresholdBps)}`,
    );
  }
}

async function main(): Promise<void> {
  const [url, keypairFile, market, cluster = "mainnet"] = process.argv.slice(2);
  if (!url || !keypairFile || !market) {
    console.error("usage: keeper RPC_URL KEYPAIR_FILE MARKET [localnet|devnet|mainnet]");
    process.exit(2);
  }
  const wallet = Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(keypairFile, "utf8")) as number[]));
  await refreshOnce(new Connection(url, "confirmed"), wallet, new PublicKey(market), cluster as Cluster);
}

main().catch((error: unknown) => {
  console.error(`keeper: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
