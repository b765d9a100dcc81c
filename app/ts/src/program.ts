// The program, its IDL, ids and coder: every other module of the Anchor
// client builds on these.

import { BorshCoder, Idl, Program, Provider } from "@anchor-lang/core";
import { Connection, PublicKey } from "@solana/web3.js";

import idlJson from "./idl/risk_engine.json";
import { Cluster, CLUSTER_PROGRAM_IDS } from "./core/clusters";
import type { RiskEngine } from "./idl/risk_engine";

export type { RiskEngine };

/** The IDL as committed (`idl/risk_engine.json`, snake_case names). */
export const RAW_IDL: Idl = idlJson as Idl;

export type { Cluster };

/** The id compiled into the program (`declare_id!`), which the IDL carries: the default everywhere. */
export const PROGRAM_ID = new PublicKey(idlJson.address);

/** The program's id on each cluster of `Anchor.toml` (written by `riskctl idl`). */
export const PROGRAM_IDS: Readonly<Record<Cluster, PublicKey>> = Object.freeze(
  Object.fromEntries(
    Object.entries(CLUSTER_PROGRAM_IDS).map(([cluster, id]) => [cluster, new PublicKey(id)]),
  ) as Record<Cluster, PublicKey>,
);

/**
 * A connection, told apart from a provider by its methods rather than by
 * `instanceof`, which fails when the caller's `@solana/web3.js` is another
 * copy than this package's.
 */
function isConnection(value: Provider | Connection): value is Connection {
  return typeof (value as Connection).getAccountInfo === "function" && !("connection" in value);
}

/**
 * The program at `programId` (by default the compiled-in id), typed from
 * the IDL. Without a provider it works offline: instruction building and
 * decoding need no connection; fetching accounts does (pass one, or a
 * provider with your wallet to send).
 */
export function riskEngineProgram(
  provider?: Provider | Connection,
  programId: PublicKey = PROGRAM_ID,
): Program<RiskEngine> {
  const resolved: Provider =
    provider === undefined
      ? { connection: new Connection("http://127.0.0.1:8899") }
      : isConnection(provider)
        ? { connection: provider }
        : provider;
  const idl = { ...idlJson, address: programId.toBase58() } as unknown as RiskEngine;
  return new Program<RiskEngine>(idl, resolved);
}

/** One program object for the decoders and builders of this package. */
export const OFFLINE_PROGRAM: Program<RiskEngine> = riskEngineProgram();

/** The Borsh coder of the camelCased IDL (accounts, events, types, instructions); the same at every program id. */
export const CODER: BorshCoder = OFFLINE_PROGRAM.coder as BorshCoder;
