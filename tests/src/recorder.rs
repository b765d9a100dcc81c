//! Records a scenario on the bank for the TypeScript client's tests: every
//! instruction as `riskctl`'s builders made it (with what they were given),
//! every event as the inner-instruction data `emit_cpi!` produced, and
//! accounts as bytes beside what the program's own types read from them.
//! The client must decode and build exactly the same.
//!
//! Values the program's types read are written with `serde`, every number
//! as a decimal string (JavaScript's numbers lose `u64`s past 2^53).

use anchor_lang::event::EVENT_IX_TAG_LE;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AnchorDeserialize, Discriminator};
use base64::Engine;
use risk_engine::events::*;
use serde::Serialize;
use serde_json::{json, Map, Value};
use solana_sdk::signature::Keypair;

use crate::{events::EmittedEvents, TestFixture, TxResult};

/// `value` as JSON with every number turned into its decimal string.
pub fn to_json(value: &impl Serialize) -> Value {
    numbers_as_strings(serde_json::to_value(value).expect("serialisable"))
}

fn numbers_as_strings(value: Value) -> Value {
    match value {
        Value::Number(number) => Value::String(number.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_strings).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, numbers_as_strings(value)))
                .collect(),
        ),
        other => other,
    }
}

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A zero-copy account's data as the chain holds it: discriminator, then
/// the fields.
pub fn account_base64<T: bytemuck::Pod + Discriminator>(value: &T) -> String {
    let mut data = T::DISCRIMINATOR.to_vec();
    data.extend_from_slice(bytemuck::bytes_of(value));
    base64(&data)
}

/// The variable that rewrites committed recordings.
pub const BLESS: &str = "RISK_FIXTURES_BLESS";

/// Compares `recording` with the file the TypeScript clients are tested
/// against (`app/ts/fixtures/<name>`), or rewrites it when `BLESS` is set;
/// `test` is the test that records it, for the message.
pub fn compare_or_bless(name: &str, recording: &Value, test: &str) {
    let path = crate::crate_file("../app/ts/fixtures").join(name);
    let mut fresh = serde_json::to_string_pretty(recording).expect("serialisable");
    fresh.push('\n');
    if std::env::var_os(BLESS).is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        // Written whole and renamed, so a reader never sees half a file.
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, &fresh).unwrap();
        std::fs::rename(&partial, &path).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let difference = if path.exists() {
        riskctl::idl::first_difference(&committed, &fresh)
    } else {
        Some("it is missing".to_string())
    };
    if let Some(difference) = difference {
        panic!(
            "{} is not what the program records ({difference}). The TypeScript clients are tested \
             against it; after a deliberate change, rewrite it with \
             `{BLESS}=1 cargo test -p risk-engine-tests --test program {test}` and commit it with \
             the change",
            path.display()
        );
    }
}

pub fn key(pubkey: &Pubkey) -> Value {
    Value::String(pubkey.to_string())
}

pub fn instruction_json(ix: &Instruction) -> Value {
    json!({
        "programId": ix.program_id.to_string(),
        "keys": ix.accounts.iter().map(|meta| json!({
            "pubkey": meta.pubkey.to_string(),
            "isSigner": meta.is_signer,
            "isWritable": meta.is_writable,
        })).collect::<Vec<_>>(),
        "data": base64(&ix.data),
    })
}

/// The name and fields of one event, read with the program's own type.
/// Every event type of the program is listed; an unknown discriminator
/// panics, so a new event cannot go unrecorded.
pub fn event_json(data: &[u8]) -> (&'static str, Value) {
    macro_rules! try_each {
        ($($event:ident),* $(,)?) => {$(
            if let Some(mut body) = data.strip_prefix($event::DISCRIMINATOR) {
                let event = $event::deserialize(&mut body).expect("event decodes");
                assert!(body.is_empty(), "{} has trailing bytes", stringify!($event));
                return (stringify!($event), to_json(&event));
            }
        )*};
    }
    try_each!(
        MarketInitialized,
        ReserveAdded,
        RiskBoundsUpdated,
        CalibrationParamsUpdated,
        OracleConfigUpdated,
        InterestModelUpdated,
        DepthReporterUpdated,
        LiquidationConfigUpdated,
        AuthorityProposed,
        AuthorityAccepted,
        GuardianUpdated,
        TreasuryUpdated,
        PauseFlagsUpdated,
        ReserveRefreshed,
        ReservePriceSeeded,
        ReserveRefreshSkipped,
        ThresholdChanged,
        DepthReported,
        Supplied,
        SupplyWithdrawn,
        PositionOpened,
        CollateralDeposited,
        CollateralWithdrawn,
        Borrowed,
        Repaid,
        PositionClosed,
        LenderPositionClosed,
        ProtocolFeesClaimed,
        Liquidated,
        BadDebtWrittenOff,
        MinBorrowValueUpdated,
    );
    panic!("an event this recorder does not know: {:?}", &data[..8]);
}

/// What a scenario leaves for the client's tests.
#[derive(Default)]
pub struct Recording {
    pub instructions: Vec<Value>,
    pub events: Vec<Value>,
    pub accounts: Vec<Value>,
    pub health: Vec<Value>,
    /// Liquidation quotes (`quotes::quote`).
    pub quotes: Vec<Value>,
    pub pdas: Vec<Value>,
}

impl Recording {
    /// Sends one instruction built by `builder` from `inputs`, records both
    /// and the events it emitted, and returns the result.
    pub async fn send(
        &mut self,
        f: &mut TestFixture,
        builder: &str,
        inputs: Value,
        ix: Instruction,
        signers: &[&Keypair],
    ) -> TxResult {
        self.instructions.push(json!({
            "builder": builder,
            "inputs": inputs,
            "instruction": instruction_json(&ix),
        }));
        let result = f.send(&[ix], signers).await;
        if let Ok(events) = &result {
            self.record_events(events);
        }
        result
    }

    fn record_events(&mut self, events: &EmittedEvents) {
        for data in &events.0 {
            let (name, fields) = event_json(data);
            // The inner instruction `emit_cpi!` makes: the event tag, then
            // the event's discriminator and Borsh data.
            let inner: Vec<u8> = EVENT_IX_TAG_LE.iter().chain(data).copied().collect();
            self.events.push(json!({
                "name": name,
                "programId": risk_engine::ID.to_string(),
                "innerInstructionData": bs58::encode(inner).into_string(),
                "fields": fields,
            }));
        }
    }

    /// Records an account's bytes beside what the program's type `T` reads.
    pub async fn account<T>(&mut self, f: &mut TestFixture, type_name: &str, address: Pubkey)
    where
        T: bytemuck::Pod + Discriminator + Serialize,
    {
        let data = f.raw(address).await.expect("account exists");
        let value: T = crate::bank::load(&mut f.context, address).await;
        self.accounts.push(json!({
            "type": type_name,
            "address": address.to_string(),
            "data": base64(&data),
            "fields": to_json(&value),
        }));
    }

    pub fn into_json(self, errors: Value) -> Value {
        let mut out = Map::new();
        out.insert("programId".into(), key(&risk_engine::ID));
        out.insert("instructions".into(), Value::Array(self.instructions));
        out.insert("events".into(), Value::Array(self.events));
        out.insert("accounts".into(), Value::Array(self.accounts));
        out.insert("health".into(), Value::Array(self.health));
        out.insert("quotes".into(), Value::Array(self.quotes));
        out.insert("pdas".into(), Value::Array(self.pdas));
        out.insert("errors".into(), errors);
        Value::Object(out)
    }
}
