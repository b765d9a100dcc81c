//! The program's own words about a refusal: from the transaction logs when
//! the cluster keeps them, else from the error code.

use risk_engine::error::RiskError;

/// A one-line reason, e.g. "WrongTreasury (6040): Token account is not
/// owned by the market's treasury".
pub fn describe(code: Option<u32>, logs: &[String], runtime_error: &str) -> String {
    if let Some(message) = anchor_error_message(logs) {
        return message;
    }
    match code.and_then(RiskError::from_code) {
        Some(error) => format!("{} ({}): {error}", error.name(), u32::from(error)),
        None => match code {
            Some(code) => format!("custom program error {code} ({runtime_error})"),
            None => runtime_error.to_string(),
        },
    }
}

/// The message of the first `AnchorError` in `logs`.
fn anchor_error_message(logs: &[String]) -> Option<String> {
    logs.iter().find_map(|line| {
        let rest = line.split("AnchorError").nth(1)?;
        let name = between(rest, "Error Code: ", ". Error Number");
        let number = between(rest, "Error Number: ", ". Error Message");
        let message = rest.split("Error Message: ").nth(1)?.trim_end_matches('.');
        Some(match (name, number) {
            (Some(name), Some(number)) => format!("{name} ({number}): {message}"),
            _ => message.to_string(),
        })
    })
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    text.split(start).nth(1)?.split(end).next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_logged_message() {
        let logs = vec![
            "Program RiskEng1ne111111111111111111111111111111111 invoke [1]".to_string(),
            "Program log: AnchorError caused by account: treasury_collateral_account. Error Code: WrongTreasury. Error Number: 6040. Error Message: Token account is not owned by the market's treasury.".to_string(),
        ];
        assert_eq!(
            describe(Some(6040), &logs, "custom program error: 0x1798"),
            "WrongTreasury (6040): Token account is not owned by the market's treasury"
        );
    }

    #[test]
    fn falls_back_to_the_code_then_the_runtime() {
        let healthy = u32::from(RiskError::PositionHealthy);
        let described = describe(Some(healthy), &[], "custom program error");
        assert!(described.starts_with("PositionHealthy ("), "{described}");
        assert!(
            described.contains("health factor is at least 1"),
            "{described}"
        );
        assert_eq!(
            describe(Some(2040), &[], "custom program error: 0x7f8"),
            "custom program error 2040 (custom program error: 0x7f8)"
        );
        assert_eq!(
            describe(None, &[], "insufficient funds"),
            "insufficient funds"
        );
    }
}
