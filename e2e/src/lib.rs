//! The end-to-end suite's parts: an in-process validator hosting the
//! program, a stand-in Pyth receiver, the `riskctl` binary, and an
//! embedded mirror that the validator's state is compared with.

pub mod binary;
pub mod compare;
pub mod mirror;
pub mod oracle;
pub mod validator;
