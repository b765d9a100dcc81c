pub mod collateral_init;
pub mod collateral_sync;
pub mod threshold_read;

pub use collateral_init::*;
pub use collateral_sync::*;
pub use threshold_read::*;
