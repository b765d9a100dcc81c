//! `riskctl show market|reserve|position`: the chain state as tables with
//! units, or as JSON with raw integers under unit-named keys.

use anchor_lang::prelude::Pubkey;
use anyhow::Result;
use fixed::types::I80F48;
use risk_engine::calibration::{effective_threshold_bps, following_pauses};
use risk_engine::lending::position_debt;
use risk_engine::liquidation::position_sides;
use risk_engine::math::liquidation::health_factor;
use risk_engine::math::volatility::annualised_sigma_bps;
use risk_engine::oracle::pyth::{load_price, OraclePrice, PriceUse};
use risk_engine::state::{Market, Reserve};
use serde_json::{json, Map, Value};

use crate::accounts::{self, PriceAccounts};
use crate::chain::Chain;
use crate::config::units::{fmt_bps, fmt_tokens, fmt_usd, fmt_usd_price};
use crate::describe::{self, Described};
use crate::table::Table;

/// What a `show` prints: titled sections of values, each with its human
/// text and its raw value.
#[derive(Default)]
pub struct View {
    sections: Vec<Section>,
}

struct Section {
    title: String,
    rows: Vec<Row>,
}

struct Row {
    label: String,
    human: String,
    raw: Value,
}

impl View {
    fn section(&mut self, title: &str) -> &mut Section {
        self.sections.push(Section {
            title: title.to_string(),
            rows: Vec::new(),
        });
        self.sections.last_mut().expect("just pushed")
    }

    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for section in &self.sections {
            out.push_str(&format!("{}\n", section.title));
            let mut table = Table::new(&["", ""]);
            for row in &section.rows {
                table.row(vec![human_label(&row.label), row.human.clone()]);
            }
            // Skip the empty header and its rule.
            out.extend(
                table
                    .render()
                    .lines()
                    .skip(2)
                    .map(|line| format!("  {line}\n")),
            );
            out.push('\n');
        }
        out
    }

    pub fn to_json(&self) -> Value {
        let mut root = Map::new();
        for section in &self.sections {
            let rows: Map<String, Value> = section
                .rows
                .iter()
                .map(|row| (row.label.clone(), row.raw.clone()))
                .collect();
            root.insert(section.title.replace(' ', "_"), Value::Object(rows));
        }
        Value::Object(root)
    }
}

/// "liquidation_threshold_bps" reads "liquidation threshold" in a table,
/// whose values carry their units.
fn human_label(key: &str) -> String {
    let mut label = key;
    for suffix in ["_bps_per_year", "_bps", "_usd"] {
        label = label.strip_suffix(suffix).unwrap_or(label);
    }
    label.replace('_', " ")
}

impl Section {
    /// `label` names the raw value's unit when it has one (`..._bps`).
    fn row(&mut self, label: &str, human: String, raw: Value) -> &mut Self {
        self.rows.push(Row {
            label: label.to_string(),
            human,
            raw,
        });
        self
    }

    fn described(&mut self, values: Described, raws: &[Value]) -> &mut Self {
        for ((name, human), raw) in values.into_iter().zip(raws) {
            self.row(name, human, raw.clone());
        }
        self
    }
}

/// Names of mints, from the deployment file, for titles.
pub type Symbols = std::collections::HashMap<Pubkey, String>;

pub fn market(
    chain: &mut dyn Chain,
    address: &Pubkey,
    prices: &PriceAccounts,
    symbols: &Symbols,
) -> Result<View> {
    let market = accounts::market(chain, address)?;
    let mut view = View::default();
    market_keys(view.section("market"), address, &market);
    let rules = market.liquidation;
    view.section("liquidation rules").described(
        describe::liquidation(&rules),
        &[
            json!(rules.close_factor_bps),
            json!(rules.full_liquidation_health_bps),
            json!(rules.protocol_fee_share_bps),
            json!(rules.dust_value_quote_e6),
        ],
    );
    let now = chain.unix_timestamp()?;
    for (reserve_address, reserve) in accounts::reserves_of(chain, address)? {
        let reserve = following_pauses(&reserve, &market, now);
        let price = current_price(chain, prices, &reserve_address, &reserve, now);
        let title = match symbols.get(&reserve.mint) {
            Some(symbol) => format!("reserve {symbol} {reserve_address}"),
            None => format!("reserve {reserve_address}"),
        };
        reserve_summary(view.section(&title), &reserve, price.as_ref().ok(), now);
    }
    Ok(view)
}

fn market_keys(section: &mut Section, address: &Pubkey, market: &Market) {
    let quote = String::from_utf8_lossy(&market.quote_currency)
        .trim_end_matches('\0')
        .to_string();
    section
        .row("address", address.to_string(), json!(address.to_string()))
        .row(
            "authority",
            market.authority.to_string(),
            json!(market.authority.to_string()),
        )
        .row(
            "pending_authority",
            describe::key(&market.pending_authority),
            json!(describe::key(&market.pending_authority)),
        )
        .row(
            "guardian",
            market.guardian.to_string(),
            json!(market.guardian.to_string()),
        )
        .row(
            "treasury",
            market.treasury.to_string(),
            json!(market.treasury.to_string()),
        )
        .row(
            "market_id",
            market.market_id.to_string(),
            json!(market.market_id),
        )
        .row("quote_currency", quote.clone(), json!(quote))
        .row(
            "paused",
            crate::gov::flag_names(market.pause_flags),
            json!(market.pause_flags),
        );
}

