// Every instruction the Kit client builds is byte for byte the one riskctl's
// builders made from the same inputs in the recorded scenario: the
// generated builders, given every account, and the bot's wrappers.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createNoopSigner, type Instruction } from "@solana/kit";

import * as kit from "../../src/kit";
import { scenario } from "../fixtures";
import { address, argumentType, asRecorded, kitFromRust, pricedPosition } from "./kit";

type Inputs = Record<string, any>;
const signer = (value: string) => createNoopSigner(address(value));
const amount = (value: string) => BigInt(value);
const arg = (instruction: string, name: string, value: unknown) => kitFromRust(value, argumentType(instruction, name));

/** `eventAuthority` and `program` at the compiled-in address. */
const events = () => kit.eventAccounts();

/** A reserve's token accounts as the generated builders name them (one group, unprefixed). */
const tokens = (r: Inputs, userTokenAccount: string) => ({
  reserve: address(r.reserve),
  mint: address(r.mint),
  vault: address(r.vault),
  userTokenAccount: address(userTokenAccount),
  tokenProgram: address(r.tokenProgram),
});

/** A supplier's accounts, for `supply` and `withdraw_supply`. */
const lending = async (i: Inputs) => ({
  owner: signer(i.owner),
  market: address(i.market),
  ...tokens(i.asset, i.ownerTokenAccount),
  lenderPosition: (await kit.lenderPositionPda(address(i.asset.reserve), address(i.owner)))[0],
  ...(await events()),
});

const governReserve = async (i: Inputs) => ({
  authority: signer(i.authority),
  market: address(i.market),
  reserve: address(i.reserve),
  ...(await events()),
});

const governMarket = async (i: Inputs) => ({
  authority: signer(i.authority),
  market: address(i.market),
  ...(await events()),
});

/** For each of riskctl's builders, the Kit client's, called with the same inputs. */
const BUILDERS: Record<string, (i: Inputs) => Promise<Instruction>> = {
  init_market: async (i) =>
    kit.getInitMarketInstruction({
      authority: signer(i.authority),
      market: (await kit.marketPda(address(i.authority), amount(i.args.market_id)))[0],
      ...(await events()),
      ...arg("init_market", "args", i.args),
    }),
  add_reserve: async (i) => {
    const reserve = (await kit.reservePda(address(i.market), address(i.mint)))[0];
    return kit.getAddReserveInstruction({
      authority: signer(i.authority),
      market: address(i.market),
      mint: address(i.mint),
      reserve,
      vault: (await kit.vaultPda(reserve))[0],
      tokenProgram: address(i.tokenProgram),
      ...(await events()),
      ...arg("add_reserve", "args", i.args),
    });
  },
  set_risk_bounds: async (i) =>
    kit.getSetRiskBoundsInstruction({ ...(await governReserve(i)), bounds: arg("set_risk_bounds", "bounds", i.value) }),
  set_calibration_params: async (i) =>
    kit.getSetCalibrationParamsInstruction({
      ...(await governReserve(i)),
      params: arg("set_calibration_params", "params", i.value),
    }),
  set_oracle_config: async (i) =>
    kit.getSetOracleConfigInstruction({
      ...(await governReserve(i)),
      config: arg("set_oracle_config", "config", i.value),
    }),
  set_interest_model: async (i) =>
    kit.getSetInterestModelInstruction({
      ...(await governReserve(i)),
      model: arg("set_interest_model", "model", i.value),
    }),
  set_depth_reporter: async (i) =>
    kit.getSetDepthReporterInstruction({ ...(await governReserve(i)), depthReporter: address(i.value) }),
  set_min_borrow_value: async (i) =>
    kit.getSetMinBorrowValueInstruction({ ...(await governReserve(i)), minBorrowValueQuote: amount(i.value) }),
  set_liquidation_config: async (i) =>
    kit.getSetLiquidationConfigInstruction({
      ...(await governMarket(i)),
      config: arg("set_liquidation_config", "config", i.value),
    }),
  set_guardian: async (i) => kit.getSetGuardianInstruction({ ...(await governMarket(i)), guardian: address(i.value) }),
  set_treasury: async (i) => kit.getSetTreasuryInstruction({ ...(await governMarket(i)), treasury: address(i.value) }),
  propose_authority: async (i) =>
    kit.getProposeAuthorityInstruction({ ...(await governMarket(i)), newAuthority: address(i.value) }),
  accept_authority: async (i) =>
    kit.getAcceptAuthorityInstruction({
      newAuthority: signer(i.newAuthority),
      market: address(i.market),
      ...(await events()),
    }),
  set_pause: async (i) =>
    kit.getSetPauseInstruction({
      signer: signer(i.signer),
      market: address(i.market),
      pauseFlags: Number(i.pauseFlags),
      ...(await events()),
    }),
  refresh_reserve: (i) => kit.refreshReserveInstruction(address(i.market), address(i.reserve), address(i.priceUpdate)),
  report_depth: (i) => kit.reportDepthInstruction(signer(i.reporter), address(i.reserve), amount(i.depthQuote)),
  supply: async (i) =>
    kit.getSupplyInstruction({ ...(await lending(i)), amount: amount(i.amount), minSharesOut: amount(i.minOut) }),
  withdraw_supply: async (i) =>
    kit.getWithdrawSupplyInstruction({
      ...(await lending(i)),
      amount: amount(i.amount),
      minAmountOut: amount(i.minOut),
    }),
  close_lender_position: async (i) =>
    kit.getCloseLenderPositionInstruction({
      owner: signer(i.owner),
      lenderPosition: (await kit.lenderPositionPda(address(i.reserve), address(i.owner)))[0],
      ...(await events()),
    }),
  // The generated async builder derives the position at the compiled-in address itself.
  open_position: async (i) =>
    kit.getOpenPositionInstructionAsync({
      owner: signer(i.owner),
      market: address(i.market),
      collateralReserve: address(i.collateralReserve),
      debtReserve: address(i.debtReserve),
      positionId: amount(i.positionId),
    }),
  deposit_collateral: async (i) =>
    kit.getDepositCollateralInstruction({
      owner: signer(i.owner),
      position: address(i.position),
      ...tokens(i.collateral, i.ownerTokenAccount),
      ...(await events()),
      amount: amount(i.amount),
    }),
  withdraw_collateral: async (i) => {
    const p = pricedPosition(i.p);
    return kit.getWithdrawCollateralInstruction({
      owner: signer(i.p.owner),
      market: p.market,
      position: p.position,
      ...tokens(i.p.collateral, i.ownerTokenAccount),
      debtReserve: p.debt.reserve,
      collateralPrice: p.collateral.priceAccount,
      debtPrice: p.debt.priceAccount,
      ...(await events()),
      amount: amount(i.amount),
    });
  },
  borrow: async (i) => {
    const p = pricedPosition(i.p);
    return kit.getBorrowInstruction({
      owner: signer(i.p.owner),
      market: p.market,
      position: p.position,
      collateralReserve: p.collateral.reserve,
      ...tokens(i.p.debt, i.ownerTokenAccount),
      collateralPrice: p.collateral.priceAccount,
      debtPrice: p.debt.priceAccount,
      ...(await events()),
      amount: amount(i.amount),
    });
  },
  repay: async (i) =>
    kit.getRepayInstruction({
      payer: signer(i.payer),
      position: address(i.position),
      ...tokens(i.debt, i.payerTokenAccount),
      ...(await events()),
      maxAmount: amount(i.maxAmount),
    }),
  close_position: async (i) =>
    kit.getClosePositionInstruction({ owner: signer(i.owner), position: address(i.position), ...(await events()) }),
  claim_protocol_fees: async (i) =>
    kit.getClaimProtocolFeesInstruction({
      market: address(i.market),
      ...tokens(i.asset, i.treasuryTokenAccount),
      ...(await events()),
    }),
  liquidate: (i) =>
    kit.liquidateInstruction(
      pricedPosition(i.p),
      {
        liquidator: signer(i.l.liquidator),
        collateralAccount: address(i.l.collateralAccount),
        debtAccount: address(i.l.debtAccount),
        treasuryCollateralAccount: address(i.l.treasuryCollateralAccount),
      },
      amount(i.maxRepay),
      amount(i.minCollateralOut),
    ),
  write_off_bad_debt: (i) => kit.writeOffBadDebtInstruction(pricedPosition(i.p), address(i.treasuryCollateralAccount)),
};

