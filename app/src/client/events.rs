//! Events captured from `emit_cpi!` self-invocations.

use anchor_lang::event::EVENT_IX_TAG_LE;
use anchor_lang::{AnchorDeserialize, Discriminator};
use solana_sdk::inner_instruction::InnerInstructions;

/// Every event one transaction emitted, in order: discriminator and Borsh data.
#[derive(Debug, Default, Clone)]
pub struct EmittedEvents(pub Vec<Vec<u8>>);

impl EmittedEvents {
    /// Picks the self-invocations that carry events out of a transaction's
    /// inner instructions.
    pub fn from_inner_instructions(inner: Vec<InnerInstructions>) -> Self {
        let events = inner
            .into_iter()
            .flatten()
            .filter_map(|ix| {
                ix.instruction
                    .data
                    .strip_prefix(EVENT_IX_TAG_LE)
                    .map(<[u8]>::to_vec)
            })
            .collect();
        Self(events)
    }

    /// The only event of type `E`; panics when there is none or several.
    pub fn one<E: AnchorDeserialize + Discriminator>(&self) -> E {
        let mut found = self.all::<E>();
        assert_eq!(found.len(), 1, "expected exactly one event of this type");
        found.remove(0)
    }

    pub fn all<E: AnchorDeserialize + Discriminator>(&self) -> Vec<E> {
        self.0
            .iter()
            .filter_map(|data| data.strip_prefix(E::DISCRIMINATOR))
            .map(|mut body| E::deserialize(&mut body).expect("event decodes"))
            .collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
