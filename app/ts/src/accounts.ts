// The program's four account types: decoding raw bytes, and fetching them
// over RPC.

import { IdlAccounts, utils } from "@anchor-lang/core";
import { Connection, GetProgramAccountsFilter, PublicKey } from "@solana/web3.js";

import { PARENT_OFFSET, POSITION_OWNER_OFFSET } from "./core/seeds";
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

/** An account and where it lives. */
export interface Found<T> {
  address: PublicKey;
  account: T;
}

async function fetchFiltered<T>(
  connection: Connection,
  name: AccountName,
  matches: [offset: number, key: PublicKey][],
  programId: PublicKey,
): Promise<Found<T>[]> {
  const filters: GetProgramAccountsFilter[] = [
    { memcmp: { offset: 0, bytes: utils.bytes.bs58.encode(accountDiscriminator(name)) } },
    ...matches.map(([offset, key]) => ({ memcmp: { offset, bytes: key.toBase58() } })),
  ];
  const found = await connection.getProgramAccounts(programId, { filters });
  return found.map(({ pubkey, account }) => ({
    address: pubkey,
    account: decodeAccount<T>(name, account.data),
  }));
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
  programId: PublicKey = PROGRAM_ID,
): Promise<Found<T>[]> {
  if (parent && name === "market") throw new Error("markets have no parent to filter by");
  return fetchFiltered<T>(connection, name, parent ? [[PARENT_OFFSET, parent]] : [], programId);
}

/** Every position of `owner` (in one market, when given), found by a memcmp filter on the owner field. */
export async function fetchPositionsByOwner(
  connection: Connection,
  owner: PublicKey,
  market?: PublicKey,
  programId: PublicKey = PROGRAM_ID,
): Promise<Found<Position>[]> {
  const matches: [number, PublicKey][] = [[POSITION_OWNER_OFFSET, owner]];
  if (market) matches.push([PARENT_OFFSET, market]);
  return fetchFiltered<Position>(connection, "position", matches, programId);
}

export async function fetchAccount<T>(
  connection: Connection,
  name: AccountName,
  address: PublicKey,
  programId: PublicKey = PROGRAM_ID,
): Promise<T> {
  const info = await connection.getAccountInfo(address);
  if (!info) throw new Error(`no account at ${address.toBase58()}`);
  if (!info.owner.equals(programId)) {
    throw new Error(
      `${address.toBase58()} is owned by ${info.owner.toBase58()}, not the risk engine at ${programId.toBase58()}`,
    );
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
