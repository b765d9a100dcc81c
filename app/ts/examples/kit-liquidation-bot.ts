// The liquidation bot on @solana/kit: each pass quotes every position of a
// market as the program would liquidate it, and liquidates those that pay.
//   node kit-liquidation-bot.js RPC_URL KEYPAIR_FILE MARKET [CLUSTER]

import { readFileSync } from "node:fs";

import {
  address,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  fetchEncodedAccounts,
  getBase64EncodedWireTransaction,
  signTransactionMessageWithSigners,
  type Address,
  type KeyPairSigner,
} from "@solana/kit";
import {
  clusterTime,
  computeBudgetInstructions,
  createAssociatedTokenAccountIdempotent,
  decodePriceUpdate,
  fetchAllOf,
  fetchMarket,
  formatQuote,
  liquidateInstruction,
  liquidationQuote,
  liquidatorAccounts,
  pricedPosition,
  ProgramRefusal,
  PROGRAM_ADDRESSES,
  versionedMessage,
  type Cluster,
} from "../src/kit";

export async function liquidateOnce(url: string, signer: KeyPairSigner, market: Address, cluster: Cluster) {
  const rpc = createSolanaRpc(url);
  const program = PROGRAM_ADDRESSES[cluster];
  const { data: rules } = await fetchMarket(rpc, market);
  const reserves = await fetchAllOf(rpc, "reserve", market, program);
  const reserve = (at: Address) => reserves.find((r) => r.address === at)!;
  const now = await clusterTime(rpc);
  for (const position of await fetchAllOf(rpc, "position", market, program)) {
    const [collateral, debt] = [reserve(position.account.collateralReserve), reserve(position.account.debtReserve)];
    const p = await pricedPosition(position, collateral, debt);
    const [collateralPrice, debtPrice] = await fetchEncodedAccounts(rpc, [
      p.collateral.priceAccount,
      p.debt.priceAccount,
    ]);
    if (!collateralPrice.exists || !debtPrice.exists) continue;
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
      if (refusal instanceof ProgramRefusal) continue;
      throw refusal;
    }
    if (quote.profitQuote <= 0n) continue;
    const mine = await liquidatorAccounts(signer, p, rules);
    const { value: lifetime } = await rpc.getLatestBlockhash().send();
    const message = versionedMessage(
      signer,
      [
        ...computeBudgetInstructions({ units: 400_000, microLamportsPerUnit: 10_000n }),
        await createAssociatedTokenAccountIdempotent(
          signer,
          signer.address,
          p.collateral.mint,
          p.collateral.tokenProgram,
        ),
        await createAssociatedTokenAccountIdempotent(
          signer,
          rules.treasury,
          p.collateral.mint,
          p.collateral.tokenProgram,
        ),
        await liquidateInstruction(p, mine, quote.outcome.repaid, quote.minCollateralOut, program),
      ],
      lifetime,
    );
    const transaction = await signTransactionMessageWithSigners(message);
    const signature = await rpc
      .sendTransaction(getBase64EncodedWireTransaction(transaction), { encoding: "base64" })
      .send();
    console.log(`liquidated ${position.address}: profit ${formatQuote(quote.profitQuote)} (${signature})`);
  }
}

async function main(): Promise<void> {
  const [url, keypairFile, market, cluster = "mainnet"] = process.argv.slice(2);
  if (!url || !keypairFile || !market) {
    console.error("usage: kit-liquidation-bot RPC_URL KEYPAIR_FILE MARKET [localnet|devnet|mainnet]");
    process.exit(2);
  }
  const secret = Uint8Array.from(JSON.parse(readFileSync(keypairFile, "utf8")) as number[]);
  await liquidateOnce(url, await createKeyPairSignerFromBytes(secret), address(market), cluster as Cluster);
}

main().catch((error: unknown) => {
  console.error(`kit-liquidation-bot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
