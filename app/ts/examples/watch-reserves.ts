// Prints every reserve's threshold in use from an RPC URL, every 10 s:
//   npm run watch-reserves -- https://api.mainnet-beta.solana.com [MARKET] [--once]

import { Connection, PublicKey } from "@solana/web3.js";

import { watchReserves } from "../src";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const once = args.includes("--once");
  const [url, market] = args.filter((arg) => arg !== "--once");
  if (!url) {
    console.error("usage: watch-reserves RPC_URL [MARKET] [--once]");
    process.exit(2);
  }
  const connection = new Connection(url, "confirmed");
  await watchReserves(connection, {
    market: market ? new PublicKey(market) : undefined,
    polls: once ? 1 : undefined,
  });
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`watch-reserves: ${process.argv[2]}: ${reason}`);
  process.exit(1);
});