/// The reserve's price as the program would accept it now.
fn current_price(
    chain: &mut dyn Chain,
    prices: &PriceAccounts,
    address: &Pubkey,
    reserve: &Reserve,
    now: i64,
) -> Result<OraclePrice, String> {
    let account = prices.for_reserve(address, reserve);
    match accounts::price_update(chain, &account) {
        Ok(Some(update)) => load_price(&update, &reserve.oracle, now, PriceUse::Lending)
            .map_err(|error| crate::config::resolve::program_reason(&error)),
        Ok(None) => Err(format!("no Pyth account at {account}")),
        Err(error) => Err(format!("{error:#}")),
    }
}

fn reserve_summary(
    section: &mut Section,
    reserve: &Reserve,
    price: Option<&OraclePrice>,
    now: i64,
) {
    let calibrated = &reserve.calibrated;
    let lending = &reserve.lending;
    let decimals = reserve.mint_decimals;
    let fast = annualised_sigma_bps(calibrated.fast_variance_per_year.into());
    let slow = annualised_sigma_bps(calibrated.slow_variance_per_year.into());
    let borrowed: I80F48 = lending.borrowed_amount.into();
    let borrowed_units = borrowed.ceil().to_num::<u64>();
    let effective = effective_threshold_bps(reserve, now);
    section
        .row(
            "mint",
            reserve.mint.to_string(),
            json!(reserve.mint.to_string()),
        )
        .row(
            "price_usd",
            price.map_or("unavailable".into(), |p| {
                fmt_usd_price(p.price.to_num::<f64>())
            }),
            json!(price.map(|p| p.price.to_num::<f64>())),
        )
        .row(
            "liquidation_threshold_bps",
            fmt_bps(calibrated.liquidation_threshold_bps.into()),
            json!(calibrated.liquidation_threshold_bps),
        )
        .row(
            "effective_threshold_bps",
            fmt_bps(effective.into()),
            json!(effective),
        )
        .row(
            "max_ltv_bps",
            fmt_bps(calibrated.max_ltv_bps.into()),
            json!(calibrated.max_ltv_bps),
        )
        .row(
            "liquidation_bonus_bps",
            fmt_bps(calibrated.liquidation_bonus_bps.into()),
            json!(calibrated.liquidation_bonus_bps),
        )
        .row(
            "sigma_fast_bps_per_year",
            format!("{}/year", fmt_bps(fast)),
            json!(fast),
        )
        .row(
            "sigma_slow_bps_per_year",
            format!("{}/year", fmt_bps(slow)),
            json!(slow),
        )
        .row(
            "available_liquidity",
            format!(
                "{} tokens",
                fmt_tokens(lending.available_liquidity, decimals)
            ),
            json!(lending.available_liquidity),
        )
        .row(
            "borrowed",
            format!("{} tokens", fmt_tokens(borrowed_units, decimals)),
            json!(borrowed_units),
        )
        .row(
            "total_collateral",
            format!("{} tokens", fmt_tokens(lending.total_collateral, decimals)),
            json!(lending.total_collateral),
        )
        .row(
            "deficit",
            format!("{} tokens", fmt_tokens(lending.deficit, decimals)),
            json!(lending.deficit),
        )
        .row(
            "last_publish_time",
            format!("{} (unix s)", calibrated.last_publish_time),
            json!(calibrated.last_publish_time),
        );
}

/// The reserve as an instruction would find it at `now`: past its market's
/// refresh pauses, so its threshold in use and staleness are the program's.
fn in_use(chain: &mut dyn Chain, reserve: &Reserve, now: i64) -> Result<Reserve> {
    let market = accounts::market(chain, &reserve.market)?;
    Ok(following_pauses(reserve, &market, now))
}

