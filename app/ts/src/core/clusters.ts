// The clusters `Anchor.toml` lists the program on, and its id on each
// (`src/idl/program_ids.json`, written by `riskctl idl`).

import programIds from "../idl/program_ids.json";

export type Cluster = "localnet" | "devnet" | "mainnet";

/** The program's id on each cluster, base58. */
export const CLUSTER_PROGRAM_IDS: Readonly<Record<Cluster, string>> = programIds satisfies Record<Cluster, string>;
