// The program's four account types: decoding raw bytes, and fetching them
// over RPC.

import { IdlAccounts, utils } from "@anchor-lang/core";
import { Connection, GetProgramAccountsFilter, PublicKey } from "@solana/web3.js";

import { CODER, OFFLINE_PROGRAM, PROGRAM_ID, RiskEngine } from "./program";

export type Market = IdlAccounts<RiskEngine>["market"];
export type Reserve = IdlAccounts<RiskEngine>["reserve"];
export type Position = IdlAccounts<RiskEngine>["position"];
export type LenderPosition = IdlAccounts<RiskEngine>["lenderPosition"];

export type AccountName = "market" | "reserve" | "position" | "lenderPosition";

/** Decodes account data, checking its discriminator. */
export function decodeAccount<T>(name: AccountName, data: Buffer | Uint8Array): T {
  return CODER.accounts.decode<T>(name, Buffer.from(data));
}

export const decodeMarket = (data: Buffer | Uint8Array) => decodeAccount<Market>("market", data);
export const decodeReserve = (data: Buffer | Uint8Array) => decodeAccount<Reserve>("reserve", data);
export const decodePosition = (data: Buffer | Uint8Array) => decodeAccount<Position>("position", data);
export const decodeLenderPosition = (data: Buffer | Uint8Array) =>
  decodeAccount<LenderPosition>("lenderPosition", data);

/** The 8-byte discriminator that starts every account of `name`. */
export function accountDiscriminator(name: AccountName): Buffer {
  const account = OFFLINE_PROGRAM.idl.accounts.find((a) => a.name === name);
  if (!account) throw new Error(`no account ${name} in the IDL`);
  return Buffer.from(account.discriminator);
}

/**
 * Every account of `name` the program owns, optionally under one parent:
 * the market of a reserve or a position, the reserve of a lender position,
 * the first field of each. A market has no parent to filter by.
 */
export async function fetchAll<T>(
  connection: Connection,
  name: AccountName,
  parent?: PublicKey,
): Promise<{ address: PublicKey; account: T }[]> {
  const filters: GetProgramAccountsFilter[] = [
    { memcmp: { offset: 0, bytes: utils.bytes.bs58.encode(accountDiscriminator(name)) } },
  ];
  if (parent) {
    if (name === "market") throw new Error("markets have no parent to filter by");
    filters.push({ memcmp: { offset: 8, bytes: parent.toBase58() } });
  }
  const found = await connection.getProgramAccounts(PROGRAM_ID, { filters });
  return found.map(({ pubkey, account }) => ({
    address: pubkey,
    account: decodeAccount<T>(name, account.data),
  }));
}

export async function fetchAccount<T>(connection: Connection, name: AccountName, address: PublicKey): Promise<T> {
  const info = await connection.getAccountInfo(address);
  if (!info) throw new Error(`no account at ${address.toBase58()}`);
  if (!info.owner.equals(PROGRAM_ID)) {
    throw new Error(`${address.toBase58()} is owned by ${info.owner.toBase58()}, not the risk engine`);
  }
  return decodeAccount<T>(name, info.data);
}

/**
 * Account data for `value`: discriminator and fields. (Anchor's own
 * `encode` writes into a 1,000-byte buffer, smaller than a `Reserve`.)
 */
export function encodeAccount(name: AccountName, value: unknown): Buffer {
  const layouts = (CODER.accounts as unknown as { accountLayouts: Map<string, { layout: Layout }> }).accountLayouts;
  const layout = layouts.get(name)?.layout;
  if (!layout) throw new Error(`no account ${name} in the IDL`);
  // The most a program can allocate in one instruction; every account of
  // this program is far smaller.
  const scratch = Buffer.alloc(10_240);
  const length = layout.encode(value, scratch);
  return Buffer.concat([accountDiscriminator(name), scratch.subarray(0, length)]);
}

interface Layout {
  encode(value: unknown, buffer: Buffer): number;
}
