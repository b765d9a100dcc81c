// The recordings the Rust tests make and check (app/ts/fixtures, committed):
// the scenario through every instruction (`client_fixtures.rs`) and the
// toolkit's cases (`client_toolkit.rs`).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(__dirname, "..", "..", "fixtures");

function load<T>(name: string, test: string): T {
  const path = join(FIXTURES, name);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: it is committed, and rewritten on purpose with ` +
        `\`RISK_FIXTURES_BLESS=1 cargo test -p risk-engine-tests --test program ${test}\`.`,
    );
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export type Json = null | boolean | string | Json[] | { [key: string]: Json };

export interface RecordedInstruction {
  programId: string;
  keys: { pubkey: string; isSigner: boolean; isWritable: boolean }[];
  data: string;
}

/** A position's accounts and both Pyth accounts as recorded (base64), and the clock. */
interface RecordedPosition {
  name: string;
  now: string;
  position: string;
  collateralReserve: string;
  debtReserve: string;
  collateralPrice: string;
  debtPrice: string;
  /** The collateral reserve's market: its rules and refresh-pause clock. */
  market: string;
}

export interface HealthCase extends RecordedPosition {
  /** What the prices were accepted for: "lending", or "liquidation" for a band wider than allowed. */
  priceUse: string;
  expected: {
    debtOwed: string;
    thresholdBps: string;
    maxLtvBps: string;
    healthFactorBits: string | null;
    liquidatable: boolean;
    maxBorrow: string;
  };
}

/** A liquidation quote riskctl's liquidator made (`tests/src/quotes.rs`). */
export interface QuoteCase extends RecordedPosition {
  address: string;
  maxRepay: string;
  toleranceBps: string;
  expected:
    | { error: string }
    | {
        error: null;
        outcome: Record<
          | "thresholdBps"
          | "healthBeforeBits"
          | "healthAfterBits"
          | "repaid"
          | "seized"
          | "toLiquidator"
          | "protocolFee"
          | "bonus"
          | "deficit"
          | "deficitAbsorbedByFees",
          string
        >;
        minCollateralOut: string;
        profitQuoteBits: string;
      };
}

export interface Scenario {
  programId: string;
  instructions: { builder: string; inputs: Record<string, any>; instruction: RecordedInstruction }[];
  events: { name: string; programId: string; innerInstructionData: string; fields: Json }[];
  accounts: { type: string; address: string; data: string; fields: Json; derived?: Record<string, string> }[];
  health: HealthCase[];
  quotes: QuoteCase[];
  pdas: { kind: string; inputs: Record<string, string>; address: string; bump: string | null }[];
  errors: { code: string; name: string; message: string }[];
}

export interface Toolkit {
  quotes: QuoteCase[];
  pushOracle: { feedId: string; shard: string; address: string }[];
  associatedTokenAccounts: {
    payer: string;
    owner: string;
    mint: string;
    tokenProgram: string;
    address: string;
    createIdempotent: RecordedInstruction;
  }[];
  computeBudget: {
    units: string;
    unitLimit: RecordedInstruction;
    microLamportsPerUnit: string;
    unitPrice: RecordedInstruction;
  };
  refreshSkips: { name: string; reserve: string; publishTime: string; reason: string | null }[];
}

export const scenario = load<Scenario>("scenario.json", "client_fixtures");
export const toolkit = load<Toolkit>("toolkit.json", "client_toolkit");

/** Every recorded quote: the scenario's, then the hand-made ones. */
export const quoteCases: QuoteCase[] = [...scenario.quotes, ...toolkit.quotes];

export const bytes = (base64: string) => Buffer.from(base64, "base64");
