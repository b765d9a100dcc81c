// The program, its IDL and coder: every other module builds on these.

import { BorshCoder, Idl, Program, Provider } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";

import idlJson from "./idl/risk_engine.json";
import type { RiskEngine } from "./idl/risk_engine";

export type { RiskEngine };

/** The IDL as committed (`idl/risk_engine.json`, snake_case names). */
export const RAW_IDL: Idl = idlJson as Idl;

export const PROGRAM_ID = new PublicKey(idlJson.address);

/**
 * The program, typed from the IDL. Without a provider it works offline:
 * instruction building and decoding need no connection; fetching accounts
 * does (pass one, or a provider with your wallet to send).
 */
export function riskEngineProgram(provider?: Provider | Connection): Program<RiskEngine> {
  const resolved: Provider =
    provider instanceof Connection
      ? { connection: provider }
      : (provider ?? { connection: new Connection("http://127.0.0.1:8899") });
  return new Program<RiskEngine>(idlJson as unknown as RiskEngine, resolved);
}

/** One program object for the decoders and builders of this package. */
export const OFFLINE_PROGRAM: Program<RiskEngine> = riskEngineProgram();

/** The Borsh coder of the camelCased IDL (accounts, events, types, instructions). */
export const CODER: BorshCoder = OFFLINE_PROGRAM.coder as BorshCoder;
