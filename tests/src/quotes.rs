//! Liquidation quotes for the TypeScript clients' tests: what riskctl's
//! liquidator (`liquidator::evaluate`, which runs the program's own
//! `liquidation::liquidate` on copies) answers for a position, beside every
//! input a client needs to compute it again: the accounts' bytes, both Pyth
//! accounts and the clock.

use std::collections::HashMap;

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use pyth_solana_receiver_sdk::price_update::PriceUpdateV2;
use risk_engine::liquidation::{self, LiquidationOutcome};
use risk_engine::oracle::pyth::{load_price, PriceUse};
use risk_engine::state::{Market, Position, Reserve};
use riskctl::liquidator::evaluate::{evaluate, MarketView, ReserveView};
use serde_json::{json, Value};

use crate::recorder::{account_base64, base64};

/// One position to quote, as its accounts are stored.
pub struct QuoteCase<'a> {
    pub name: &'a str,
    pub now: i64,
    pub address: Pubkey,
    pub position: Position,
    pub collateral: Reserve,
    /// The collateral reserve's `PriceUpdateV2` account data.
    pub collateral_price: Vec<u8>,
    pub debt: Reserve,
    pub debt_price: Vec<u8>,
    pub market: Market,
    pub max_repay: u64,
    pub tolerance_bps: u16,
}

/// The program's error name, or the message of an error of another kind.
pub fn error_name(error: &anchor_lang::error::Error) -> String {
    match error {
        anchor_lang::error::Error::AnchorError(e) => e.error_name.clone(),
        anchor_lang::error::Error::ProgramError(e) => e.to_string(),
    }
}

/// What the program's liquidation does to the case (or the error it
/// refuses it with), checked against riskctl's `evaluate`, and the case as
/// the clients read it.
pub fn quote(case: &QuoteCase) -> (anchor_lang::Result<LiquidationOutcome>, Value) {
    let accepted = |data: &[u8], reserve: &Reserve| {
        let update = PriceUpdateV2::try_deserialize(&mut &data[..]).expect("a price update");
        load_price(&update, &reserve.oracle, case.now, PriceUse::Liquidation)
            .unwrap_or_else(|e| panic!("{}: price refused: {e}", case.name))
    };
    let collateral_price = accepted(&case.collateral_price, &case.collateral);
    let debt_price = accepted(&case.debt_price, &case.debt);
    let (collateral_key, debt_key) = (case.position.collateral_reserve, case.position.debt_reserve);
    let reserves = HashMap::from([
        (
            collateral_key,
            ReserveView {
                reserve: case.collateral,
                price: collateral_price,
            },
        ),
        (
            debt_key,
            ReserveView {
                reserve: case.debt,
                price: debt_price,
            },
        ),
    ]);
    let view = MarketView::new(
        reserves,
        case.market.liquidation,
        case.market.refresh_paused_secs_at(case.now),
        case.now,
    )
    .expect("interest accrues");
    // The program's liquidation on copies, for its outcome or its error.
    let (mut position, mut collateral, mut debt) = (
        case.position,
        view.reserves[&collateral_key].reserve,
        view.reserves[&debt_key].reserve,
    );
    let outcome = liquidation::liquidate(
        &mut position,
        &mut collateral,
        &collateral_price,
        &mut debt,
        &debt_price,
        &view.rules,
        case.max_repay,
        case.now,
    );
    let candidate = evaluate(
        &view,
        case.address,
        &case.position,
        case.tolerance_bps,
        case.max_repay,
    );
    assert_eq!(
        candidate.map(|c| c.outcome),
        outcome.as_ref().ok().copied(),
        "{}: evaluate prices what the program does",
        case.name
    );
    let expected = match (&outcome, candidate) {
        (Ok(o), Some(c)) => json!({
            "error": null,
            "outcome": outcome_json(o),
            "minCollateralOut": c.min_collateral_out.to_string(),
            "profitQuoteBits": c.profit_quote.to_bits().to_string(),
        }),
        (Err(error), _) => json!({"error": error_name(error)}),
        (Ok(_), None) => unreachable!("compared above"),
    };
    let recorded = json!({
        "name": case.name,
        "now": case.now.to_string(),
        "address": case.address.to_string(),
        "position": account_base64(&case.position),
        "collateralReserve": account_base64(&case.collateral),
        "debtReserve": account_base64(&case.debt),
        "collateralPrice": base64(&case.collateral_price),
        "debtPrice": base64(&case.debt_price),
        "market": account_base64(&case.market),
        "maxRepay": case.max_repay.to_string(),
        "toleranceBps": case.tolerance_bps.to_string(),
        "expected": expected,
    });
    (outcome, recorded)
}

pub fn outcome_json(o: &LiquidationOutcome) -> Value {
    json!({
        "thresholdBps": o.threshold_bps.to_string(),
        "healthBeforeBits": o.health_before.to_bits().to_string(),
        "healthAfterBits": o.health_after.to_bits().to_string(),
        "repaid": o.repaid.to_string(),
        "seized": o.seized.to_string(),
        "toLiquidator": o.split.to_liquidator.to_string(),
        "protocolFee": o.split.protocol_fee.to_string(),
        "bonus": o.split.bonus.to_string(),
        "deficit": o.deficit.to_string(),
        "deficitAbsorbedByFees": o.deficit_absorbed_by_fees.to_string(),
    })
}