test("every instruction of the IDL was recorded and has a Kit builder", () => {
  const recorded = new Set(scenario.instructions.map((i) => i.builder));
  assert.equal(recorded.size, 28);
  assert.deepEqual(Object.keys(BUILDERS).sort(), [...recorded].sort());
});

for (const [n, recorded] of scenario.instructions.entries()) {
  test(`Kit client: instruction ${n}, ${recorded.builder}, is built byte for byte as riskctl built it`, async () => {
    assert.deepEqual(asRecorded(await BUILDERS[recorded.builder](recorded.inputs)), recorded.instruction);
  });
}

test("the generated builders fill the event accounts in at the compiled-in address, and take another", async () => {
  const recorded = scenario.instructions.find((i) => i.builder === "refresh_reserve");
  assert.ok(recorded);
  const i = recorded.inputs;
  const defaults = await kit.getRefreshReserveInstructionAsync({
    market: address(i.market),
    reserve: address(i.reserve),
    priceUpdate: address(i.priceUpdate),
  });
  assert.deepEqual(asRecorded(defaults), recorded.instruction);
  const other = address("Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS");
  const there = await kit.refreshReserveInstruction(
    address(i.market),
    address(i.reserve),
    address(i.priceUpdate),
    other,
  );
  const keys = asRecorded(there).keys.map((k) => k.pubkey);
  assert.equal(there.programAddress, other);
  assert.deepEqual(keys.slice(-2), [await kit.eventAuthorityAddress(other), other]);
  assert.notEqual(keys.at(-2), await kit.eventAuthorityAddress());
});

test("amounts a u64 cannot hold are refused by the wrappers, not encoded wrongly", async () => {
  const recorded = scenario.instructions.find((i) => i.builder === "report_depth");
  assert.ok(recorded);
  for (const bad of [-1n, 1n << 64n, 0.5]) {
    await assert.rejects(
      kit.reportDepthInstruction(signer(recorded.inputs.reporter), address(recorded.inputs.reserve), bad),
      RangeError,
    );
  }
});
