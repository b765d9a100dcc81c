//! Where transactions go. Today: the embedded bank.

pub mod embedded;
