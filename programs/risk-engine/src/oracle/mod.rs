pub mod pyth;
