// The risk engine's TypeScript client on Anchor (`@anchor-lang/core`,
// `@solana/web3.js`). The Kit client is `@risk-engine/client/kit`.

export * from "./program";
export * from "./pda";
export * from "./accounts";
export * from "./pyth";
export * from "./events";
export * from "./errors";
export { instructions, instructionsFor } from "./instructions";
export type { Instructions, ReserveAccounts, PricedPosition, LiquidatorAccounts } from "./instructions";
export * from "./watch";
export * from "./amount";
export * from "./clock";

// What a bot needs around the builders.
export * from "./bot/accounts";
export * from "./bot/quote";
export * from "./bot/tokens";
export * from "./bot/transactions";

// The program's computations, the same in both clients.
export * from "./core";
