// The program's addresses for the Kit client: the compiled-in one the
// generated code defaults to, and one per cluster of `Anchor.toml`.

import { address, type Address } from "@solana/kit";

import { Cluster, CLUSTER_PROGRAM_IDS } from "../core/clusters";
import { RISK_ENGINE_PROGRAM_ADDRESS } from "./generated";

export type { Cluster };

/** The id compiled into the program (`declare_id!`): every generated builder's default `programAddress`. */
export const PROGRAM_ADDRESS: Address = RISK_ENGINE_PROGRAM_ADDRESS;

/** The program's address on each cluster of `Anchor.toml` (written by `riskctl idl`). */
export const PROGRAM_ADDRESSES: Readonly<Record<Cluster, Address>> = Object.freeze(
  Object.fromEntries(Object.entries(CLUSTER_PROGRAM_IDS).map(([cluster, id]) => [cluster, address(id)])) as Record<
    Cluster,
    Address
  >,
);
