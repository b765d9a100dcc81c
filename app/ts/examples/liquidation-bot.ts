// A liquidation bot: each pass quotes every position of a market as the
// program would liquidate it, and liquidates those that pay.
//   node liquidation-bot.js RPC_URL KEYPAIR_FILE MARKET [CLUSTER]

import { readFileSync } from "node:fs";

import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import {
  clusterTime,
  computeBudgetInstructions,
  createAssociatedTokenAccountIdempotent,
  decodePriceUpdate,
  fetchAccount,
  fetchAll,
  formatQuote,
  formatTokens,
  instructionsFor,
  liquidationQuote,
  liquidatorAccounts,
  Market,
  Position,
  pricedPosition,
  ProgramRefusal,
  PROGRAM_IDS,
  Reserve,
  versionedTransaction,
  type Cluster,
} from "../src";

export async function liquidateOnce(connection: Connection, wallet: Keypair, market: PublicKey, cluster: Cluster) {
  const programId = PROGRAM_IDS[cluster];
  const rules = await fetchAccount<Market>(connection, "market", market, programId);
  const reserves = await fetchAll<Reserve>(connection, "reserve", market, programId);
  const reserve = (address: PublicKey) => reserves.find((r) => r.address.equals(address))!;
  const now = await clusterTime(connection);
  for (const position of await fetchAll<Position>(connection, "position", market, programId)) {
    const [collateral, debt] = [reserve(position.account.collateralReserve), reserve(position.account.debtReserve)];
    // The push oracle's accounts of both feeds (shard 0).
    const p = pricedPosition(position, collateral, debt);
    const [collateralPrice, debtPrice] = await connection.getMultipleAccountsInfo([
      p.collateral.priceAccount,
      p.debt.priceAccount,
    ]);
    if (!collateralPrice || !debtPrice) continue;
    let quote;
    try {
      quote = liquidationQuote(
        {
          position: position.account,
          collateral: collateral.account,
          collateralUpdate: decodePriceUpdate(collateralPrice.data),
          debt: debt.account,
          debtUpdate: decodePriceUpdate(debtPrice.data),
          market: rules,
          now,
        },
        { toleranceBps: 50 },
      );
    } catch (refusal) {
      // Healthy, or a price the program would refuse: nothing to send.
      if (refusal instanceof ProgramRefusal) continue;
      throw refusal;
    }
    if (quote.profitQuote <= 0n) continue;
    const mine = liquidatorAccounts(wallet.publicKey, p, rules);
    const ata = (owner: PublicKey, side: typeof p.debt) =>
      createAssociatedTokenAccountIdempotent(wallet.publicKey, owner, side.mint, side.tokenProgram);
    const liquidate = await instructionsFor(programId).liquidate(p, mine, quote.outcome.repaid, quote.minCollateralOut);
    const transaction = versionedTransaction(
      wallet.publicKey,
      [
        ...computeBudgetInstructions({ units: 400_000, microLamportsPerUnit: 10_000n }),
        ata(wallet.publicKey, p.collateral),
        ata(rules.treasury, p.collateral),
        liquidate,
      ],
      (await connection.getLatestBlockhash()).blockhash,
    );
    transaction.sign([wallet]);
    const signature = await connection.sendTransaction(transaction);
    console.log(
      `liquidated ${position.address.toBase58()}: repaid ${formatTokens(quote.outcome.repaid, p.debt.decimals, "debt tokens")}, ` +
        `received ${formatTokens(quote.outcome.split.toLiquidator, p.collateral.decimals, "collateral tokens")}, ` +
        `profit ${formatQuote(quote.profitQuote)} (${signature})`,
    );
  }
}

async function main(): Promise<void> {
  const [url, keypairFile, market, cluster = "mainnet"] = process.argv.slice(2);
  if (!url || !keypairFile || !market) {
    console.error("usage: liquidation-bot RPC_URL KEYPAIR_FILE MARKET [localnet|devnet|mainnet]");
    process.exit(2);
  }
  const wallet = Keypair.fromSecretKey(Uint8Array.from(JSON.parse(readFileSync(keypairFile, "utf8")) as number[]));
  await liquidateOnce(new Connection(url, "confirmed"), wallet, new PublicKey(market), cluster as Cluster);
}

main().catch((error: unknown) => {
  console.error(`liquidation-bot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
