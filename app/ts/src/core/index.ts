// The program's computations and the parts of other programs' instructions,
// the same in both clients: each entry re-exports this.

export * as fixed from "./fixed";
export { big, U64_MAX } from "./integer";
export type { Integer } from "./integer";
export type { MarketState, PositionState, ReserveState } from "./state";
export { ProgramRefusal, programErrors, programError } from "./errors";
export type { ProgramErrorInfo } from "./errors";
export {
  collateralPrice,
  debtPrice,
  feedIdFromHex,
  liquidationCollateralPrice,
  liquidationDebtPrice,
  PriceRefused,
  PYTH_PUSH_ORACLE_PROGRAM,
} from "./oracle";
export type { OraclePrice, PriceReport, PriceUse } from "./oracle";
export * from "./interest";
export * from "./threshold";
export * from "./health";
export * from "./liquidation";
export * from "./refresh";
export * from "./units";
export {
  ADDRESS_LOOKUP_TABLE_PROGRAM,
  ASSOCIATED_TOKEN_PROGRAM,
  COMPUTE_BUDGET_PROGRAM,
  TOKEN_2022_PROGRAM,
  TOKEN_PROGRAM,
} from "./programs";
