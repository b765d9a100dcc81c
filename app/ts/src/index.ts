// The risk engine's TypeScript client.

export * from "./program";
export * as fixed from "./fixed";
export * from "./pda";
export * from "./accounts";
export * from "./pyth";
export * from "./events";
export * from "./errors";
export * as instructions from "./instructions";
export type { ReserveAccounts, PricedPosition, LiquidatorAccounts } from "./instructions";
export * from "./health";
export * from "./watch";
export * from "./amount";
