// Every instruction the client builds is byte for byte the one riskctl's
// builders made from the same inputs in the recorded scenario.

import assert from "node:assert/strict";
import { test } from "node:test";

import { PublicKey, TransactionInstruction } from "@solana/web3.js";

import { instructions as ix, RAW_IDL } from "../src";
import { defined, fromRust, liquidatorAccounts, pricedPosition, reserveAccounts } from "./anchor";
import { scenario } from "./fixtures";

type Inputs = Record<string, any>;
const key = (value: string) => new PublicKey(value);

const amount = (value: string) => BigInt(value);

/** For each of riskctl's builders, the client's, called with the same inputs. */
const BUILDERS: Record<string, (i: Inputs) => Promise<TransactionInstruction>> = {
  init_market: (i) => ix.initMarket(key(i.authority), fromRust(i.args, defined("InitMarketArgs"))),
  add_reserve: (i) =>
    ix.addReserve(
      key(i.authority),
      key(i.market),
      key(i.mint),
      key(i.tokenProgram),
      fromRust(i.args, defined("AddReserveArgs")),
    ),
  set_risk_bounds: (i) =>
    ix.setRiskBounds(key(i.authority), key(i.market), key(i.reserve), fromRust(i.value, defined("RiskBounds"))),
  set_calibration_params: (i) =>
    ix.setCalibrationParams(
      key(i.authority),
      key(i.market),
      key(i.reserve),
      fromRust(i.value, defined("CalibrationParams")),
    ),
  set_oracle_config: (i) =>
    ix.setOracleConfig(key(i.authority), key(i.market), key(i.reserve), fromRust(i.value, defined("OracleConfig"))),
  set_interest_model: (i) =>
    ix.setInterestModel(key(i.authority), key(i.market), key(i.reserve), fromRust(i.value, defined("InterestModel"))),
  set_depth_reporter: (i) => ix.setDepthReporter(key(i.authority), key(i.market), key(i.reserve), key(i.value)),
  set_min_borrow_value: (i) => ix.setMinBorrowValue(key(i.authority), key(i.market), key(i.reserve), amount(i.value)),
  set_liquidation_config: (i) =>
    ix.setLiquidationConfig(key(i.authority), key(i.market), fromRust(i.value, defined("LiquidationConfig"))),
  set_guardian: (i) => ix.setGuardian(key(i.authority), key(i.market), key(i.value)),
  set_treasury: (i) => ix.setTreasury(key(i.authority), key(i.market), key(i.value)),
  propose_authority: (i) => ix.proposeAuthority(key(i.authority), key(i.market), key(i.value)),
  accept_authority: (i) => ix.acceptAuthority(key(i.newAuthority), key(i.market)),
  set_pause: (i) => ix.setPause(key(i.signer), key(i.market), Number(i.pauseFlags)),
  refresh_reserve: (i) => ix.refreshReserve(key(i.market), key(i.reserve), key(i.priceUpdate)),
  report_depth: (i) => ix.reportDepth(key(i.reporter), key(i.reserve), amount(i.depthQuote)),
  supply: (i) =>
    ix.supply(
      key(i.owner),
      key(i.market),
      reserveAccounts(i.asset),
      key(i.ownerTokenAccount),
      amount(i.amount),
      amount(i.minOut),
    ),
  withdraw_supply: (i) =>
    ix.withdrawSupply(
      key(i.owner),
      key(i.market),
      reserveAccounts(i.asset),
      key(i.ownerTokenAccount),
      amount(i.amount),
      amount(i.minOut),
    ),
  close_lender_position: (i) => ix.closeLenderPosition(key(i.owner), key(i.reserve)),
  open_position: (i) =>
    ix.openPosition(key(i.owner), key(i.market), key(i.collateralReserve), key(i.debtReserve), amount(i.positionId)),
  deposit_collateral: (i) =>
    ix.depositCollateral(
      key(i.owner),
      key(i.position),
      reserveAccounts(i.collateral),
      key(i.ownerTokenAccount),
      amount(i.amount),
    ),
  withdraw_collateral: (i) => ix.withdrawCollateral(pricedPosition(i.p), key(i.ownerTokenAccount), amount(i.amount)),
  borrow: (i) => ix.borrow(pricedPosition(i.p), key(i.ownerTokenAccount), amount(i.amount)),
  repay: (i) =>
    ix.repay(key(i.payer), key(i.position), reserveAccounts(i.debt), key(i.payerTokenAccount), amount(i.maxAmount)),
  close_position: (i) => ix.closePosition(key(i.owner), key(i.position)),
  claim_protocol_fees: (i) =>
    ix.claimProtocolFees(key(i.market), reserveAccounts(i.asset), key(i.treasuryTokenAccount)),
  liquidate: (i) =>
    ix.liquidate(pricedPosition(i.p), liquidatorAccounts(i.l), amount(i.maxRepay), amount(i.minCollateralOut)),
  write_off_bad_debt: (i) => ix.writeOffBadDebt(pricedPosition(i.p), key(i.treasuryCollateralAccount)),
};

test("every instruction of the IDL was recorded and has a builder", () => {
  const recorded = new Set(scenario.instructions.map((i) => i.builder));
  const listed = (RAW_IDL.instructions ?? []).map((i) => i.name).sort();
  assert.deepEqual([...recorded].sort(), listed);
  assert.deepEqual(Object.keys(BUILDERS).sort(), listed);
});

test("amounts a u64 cannot hold exactly are refused, not encoded wrongly", () => {
  const recorded = scenario.instructions.find((i) => i.builder === "borrow");
  assert.ok(recorded);
  const p = pricedPosition(recorded.inputs.p);
  const account = key(recorded.inputs.ownerTokenAccount);
  for (const bad of [-1n, -1, 1n << 64n, 2 ** 60, 0.5]) {
    assert.throws(() => ix.borrow(p, account, bad), RangeError, String(bad));
  }
  assert.doesNotThrow(() => ix.borrow(p, account, (1n << 64n) - 1n));
});

for (const [n, recorded] of scenario.instructions.entries()) {
  test(`instruction ${n}, ${recorded.builder}, is built byte for byte as riskctl built it`, async () => {
    const built = await BUILDERS[recorded.builder](recorded.inputs);
    const expected = recorded.instruction;
    assert.equal(built.programId.toBase58(), expected.programId);
    assert.deepEqual(
      built.keys.map((k) => ({ pubkey: k.pubkey.toBase58(), isSigner: k.isSigner, isWritable: k.isWritable })),
      expected.keys,
    );
    assert.equal(built.data.toString("base64"), expected.data);
  });
}
