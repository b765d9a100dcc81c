use anchor_lang::prelude::*;

/// Every way the consumer refuses a threshold. Append only.
#[error_code]
pub enum ConsumerError {
    #[msg("The reserve has never been calibrated: its threshold is the listing minimum, not a measurement")]
    NotCalibrated,
    #[msg("The risk engine calls this calibration stale: its threshold in use is declining")]
    CalibrationStale,
    #[msg("The calibration is older than this consumer accepts")]
    CalibrationTooOld,
    #[msg("The maximum calibration age must be between 1 second and 7 days")]
    InvalidMaxAge,
    #[msg("Reserve does not match the collateral config's reserve")]
    WrongReserve,
    #[msg("The reserve's account layout version is not the one this consumer reads")]
    UnsupportedReserveVersion,
    #[msg("Market is not the reserve's market")]
    WrongMarket,
}
