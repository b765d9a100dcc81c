// The risk engine's client for `@solana/kit`: the code Codama generates
// from the IDL (`./generated`: accounts, instructions, PDAs, errors, types
// and events), and what a keeper or a liquidation bot needs around it.

export * from "./generated";
export * from "./program";
export * from "./pda";
export * from "./accounts";
export * from "./pyth";
export * from "./events";
export * from "./clock";

export * from "./bot/accounts";
export * from "./bot/instructions";
export * from "./bot/quote";
export * from "./bot/tokens";
export * from "./bot/transactions";

// The program's computations, the same in both clients.
export * from "../core";
