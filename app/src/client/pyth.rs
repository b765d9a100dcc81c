//! Pyth `PriceUpdateV2` accounts as the Pyth receiver program writes them.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountSerialize;
use pyth_solana_receiver_sdk::price_update::{PriceFeedMessage, PriceUpdateV2, VerificationLevel};
use solana_sdk::account::Account;

/// One price report, in Pyth's own integer form (`price × 10^exponent`).
#[derive(Debug, Clone, Copy)]
pub struct PythPrice {
    pub feed_id: [u8; 32],
    pub price: i64,
    pub conf: u64,
    pub exponent: i32,
    pub publish_time: i64,
    pub ema_price: i64,
    pub ema_conf: u64,
    pub verification: VerificationLevel,
}

impl PythPrice {
    /// A fully verified report of `price` (in units of 10^exponent) with a
    /// 0.1 % confidence and the EMA equal to the spot price.
    pub fn new(feed_id: [u8; 32], price: i64, exponent: i32, publish_time: i64) -> Self {
        let conf = (price / 1_000).unsigned_abs();
        Self {
            feed_id,
            price,
            conf,
            exponent,
            publish_time,
            ema_price: price,
            ema_conf: conf,
            verification: VerificationLevel::Full,
        }
    }

    /// The account the Pyth receiver would hold for this report.
    pub fn to_account(&self) -> Account {
        self.to_account_by(Pubkey::new_unique())
    }

    /// The account as posted by `write_authority`: a recording that must
    /// give the same bytes on every run names its poster.
    pub fn to_account_by(&self, write_authority: Pubkey) -> Account {
        let mut data = Vec::with_capacity(PriceUpdateV2::LEN);
        self.to_update_by(write_authority)
            .try_serialize(&mut data)
            .expect("price update serialises");
        // `Full` is one byte shorter than `Partial`; the receiver allocates LEN.
        data.resize(PriceUpdateV2::LEN, 0);
        Account {
            lamports: super::tokens::rent_exempt(PriceUpdateV2::LEN),
            data,
            owner: pyth_solana_receiver_sdk::ID,
            executable: false,
            rent_epoch: 0,
        }
    }

    /// The decoded account, as the program sees it.
    pub fn to_update(&self) -> PriceUpdateV2 {
        self.to_update_by(Pubkey::new_unique())
    }

    /// The decoded account as posted by `write_authority`, which the
    /// program does not read: replays of millions of ticks pass one key
    /// rather than draw a fresh one each.
    pub fn to_update_by(&self, write_authority: Pubkey) -> PriceUpdateV2 {
        PriceUpdateV2 {
            write_authority,
            verification_level: self.verification,
            price_message: PriceFeedMessage {
                feed_id: self.feed_id,
                price: self.price,
                conf: self.conf,
                exponent: self.exponent,
                publish_time: self.publish_time,
                prev_publish_time: self.publish_time - 1,
                ema_price: self.ema_price,
                ema_conf: self.ema_conf,
            },
            posted_slot: 1,
        }
    }
}
