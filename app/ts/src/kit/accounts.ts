// The program's four account types from bytes (discriminator checked), and
// fetching them over RPC with memcmp filters.

import {
  getBase58Decoder,
  getBase64Encoder,
  type Address,
  type Base58EncodedBytes,
  type GetProgramAccountsApi,
  type ReadonlyUint8Array,
  type Rpc,
} from "@solana/kit";

import { PARENT_OFFSET, POSITION_OWNER_OFFSET } from "../core/seeds";
import {
  getLenderPositionDecoder,
  getMarketDecoder,
  getPositionDecoder,
  getReserveDecoder,
  LENDER_POSITION_DISCRIMINATOR,
  MARKET_DISCRIMINATOR,
  POSITION_DISCRIMINATOR,
  RESERVE_DISCRIMINATOR,
  type LenderPosition,
  type Market,
  type Position,
  type Reserve,
} from "./generated";
import { PROGRAM_ADDRESS } from "./program";

interface Decoded {
  market: Market;
  reserve: Reserve;
  position: Position;
  lenderPosition: LenderPosition;
}

export type AccountName = keyof Decoded;

const KINDS: {
  [N in AccountName]: { discriminator: ReadonlyUint8Array; decode: (data: ReadonlyUint8Array) => Decoded[N] };
} = {
  market: { discriminator: MARKET_DISCRIMINATOR, decode: (d) => getMarketDecoder().decode(d) },
  reserve: { discriminator: RESERVE_DISCRIMINATOR, decode: (d) => getReserveDecoder().decode(d) },
  position: { discriminator: POSITION_DISCRIMINATOR, decode: (d) => getPositionDecoder().decode(d) },
  lenderPosition: { discriminator: LENDER_POSITION_DISCRIMINATOR, decode: (d) => getLenderPositionDecoder().decode(d) },
};

/** Decodes account data of `name`, refusing data of another type (its discriminator). */
export function decodeAccount<N extends AccountName>(name: N, data: ReadonlyUint8Array): Decoded[N] {
  const { discriminator, decode } = KINDS[name];
  if (data.length < discriminator.length || discriminator.some((byte, i) => data[i] !== byte)) {
    throw new Error(`not a ${name} account: its discriminator differs`);
  }
  return decode(data);
}

/** An account and where it lives. */
export interface Found<T> {
  address: Address;
  account: T;
}

const base58 = (bytes: ReadonlyUint8Array) => getBase58Decoder().decode(bytes) as Base58EncodedBytes;

async function fetchFiltered<N extends AccountName>(
  rpc: Rpc<GetProgramAccountsApi>,
  name: N,
  matches: [offset: number, key: Address][],
  programAddress: Address,
): Promise<Found<Decoded[N]>[]> {
  const filters = [
    { memcmp: { offset: 0n, bytes: base58(KINDS[name].discriminator), encoding: "base58" as const } },
    ...matches.map(([offset, key]) => ({
      memcmp: { offset: BigInt(offset), bytes: key as string as Base58EncodedBytes, encoding: "base58" as const },
    })),
  ];
  const found = await rpc.getProgramAccounts(programAddress, { encoding: "base64", filters }).send();
  return found.map(({ pubkey, account }) => ({
    address: pubkey,
    account: decodeAccount(name, getBase64Encoder().encode(account.data[0])),
  }));
}

/** Every account of `name` (under `parent`: the market of a reserve or a position, the reserve of a lender position). */
export function fetchAllOf<N extends AccountName>(
  rpc: Rpc<GetProgramAccountsApi>,
  name: N,
  parent?: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<Found<Decoded[N]>[]> {
  if (parent && name === "market") throw new Error("markets have no parent to filter by");
  return fetchFiltered(rpc, name, parent ? [[PARENT_OFFSET, parent]] : [], programAddress);
}

/** Every position of `owner` (in one market, when given), found by a memcmp filter on the owner field. */
export function fetchPositionsByOwner(
  rpc: Rpc<GetProgramAccountsApi>,
  owner: Address,
  market?: Address,
  programAddress = PROGRAM_ADDRESS,
): Promise<Found<Position>[]> {
  const matches: [number, Address][] = [[POSITION_OWNER_OFFSET, owner]];
  if (market) matches.push([PARENT_OFFSET, market]);
  return fetchFiltered(rpc, "position", matches, programAddress);
}