pub fn reserve(chain: &mut dyn Chain, address: &Pubkey, prices: &PriceAccounts) -> Result<View> {
    let now = chain.unix_timestamp()?;
    let stored = accounts::reserve(chain, address)?;
    let reserve = in_use(chain, &stored, now)?;
    let price = current_price(chain, prices, address, &reserve, now);
    let mut view = View::default();
    let summary = view.section("reserve");
    summary.row("address", address.to_string(), json!(address.to_string()));
    reserve_summary(summary, &reserve, price.as_ref().ok(), now);
    if let Err(reason) = &price {
        summary.row("price_problem", reason.clone(), json!(reason));
    }
    let (o, b, c, i) = (
        reserve.oracle,
        reserve.bounds,
        reserve.calibration,
        reserve.interest,
    );
    view.section("oracle").described(
        describe::oracle(&o),
        &[
            json!(describe::hex(&o.feed_id)),
            json!(o.max_age_secs),
            json!(o.max_confidence_bps),
            json!(o.min_verification),
        ],
    );
    view.section("bounds").described(
        describe::bounds(&b),
        &[
            json!(b.lt_min_bps),
            json!(b.lt_max_bps),
            json!(b.max_tighten_bps_per_hour),
            json!(b.max_loosen_bps_per_hour),
            json!(b.bonus_min_bps),
            json!(b.bonus_max_bps),
            json!(b.ltv_buffer_bps),
        ],
    );
    view.section("calibration").described(
        describe::calibration(&c),
        &[
            json!(c.reference_liquidation_quote),
            json!(c.min_depth_quote),
            json!(c.horizon_secs),
            json!(c.quantile_z_milli),
            json!(c.fast_half_life_secs),
            json!(c.slow_half_life_secs),
            json!(c.calibration_max_age_secs),
            json!(c.depth_max_age_secs),
            json!(c.max_slippage_bps),
        ],
    );
    view.section("interest").described(
        describe::interest(&i, reserve.mint_decimals, "tokens"),
        &[
            json!(i.supply_cap),
            json!(i.borrow_cap),
            json!(i.base_rate_bps),
            json!(i.slope1_bps),
            json!(i.slope2_bps),
            json!(i.kink_utilization_bps),
            json!(i.reserve_factor_bps),
        ],
    );
    Ok(view)
}

pub fn position(chain: &mut dyn Chain, address: &Pubkey, prices: &PriceAccounts) -> Result<View> {
    let position = accounts::load::<risk_engine::state::Position>(chain, address)?
        .ok_or_else(|| anyhow::anyhow!("no position at {address} on {}", chain.describe()))?;
    let now = chain.unix_timestamp()?;
    let stored = accounts::reserve(chain, &position.collateral_reserve)?;
    let collateral = in_use(chain, &stored, now)?;
    let debt_reserve = accounts::reserve(chain, &position.debt_reserve)?;
    let owed = position_debt(&debt_reserve, &position)
        .map_err(|error| anyhow::anyhow!(crate::config::resolve::program_reason(&error)))?;
    let mut view = View::default();
    let section = view.section("position");
    section
        .row("address", address.to_string(), json!(address.to_string()))
        .row(
            "owner",
            position.owner.to_string(),
            json!(position.owner.to_string()),
        )
        .row(
            "collateral_reserve",
            position.collateral_reserve.to_string(),
            json!(position.collateral_reserve.to_string()),
        )
        .row(
            "debt_reserve",
            position.debt_reserve.to_string(),
            json!(position.debt_reserve.to_string()),
        )
        .row(
            "collateral",
            format!(
                "{} tokens",
                fmt_tokens(position.collateral_amount, collateral.mint_decimals)
            ),
            json!(position.collateral_amount),
        )
        .row(
            "debt",
            format!("{} tokens", fmt_tokens(owed, debt_reserve.mint_decimals)),
            json!(owed),
        );
    let collateral_price = current_price(
        chain,
        prices,
        &position.collateral_reserve,
        &collateral,
        now,
    );
    let debt_price = current_price(chain, prices, &position.debt_reserve, &debt_reserve, now);
    let (Ok(cp), Ok(dp)) = (collateral_price, debt_price) else {
        section.row(
            "health_factor",
            "unavailable: a price is missing or refused".into(),
            Value::Null,
        );
        return Ok(view);
    };
    let (collateral_side, debt_side) =
        position_sides(&position, &collateral, &cp, &debt_reserve, &dp)
            .map_err(|error| anyhow::anyhow!(crate::config::resolve::program_reason(&error)))?;
    let threshold = effective_threshold_bps(&collateral, now);
    let collateral_usd = collateral_side
        .value()
        .map(|v| v.to_num::<f64>())
        .unwrap_or(f64::NAN);
    let debt_usd = debt_side
        .value()
        .map(|v| v.to_num::<f64>())
        .unwrap_or(f64::NAN);
    let ltv_bps = if collateral_usd > 0.0 {
        (debt_usd / collateral_usd * 10_000.0).round() as u64
    } else {
        0
    };
    let health = health_factor(&collateral_side, &debt_side, threshold)
        .map(|h| {
            if h == I80F48::MAX {
                f64::INFINITY
            } else {
                h.to_num::<f64>()
            }
        })
        .unwrap_or(f64::NAN);
    section
        .row(
            "collateral_value_usd",
            fmt_usd(collateral_usd),
            json!(collateral_usd),
        )
        .row("debt_value_usd", fmt_usd(debt_usd), json!(debt_usd))
        .row("ltv_bps", fmt_bps(ltv_bps), json!(ltv_bps))
        .row("threshold_bps", fmt_bps(threshold.into()), json!(threshold))
        .row(
            "health_factor",
            if health.is_finite() {
                format!("{health:.4}")
            } else {
                "no debt".into()
            },
            if health.is_finite() {
                json!(health)
            } else {
                Value::Null
            },
        )
        .row(
            "liquidatable",
            (health < 1.0).to_string(),
            json!(health < 1.0),
        );
    Ok(view)
}
